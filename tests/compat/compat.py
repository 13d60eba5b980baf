#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# compat.py: runs ClamAV's clamscan (the oracle) and vigil on the same
# databases and files and compares their result lines and exit codes.
#
# Usage: compat.py VIGIL_BINARY SUITE
#   SUITE is a module in this directory defining scenarios() -> [Scenario].
# Exit: 0 all identical, 1 a difference, 77 skipped (data or clamscan absent,
# said on stdout).
import hashlib
import importlib
import os
import shutil
import subprocess
import sys
import tempfile

SKIP = 77


class Scenario:
    """Databases and files to scan, and the option sets to compare."""

    def __init__(self, name, dbs, files, option_sets=None, db_args=None,
                 targets=None, symlinks=None, allmatch_as_set=False):
        self.name = name
        # Compare --allmatch runs as sets of lines (order and repeats
        # ignored), for cases where only "every signature fires with the
        # same name" is required; say why where it is used.
        self.allmatch_as_set = allmatch_as_set
        self.targets = targets    # paths to scan; None = every file
        self.symlinks = symlinks or {}  # {relative path: link target}
        self.dbs = dbs            # {relative path: text}
        self.files = files        # {relative path: bytes}
        self.option_sets = option_sets or [[], ["--allmatch"]]
        self.db_args = db_args    # list of -d paths; None = each db file


def marker_db(mark, targets):
    """Marker signatures: one per target for @mark as written (X.T<n>) and
    lower-cased (L.T<n>), to see which passes over which objects ran."""
    lines = []
    for t in targets:
        lines.append("X.T%d:%d:*:%s" % (t, t, mark.hex()))
        lines.append("L.T%d:%d:*:%s" % (t, t, mark.lower().hex()))
    return "\n".join(lines) + "\n"


def shared_data():
    """The shared test data folder, or None (a user's fresh checkout)."""
    env = os.environ.get("VIGIL_SHARED_DATA")
    here = os.path.dirname(os.path.abspath(__file__))
    cand = env or os.path.join(here, "..", "..", "..", "shared", "data")
    return os.path.abspath(cand) if os.path.isdir(cand) else None


def md5(b):
    return hashlib.md5(b).hexdigest()


def sha1(b):
    return hashlib.sha1(b).hexdigest()


def sha256(b):
    return hashlib.sha256(b).hexdigest()


def write_tree(root, entries):
    for rel, content in entries.items():
        path = os.path.join(root, rel)
        os.makedirs(os.path.dirname(path), exist_ok=True)
        mode = "w" if isinstance(content, str) else "wb"
        with open(path, mode) as f:
            f.write(content)


def run(cmd, cwd):
    # clamscan loading main.ldb takes minutes on a busy 2-core machine;
    # the ctest TIMEOUT bounds the whole suite.
    p = subprocess.run(cmd, cwd=cwd, capture_output=True, timeout=1800)
    return p.returncode, p.stdout.decode("utf-8", "replace").splitlines()


def db_args_for(sc, dbdir):
    paths = sc.db_args if sc.db_args is not None else sorted(sc.dbs)
    out = []
    for p in paths:
        out += ["-d", p if os.path.isabs(p) else os.path.join(dbdir, p)]
    return out


def compile_db(vigil, db_args, work):
    """The scenario's databases as one compiled file, or None when the
    sources do not load (then only the source run is compared)."""
    out = os.path.join(work, "compiled.vdb")
    srcs = db_args[1::2]
    p = subprocess.run([vigil, "db", "compile"] + srcs + ["-o", out],
                       capture_output=True, timeout=600)
    return out if p.returncode == 0 else None


def report(label, c_rc, c_out, v_rc, v_out):
    """@return 0 when identical, else 1 (and print the difference)."""
    if c_out == v_out and c_rc == v_rc:
        print("same: %s: %d lines, exit %d" % (label, len(c_out), c_rc))
        return 0
    print("DIFFERENT: %s" % label)
    print("  clamscan exit %d, vigil exit %d" % (c_rc, v_rc))
    for line in c_out:
        if line not in v_out:
            print("  only clamscan: %s" % line)
    for line in v_out:
        if line not in c_out:
            print("  only vigil:    %s" % line)
    if sorted(c_out) == sorted(v_out):
        print("  (same lines, different order)")
    return 1


def compare(sc, vigil, clamscan, work):
    """Each option set: clamscan, vigil from the sources, and vigil with
    the same databases compiled into one file (docs/internals/
    COMPILED-DB.md) must print the same lines."""
    dbdir = os.path.join(work, "db")
    filedir = os.path.join(work, "files")
    os.makedirs(filedir, exist_ok=True)
    write_tree(dbdir, sc.dbs)
    write_tree(filedir, sc.files)
    for rel, dest in sc.symlinks.items():
        os.symlink(dest, os.path.join(filedir, rel))
    targets = sc.targets if sc.targets is not None else sorted(sc.files)
    db_args = db_args_for(sc, dbdir)
    compiled = compile_db(vigil, db_args, work)
    failures = runs = 0
    for opts in sc.option_sets:
        tail = ["--no-summary"] + opts + targets
        c_rc, c_out = run([clamscan] + db_args + tail, filedir)
        modes = [("sources", db_args + ["--no-db-cache"])]
        if compiled:
            modes.append(("compiled", ["-d", compiled]))
        for mode, dbs in modes:
            v_rc, v_out = run([vigil, "scan"] + dbs + tail, filedir)
            label = "%s %s [%s]" % (sc.name, " ".join(opts) or "(default)",
                                    mode)
            c_cmp, v_cmp = c_out, v_out
            if sc.allmatch_as_set and "--allmatch" in opts:
                label += " [as sets]"
                c_cmp, v_cmp = sorted(set(c_out)), sorted(set(v_out))
            runs += 1
            failures += report(label, c_rc, c_cmp, v_rc, v_cmp)
    return runs, failures


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    vigil, suite = os.path.abspath(sys.argv[1]), sys.argv[2]
    clamscan = shutil.which("clamscan")
    if not clamscan:
        print("FAIL: clamscan not found; scripts/test.sh installs it")
        return 1
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    mod = importlib.import_module(suite)
    scenarios = mod.scenarios()
    if scenarios is None:
        print("skipped: ../shared/data not found")
        return SKIP
    runs = failures = 0
    for sc in scenarios:
        with tempfile.TemporaryDirectory(prefix="vigil-compat-") as work:
            r, f = compare(sc, vigil, clamscan, work)
            runs += r
            failures += f
    print("%d passed, %d failed" % (runs - failures, failures))
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
