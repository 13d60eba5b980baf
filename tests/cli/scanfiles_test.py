#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# scanfiles_test.py: ClamAV's clamav_hdb_scanfiles (60 files hiding the
# 544-byte clam.exe in a container, an encoding or a packer), decoded and
# scanned with only clamav.hdb: every file not listed as PENDING in
# tests/compat/containers_hdb.py must be detected as ClamAV-Test-File,
# whatever clamscan says (it misses some). Prints the count.
# Usage: scanfiles_test.py VIGIL   Exit 0 ok, 1 a miss, 77 no ../shared.
import os
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "compat"))
import containers_hdb  # noqa: E402
from compat import shared_data  # noqa: E402


def main():
    vigil = sys.argv[1]
    data = shared_data()
    if data is None:
        print("skipped: ../shared/data not found")
        return 77
    files = containers_hdb.decode_all(data)
    hdb = os.path.join(data, "clamav-unit-tests", "clamav.hdb")
    with tempfile.TemporaryDirectory(prefix="vigil-scanfiles-") as d:
        for name, body in files.items():
            with open(os.path.join(d, name), "wb") as f:
                f.write(body)
        p = subprocess.run([vigil, "scan", "--no-summary", "-d", hdb, d],
                           capture_output=True, text=True, timeout=600)
    found = {line.split(": ")[0].rsplit("/", 1)[-1]
             for line in p.stdout.splitlines()
             if line.endswith(": ClamAV-Test-File.UNOFFICIAL FOUND")}
    missed = sorted(n for n in files
                    if n not in found and n not in containers_hdb.PENDING)
    print("detected %d of %d files (%d pending)" % (
        len(found), len(files), len(containers_hdb.PENDING)))
    for n in missed:
        print("MISSED: %s" % n)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
