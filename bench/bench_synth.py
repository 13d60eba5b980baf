#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_synth.py: a full-size synthetic database (bench/synth_db.py, about
# 8.7 M signatures at scale 1.0), vigil vs clamscan, in one run:
#   (a) vigil db compile DIR -o X.vdb: wall time, peak RSS, file size;
#   (b) vigil scan -d X.vdb FILE (and -d DIR through the automatic cache):
#       time to the scan result and peak RSS;
#   (c) clamscan -d DIR FILE: the same.
# FILE is a small text file and a small PE (a PE file makes vigil page in
# its PE-target matcher too; clamscan builds everything either way).
# vigil runs: -d DIR the first time (compiles into its compiled-database
# cache, VIGIL_CACHE_DIR, a temporary directory here) and then from the
# cache; -d X.vdb with X.vdb dropped from the page cache (cold, as after a
# reboot) and warm. Warm rows are medians of --repeat runs (peak RSS: the
# largest); the others and clamscan run once.
# The database is generated once per scale and seed and kept under /tmp.
# Usage: bench/bench_synth.py [--scale 1.0] [--seed 1] [--vigil PATH]
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import runner  # noqa: E402
from runner import report  # noqa: E402
import synth_db  # noqa: E402

ROOT = os.path.dirname(HERE)
PE_FILE = "/usr/share/clamav-testfiles/clam.exe"


def default_vigil():
    for build in ("release", "synth", "dev"):
        p = os.path.join(ROOT, "build", build, "tools", "vigil")
        if os.access(p, os.X_OK):
            return p
    return os.path.join(ROOT, "build", "release", "tools", "vigil")


def database(scale, seed):
    """The generated directory for (scale, seed), made if missing."""
    top = os.path.join(tempfile.gettempdir(),
                       "vigil-synth-%g-%d" % (scale, seed))
    db, done = os.path.join(top, "db"), os.path.join(top, "complete")
    if os.path.exists(done):
        print("database: %s (cached)" % db)
        return db
    shutil.rmtree(top, ignore_errors=True)
    print("generating %s (scale %g, seed %d)..." % (db, scale, seed))
    t0 = time.monotonic()
    made = synth_db.generate(db, scale, seed)
    took = time.monotonic() - t0
    with open(done, "w") as f:
        f.write("%d signatures in %.1f s\n" % (sum(made.values()), took))
    print("generated %d signatures in %.1f s" % (sum(made.values()), took))
    return db


TIME = "/usr/bin/time"   # Debian package "time"


def measure(cmd, repeat=3):
    """Median wall seconds and max peak RSS (KiB), like runner.measure,
    but the peak RSS comes from /usr/bin/time. A child's ru_maxrss starts
    at its parent's peak (fork copies it, vfork + exec records it), so
    measured from this Python process, which held the generator's data,
    every small vigil run would read as this process's size."""
    if not os.access(TIME, os.X_OK):
        return runner.measure(cmd, repeat)
    walls, rss = [], []
    with tempfile.NamedTemporaryFile("r") as out:
        for _ in range(repeat):
            t0 = time.monotonic()
            code = subprocess.call([TIME, "-f", "%M", "-o", out.name] + cmd,
                                   stdout=subprocess.DEVNULL,
                                   stderr=subprocess.DEVNULL)
            walls.append(time.monotonic() - t0)
            if code not in (0, 1):
                raise SystemExit("command failed (%d): %s" % (code, cmd))
            out.seek(0)
            rss.append(int(out.read().split()[-1]))
    return statistics.median(walls), max(rss)


def evict(path):
    """Drop @path from the page cache: a cold start, as after a reboot,
    without touching the rest of the machine's cache."""
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
        os.posix_fadvise(fd, 0, 0, os.POSIX_FADV_DONTNEED)
    finally:
        os.close(fd)


def dir_bytes(path):
    return sum(os.path.getsize(os.path.join(path, n)) for n in os.listdir(path))


def ratio(a, b):
    return "%.3f" % (a / b) if b else "-"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--vigil", default=default_vigil())
    ap.add_argument("--repeat", type=int, default=3,
                    help="runs per vigil scan (clamscan runs once)")
    a = ap.parse_args()
    if not os.access(TIME, os.X_OK):
        print("warning: %s missing (apt-get install time): peak RSS of "
              "small runs reads as this script's own size" % TIME)
    clamscan = shutil.which("clamscan")
    if not clamscan:
        print("clamscan not found (apt-get install clamav)")
        return 1
    db = database(a.scale, a.seed)
    with open(os.path.join(os.path.dirname(db), "complete")) as f:
        print("  (%s)" % f.read().strip())
    work = tempfile.mkdtemp(prefix="vigil-bench-synth-")
    # Keep the automatic compiled-database cache out of /var/cache/vigil.
    os.environ["VIGIL_CACHE_DIR"] = os.path.join(work, "cache")
    try:
        return run(a, clamscan, db, work)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def run(a, clamscan, db, work):
    vdb = os.path.join(work, "synth.vdb")
    text = os.path.join(work, "hello.txt")
    with open(text, "w") as f:
        f.write("hello\n")
    files = [("text file", text)]
    if os.path.isfile(PE_FILE):
        files.append(("PE file", PE_FILE))

    wall_c, rss_c = measure([a.vigil, "db", "compile", db, "-o", vdb],
                            repeat=1)
    size = os.path.getsize(vdb)
    print("\n== vigil db compile (%s)" % a.vigil)
    print("sources  %8.1f MiB in %s" % (dir_bytes(db) / 2**20, db))
    print("compile  %8.1f s wall, %.1f MiB peak RSS" % (wall_c, rss_c / 1024))
    print("output   %8.1f MiB" % (size / 2**20))

    # The automatic path: -d DIR compiles into the cache on the first run
    # and maps the cached file afterwards.
    os.environ["VIGIL_CACHE_DIR"] = os.path.join(work, "cache")
    auto = [a.vigil, "scan", "-d", db, "--no-summary", text]
    first = measure(auto, repeat=1)
    results = []
    for label, path in files:
        args = ["--no-summary", path]
        named = [a.vigil, "scan", "-d", vdb] + args
        evict(vdb)
        cold = measure(named, repeat=1)
        warm = measure(named, repeat=a.repeat)
        cached = measure([a.vigil, "scan", "-d", db] + args, repeat=a.repeat)
        c = measure([clamscan, "-d", db] + args, repeat=1)
        rows = [("clamscan 1.4.6 -d DIR", c[0], c[1])]
        if label == "text file":
            rows.append(("vigil -d DIR, 1st (compiles)",) + first)
        rows += [("vigil -d DIR, cached",) + cached,
                 ("vigil -d X.vdb, cold",) + cold,
                 ("vigil -d X.vdb, warm",) + warm]
        report("one-file scan (%s), synthetic db scale %g" % (label, a.scale),
               rows)
        results += [(label + ", -d DIR cached", cached, c),
                    (label + ", -d X.vdb cold", cold, c),
                    (label + ", -d X.vdb warm", warm, c)]

    print("\n== vigil / clamscan")
    print("%-28s %12s %12s" % ("vigil run", "time ratio", "RSS ratio"))
    for label, v, c in results:
        print("%-28s %12s %12s" % (label, ratio(v[0], c[0]), ratio(v[1], c[1])))
    return 0


if __name__ == "__main__":
    sys.exit(main())
