#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# scan_test.sh: end-to-end checks of `vigil scan`'s walker, threads,
# selection, stdin, config file, JSON and progress line.
# Usage: scan_test.sh VIGIL CASE     (exit 77: cannot be tested here)
set -u
VIGIL=$1
CASE=$2
T=$(mktemp -d /tmp/vigil-scan.XXXXXX)
chmod 755 "$T"
trap 'rm -rf "$T"' EXIT
fail() { echo "FAIL: $*"; exit 1; }

eicar() { printf '%s%s' 'X5O!P%@AP[4\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT' \
    'IVIRUS-TEST-FILE!$H+H*' >"$1"; }
eicar "$T/eicar.com"
md5=$(md5sum "$T/eicar.com" | cut -c1-32)
echo "$md5:68:Test.Sig" >"$T/t.hdb"
DB=(-d "$T/t.hdb")
# A config path that does not exist would be an error; an empty file is
# the neutral config for every case but the config ones.
: >"$T/empty.conf"
export VIGIL_CONF="$T/empty.conf"

# A tree with files of many sizes, some detected, in several directories.
make_tree() {
    local root=$1 d i dirs=(a a/b a/b/c d e e/f)
    for d in "${dirs[@]}"; do mkdir -p "$root/$d"; done
    head -c 2200000 /dev/urandom >"$T/rand"
    for i in $(seq 1 60); do # file i goes to dirs[i % 6]: v7.com in a/b
        d=${dirs[$((i % 6))]}
        tail -c $((i * 997 % 35000 + 1)) "$T/rand" >"$root/$d/r$i.bin"
        [ $((i % 7)) -eq 0 ] && cp "$T/eicar.com" "$root/$d/v$i.com"
    done
    cat "$T/rand" "$T/rand" "$T/rand" >"$root/a/big.bin" # a slower file
    : >"$root/e/empty"
    ln -s ../d "$root/a/to-d"
}

case $CASE in
jobs_order)
    # Output is in walk order whatever -j: one reporter, a reorder window.
    make_tree "$T/tree"
    "$VIGIL" scan "${DB[@]}" -r --no-summary -j1 "$T/tree" >"$T/j1"; rc1=$?
    for j in 2 3 8; do
        "$VIGIL" scan "${DB[@]}" -r --no-summary -j$j "$T/tree" >"$T/jn"; rc=$?
        [ $rc -eq $rc1 ] || fail "-j$j exit $rc, -j1 $rc1"
        cmp -s "$T/j1" "$T/jn" || fail "-j$j differs: $(diff "$T/j1" "$T/jn" | head)"
    done
    [ $rc1 -eq 1 ] || fail "exit $rc1, want 1"
    [ "$(grep -c 'Test.Sig.UNOFFICIAL FOUND' "$T/j1")" -eq 8 ] ||
        fail "want 8 detections: $(cat "$T/j1")"
    grep -qx "$T/tree/a/to-d: Symbolic link" "$T/j1" || fail "symlink line"
    grep -qx "$T/tree/e/empty: Empty file" "$T/j1" || fail "empty line"
    # The summary counts the same with many threads.
    "$VIGIL" scan "${DB[@]}" -r -j4 "$T/tree" | grep -qx "Scanned files: 69" ||
        fail "summary with -j4" ;;
exclusions)
    make_tree "$T/tree"
    run() { "$VIGIL" scan "${DB[@]}" -r --no-summary "$@" "$T/tree"; }
    out=$(run --exclude='v14\.com$' --exclude-dir='/e$')
    grep -qx "$T/tree/a/b/c/v14.com: Excluded" <<<"$out" || fail "exclude: $out"
    grep -qx "$T/tree/e: Excluded" <<<"$out" || fail "exclude-dir: $out"
    grep -q "$T/tree/e/" <<<"$out" && fail "entered an excluded dir: $out"
    grep -q "v7.com: Test.Sig" <<<"$out" || fail "excluded too much: $out"
    out=$(run --include='\.com$')
    grep -q "r1.bin: Excluded" <<<"$out" || fail "include: $out"
    [ "$(grep -c FOUND <<<"$out")" -eq 8 ] || fail "include lost files: $out"
    out=$(run --exclude-glob='*.bin' --exclude-glob=f)
    grep -q "r1.bin: OK" <<<"$out" && fail "exclude-glob file: $out"
    grep -qx "$T/tree/e/f: Excluded" <<<"$out" || fail "exclude-glob dir: $out"
    out=$(run --include-glob='v*')
    grep -q "r2.bin: Excluded" <<<"$out" || fail "include-glob: $out"
    grep -q "v7.com: Test.Sig" <<<"$out" || fail "include-glob: $out"
    "$VIGIL" scan "${DB[@]}" --exclude='(' "$T/tree" >/dev/null 2>"$T/err"
    [ $? -eq 2 ] || fail "bad regex accepted"
    grep -q -- "--exclude=(" "$T/err" || fail "bad regex not named" ;;
