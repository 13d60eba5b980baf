# SPDX-License-Identifier: GPL-2.0-or-later
# hash_synth.py: hash-signature compatibility over files and databases this
# test synthesises: exact sizes, '*' sizes, every hash type, duplicates,
# allow-lists, ignore lists, functionality levels. Needs no shared data.
import random

from compat import Scenario, md5, sha1, sha256

EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT"
         b"IVIRUS-TEST-FILE!$H+H*")


WORDS = ("alpha bravo charlie delta echo foxtrot golf hotel india juliet "
         "kilo lima mike november oscar papa quebec romeo").split()


def text(rng, nbytes):
    """Plain ASCII text. ClamAV types random binary as CL_TYPE_BINARY_DATA
    and then, in --allmatch mode, reports a hash match twice (a raw and a
    typed pass); file typing is the pattern-engine issue's work, so this
    hash suite sticks to text, which both scan once."""
    out = []
    while sum(len(w) + 1 for w in out) < nbytes:
        out.append(rng.choice(WORDS))
    return (" ".join(out) + "\n").encode()


def make_files(rng):
    files = {"f%02d.txt" % i: text(rng, rng.randint(1, 5000))
             for i in range(1, 25)}
    files["eicar.com"] = EICAR
    files["empty.txt"] = b""
    files["sub/nested.txt"] = text(rng, 300)
    return files


def hash_dbs(f, eicar=True):
    """Signature files naming the synthesised files f (by key)."""
    def sz(k):
        return len(f[k])
    hdb = [
        "%s:%d:Test.Md5.Exact" % (md5(f["f01.txt"]), sz("f01.txt")),
        "%s:%d:Test.Sha1.InHdb" % (sha1(f["f02.txt"]), sz("f02.txt")),
        "%s:%d:Test.Md5.Upper" % (md5(f["f03.txt"]).upper(), sz("f03.txt")),
        "%s:%d:Test.Dup.First" % (md5(f["f04.txt"]), sz("f04.txt")),
        # No second entry with the same (hash, size): ClamAV's pick among
        # exact duplicates depends on its internal sort (see
        # docs/internals/CLAMAV-HASH-BEHAVIOUR.md).
        "%s:%d:Test.WrongSize" % (md5(f["f05.txt"]), sz("f05.txt") + 1),
        "%s:%d:Test.FlevelTooNew:217" % (md5(f["f06.txt"]), sz("f06.txt")),
        "%s:%d:Test.FlevelTooOld:1:100" % (md5(f["f07.txt"]), sz("f07.txt")),
        "%s:%d:Test.FlevelRange:1:300" % (md5(f["f08.txt"]), sz("f08.txt")),
        "%s:%d:Test.Allowed.Md5" % (md5(f["f09.txt"]), sz("f09.txt")),
        "%s:%d:Test.Ignored.ByName" % (md5(f["f10.txt"]), sz("f10.txt")),
        "%s:%d:Test.Multi.Md5" % (md5(f["f12.txt"]), sz("f12.txt")),
        "%s:%d:Test.Nested" % (md5(f["sub/nested.txt"]),
                               sz("sub/nested.txt")),
    ]
    ign_line = "%s:%d:Test.Ignored.ByLine" % (md5(f["f11.txt"]),
                                              sz("f11.txt"))
    hdb.append(ign_line)
    hsb = [
        "%s:%d:Test.Sha256.Exact" % (sha256(f["f13.txt"]), sz("f13.txt")),
        "%s:%d:Test.Sha1.Exact" % (sha1(f["f14.txt"]), sz("f14.txt")),
        "%s:*:Test.Md5.AnySize:73" % md5(f["f15.txt"]),
        "%s:*:Test.Sha256.AnySize:73" % sha256(f["f16.txt"]),
        "%s:%d:Test.Multi.Sha256" % (sha256(f["f12.txt"]), sz("f12.txt")),
        "%s:%d:Test.Multi.Sha1" % (sha1(f["f12.txt"]), sz("f12.txt")),
        "%s:*:Test.Multi.AnySize:73" % sha256(f["f12.txt"]),
        "%s:%d:Test.Allowed.Sha256" % (sha256(f["f17.txt"]), sz("f17.txt")),
        "%s:%d:Test.AnySizeAndExact" % (md5(f["f18.txt"]), sz("f18.txt")),
        "%s:*:Test.AnySizeAndExact.Any:73" % md5(f["f18.txt"]),
    ]
    if eicar:
        hdb.append("%s:68:Test.Eicar.Md5" % md5(EICAR))
        hsb.append("%s:68:Test.Eicar.Sha256" % sha256(EICAR))
    hsb.append("%s:%d:Test.SameName" % (sha256(f["f19.txt"]), sz("f19.txt")))
    hdb.append("%s:%d:Test.SameName" % (md5(f["f19.txt"]), sz("f19.txt")))
    fp = ["%s:%d:Allow.F09" % (md5(f["f09.txt"]), sz("f09.txt"))]
    sfp = ["%s:%d:Allow.F17" % (sha256(f["f17.txt"]), sz("f17.txt"))]
    ign2 = ["Test.Ignored.ByName",
            "Test.Ignored.ByLine:%s" % md5(ign_line.encode())]
    return {
        "test.hdb": "# synthesised\n" + "\n".join(hdb) + "\n",
        "test.hsb": "\n".join(hsb) + "\n",
        "test.fp": "\n".join(fp) + "\n",
        "test.sfp": "\n".join(sfp) + "\n",
        "test.ign2": "\n".join(ign2) + "\n",
    }


