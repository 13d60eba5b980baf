#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_reload.py: memory during a database reload under load, vigild vs
# clamd, same database. Clients stream INSTREAM requests while RELOAD is
# sent RELOADS times, each after a new signature was added to the
# database (as an update does); VmRSS is sampled every 10 ms. Reports
# steady RSS (before the first reload), peak RSS and their ratio, and
# failed requests. vigild compiles a changed database in a child process
# (COMPILED-DB.md); that child's peak RSS is reported too.
# Usage: bench/bench_reload.py [VIGILD] [--reloads N] [--db DIR]
import argparse
import os
import resource
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "daemon"))
sys.path.insert(0, os.path.join(ROOT, "bench"))
from bench_daemon import make_db, one_request  # noqa: E402
from daemon_util import (EICAR, Daemon, exchange, find_clamd,  # noqa: E402
                         make_workdir)


def rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    return 0


def measure(kind, exe, root, db, reloads):
    d = Daemon(kind, exe, root, db, {"StreamMaxLength": "10M"})
    d.start(timeout=600)
    stop, errors, count = threading.Event(), [], [0]

    def client(k):
        blob = os.urandom(200000 + k * 1000)
        while not stop.is_set():
            r = one_request(d.sock, EICAR if count[0] % 5 == 0 else blob)
            if not (r.endswith(b"FOUND\0") or r == b"stream: OK\0"):
                errors.append(r[:80])
            count[0] += 1
    threads = [threading.Thread(target=client, args=(k,)) for k in range(8)]
    for t in threads:
        t.start()
    time.sleep(2)
    steady = max(rss_kib(d.pid()) for _ in range(50) if not time.sleep(0.01))
    peak = steady
    for i in range(reloads):
        with open(os.path.join(db, "bench-update.hdb"), "a") as f:
            f.write("%032x:%d:Bench.Update.%d\n" % (i + 1, 1000 + i, i))
        exchange(d.sock, [b"zRELOAD\0"])
        end = time.time() + 8
        while time.time() < end:
            peak = max(peak, rss_kib(d.pid()))
            time.sleep(0.01)
    stop.set()
    for t in threads:
        t.join()
    d.stop()
    os.unlink(os.path.join(db, "bench-update.hdb"))
    return steady / 1024, peak / 1024, count[0], len(errors)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigild", nargs="?", default=os.path.join(
        ROOT, "build", "release", "tools", "vigild", "vigild"))
    ap.add_argument("--reloads", type=int, default=3)
    ap.add_argument("--db")
    a = ap.parse_args()
    root = make_workdir("vigild-reload-")
    db, what = make_db(root, a.db)
    print(f"database: {what}; {a.reloads} reloads under 8-client load")
    print(f"{'':8} {'steady MiB':>11} {'peak MiB':>9} {'peak/steady':>12}"
          f" {'requests':>9} {'failed':>7}")
    for kind, exe in (("clamd", find_clamd()), ("vigild", a.vigild)):
        before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
        s, p, n, e = measure(kind, exe, root, db, a.reloads)
        print(f"{kind:8} {s:11.1f} {p:9.1f} {p / s:12.2f} {n:9d} {e:7d}")
    # ru_maxrss of children covers every waited-for descendant: for vigild
    # that is the largest compile child (it ran after clamd, so a larger
    # value than clamd's own shows the child's peak).
    after = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    if after > before:
        print(f"largest child process seen (vigild's compile): "
              f"{after / 1024:.1f} MiB")
    return 0


if __name__ == "__main__":
    sys.exit(main())
