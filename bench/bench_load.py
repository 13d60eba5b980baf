#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# bench_load.py: database load cost, vigil vs clamscan, in one run.
# Scans one small file with main.hdb + daily.hsb (the official hash
# databases), so wall time is almost all database loading.
# Usage: bench/bench_load.py [VIGIL_BINARY]   (default build/release/tools/vigil)
import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from runner import measure, report  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


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
    dbs = []
    for name in ("main.hdb", "daily.hsb"):
        dbs += ["-d", os.path.join(data, name)]
    with tempfile.NamedTemporaryFile(suffix=".txt") as f:
        f.write(b"hello\n")
        f.flush()
        args = dbs + ["--no-summary", f.name]
        rows = [("clamscan 1.4.6",) + measure([clamscan] + args),
                ("vigil",) + measure([vigil, "scan"] + args)]
    report("load main.hdb + daily.hsb (228,559 hashes), scan 1 file", rows)
    return 0


if __name__ == "__main__":
    sys.exit(main())
