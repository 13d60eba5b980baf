# SPDX-License-Identifier: GPL-2.0-or-later
# pe_allmatch.py: ClamAV's own allmatch test set: test.exe and the
# signatures of every kind it is expected to fire (pe_allmatch/alert-sigs),
# compared line by line with clamscan --allmatch.
# Left out, on both sides, are the kinds vigil does not match yet: bytecode
# (.cbc), YARA (.yar) and the icon-group .ldb that needs .idb icon matching.
import os

from compat import Scenario, shared_data

LEFT_OUT = (".cbc", ".yar")


def scenarios():
    data = shared_data()
    if data is None:
        return None
    root = os.path.join(data, "clamav-unit-tests", "pe_allmatch")
    sigs = os.path.join(root, "alert-sigs")
    dbs = sorted(os.path.join(sigs, n) for n in os.listdir(sigs)
                 if not n.endswith(LEFT_OUT) and "_ICON_" not in n)
    with open(os.path.join(root, "test.exe"), "rb") as f:
        exe = f.read()
    # The issue asks that every signature ClamAV fires fires in vigil with
    # the same name; ClamAV also repeats many of them while it re-scans
    # pieces of the PE it extracts (a container feature), so --allmatch is
    # compared as sets. The default run (first detection) is compared
    # line by line.
    return [Scenario("pe-allmatch", {}, {"test.exe": exe}, db_args=dbs,
                     option_sets=[["--allmatch"], []],
                     allmatch_as_set=True)]
