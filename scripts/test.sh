#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# test.sh: installs what is missing, then builds and runs every test twice:
# a normal build and an ASan+UBSan build. Fails on the first failure.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test
jobs=$(nproc)

for preset in dev asan; do
    echo "=== $preset build"
    cmake --preset "$preset" >/dev/null
    cmake --build "build/$preset" -j "$jobs"
    echo "=== $preset tests"
    # Under ASan the suites labelled "slow" (the whole official database
    # loaded by both engines) would take most of CI's time; they run in
    # the normal build, every other test runs in both.
    if [ "$preset" = asan ]; then
        ctest --preset "$preset" -j "$jobs" -LE slow
    else
        ctest --preset "$preset" -j "$jobs"
    fi
done