file_list)
    make_tree "$T/tree"
    printf '%s\n\n%s\n%s\n' "$T/tree/a/b/v7.com" "$T/tree/d/r3.bin" \
        "$T/nope" >"$T/list"
    out=$("$VIGIL" scan "${DB[@]}" --no-summary -f "$T/list" 2>"$T/err"); rc=$?
    [ "$out" = "$T/tree/a/b/v7.com: Test.Sig.UNOFFICIAL FOUND
$T/tree/d/r3.bin: OK" ] || fail "file list output: $out"
    grep -q "$T/nope: No such file" "$T/err" || fail "missing path: $(cat "$T/err")"
    [ $rc -eq 1 ] || fail "exit $rc"
    "$VIGIL" scan "${DB[@]}" --file-list="$T/nolist" >/dev/null 2>&1
    [ $? -eq 2 ] || fail "unreadable list: exit not 2" ;;
stdin)
    out=$("$VIGIL" scan "${DB[@]}" --no-summary - <"$T/eicar.com"); rc=$?
    [ "$out" = "stdin: Test.Sig.UNOFFICIAL FOUND" ] || fail "stdin: $out"
    [ $rc -eq 1 ] || fail "exit $rc"
    out=$(echo hello | "$VIGIL" scan "${DB[@]}" --no-summary -); rc=$?
    [ "$out" = "stdin: OK" ] && [ $rc -eq 0 ] || fail "clean stdin: $out ($rc)"
    # From a pipe, and bigger than a pipe buffer.
    out=$( (head -c 300000 /dev/zero; cat "$T/eicar.com") |
        "$VIGIL" scan -d "$T/t.hdb" --no-summary -)
    [ "$out" = "stdin: OK" ] || fail "pipe: $out" ;;
config)
    make_tree "$T/tree"
    cat >"$T/c.conf" <<EOF
# defaults for the test
database = $T/t.hdb
recursive = yes
exclude-dir = /e\$
jobs = 2

infected = no
EOF
    out=$(VIGIL_CONF="$T/c.conf" "$VIGIL" scan --no-summary "$T/tree")
    grep -q "$T/tree/a/b/c/" <<<"$out" || fail "recursive from config: $out"
    grep -qx "$T/tree/e: Excluded" <<<"$out" || fail "exclude-dir from config: $out"
    # The command line wins, list options included.
    out=$(VIGIL_CONF="$T/c.conf" "$VIGIL" scan --no-summary \
          --exclude-dir=/d\$ "$T/tree")
    grep -qx "$T/tree/d: Excluded" <<<"$out" || fail "cmdline exclude-dir: $out"
    grep -q "$T/tree/e/" <<<"$out" || fail "config list not replaced: $out"
    echo "$md5:68:Other.Sig" >"$T/o.hdb"
    out=$("$VIGIL" scan --config-file="$T/c.conf" -d "$T/o.hdb" --no-summary \
          "$T/eicar.com")
    [ "$out" = "$T/eicar.com: Other.Sig.UNOFFICIAL FOUND" ] ||
        fail "cmdline -d did not replace the config's: $out"
    # --config-file beats $VIGIL_CONF.
    out=$(VIGIL_CONF=/nonexistent "$VIGIL" scan --config-file "$T/c.conf" \
          --no-summary "$T/eicar.com")
    grep -q "Test.Sig" <<<"$out" || fail "--config-file: $out" ;;
config_errors)
    printf 'recursive = yes\n# fine\nfrobnicate = 3\n' >"$T/bad.conf"
    out=$("$VIGIL" scan --config-file="$T/bad.conf" "${DB[@]}" "$T/eicar.com" 2>&1)
    [ $? -eq 2 ] || fail "unknown key accepted: $out"
    grep -q "bad.conf:3: unknown key" <<<"$out" || fail "no file:line: $out"
    grep -q "FOUND" <<<"$out" && fail "scanned anyway: $out"
    printf 'recursive = maybe\n' >"$T/bad2.conf"
    out=$("$VIGIL" scan --config-file="$T/bad2.conf" "${DB[@]}" "$T/eicar.com" 2>&1)
    grep -q "bad2.conf:1: expected yes or no" <<<"$out" || fail "bad bool: $out"
    printf 'jobs = 0\n' >"$T/bad3.conf"
    "$VIGIL" scan --config-file="$T/bad3.conf" "${DB[@]}" "$T/eicar.com" \
        >/dev/null 2>&1 && fail "jobs = 0 accepted"
    out=$(VIGIL_CONF="$T/missing.conf" "$VIGIL" scan "${DB[@]}" "$T/eicar.com" 2>&1)
    grep -q "cannot read $T/missing.conf" <<<"$out" || fail "missing \$VIGIL_CONF: $out" ;;
