# SPDX-License-Identifier: GPL-2.0-or-later
# body_official.py: the real official databases (main.ldb, daily.ndb and
# the hash files) loaded whole, over files synthesised from a seeded sample
# of their body and logical signatures: an instance of each signature in a
# file of its target type, and a near-miss twin with one byte changed.
import os
import random

from compat import Scenario, shared_data
import siggen

SAMPLE_LDB = int(os.environ.get("VIGIL_COMPAT_LDB_SAMPLE", "1000"))


def _lines(path):
    with open(path, encoding="latin-1") as f:
        return [l.rstrip("\r\n") for l in f if l.strip() and l[0] != "#"]


def _samples(lines, maker, rng, prefix, files):
    made = 0
    for i, line in enumerate(lines):
        try:
            hit, twin = maker(line, rng)
        except (siggen.Unsupported, ValueError, IndexError, KeyError):
            continue
        files["%s/%05d.hit" % (prefix, i)] = hit
        files["%s/%05d.twin" % (prefix, i)] = twin
        made += 1
    return made


def scenarios():
    data = shared_data()
    if data is None:
        return None
    official = os.path.join(data, "clamav-official-subset")
    rng = random.Random(3)
    ndb = _lines(os.path.join(official, "daily.ndb"))
    ldb = _lines(os.path.join(official, "main.ldb"))
    ldb = rng.sample(ldb, min(SAMPLE_LDB, len(ldb)))
    files = {}
    n_ndb = _samples(ndb, siggen.ndb_sample, rng, "ndb", files)
    n_ldb = _samples(ldb, siggen.ldb_sample, rng, "ldb", files)
    print("samples: %d .ndb, %d .ldb signatures (+ twins)" % (n_ndb, n_ldb))
    dbs = [os.path.join(official, n) for n in
           ("main.ldb", "daily.ndb", "main.hdb", "daily.hsb", "main.fp",
            "daily.fp")]
    return [Scenario("official-body", {}, files, db_args=dbs,
                     targets=["ndb", "ldb"],
                     option_sets=[["-r"], ["-r", "--allmatch"]])]
