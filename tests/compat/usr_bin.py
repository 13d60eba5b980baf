# SPDX-License-Identifier: GPL-2.0-or-later
# usr_bin.py: the whole official subset over the machine's /usr/bin, line
# by line (mostly "OK" lines: false positives and misses both show up).
import os

from compat import Scenario, shared_data

DBS = ("main.ldb", "daily.ndb", "main.hdb", "daily.hsb", "main.fp",
       "daily.fp")


def scenarios():
    data = shared_data()
    if data is None:
        return None
    official = os.path.join(data, "clamav-official-subset")
    return [Scenario("usr-bin", {}, {}, targets=["/usr/bin"],
                     db_args=[os.path.join(official, n) for n in DBS],
                     option_sets=[[], ["--allmatch"]])]
