#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bombs.py: hostile archives built at run time (none is stored in the
# tree), each scanned by `vigil scan` with the default limits. Each must
# finish within TIME_LIMIT seconds and MAX_RSS_MB of peak memory with an
# honest verdict, and the summary must name the limit that stopped it.
#
# Usage: bombs.py VIGIL_BINARY CASE   (CASE: see CASES below, or "all")
# Prints one line per case: name, seconds, peak RSS, verdict, limits.
import os
import struct
import subprocess
import sys
import tempfile
import time
import zlib

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                "..", "compat"))
from ziptools import make_zip, many_empty, overlap_bomb  # noqa: E402

TIME_LIMIT = 60.0  # seconds, generous for a shared 2-core machine
MAX_RSS_MB = 600   # one max_file_size (100 MiB) buffer per level, and more
MIB = 1 << 20


def zeros_deflate(nbytes, block=MIB):
    """A raw deflate stream of nbytes zeros, made without compressing them
    all: after a full flush the compressor starts afresh, so every block of
    zeros compresses to the same bytes, which are repeated."""
    assert nbytes % block == 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    one = c.compress(bytes(block)) + c.flush(zlib.Z_FULL_FLUSH)
    end = zlib.compressobj(9, zlib.DEFLATED, -15).flush(zlib.Z_FINISH)
    return one * (nbytes // block) + end


def gzip_bomb(nbytes):
    """gzip of nbytes zeros (10 GiB -> ~10 MB). The trailer's CRC is
    wrong (not computed over 10 GiB); a scanner stops long before it."""
    head = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\x03"
    return head + zeros_deflate(nbytes) + struct.pack("<II", 0,
                                                      nbytes & 0xFFFFFFFF)


def raw_member_zip(members):
    """members: [(name, deflated payload, uncompressed size)]."""
    body, cd = bytearray(), bytearray()
    for name, payload, usize in members:
        name = name.encode()
        off = len(body)
        body += struct.pack("<IHHHHHIIIHH", 0x04034B50, 45, 0, 8, 0, 0, 0,
                            len(payload), min(usize, 0xFFFFFFFF), len(name),
                            0) + name + payload
        cd += struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 45, 45, 0, 8, 0,
                          0, 0, len(payload), min(usize, 0xFFFFFFFF),
                          len(name), 0, 0, 0, 0, 0, off) + name
    return bytes(body + cd + struct.pack("<IHHHHIIH", 0x06054B50, 0, 0,
                                         len(members), len(members),
                                         len(cd), len(body), 0))


def zip42():
    """The 42.zip shape: 16 zips of 16 zips ... (5 levels), each leaf
    zip holding 16 files of 4 GiB of zeros. Each level is deflated again,
    which is what makes the whole thing small."""
    leaf = zeros_deflate(4 << 30, block=16 * MIB)
    level = raw_member_zip([("0x%d.bin" % i, leaf, 4 << 30)
                            for i in range(16)])
    for depth in range(4):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        packed = c.compress(level) + c.flush()
        level = raw_member_zip([("lvl%d_%d.zip" % (depth, i), packed,
                                 len(level)) for i in range(16)])
    return level


def nested(depth):
    data, name = b"innermost harmless text\n" * 4, "leaf.txt"
    for d in range(depth):
        data = make_zip([(name, data, True)])
        name = "n%03d.zip" % d
    return data


