#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_scan.py: scan throughput, vigil vs clamscan, in one run, with the
# whole official subset loaded (main.ldb, daily.ndb, main.hdb, daily.hsb,
# main.fp, daily.fp). Corpora: /usr/bin, and ~1 GB of files from /usr
# (hard-linked, or copied, into a temporary folder).
# Throughput = corpus bytes / (wall time - wall time of an empty scan), so
# database loading is not counted against either engine.
# Usage: bench/bench_scan.py [VIGIL] [--corpus-mb N] [--repeat N]
import argparse
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import measure  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
DBS = ("main.ldb", "daily.ndb", "main.hdb", "daily.hsb", "main.fp",
       "daily.fp")


def corpus_from_usr(dest, limit):
    """Regular files under /usr, in walk order, until @limit bytes."""
    total = 0
    for top, dirs, files in os.walk("/usr"):
        dirs.sort()
        for name in sorted(files):
            src = os.path.join(top, name)
            if os.path.islink(src) or not os.path.isfile(src):
                continue
            size = os.path.getsize(src)
            if size == 0 or size > 64 << 20:
                continue
            dst = os.path.join(dest, "%06d_%s" % (total % 999983, name))
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
            total += size
            if total >= limit:
                return total
    return total


def tree_bytes(path):
    return sum(os.path.getsize(os.path.join(t, f))
               for t, _, fs in os.walk(path) for f in fs
               if os.path.isfile(os.path.join(t, f)) and
               not os.path.islink(os.path.join(t, f)))


def run_pair(label, cmds, target, empty, nbytes, repeat):
    print("\n== %s: %.1f MB" % (label, nbytes / 1e6))
    print("%-18s %9s %9s %9s %11s %9s" % ("", "wall s", "load s", "scan s",
                                          "MB/s", "RSS MiB"))
    rates = {}
    for name, cmd in cmds:
        # Warm-up: vigil's first run compiles its database cache, which is
        # load time of a one-off kind; neither engine is charged for it.
        measure(cmd + [empty], 1)
        load, _ = measure(cmd + [empty], repeat)
        wall, rss = measure(cmd + [target], repeat)
        scan = max(wall - load, 1e-3)
        rates[name] = nbytes / 1e6 / scan
        print("%-18s %9.2f %9.2f %9.2f %11.1f %9.1f" % (
            name, wall, load, scan, rates[name], rss / 1024))
    names = list(rates)
    print("throughput ratio %s / %s: %.1fx" % (
        names[1], names[0], rates[names[1]] / rates[names[0]]))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigil", nargs="?", default=os.path.join(
        ROOT, "build", "release", "tools", "vigil"))
    ap.add_argument("--corpus-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=1)
    a = ap.parse_args()
    data = os.path.join(ROOT, "..", "shared", "data",
                        "clamav-official-subset")
    if not os.path.isdir(data):
        print("skipped: ../shared/data not found")
        return 0
    clamscan = shutil.which("clamscan")
    if not clamscan:
        print("clamscan not found (apt-get install clamav)")
        return 1
    dbargs = []
    for n in DBS:
        dbargs += ["-d", os.path.join(data, n)]
    common = dbargs + ["--no-summary", "-r", "-i"]
    cmds = [("clamscan 1.4.6", [clamscan] + common),
            # The target is single-threaded throughput: one job.
            ("vigil -j1", [a.vigil, "scan", "-j", "1"] + common)]
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        empty = os.path.join(tmp, "empty")
        os.mkdir(empty)
        run_pair("/usr/bin", cmds, "/usr/bin", empty, tree_bytes("/usr/bin"),
                 a.repeat)
        corpus = os.path.join(tmp, "corpus")
        os.mkdir(corpus)
        n = corpus_from_usr(corpus, a.corpus_mb << 20)
        run_pair("corpus from /usr", cmds, corpus, empty, n, a.repeat)
    return 0


if __name__ == "__main__":
    sys.exit(main())
