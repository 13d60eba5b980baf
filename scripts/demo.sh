#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# demo.sh: the main job. Installs what is missing, builds vigil, and scans
# an EICAR test file and a clean file with the starter database.
# Exit code is the scan's: 1, because EICAR is found.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh build
cmake --preset release >/dev/null
cmake --build build/release --target vigil_cli >/dev/null

demo=$(mktemp -d /tmp/vigil-demo.XXXXXX)
trap 'rm -rf "$demo"' EXIT
# EICAR, assembled from two halves so this script is not itself detected.
printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT' \
    'IVIRUS-TEST-FILE!$H+H*' >"$demo/eicar.com"
printf 'Hello, I am a perfectly ordinary text file.\n' >"$demo/hello.txt"

set +e
build/release/tools/vigil scan -d db/starter "$demo/eicar.com" "$demo/hello.txt"
rc=$?
set -e
cat <<EOT

Exit code $rc (0 clean, 1 found, 2 error). Scan your own files next:
    build/release/tools/vigil scan -r /path/to/dir
    build/release/tools/vigil scan -d /var/lib/clamav -r /home
EOT
exit $rc
