#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_daemon.py: vigild vs clamd 1.4.6 on the same database and the same
# INSTREAM load: CLIENTS concurrent clients each sending REQUESTS requests
# of mixed sizes (log-uniform, 100 B to 5 MB, fixed seed, one in ten is
# EICAR). Reports requests/s, p50/p99 latency and peak RSS, and the ratios.
# The daemons run one after the other, each alone on the machine.
# Database: the official subset's hash and body files (main.hdb, daily.hdb,
# daily.hsb, daily.ndb, *.fp) from ../shared/data when present, else a
# one-signature EICAR database; --db DIR picks another.
# Usage: bench/bench_daemon.py [VIGILD] [--clients N] [--requests N]
#                              [--max-size BYTES] [--db DIR]
import argparse
import os
import random
import shutil
import socket
import statistics
import struct
import sys
import threading
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "tests", "daemon"))
from daemon_util import (EICAR, EICAR_MD5, Daemon, find_clamd,  # noqa: E402
                         make_workdir)

SUBSET = os.path.join(ROOT, "..", "shared", "data", "clamav-official-subset")
SUBSET_FILES = ["main.hdb", "daily.hdb", "daily.hsb", "daily.ndb", "main.fp",
                "daily.fp"]


def make_db(root, given):
    if given:
        return given, given
    db = os.path.join(root, "db")
    os.makedirs(db)
    if os.path.isdir(SUBSET):
        for f in SUBSET_FILES:
            shutil.copy(os.path.join(SUBSET, f), db)
        what = "official subset (" + ", ".join(SUBSET_FILES) + ")"
    else:
        what = "EICAR only (../shared/data not found)"
    with open(os.path.join(db, "eicar.hdb"), "w") as f:
        f.write(f"{EICAR_MD5}:68:Bench.Eicar\n")
    return db, what


def workload(clients, requests, max_size, seed=7):
    rnd = random.Random(seed)
    pool = rnd.randbytes(max_size)
    plan = []
    for _ in range(clients):
        reqs = []
        for _ in range(requests):
            if rnd.random() < 0.1:
                reqs.append((0, -1))
            else:
                size = int(10 ** rnd.uniform(2, 6.7)) % (max_size + 1)
                reqs.append((rnd.randrange(0, max_size - size + 1), size))
        plan.append(reqs)
    return pool, plan


def one_request(path, data):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(120)
    s.connect(path)
    mv = memoryview(data)
    s.sendall(b"zINSTREAM\0")
    for i in range(0, len(data), 1 << 20):
        part = mv[i:i + (1 << 20)]
        s.sendall(struct.pack(">I", len(part)))
        s.sendall(part)
    s.sendall(b"\0\0\0\0")
    out = b""
    while not out.endswith(b"\0"):
        d = s.recv(4096)
        if not d:
            break
        out += d
    s.close()
    return out


def run_load(path, pool, plan):
    lat, errors = [], []
    lock = threading.Lock()

    def client(reqs):
        mine = []
        for off, size in reqs:
            data = EICAR if size < 0 else pool[off:off + size]
            t0 = time.perf_counter()
            r = one_request(path, data)
            mine.append(time.perf_counter() - t0)
            ok = r.endswith(b"FOUND\0") if size < 0 else r == b"stream: OK\0"
            if not ok:
                with lock:
                    errors.append(r[:100])
        with lock:
            lat.extend(mine)
    threads = [threading.Thread(target=client, args=(r,)) for r in plan]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0, lat, errors


def peak_rss_kib(pid):
    with open(f"/proc/{pid}/status") as f:
        for ln in f:
            if ln.startswith("VmHWM:"):
                return int(ln.split()[1])
    return 0


def bench_one(kind, exe, root, db, pool, plan):
    opts = {"StreamMaxLength": "10M", "MaxThreads": "10"}
    d = Daemon(kind, exe, root, db, opts)
    t0 = time.perf_counter()
    d.start(timeout=600)
    load_s = time.perf_counter() - t0
    try:
        one_request(d.sock, b"warm up")
        wall, lat, errors = run_load(d.sock, pool, plan)
        rss = peak_rss_kib(d.pid())
    finally:
        d.stop()
    lat.sort()
    return {"kind": kind, "load_s": load_s, "rps": len(lat) / wall,
            "p50": statistics.median(lat) * 1e3,
            "p99": lat[int(len(lat) * 0.99) - 1] * 1e3, "errors": len(errors),
            "rss": rss / 1024, "n": len(lat), "wall": wall}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("vigild", nargs="?", default=os.path.join(
        ROOT, "build", "release", "tools", "vigild", "vigild"))
    ap.add_argument("--clients", type=int, default=16)
    ap.add_argument("--requests", type=int, default=100)
    ap.add_argument("--max-size", type=int, default=5 << 20)
    ap.add_argument("--db")
    a = ap.parse_args()
    clamd = find_clamd()
    if not clamd:
        print("clamd not found (apt-get install clamav-daemon)")
        return 1
    root = make_workdir("vigild-bench-")
    db, what = make_db(root, a.db)
    pool, plan = workload(a.clients, a.requests, a.max_size)
    total = sum(max(s, 68) for r in plan for _, s in r)
    print(f"database: {what}\nload: {a.clients} clients x {a.requests} "
          f"INSTREAM requests, {total / 1e6:.0f} MB, sizes up to "
          f"{a.max_size / 1e6:.1f} MB")
    rows = [bench_one("clamd", clamd, root, db, pool, plan),
            bench_one("vigild", a.vigild, root, db, pool, plan)]
    print(f"\n{'':8} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8} "
          f"{'peak RSS MiB':>13} {'start s':>8} {'errors':>7}")
    for r in rows:
        print(f"{r['kind']:8} {r['rps']:8.1f} {r['p50']:8.1f} {r['p99']:8.1f}"
              f" {r['rss']:13.1f} {r['load_s']:8.2f} {r['errors']:7d}")
    c, v = rows
    print(f"\nvigild/clamd: requests/s x{v['rps'] / c['rps']:.2f}, p50 "
          f"x{c['p50'] / v['p50']:.2f} faster, p99 x{c['p99'] / v['p99']:.2f}"
          f" faster, peak RSS x{v['rss'] / c['rss']:.2f}")
    return 1 if c["errors"] or v["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
