#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# banned.sh: fails if library or tool code calls a banned function
# (conventions §23: unchecked parsing and unbounded string functions).
# Comments are stripped first, so prose may name them.
cd "$(dirname "$0")/../.." || exit 2
pattern='\b(atoi|atol|atoll|strtol|strtoul|strtoll|strtoull|sscanf|strcpy|strcat|sprintf|vsprintf|strtok|alloca|gets)[[:space:]]*\('
hits=$(find lib tools -name '*.[ch]' -print0 | xargs -0 perl -0777 -ne '
    s{/\*.*?\*/}{ my $c = $&; $c =~ s/[^\n]//g; $c }gse;   # keep line numbers
    s{//[^\n]*}{}g;
    my $n = 0;
    for my $l (split /\n/, $_, -1) {
        $n++;
        print "$ARGV:$n: $l\n" if $l =~ /'"$pattern"'/;
    }' || true)
if [ -n "$hits" ]; then
    echo "banned functions used:"
    echo "$hits"
    exit 1
fi
echo "ok: no banned functions in lib/ and tools/"
