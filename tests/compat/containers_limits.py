# SPDX-License-Identifier: GPL-2.0-or-later
# containers_limits.py: archives and compressed streams this test builds
# (zip stored/deflated/nested/encrypted, tar, tar.gz, gzip, bzip2, xz,
# cpio), scanned with a hash and a body signature of a member, under
# ClamAV's limit and alert options, compared line by line with clamscan.
# Also .ldb Container/Intermediates keys, which see the chain of
# enclosing types. Needs no shared data.
import bz2
import gzip
import io
import lzma
import tarfile

from compat import Scenario, md5
from ziptools import make_zip

PAYLOAD = (b"vigil-container-test payload: the quick brown fox jumps over "
           b"the lazy dog 0123456789\n") * 4
CLEAN = b"just some harmless text, nothing to see here\n" * 3


def tar_of(members, fmt=tarfile.USTAR_FORMAT):
    bio = io.BytesIO()
    with tarfile.open(fileobj=bio, mode="w", format=fmt) as t:
        for name, data in members:
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            ti.mtime = 0
            t.addfile(ti, io.BytesIO(data))
    return bio.getvalue()


def nested_zip(depth, inner):
    data, name = inner, "payload.txt"
    for d in range(depth):
        data = make_zip([(name, data, d % 2 == 0)])
        name = "level%d.zip" % d
    return data


def make_files():
    f = {
        "plain.txt": PAYLOAD,
        "clean.zip": make_zip([("a.txt", CLEAN, True)]),
        "stored.zip": make_zip([("p.txt", PAYLOAD, False)]),
        "deflated.zip": make_zip([("c.txt", CLEAN, True),
                                  ("p.txt", PAYLOAD, True)]),
        "many.zip": make_zip([("c%d.txt" % i, CLEAN + bytes([65 + i]), True)
                              for i in range(6)] + [("p.txt", PAYLOAD, True)]),
        "manyfirst.zip": make_zip([("p.txt", PAYLOAD, True)] +
                                  [("c%d.txt" % i, CLEAN + bytes([65 + i]),
                                    True) for i in range(6)]),
        "big.zip": make_zip([("zeros.bin", bytes(3 << 20), True),
                             ("p.txt", PAYLOAD, True)]),
        "enc.zip": make_zip([("p.txt", PAYLOAD, True)], password=b"secret"),
        "encclean.zip": make_zip([("c.txt", CLEAN, False)], password=b"x"),
        "nest3.zip": nested_zip(3, PAYLOAD),
        "nest6.zip": nested_zip(6, PAYLOAD),
        "p.tar": tar_of([("dir/c.txt", CLEAN), ("dir/p.txt", PAYLOAD)]),
        "p.gz": gzip.compress(PAYLOAD, mtime=0),
        "p.bz2": bz2.compress(PAYLOAD),
        "p.xz": lzma.compress(PAYLOAD),
        "c.gz": gzip.compress(CLEAN, mtime=0),
    }
    f["p.tar.gz"] = gzip.compress(f["p.tar"], mtime=0)
    f["p.tar.bz2"] = bz2.compress(f["p.tar"])
    f["zip_in_tar.tar"] = tar_of([("x.zip", f["stored.zip"])])
    f["gz_in_zip.zip"] = make_zip([("p.gz", f["p.gz"], False)])
    f["corrupt.zip"] = f["deflated.zip"][:len(f["deflated.zip"]) // 2]
    f["corrupt.gz"] = f["p.gz"][:len(f["p.gz"]) - 20]
    return f


def scenarios():
    files = make_files()
    hdb = "%s:%d:Test.Container.Hash\n" % (md5(PAYLOAD), len(PAYLOAD))
    ndb = "Test.Container.Body:0:*:%s\n" % b"quick brown fox".hex()
    pat = b"lazy dog 0123".hex()
    ldb = "".join([
        "Test.Ldb.InZip;Engine:51-255,Container:CL_TYPE_ZIP,Target:0;0;%s\n"
        % pat,
        "Test.Ldb.InTar;Engine:51-255,Container:CL_TYPE_POSIX_TAR,"
        "Target:0;0;%s\n" % pat,
        "Test.Ldb.GzTar;Engine:81-255,Intermediates:CL_TYPE_GZ>"
        "CL_TYPE_POSIX_TAR,Target:0;0;%s\n" % pat,
    ])
    limit_opts = [
        [], ["--allmatch"],
        ["--max-files=3", "--alert-exceeds-max"],
        ["--max-files=3"],
        ["--max-files=2", "--alert-exceeds-max", "--allmatch"],
        ["--max-recursion=3", "--alert-exceeds-max"],
        ["--max-recursion=4", "--alert-exceeds-max", "--allmatch"],
        ["--max-recursion=2"],
        ["--max-scansize=1M", "--alert-exceeds-max"],
        ["--max-filesize=1M", "--alert-exceeds-max"],
        ["--max-filesize=100", "--alert-exceeds-max"],
        ["--alert-encrypted"],
        ["--alert-encrypted", "--allmatch"],
    ]
    return [
        Scenario("containers-hash", {"t.hdb": hdb}, files,
                 option_sets=limit_opts),
        Scenario("containers-body", {"t.ndb": ndb}, files,
                 option_sets=[[], ["--allmatch"],
                              ["--max-files=3", "--alert-exceeds-max"]]),
        Scenario("containers-ldb-chain", {"t.ldb": ldb}, files,
                 option_sets=[[], ["--allmatch"]]),
    ]
