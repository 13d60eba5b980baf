#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# deps.sh: install the Debian 12 packages vigil needs, only those missing.
# Usage: scripts/deps.sh build|test
set -euo pipefail

build_pkgs=(gcc g++ cmake ninja-build pkg-config libssl-dev libvectorscan-dev
            zlib1g-dev libpcre2-dev libcurl4-openssl-dev libarchive-dev
            libmspack-dev libbz2-dev liblzma-dev libzstd-dev)
test_pkgs=(libcmocka-dev clang clamav clamav-testfiles python3 util-linux openssl
           clamav-daemon python3-pyclamd python3-jsonschema time)

want=("${build_pkgs[@]}")
if [ "${1:-build}" = test ]; then
    want+=("${test_pkgs[@]}")
fi

missing=()
for p in "${want[@]}"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
        missing+=("$p")
done
[ ${#missing[@]} -eq 0 ] && exit 0

echo "Installing: ${missing[*]}"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
