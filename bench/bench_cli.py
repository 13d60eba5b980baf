#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_cli.py: `vigil scan -j 2` vs clamscan vs `clamdscan --multiscan`
# (a private clamd with MaxThreads 2), same database (the official subset
# from ../shared/data), same ~1 GB corpus from /usr (bench_scan.py's), one
# run each. Prints wall times and ratios, twice: the whole command, and
# the scan alone. "Scan alone" subtracts each scanner's wall time on an
# empty folder (database loading) for vigil and clamscan; clamd has its
# database loaded before clamdscan starts, so its wall time is its scan.
# Usage: bench/bench_cli.py [VIGIL] [--corpus-mb N] [--repeat N] [--jobs N]
import argparse
import os
import shutil
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "daemon"))
from bench_scan import corpus_from_usr  # noqa: E402
from daemon_util import Daemon, find_clamd  # noqa: E402
from runner import measure  # noqa: E402

SUBSET = os.path.join(ROOT, "..", "shared", "data", "clamav-official-subset")


def clamd_cmd(work, jobs):
    """Start a private clamd on the subset; @return (daemon, clamdscan
    command without the path)."""
    clamd, clamdscan = find_clamd(), shutil.which("clamdscan")
    if not clamd or not clamdscan:
        raise SystemExit("clamd/clamdscan not found (scripts/deps.sh test)")
    d = Daemon("clamd", clamd, work, os.path.abspath(SUBSET),
               {"MaxThreads": jobs, "MaxQueue": 200})
    d.start(timeout=600)
    return d, [clamdscan, "--config-file=" + d.conf, "--multiscan",
               "--no-summary", "-i"]


def row(name, wall, load, rss, base_wall, base_scan):
    scan = max(wall - load, 1e-3)
    print("%-26s %8.2f %8.2f %8.2f %8.1f %9.2f %9.2f" % (
        name, wall, load, scan, rss / 1024, base_wall / wall,
        base_scan / scan))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigil", nargs="?", default=os.path.join(
        ROOT, "build", "release", "tools", "vigil"))
    ap.add_argument("--corpus-mb", type=int, default=1024)
    ap.add_argument("--repeat", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    a = ap.parse_args()
    if not os.path.isdir(SUBSET):
        print("skipped: ../shared/data not found")
        return 0
    clamscan = shutil.which("clamscan")
    if not clamscan:
        raise SystemExit("clamscan not found (apt-get install clamav)")
    common = ["-d", os.path.abspath(SUBSET), "--no-summary", "-r", "-i"]
    work = tempfile.mkdtemp(prefix="vigil-bench-cli-")
    os.chmod(work, 0o755)
    daemon = None
    try:
        empty = os.path.join(work, "empty")
        corpus = os.path.join(work, "corpus")
        os.mkdir(empty)
        os.mkdir(corpus)
        os.chmod(corpus, 0o755)
        nbytes = corpus_from_usr(corpus, a.corpus_mb << 20)
        nfiles = len(os.listdir(corpus))
        print("corpus: %d files, %.1f MB from /usr; database: %s" % (
            nfiles, nbytes / 1e6, os.path.abspath(SUBSET)))
        cmds = [("clamscan 1.4.6", [clamscan] + common),
                ("vigil scan -j %d" % a.jobs,
                 [a.vigil, "scan", "-j", str(a.jobs), "--no-progress"] +
                 common)]
        results = []
        for name, cmd in cmds:
            load, _ = measure(cmd + [empty], a.repeat)
            wall, rss = measure(cmd + [corpus], a.repeat)
            results.append((name, wall, load, rss))
        daemon, cdscan = clamd_cmd(work, a.jobs)
        wall, rss = measure(cdscan + [corpus], a.repeat)
        results.append(("clamdscan --multiscan (%d)" % a.jobs, wall, 0.0,
                        rss))
    finally:
        if daemon:
            daemon.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("\n%-26s %8s %8s %8s %8s %9s %9s" % (
        "", "wall s", "load s", "scan s", "RSS MiB", "wall ×", "scan ×"))
    vigil = results[1]
    for base in (results[0], results[2]):
        print("-- vigil against %s:" % base[0])
        bscan = max(base[1] - base[2], 1e-3)
        row(base[0], base[1], base[2], base[3], base[1], bscan)
        row(vigil[0], vigil[1], vigil[2], vigil[3], base[1], bscan)
    print("(× columns: how many times faster than the first row of each "
          "pair; RSS of clamdscan is the client's, not clamd's)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
