#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# cli_test.sh: end-to-end checks of `vigil scan` that the compat suite does
# not cover: database errors, default-database choice, the starter
# database, unreadable files. Usage: cli_test.sh VIGIL CASE
set -u
VIGIL=$1
CASE=$2
SRC=$(cd "$(dirname "$0")/../.." && pwd)
T=$(mktemp -d /tmp/vigil-cli.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

eicar() { printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT' \
    'IVIRUS-TEST-FILE!$H+H*' >"$1"; }
eicar "$T/eicar.com"
echo "just text" >"$T/clean.txt"
md5=$(md5sum "$T/eicar.com" | cut -c1-32)

case $CASE in
starter_db)
    out=$("$VIGIL" scan --no-summary -d "$SRC/db/starter" "$T/eicar.com" \
          "$T/clean.txt"); rc=$?
    [ $rc -eq 1 ] || fail "exit $rc, want 1"
    grep -qx "$T/eicar.com: Win.Test.EICAR_HDB-1.UNOFFICIAL FOUND" <<<"$out" ||
        fail "no EICAR line: $out"
    grep -qx "$T/clean.txt: OK" <<<"$out" || fail "no OK line: $out"
    clam=/usr/share/clamav-testfiles/clam.exe
    [ -f $clam ] || fail "$clam missing (clamav-testfiles)"
    out=$("$VIGIL" scan --no-summary -d "$SRC/db/starter" $clam)
    grep -qx "$clam: ClamAV-Test-File.UNOFFICIAL FOUND" <<<"$out" ||
        fail "clam.exe not detected: $out" ;;
default_db_env)
    echo "$md5:68:Env.Db.Sig" >"$T/env.hdb"
    out=$(VIGIL_DB="$T/env.hdb" "$VIGIL" scan --no-summary "$T/eicar.com" 2>"$T/err")
    grep -q "Env.Db.Sig.UNOFFICIAL FOUND" <<<"$out" || fail "env db unused: $out"
    grep -q "using database $T/env.hdb" "$T/err" || fail "db not named: $(cat "$T/err")" ;;
default_db_starter)
    # Unless a system database exists, the default is the starter database.
    if [ -e /var/lib/vigil ] || ls /var/lib/clamav/*.[hf][sdp]* >/dev/null 2>&1; then
        echo "system database present; checking only that one is named"
    fi
    out=$(env -u VIGIL_DB "$VIGIL" scan --no-summary "$T/eicar.com" 2>"$T/err"); rc=$?
    [ $rc -eq 1 ] || fail "exit $rc: $out"
    grep -q "^vigil: using database " "$T/err" || fail "db not named: $(cat "$T/err")" ;;
missing_db)
    out=$(VIGIL_DB="$T/nope" "$VIGIL" scan "$T/clean.txt" 2>&1); rc=$?
    [ $rc -eq 2 ] || fail "exit $rc, want 2"
    grep -q "$T/nope" <<<"$out" || fail "path not named: $out"
    grep -q "clean.txt: OK" <<<"$out" && fail "scanned without a database" ;;
malformed_db)
    printf '%s:68:Good.Sig\n# comment\n%s:notanumber:Bad.Sig\n' "$md5" "$md5" \
        >"$T/bad.hdb"
    out=$("$VIGIL" scan -d "$T/bad.hdb" "$T/eicar.com" 2>&1); rc=$?
    [ $rc -eq 2 ] || fail "exit $rc, want 2"
    grep -q "bad.hdb:3:" <<<"$out" || fail "file:line not named: $out"
    grep -q "FOUND\|: OK" <<<"$out" && fail "scanned with half a database: $out" ;;
unreadable_file)
    command -v setpriv >/dev/null || fail "setpriv missing (util-linux)"
    echo "$md5:68:Test.Sig" >"$T/t.hdb"
    echo secret >"$T/secret.txt"; chmod 000 "$T/secret.txt"
    chmod 644 "$T/eicar.com" "$T/t.hdb"
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
          "$VIGIL" scan --no-summary -d "$T/t.hdb" "$T/secret.txt" "$T/eicar.com"); rc=$?
    grep -qx "$T/secret.txt: Access denied" <<<"$out" || fail "no error line: $out"
    grep -q "eicar.com: Test.Sig.UNOFFICIAL FOUND" <<<"$out" || fail "scan stopped: $out"
    [ $rc -eq 1 ] || fail "exit $rc, want 1 (found outranks errors)"
    out=$(setpriv --reuid=nobody --regid=nogroup --clear-groups \
          "$VIGIL" scan -d "$T/t.hdb" "$T/secret.txt"); rc=$?
    [ $rc -eq 2 ] || fail "exit $rc, want 2"
    grep -q "^Total errors: 1$" <<<"$out" || fail "summary lacks errors: $out" ;;
summary)
    out=$("$VIGIL" scan -d "$SRC/db/starter" "$T/eicar.com" "$T/clean.txt")
    for l in "Known viruses: 2" "Scanned files: 2" "Infected files: 1" \
             "Scanned directories: 0"; do
        grep -qx "$l" <<<"$out" || fail "summary lacks '$l': $out"
    done ;;
empty_dir)
    # Regression: an empty directory is not an error (clamscan exits 0).
    mkdir "$T/empty"
    out=$("$VIGIL" scan -r -d "$SRC/db/starter" "$T/empty"); rc=$?
    [ $rc -eq 0 ] || fail "empty directory: exit $rc, want 0: $out"
    grep -q "^Total errors" <<<"$out" && fail "error counted: $out"
    grep -qx "Scanned directories: 1" <<<"$out" || fail "dir not counted: $out" ;;
usage)
    out=$(cd "$T" && "$VIGIL" scan --no-summary -d "$SRC/db/starter"); rc=$?
    [ $rc -eq 1 ] || fail "no PATH: exit $rc, want 1 (scans the cwd)"
    grep -qx "$T/eicar.com: Win.Test.EICAR_HDB-1.UNOFFICIAL FOUND" <<<"$out" ||
        fail "no PATH did not scan the cwd: $out"
    "$VIGIL" frobnicate >/dev/null 2>&1; rc=$?
    [ $rc -eq 2 ] || fail "bad command: exit $rc, want 2"
    "$VIGIL" --version | grep -q "^vigil " || fail "no version" ;;
*) fail "unknown case $CASE" ;;
esac
echo "ok: $CASE"
