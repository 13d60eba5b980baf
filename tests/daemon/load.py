#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# load.py: CLIENTS concurrent clients x REQUESTS INSTREAM requests of mixed
# sizes against vigild: every reply must be right, and vigild must hold
# the same descriptors afterwards (no leak).
# Usage: load.py VIGILD [CLIENTS REQUESTS]
import os
import random
import socket
import struct
import sys
import threading
import time

from daemon_util import EICAR, EICAR_MD5, Daemon, make_workdir

SIZES = [0, 1, 100, 4096, 65536, 300000, 1 << 20]


def request(sock_path, data, step=65536):
    s = socket.socket(socket.AF_UNIX)
    s.settimeout(60)
    s.connect(sock_path)
    s.sendall(b"zINSTREAM\0")
    for i in range(0, len(data), step):
        part = data[i:i + step]
        s.sendall(struct.pack(">I", len(part)) + part)
    s.sendall(b"\0\0\0\0")
    out = b""
    while True:
        d = s.recv(4096)
        if not d:
            break
        out += d
    s.close()
    return out


def client(sock_path, n, seed, errors, counts):
    rnd = random.Random(seed)
    blobs = {sz: rnd.randbytes(sz) for sz in SIZES}
    for i in range(n):
        if rnd.random() < 0.2:
            data, want = EICAR, b"stream: Test.Eicar.UNOFFICIAL FOUND\0"
        else:
            data, want = blobs[rnd.choice(SIZES)], b"stream: OK\0"
        try:
            got = request(sock_path, data)
        except OSError as e:
            got = repr(e).encode()
        if got != want:
            errors.append((len(data), got[:200]))
        counts.append(len(data))


def rss_kb(pid):
    with open(f"/proc/{pid}/status") as f:
        for ln in f:
            if ln.startswith("VmRSS:"):
                return int(ln.split()[1])
    return 0


def main():
    vigild = sys.argv[1]
    clients = int(sys.argv[2]) if len(sys.argv) > 2 else 16
    requests = int(sys.argv[3]) if len(sys.argv) > 3 else 100
    root = make_workdir("vigild-load-")
    db = os.path.join(root, "db")
    os.makedirs(db)
    with open(os.path.join(db, "t.hdb"), "w") as f:
        f.write(f"{EICAR_MD5}:68:Test.Eicar\n")
    d = Daemon("vigild", vigild, root, db, {"MaxThreads": "8"}).start()
    errors, counts = [], []
    try:
        request(d.sock, EICAR)
        fds_before, rss_before = d.fd_count(), rss_kb(d.pid())
        t0 = time.time()
        threads = [threading.Thread(target=client, args=(
            d.sock, requests, k, errors, counts)) for k in range(clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        secs = time.time() - t0
        time.sleep(0.5)  # connections close after their last reply
        fds_after, rss_after = d.fd_count(), rss_kb(d.pid())
    finally:
        code = d.stop()
    total = len(counts)
    print(f"{total} requests, {sum(counts) / 1e6:.1f} MB in {secs:.1f} s "
          f"({total / secs:.0f} req/s); errors {len(errors)}; fds "
          f"{fds_before} -> {fds_after}; RSS {rss_before} -> {rss_after} KiB;"
          f" exit {code}")
    for e in errors[:5]:
        print("error:", e)
    ok = (not errors and total == clients * requests and
          fds_after == fds_before and code == 0)
    print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
