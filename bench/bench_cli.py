#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_cli.py: `vigil scan -j 2` vs clamscan vs `clamdscan --multiscan`
# (a private clamd with MaxThreads 2), same database (the official subset
# from ../shared/data), same ~1 GB corpus from /usr (bench_scan.py's), one
# run each. Prints wall times and ratios, twice: the whole command, and
# the scan alone. "Scan alone" subtracts each scanner's wall time on an
# empty folder (database loading) for vigil and clamscan; clamd has its
# database loaded before clamdscan starts, so its wall time is its scan.
# CPU seconds (user + system, clamd's own for clamdscan) are printed too:
# on a shared machine they move less than wall time does. vigil runs with
# its compiled-database cache filled beforehand (a private one), as every
# scan after the first one does.
# Usage: bench/bench_cli.py [VIGIL] [--corpus-mb N] [--repeat N] [--jobs N]
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
sys.path.insert(0, os.path.join(ROOT, "tests", "daemon"))
from bench_scan import corpus_from_usr  # noqa: E402
from runner import TIME  # noqa: E402
from daemon_util import Daemon, find_clamd  # noqa: E402


SUBSET = os.path.join(ROOT, "..", "shared", "data", "clamav-official-subset")


def proc_cpu(pid):
    """User + system CPU seconds of a running process."""
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def measure(cmd, repeat, daemon_pid=None):
    """Median wall s, median CPU s, max peak RSS KiB over @repeat runs (like
    runner.measure, plus CPU: the child's, or the daemon's). Peak RSS comes
    from /usr/bin/time (runner.TIME): ru_maxrss would include this Python
    process's own size at fork time."""
    walls, cpus, rss = [], [], []
    for _ in range(repeat):
        with tempfile.NamedTemporaryFile(mode="r") as out:
            wrap = ([TIME, "-f", "%M", "-o", out.name]
                    if os.path.exists(TIME) else [])
            c0 = proc_cpu(daemon_pid) if daemon_pid else 0.0
            t0 = time.monotonic()
            p = subprocess.Popen(wrap + cmd, stdout=subprocess.DEVNULL,
                                 stderr=subprocess.DEVNULL)
            _, status, ru = os.wait4(p.pid, 0)
            walls.append(time.monotonic() - t0)
            cpus.append(proc_cpu(daemon_pid) - c0 if daemon_pid
                        else ru.ru_utime + ru.ru_stime)
            text = out.read().split()
            rss.append(int(text[-1]) if wrap and text and text[-1].isdigit()
                       else ru.ru_maxrss)
        if os.waitstatus_to_exitcode(status) not in (0, 1):
            raise SystemExit("command failed: %s" % cmd)
    return statistics.median(walls), statistics.median(cpus), max(rss)


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


def row(r, base):
    """r, base: (name, wall, load wall, cpu, load cpu, rss)."""
    def scan(x):
        return max(x[1] - x[2], 1e-3), max(x[3] - x[4], 1e-3)
    sw, sc = scan(r)
    bw, bc = scan(base)
    print("%-26s %7.2f %7.2f %7.2f %7.2f %7.1f %7.2f %7.2f %7.2f" % (
        r[0], r[1], sw, r[3], sc, r[5] / 1024, base[1] / r[1], bw / sw,
        bc / sc))


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
        # vigil keeps the compiled database in a cache (COMPILED-DB.md):
        # fill a private one first, so every measured run maps it, as every
        # scan after the first does.
        cache = os.path.join(work, "cache")
        os.mkdir(cache, 0o700)
        os.environ["VIGIL_CACHE_DIR"] = cache
        subprocess.run(cmds[1][1] + [empty], stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, check=False)
        results = []
        for name, cmd in cmds:
            lwall, lcpu, _ = measure(cmd + [empty], a.repeat)
            wall, cpu, rss = measure(cmd + [corpus], a.repeat)
            results.append((name, wall, lwall, cpu, lcpu, rss))
        daemon, cdscan = clamd_cmd(work, a.jobs)
        wall, cpu, rss = measure(cdscan + [corpus], a.repeat,
                                 daemon.pid())
        results.append(("clamdscan --multiscan (%d)" % a.jobs, wall, 0.0,
                        cpu, 0.0, rss))
    finally:
        if daemon:
            daemon.stop()
        shutil.rmtree(work, ignore_errors=True)
    print("load %.1f %.1f %.1f (machine load averages at the end)" %
          os.getloadavg())
    print("\n%-26s %7s %7s %7s %7s %7s %7s %7s %7s" % (
        "", "wall s", "scan s", "CPU s", "scanCPU", "RSS MiB", "wall ×",
        "scan ×", "CPU ×"))
    vigil = results[1]
    for base in (results[0], results[2]):
        print("-- vigil against %s:" % base[0])
        row(base, base)
        row(vigil, base)
    print("scan = whole run minus the same command on an empty folder "
          "(database load);\n× = how many times faster than the first row "
          "of each pair; clamdscan's CPU is clamd's, its RSS the client's")
    return 0


if __name__ == "__main__":
    sys.exit(main())
