# SPDX-License-Identifier: GPL-2.0-or-later
# hash_official.py: the real ClamAV hash databases (main.hdb, daily.hsb,
# main.fp, daily.fp) plus the synthesised test database, over synthesised
# files, EICAR, and clean files.
import os
import random

from compat import Scenario, shared_data
from hash_synth import hash_dbs, make_files


def scenarios():
    data = shared_data()
    if data is None:
        return None
    official = os.path.join(data, "clamav-official-subset")
    rng = random.Random(216)
    files = make_files(rng)
    for i in range(40):  # clean files of many sizes
        files["clean/c%02d.dat" % i] = rng.randbytes(rng.randint(0, 70000))
    # The official files already name EICAR; a second entry with the same
    # (hash, size) would make ClamAV's pick depend on its sort order.
    dbs = hash_dbs(files, eicar=False)
    official_args = [os.path.join(official, n) for n in
                     ("main.hdb", "daily.hsb", "daily.hdb", "main.fp",
                      "daily.fp")]
    return [
        Scenario("official-hashes", dbs, files,
                 db_args=official_args + ["test.ign2", "test.hdb",
                                          "test.hsb", "test.fp",
                                          "test.sfp"],
                 option_sets=[["-r"], ["-r", "--allmatch"]]),
        Scenario("official-main-hdb-only", {}, files,
                 db_args=[os.path.join(official, "main.hdb")]),
    ]
