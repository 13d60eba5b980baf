#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banned.sh: fails if library or tool code calls a banned function
# (conventions §23: unchecked parsing and unbounded string functions).
cd "$(dirname "$0")/../.." || exit 2
pattern='\b(atoi|atol|atoll|strtol|strtoul|strtoll|strtoull|sscanf|strcpy|strcat|sprintf|vsprintf|strtok|alloca|gets)[[:space:]]*\('
hits=$(grep -rnE "$pattern" lib tools --include='*.c' --include='*.h' |
       grep -v '^\S*:[0-9]*:\s*//' || true)
if [ -n "$hits" ]; then
    echo "banned functions used:"
    echo "$hits"
    exit 1
fi
echo "ok: no banned functions in lib/ and tools/"
