# SPDX-License-Identifier: GPL-2.0-or-later
# body_ndb.py: daily.ndb alone over samples of each of its signatures (and
# near-miss twins), so body matching is compared without .ldb support.
import os
import random

from compat import Scenario, shared_data
from body_official import _lines, _samples
import siggen


def scenarios():
    data = shared_data()
    if data is None:
        return None
    path = os.path.join(data, "clamav-official-subset", "daily.ndb")
    rng = random.Random(5)
    files = {}
    n = _samples(_lines(path), siggen.ndb_sample, rng, "ndb", files)
    print("samples: %d .ndb signatures (+ twins)" % n)
    return [Scenario("daily-ndb", {}, files, db_args=[path],
                     targets=["ndb"],
                     option_sets=[["-r"], ["-r", "--allmatch"]])]
