# SPDX-License-Identifier: GPL-2.0-or-later
# containers_hdb.py: ClamAV's clamav_hdb_scanfiles: 60 files that each hide
# the 544-byte clam.exe in a container, an encoding or a packer, decoded
# from their XOR-ed form (../shared/data/README.md) and scanned with only
# clamav.hdb (the hash of clam.exe). Compared line by line with clamscan.
#
# PENDING lists the files vigil cannot open yet, with the reason; they are
# left out of the comparison (and listed when the suite runs). Everything
# else is compared, including the files neither scanner detects.
# The two RAR files are compared too: Debian's ClamAV has no unrar and
# reports them clean; vigil reads RAR through libarchive (and RAR 2.0
# compression, which libarchive lacks, itself: lib/fmt/rar2.c), so both
# are FOUND by vigil only (see RAR_ONLY_VIGIL) and left out here, checked
# by tests/cli/scanfiles_test.py instead (every file not PENDING must be
# detected there).
import os

from compat import Scenario, shared_data

PACKER = "packed executable (a later issue)"
PENDING = {
    "clam-aspack.exe": PACKER, "clam-fsg.exe": PACKER,
    "clam-mew.exe": PACKER, "clam-pespin.exe": PACKER,
    "clam-petite.exe": PACKER, "clam-upack.exe": PACKER,
    "clam-upx.exe": PACKER, "clam-wwpack.exe": PACKER,
    "clam-yc.exe": PACKER,
    "clam.ea05.exe": "AutoIt script extraction",
    "clam.ea06.exe": "AutoIt script extraction",
}
DEBIAN_TESTFILES = "/usr/share/clamav-testfiles"
# vigil detects these, Debian's clamscan does not: it has no unrar, and
# these mail layouts (ClamAV's own bypass tests) slip past its MIME
# parser. tests/cli/scanfiles_test.py checks that vigil finds them.
RAR_ONLY_VIGIL = {
    "clam-v2.rar",
    "clam-v3.rar",
    "clam.mail-boundary-content-disposition.eml",
    "clam.mail-multiple-boundaries.eml",
    "clam.mail-multiple-content-type.eml",
    "clam.mail-semicolon-boundary.eml",
}


def decode_all(data):
    root = os.path.join(data, "clamav-unit-tests")
    with open(os.path.join(root, "XOR-KEY.txt"), "rb") as f:
        key = f.read().strip()
    src = os.path.join(root, "clamav_hdb_scanfiles")
    files = {}
    for name in sorted(os.listdir(src)):
        if not name.endswith(".xor"):
            continue
        with open(os.path.join(src, name), "rb") as f:
            enc = f.read()
        files[name[:-4]] = bytes(b ^ key[i % len(key)]
                                 for i, b in enumerate(enc))
    return files


def scenarios():
    data = shared_data()
    if data is None:
        return None
    files = decode_all(data)
    keep = {n: b for n, b in files.items()
            if n not in PENDING and n not in RAR_ONLY_VIGIL}
    print("compared: %d of %d files; pending:" % (len(keep), len(files)))
    for name in sorted(PENDING):
        print("  %s: %s" % (name, PENDING[name]))
    hdb = os.path.join(data, "clamav-unit-tests", "clamav.hdb")
    # --allmatch line by line: clamjol.iso is reported twice, once from
    # its ISO 9660 tree and once from its Joliet tree.
    out = [Scenario("clamav_hdb_scanfiles", {}, keep, db_args=[hdb],
                    option_sets=[[], ["--allmatch"]])]
    # Debian's clamav-testfiles: 44 of the same files, already decoded.
    if os.path.isdir(DEBIAN_TESTFILES):
        deb = {}
        for name in sorted(os.listdir(DEBIAN_TESTFILES)):
            if name in PENDING or name in RAR_ONLY_VIGIL:
                continue
            with open(os.path.join(DEBIAN_TESTFILES, name), "rb") as f:
                deb[name] = f.read()
        print("clamav-testfiles: %d compared" % len(deb))
        out.append(Scenario("clamav-testfiles", {}, deb, db_args=[hdb],
                            option_sets=[[], ["--allmatch"]]))
    return out
