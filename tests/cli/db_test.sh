#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# db_test.sh: compiled databases from the command line: `vigil db
# compile|info|verify`, scanning with a compiled file, and the cache that
# `vigil scan` keeps (docs/internals/COMPILED-DB.md).
# Usage: db_test.sh VIGIL CASE
set -u
VIGIL=$1
CASE=$2
T=$(mktemp -d /tmp/vigil-db.XXXXXX)
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT' \
    'IVIRUS-TEST-FILE!$H+H*' >"$T/eicar.com"
echo "a marker-body here" >"$T/body.txt"
echo "just text" >"$T/clean.txt"
md5=$(md5sum "$T/eicar.com" | cut -c1-32)
mkdir "$T/db"
echo "$md5:68:Cli.Hash" >"$T/db/a.hdb"
echo "Cli.Body:0:*:6d61726b65722d626f6479" >"$T/db/b.ndb"
echo "Cli.Logic;Engine:51-255,Target:0;0&1;6a757374;74657874" >"$T/db/c.ldb"
files=("$T/eicar.com" "$T/body.txt" "$T/clean.txt")

case $CASE in
compile)
    out=$("$VIGIL" db compile "$T/db" -o "$T/all.vdb") || fail "compile: $out"
    grep -q "3 signatures compiled" <<<"$out" || fail "count: $out"
    info=$("$VIGIL" db info "$T/all.vdb") || fail "info: $info"
    for l in "Known viruses: 3" "Verification: OK"; do
        grep -qx "$l" <<<"$info" || fail "info lacks '$l': $info"
    done
    grep -Eq "body \(\.ndb\) +1$" <<<"$info" || fail "no .ndb count: $info"
    grep -Eq "logical \(\.ldb\) +1$" <<<"$info" || fail "no .ldb count: $info"
    grep -Eq "^  a.hdb +1 signatures$" <<<"$info" || fail "no source: $info"
    src=$("$VIGIL" scan --no-summary --no-db-cache -d "$T/db" "${files[@]}")
    vdb=$("$VIGIL" scan --no-summary -d "$T/all.vdb" "${files[@]}")
    [ "$src" = "$vdb" ] || fail "compiled differs: <$src> vs <$vdb>"
    grep -q "Cli.Logic.UNOFFICIAL FOUND" <<<"$vdb" || fail "ldb: $vdb"
    grep -q "Cli.Body.UNOFFICIAL FOUND" <<<"$vdb" || fail "ndb: $vdb"
    grep -q "Cli.Hash.UNOFFICIAL FOUND" <<<"$vdb" || fail "hdb: $vdb" ;;
damaged)
    "$VIGIL" db compile "$T/db" -o "$T/all.vdb" >/dev/null || fail compile
    "$VIGIL" db verify "$T/all.vdb" >/dev/null || fail "good file refused"
    size=$(stat -c %s "$T/all.vdb")
    # One byte in the header page, one in the body, and a cut file.
    for at in 40 5000 $((size - 100)); do
        cp "$T/all.vdb" "$T/bad.vdb"
        printf '\xff' | dd of="$T/bad.vdb" bs=1 seek=$at conv=notrunc 2>/dev/null
        out=$("$VIGIL" db verify "$T/bad.vdb"); rc=$?
        [ $rc -eq 2 ] || fail "byte $at: verify exit $rc"
        grep -q "checksum mismatch" <<<"$out" || fail "byte $at: $out"
        out=$("$VIGIL" scan -d "$T/bad.vdb" "$T/eicar.com" 2>&1); rc=$?
        [ $rc -eq 2 ] || fail "byte $at: scan exit $rc: $out"
        grep -q "FOUND\|: OK" <<<"$out" && fail "scanned with it: $out"
    done
    head -c 6000 "$T/all.vdb" >"$T/cut.vdb"
    out=$("$VIGIL" db verify "$T/cut.vdb"); [ $? -eq 2 ] || fail "cut accepted"
    grep -q "truncated" <<<"$out" || fail "cut: $out" ;;
cache)
    export VIGIL_CACHE_DIR="$T/cache"
    first=$("$VIGIL" scan --no-summary -d "$T/db" "${files[@]}")
    ls "$T/cache"/c-*.vdb >/dev/null 2>&1 || fail "nothing cached"
    stat -c %a "$T/cache" | grep -qx 700 || fail "cache not private"
    second=$("$VIGIL" scan --no-summary -d "$T/db" "${files[@]}")
    [ "$first" = "$second" ] || fail "cached run differs: <$first> <$second>"
    # A changed source is seen at once (same size, same second).
    sed -i 's/Cli.Hash/Cli.Hush/' "$T/db/a.hdb"
    third=$("$VIGIL" scan --no-summary -d "$T/db" "$T/eicar.com")
    grep -q "Cli.Hush.UNOFFICIAL FOUND" <<<"$third" || fail "stale: $third"
    # A cache open to others is not used, and the scan still works.
    chmod 777 "$T/cache"
    out=$("$VIGIL" scan --no-summary -d "$T/db" "$T/eicar.com" 2>"$T/err")
    grep -q "Cli.Hush.UNOFFICIAL FOUND" <<<"$out" || fail "unsafe: $out"
    grep -q "not used: writable by others" "$T/err" || fail "no warning" ;;
*)
    fail "unknown case $CASE" ;;
esac
echo "ok: $CASE"