symlink_loop)
    # Loops through symlinks, and two links to one directory: each
    # directory is entered once, even with --follow-dir-symlinks=2.
    mkdir -p "$T/l/a/b" "$T/l/c"
    cp "$T/eicar.com" "$T/l/a/b/v.com"
    ln -s .. "$T/l/a/b/up"
    ln -s ../a "$T/l/c/to-a"
    ln -s "$T/l" "$T/l/c/root"
    out=$(timeout 20 "$VIGIL" scan "${DB[@]}" -r --follow-dir-symlinks=2 \
          --no-summary "$T/l"); rc=$?
    [ $rc -eq 1 ] || fail "exit $rc: $out"
    [ "$(grep -c FOUND <<<"$out")" -eq 1 ] || fail "scanned twice: $out"
    out=$("$VIGIL" scan "${DB[@]}" -r --follow-dir-symlinks=2 "$T/l" |
          grep "^Scanned directories")
    [ "$out" = "Scanned directories: 4" ] || fail "dirs: $out" ;;
follow_files)
    ln -s "$T/eicar.com" "$T/link.com"
    mkdir "$T/d"; ln -s ../eicar.com "$T/d/in.com"
    out=$("$VIGIL" scan "${DB[@]}" --no-summary "$T/link.com" "$T/d")
    grep -qx "$T/link.com: Test.Sig.UNOFFICIAL FOUND" <<<"$out" || fail "cmdline link: $out"
    grep -qx "$T/d/in.com: Symbolic link" <<<"$out" || fail "inner link: $out"
    out=$("$VIGIL" scan "${DB[@]}" --no-summary --follow-file-symlinks=2 "$T/d")
    grep -qx "$T/d/in.com: Test.Sig.UNOFFICIAL FOUND" <<<"$out" || fail "=2: $out"
    out=$("$VIGIL" scan "${DB[@]}" --no-summary --follow-file-symlinks=0 "$T/link.com")
    grep -qx "$T/link.com: Symbolic link" <<<"$out" || fail "=0: $out" ;;
one_fs)
    # /dev/shm is its own filesystem under /dev on most Linux systems.
    [ -d /dev/shm ] && [ -w /dev/shm ] || { echo "no /dev/shm"; exit 77; }
    [ "$(stat -c %d /dev)" != "$(stat -c %d /dev/shm)" ] ||
        { echo "/dev/shm not a separate filesystem"; exit 77; }
    S=$(mktemp -d /dev/shm/vigil-scan.XXXXXX)
    trap 'rm -rf "$T" "$S"' EXIT
    cp "$T/eicar.com" "$S/v.com"
    out=$("$VIGIL" scan "${DB[@]}" -r -i --no-summary /dev 2>/dev/null)
    grep -qx "$S/v.com: Test.Sig.UNOFFICIAL FOUND" <<<"$out" ||
        fail "without -x: not found: $out"
    out=$("$VIGIL" scan "${DB[@]}" -r -i -x --no-summary /dev 2>/dev/null)
    grep -q "$S" <<<"$out" && fail "-x crossed into /dev/shm: $out"
    # The command-line path's own filesystem is the one kept.
    out=$("$VIGIL" scan "${DB[@]}" -r -i -x --no-summary "$S")
    grep -qx "$S/v.com: Test.Sig.UNOFFICIAL FOUND" <<<"$out" || fail "-x on $S: $out" ;;
progress)
    # On a terminal (script(1) gives a pty) the progress line is drawn and
    # erased before result lines; without a terminal there is none.
    command -v script >/dev/null || { echo "no script(1)"; exit 77; }
    make_tree "$T/tree"
    script -qec "'$VIGIL' scan -d '$T/t.hdb' -r -i --no-summary -j2 '$T/tree'" \
        "$T/typescript" >/dev/null 2>&1
    tr '\r' '\n' <"$T/typescript" >"$T/lines"
    grep -q "files, " "$T/lines" || fail "no progress drawn: $(cat -v "$T/typescript")"
    # Every FOUND line starts at column 0 right after an erase.
    n=$(grep -c 'FOUND' "$T/lines")
    [ "$n" -eq 8 ] || fail "FOUND lines garbled: $(cat -v "$T/typescript")"
    grep 'FOUND' "$T/lines" | grep -qv '^\(.\[K\)\?/' &&
        fail "FOUND line not at column 0: $(cat -v "$T/typescript")"
    script -qec "'$VIGIL' scan -d '$T/t.hdb' -r -i --no-progress '$T/tree'" \
        "$T/ts2" >/dev/null 2>&1
    grep -q "files, " "$T/ts2" && fail "--no-progress drew"
    "$VIGIL" scan "${DB[@]}" -r "$T/tree" 2>"$T/err" >/dev/null
    [ -s "$T/err" ] && fail "progress without a terminal: $(cat -v "$T/err")"
    true ;;
*) fail "unknown case $CASE" ;;
esac
echo "ok: $CASE"
