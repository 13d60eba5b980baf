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
import struct

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


def small_pe(entry):
    """A one-section PE32 of 1 KiB whose entry point holds @entry."""
    b = bytearray(0x400)
    b[0:2] = b"MZ"
    struct.pack_into("<I", b, 0x3c, 0x40)
    b[0x40:0x44] = b"PE\0\0"
    struct.pack_into("<HHIIIHH", b, 0x44, 0x14c, 1, 0, 0, 0, 0xe0, 0x102)
    opt = 0x58
    struct.pack_into("<H", b, opt, 0x10b)
    struct.pack_into("<I", b, opt + 16, 0x1000)        # entry point
    struct.pack_into("<I", b, opt + 28, 0x400000)      # image base
    struct.pack_into("<II", b, opt + 32, 0x1000, 0x200)  # alignments
    struct.pack_into("<II", b, opt + 56, 0x2000, 0x200)  # image, headers
    struct.pack_into("<H", b, opt + 68, 2)
    struct.pack_into("<I", b, opt + 92, 16)
    sect = opt + 0xe0
    b[sect:sect + 5] = b".text"
    struct.pack_into("<IIII", b, sect + 8, 0x200, 0x1000, 0x200, 0x200)
    struct.pack_into("<I", b, sect + 36, 0x60000020)
    b[0x200:0x200 + len(entry)] = entry
    return bytes(b)


def synthetic():
    """Executables built here: EP-relative signatures find the inner one."""
    inner, outer = b"INNER-PE-ENTRY", b"OUTER-PE-ENTRY"
    db = "".join("Emb.%s:1:EP+0:%s\n" % (name, text.hex())
                 for name, text in (("Inner", inner), ("Outer", outer)))
    files = {
        "outer_inner.exe": small_pe(outer) + b"overlay " * 8 +
        small_pe(inner),
        # at offset 0 the inner one is the file itself: nothing embedded
        "inner_alone.exe": small_pe(inner),
        # "MZ" and "PE" in the overlay without a valid header: no match
        "fake_inner.exe": small_pe(outer) + b"MZ" + b"\0" * 70 + b"PE\0\0" +
        b"INNER-PE-ENTRY",
    }
    return Scenario("embedded-pe-synthetic", {"emb.ndb": db}, files)


def scenarios():
    data = shared_data()
    if data is None:
        return [synthetic()]
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
    return [synthetic(), Scenario("embedded-pe", dbs, files)]
