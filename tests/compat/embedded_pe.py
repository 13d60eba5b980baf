# SPDX-License-Identifier: GPL-2.0-or-later
"""Executables embedded in PE and OLE2 objects (SCAN-PIPELINE.md section
3): ClamAV's raw scan looks for "MZ" followed 60 to 300 bytes later by
"PE\\0\\0", checks the headers there, and scans the rest of the object
from that offset as a PE of its own, so target-1 signatures with offsets
relative to that PE match. Only the first is scanned from each object: it
runs to the end, and its own scan finds the next one inside it, so the
executables of a chain see an executable as their container, and a long
chain ends at the recursion limit. Uses ClamAV's own test file
clam.exe.emb-exes (a PE carrying two more) and its signatures, objects
built from it, and signatures on the container type."""
import os

from compat import Scenario, shared_data

SIGS = ("lil.exe.ldb", "smol.exe.ldb")
LIL_EXE = "1552:4c696c204558450a"  # "Lil EXE\n", 1552 bytes into a PE
CONTAINER_LDB = "".join(
    "Test.Container.%s;Engine:90-255,Target:1,Container:CL_TYPE_%s;0;%s\n"
    % (name, ctype, LIL_EXE) for name, ctype in (("OLE2", "MSOLE2"),
                                                  ("EXE", "MSEXE")))


def read(path):
    with open(path, "rb") as f:
        return f.read()


def scenarios():
    data = shared_data()
    if data is None:
        return None
    base = os.path.join(data, "clamav-unit-tests")
    emb_dir = os.path.join(base, "embedded_testfiles")
    emb = read(os.path.join(emb_dir, "clam.exe.emb-exes"))
    xls = read(os.path.join(base, "other_scanfiles", "has_png_and_jpeg.xls"))
    test_exe = read(os.path.join(base, "pe_allmatch", "test.exe"))
    first_inner = emb.index(b"MZ", 1)
    files = {
        "emb-exes.exe": emb,
        # the same bytes after 50 bytes of junk: typed PE by the pattern
        "junk_then_exes.dat": b"\0junk" * 10 + emb,
        # an OLE2 file with the executables appended
        "ole2_tail.xls": xls + emb,
        # a zip header between the outer PE and the first inner one
        "zip_marker.exe": emb[:first_inner] + b"PK\3\4" + emb[first_inner:],
        # the inner executables alone, at offset 0: one is embedded
        "inner_only.exe": emb[first_inner:],
        # ClamAV's test.exe holds a chain of executables; with these after
        # it, the chain reaches the recursion limit before them: clean
        "long_chain.exe": test_exe + emb,
    }
    dbs = {name: read(os.path.join(emb_dir, "signatures", name))
           .decode("ascii") for name in SIGS}
    dbs["container.ldb"] = CONTAINER_LDB
    return [Scenario("embedded-pe", dbs, files)]