def corrupt_set():
    good = make_zip([("a.txt", b"alpha " * 50, True),
                     ("b.txt", b"bravo " * 50, True)])
    gz = zlib.compressobj(9, zlib.DEFLATED, 31)
    gzd = gz.compress(b"charlie " * 100) + gz.flush()
    files = {
        "truncated.zip": good[:len(good) // 2],
        "nocd.zip": good[:good.rfind(b"PK\x01\x02")],
        "badcrc.zip": good.replace(b"bravo", b"BRAVO", 1),
        "truncated.gz": gzd[:len(gzd) // 2],
        "garbage.gz": b"\x1f\x8b\x08\x00" + bytes(range(256)) * 8,
        "lying_sizes.zip": good.replace(b"\x2c\x01\x00\x00", b"\xff\xff\xff"
                                        b"\x7f"),
    }
    return files


# name -> (builder, expected verdict word, limit expected in the summary)
CASES = {
    "zip42": (lambda: {"42.zip": zip42()}, "OK", "MaxScanSize"),
    # libarchive indexes zip entries by their local header, so the 2000
    # entries that share one are read once: no limit is even needed.
    "overlap": (lambda: {"overlap.zip": overlap_bomb(64 * MIB, 2000)},
                "OK", None),
    "gzip10g": (lambda: {"zeros.gz": gzip_bomb(10 << 30)}, "OK",
                "MaxFileSize"),
    "nest100": (lambda: {"nest100.zip": nested(100)}, "OK",
                "MaxRecursion"),
    "million": (lambda: {"million.zip": many_empty(1000000)}, "OK",
                "MaxFiles"),
    "corrupt": (corrupt_set, "OK", None),
    # with --alert-exceeds-max the limit is the verdict
    "nest100_alert": (lambda: {"nest100.zip": nested(100)},
                      "Heuristics.Limits.Exceeded.MaxRecursion FOUND",
                      "MaxRecursion"),
    "zip42_alert": (lambda: {"42.zip": zip42()},
                    "Heuristics.Limits.Exceeded.MaxScanSize FOUND",
                    "MaxScanSize"),
}


def run_case(vigil, name):
    verdict, limit = CASES[name][1:]
    with tempfile.TemporaryDirectory(prefix="vigil-bomb-") as d:
        db = os.path.join(d, "t.hdb")
        with open(db, "w") as f:  # a signature nothing here matches
            f.write("%s:4:Test.NoMatch\n" % ("0" * 32))
        # Built by another process: a child forked from this one would
        # start with the builder's memory and spoil the peak-RSS reading.
        subprocess.run([sys.executable, os.path.abspath(__file__),
                        "--build", name, d], check=True)
        paths = sorted(os.path.join(d, n) for n in os.listdir(d)
                       if n != "t.hdb")
        t0 = time.monotonic()
        with open(os.path.join(d, "out"), "w+b") as outf, \
                open(os.path.join(d, "err"), "w+b") as errf:
            alert = ["--alert-exceeds-max"] if name.endswith("_alert") else []
            proc = subprocess.Popen([vigil, "scan", "-d", db] + alert + paths,
                                    stdout=outf, stderr=errf)
            # wait4: this child's own peak RSS (ctest's TIMEOUT bounds it)
            _, status, ru = os.wait4(proc.pid, 0)
            proc.returncode = os.waitstatus_to_exitcode(status)
            secs = time.monotonic() - t0
            rss_mb = ru.ru_maxrss / 1024
            outf.seek(0)
            errf.seek(0)
            out, err = outf.read(), errf.read()
        out = out.decode("utf-8", "replace")
        verdicts = [ln for ln in out.splitlines() if ln.startswith(d)]
        limits = [ln for ln in out.splitlines()
                  if ln.startswith("Limits reached:")]
        print("%s: %.2f s, peak RSS %.0f MB, %s, %s" %
              (name, secs, rss_mb, "; ".join(v[len(d) + 1:] for v in verdicts),
               limits[0] if limits else "no limit reached"))
        ok = True
        if secs > TIME_LIMIT:
            print("  FAIL: took longer than %.0f s" % TIME_LIMIT)
            ok = False
        if rss_mb > MAX_RSS_MB:
            print("  FAIL: peak RSS over %d MB" % MAX_RSS_MB)
            ok = False
        if len(verdicts) != len(paths) or not all(
                v.endswith(": " + verdict) for v in verdicts):
            print("  FAIL: expected every file %s; stderr: %s" %
                  (verdict, err.decode()[:500]))
            ok = False
        if limit and not (limits and limit in limits[0]):
            print("  FAIL: the summary should name %s" % limit)
            ok = False
        if proc.returncode not in (0, 1):
            print("  FAIL: exit %d" % proc.returncode)
            ok = False
        return ok


def build_into(name, d):
    for fname, data in CASES[name][0]().items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def main():
    if len(sys.argv) == 4 and sys.argv[1] == "--build":
        build_into(sys.argv[2], sys.argv[3])
        return 0
    if len(sys.argv) != 3 or (sys.argv[2] not in CASES and
                              sys.argv[2] != "all"):
        print("usage: bombs.py VIGIL CASE (%s|all)" % "|".join(CASES))
        return 2
    names = list(CASES) if sys.argv[2] == "all" else [sys.argv[2]]
    return 0 if all([run_case(sys.argv[1], n) for n in names]) else 1


if __name__ == "__main__":
    sys.exit(main())
