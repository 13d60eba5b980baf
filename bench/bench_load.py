#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_load.py: what it costs to start scanning, vigil vs clamscan, in one
# run (docs/internals/COMPILED-DB.md):
#  1. the official hash databases (main.hdb + daily.hsb), parsed from the
#     sources by both;
#  2. the whole official subset, one small file: time to the first result
#     and peak RSS, for clamscan, vigil from the sources, vigil mapping its
#     cached compiled file, and vigil given the compiled file (-d X.vdb,
#     which also checks the body checksum);
#  3. two vigil scans at once with the same compiled file: their combined
#     PSS against twice the memory of one.
# Usage: bench/bench_load.py [VIGIL_BINARY]   (default build/release/tools/vigil)
import os
import shutil
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import measure, report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def hash_dbs(vigil, clamscan, data, sample):
    dbs = []
    for name in ("main.hdb", "daily.hsb"):
        dbs += ["-d", os.path.join(data, name)]
    args = dbs + ["--no-summary", sample]
    rows = [("clamscan 1.4.6",) + measure([clamscan] + args),
            ("vigil (sources)",) +
            measure([vigil, "scan", "--no-db-cache"] + args)]
    report("load main.hdb + daily.hsb (228,559 hashes), scan 1 file", rows)


def whole_subset(vigil, clamscan, data, sample, cache, vdb):
    env = dict(os.environ, VIGIL_CACHE_DIR=cache)
    tail = ["--no-summary", sample]
    # Fill the cache once; the measured runs then map it.
    subprocess.run([vigil, "scan", "-d", data] + tail, env=env,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=False)
    subprocess.run([vigil, "db", "compile", data, "-o", vdb], check=True,
                   stdout=subprocess.DEVNULL)
    rows = [
        ("clamscan 1.4.6",) + measure([clamscan, "-d", data] + tail),
        ("vigil (sources)",) +
        measure([vigil, "scan", "--no-db-cache", "-d", data] + tail),
        ("vigil (cached compiled)",) +
        measure([vigil, "scan", "-d", data] + tail, repeat=5, env=env),
        ("vigil (-d file.vdb)",) +
        measure([vigil, "scan", "-d", vdb] + tail, repeat=5),
    ]
    report("whole official subset (268,704 signatures), scan 1 file: "
           "time to first result", rows)
    print("compiled file: %.1f MiB" % (os.path.getsize(vdb) / 2**20))


def rollup(pid):
    """(Rss, Pss) in KiB from /proc/PID/smaps_rollup, or None."""
    try:
        with open("/proc/%d/smaps_rollup" % pid) as f:
            vals = {}
            for line in f:
                parts = line.split()
                if parts and parts[0] in ("Rss:", "Pss:"):
                    vals[parts[0]] = int(parts[1])
            return vals.get("Rss:", 0), vals.get("Pss:", 0)
    except OSError:
        return None


def sample_run(cmds):
    """Run @cmds at once; return the peak of the summed PSS and the peak
    RSS of each, sampled every 2 ms while all are alive."""
    procs = [subprocess.Popen(c, stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL) for c in cmds]
    peak_sum, peak_rss = 0, [0] * len(procs)
    while all(p.poll() is None for p in procs):
        snaps = [rollup(p.pid) for p in procs]
        if all(snaps):
            peak_sum = max(peak_sum, sum(s[1] for s in snaps))
            peak_rss = [max(a, s[0]) for a, s in zip(peak_rss, snaps)]
        time.sleep(0.002)
    for p in procs:
        p.wait()
    return peak_sum, peak_rss


def shared_pss(vigil, vdb, tree):
    cmd = [vigil, "scan", "-r", "--no-summary", "-i", "-d", vdb, tree]
    _, (one,) = sample_run([cmd])
    both, _ = sample_run([cmd, cmd])
    print("\n== two concurrent scans of %s with the same compiled file" % tree)
    print("one scan alone, peak RSS:          %8.1f MiB" % (one / 1024))
    print("two at once, peak combined PSS:    %8.1f MiB" % (both / 1024))
    print("combined PSS / (2 × one):          %8.2f" %
          (both / (2.0 * one) if one else 0))


def main():
    vigil = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "build", "release", "tools", "vigil")
    data = os.path.join(ROOT, "..", "shared", "data",
                        "clamav-official-subset")
    if not os.path.isdir(data):
        print("skipped: ../shared/data not found")
        return 0
    clamscan = shutil.which("clamscan")
    if not clamscan:
        print("clamscan not found (apt-get install clamav)")
        return 1
    with tempfile.TemporaryDirectory(prefix="vigil-bench-") as tmp:
        sample = os.path.join(tmp, "hello.txt")
        with open(sample, "wb") as f:
            f.write(b"hello\n")
        cache = os.path.join(tmp, "cache")
        os.mkdir(cache, 0o700)
        vdb = os.path.join(tmp, "official.vdb")
        hash_dbs(vigil, clamscan, data, sample)
        whole_subset(vigil, clamscan, data, sample, cache, vdb)
        shared_pss(vigil, vdb, "/usr/bin")
    return 0


if __name__ == "__main__":
    sys.exit(main())