def edge_scenarios(files):
    """One database per parsing edge case; the oracle decides whether it
    loads, and what it detects when it does."""
    f = files["f01.txt"]
    h, n = md5(f), len(f)
    cases = {
        "garbage-but-newer-flevel": "zz:yy:Bad:217\n%s:%d:Ok\n" % (h, n),
        "negative-minfl": "%s:%d:Neg:-1\n" % (h, n),
        "size-plus-zeros": "%s:+00%d:Plus\n" % (h, n),
        "size-zero": "%s:0:Zero\n" % h,
        "size-negative": "%s:-5:Neg\n" % h,
        "star-needs-73": "%s:*:Star:72\n" % h,
        "star-ok": "%s:*:Star:73\n" % h,
        "blank-line": "%s:%d:A\n\n" % (h, n),
        "comment-only": "# nothing\n",
        "crlf": "%s:%d:Crlf\r\n" % (h, n),
        "six-fields": "%s:%d:Six:1:300:9\n" % (h, n),
        "short-hash": "%s:%d:Short\n" % (h[:31], n),
        "non-hex": "%sg:%d:NonHex\n" % (h[:31], n),
        "empty-name": "%s:%d:\n" % (h, n),
        "maxfl-216": "%s:%d:Max216:0:216\n" % (h, n),
        "minfl-216": "%s:%d:Min216:216\n" % (h, n),
    }
    out = [Scenario("edge-" + k, {"edge.hdb": v}, {"f01.txt": f},
                    option_sets=[[]]) for k, v in cases.items()]
    out.append(Scenario("edge-empty-file", {"edge.hdb": ""}, {"f01.txt": f},
                        option_sets=[[]]))
    out.append(Scenario("edge-empty-ign2", {"e.ign2": "", "e.hdb": cases[
        "crlf"]}, {"f01.txt": f}, db_args=["e.ign2", "e.hdb"],
        option_sets=[[]]))
    out.append(Scenario("edge-ign-old-form", {"e.ign2": "x:1:Crlf\n",
                                              "e.hdb": cases["crlf"]},
                        {"f01.txt": f}, db_args=["e.ign2", "e.hdb"],
                        option_sets=[[]]))
    out.append(Scenario("edge-unknown-ext", {"e.txt": "x\n", "e.hdb":
                                             cases["crlf"]},
                        {"f01.txt": f}, db_args=["e.txt", "e.hdb"],
                        option_sets=[[]]))
    return out


def scenarios():
    rng = random.Random(20261122)
    files = make_files(rng)
    dbs = hash_dbs(files)
    in_dir = {"dir/" + k: v for k, v in dbs.items()}
    upper = {"dir/" + k.upper(): v for k, v in dbs.items()}
    return [
        Scenario("hash-files", dbs, files,
                 db_args=["test.ign2", "test.hdb", "test.hsb", "test.fp",
                          "test.sfp"]),
        Scenario("hash-directory", in_dir, files, db_args=["dir"]),
        Scenario("hash-directory-upper-ext", upper, files, db_args=["dir"]),
        Scenario("hash-recursive", in_dir, files, db_args=["dir"],
                 option_sets=[["-r"], ["-r", "--allmatch"],
                              ["-r", "-i"]]),
        # Directory walking: order, symlinks, empty files, no -r.
        Scenario("walk", in_dir, files, db_args=["dir"], targets=["."],
                 symlinks={"link-to-f01": "f01.txt",
                           "dangling": "/nonexistent/vigil",
                           "sub/link-to-dir": ".."},
                 option_sets=[[], ["-r"], ["-r", "-i"]]),
        Scenario("walk-missing-path", in_dir, files, db_args=["dir"],
                 targets=["f01.txt", "does-not-exist", "f02.txt"],
                 option_sets=[[]]),
        Scenario("walk-trailing-slash", in_dir, files, db_args=["dir"],
                 targets=["sub/", "f01.txt"], option_sets=[[]]),
    ] + edge_scenarios(files)
