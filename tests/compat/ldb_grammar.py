# SPDX-License-Identifier: GPL-2.0-or-later
# ldb_grammar.py: logical-signature (.ldb) compatibility: hand-written
# signatures for every grammar feature, each with a file it must match and
# one it must not, compared with clamscan line by line. Needs no shared data.
#
# Every sample starts with a GIF header: ClamAV scans such a file in one
# raw pass with target 0 and without executable headers, which is what
# vigil does until file typing lands (a bare binary gets a second pass in
# ClamAV; a broken ELF header disables EOF-n offsets). Only Target:0
# signatures for the same reason.
from compat import Scenario, md5

T0 = "Engine:51-255,Target:0"


def gif(payload):
    return b"GIF89a" + b"\x00" * 10 + payload + b"\x00" * 10


def hexs(text):
    return text.encode().hex()


# (name, subsignatures, expression, matching payload, non-matching payload)
FEATURES = [
    # operators, and ClamAV's split rules (first '&'/'|' at the top level,
    # last one inside a block)
    ("Op.And", ["ABCD", "EFGH"], "0&1", b"ABCD EFGH", b"ABCD"),
    ("Op.Or", ["ABCD", "EFGH"], "0|1", b"EFGH", b"IJKL"),
    ("Op.Paren", ["ABCD", "EFGH", "IJKL"], "(0|1)&2", b"EFGH IJKL",
     b"ABCD EFGH"),
    ("Op.FirstSplit", ["ABCD", "EFGH", "IJKL"], "0&1|2", b"ABCD IJKL",
     b"IJKL"),
    ("Op.BlockLastSplit", ["ABCD", "EFGH", "IJKL"], "(0&1|2)", b"IJKL",
     b"ABCD"),
    ("Op.Nested", ["ABCD", "EFGH", "IJKL", "MNOP"], "((0|1)&(2|3))|0&3",
     b"EFGH MNOP", b"ABCD EFGH"),
    ("Op.Not", ["ABCD", "EFGH"], "0&1=0", b"ABCD", b"ABCD EFGH"),
    # counts: occurrences, overlapping ones included
    ("Count.Eq", ["abcd"], "0=2", b"abcd abcd", b"abcd abcd abcd"),
    ("Count.Gt", ["abcd"], "0>2", b"abcd abcd abcd", b"abcd abcd"),
    ("Count.Lt", ["abcd", "WXYZ"], "0<2&1", b"WXYZ abcd", b"abcd abcd WXYZ"),
    ("Count.Overlap", ["AAAA"], "0=3", b"AAAAAA", b"AAAAAAA"),
    ("Count.LeafY", ["abcd"], "0>1,5", b"abcd abcd", b"abcd"),
    ("Group.Gt", ["ABCD", "EFGH"], "(0|1)>2", b"ABCD EFGH ABCD",
     b"ABCD EFGH"),
    ("Group.Y", ["ABCD", "EFGH", "IJKL"], "(0|1|2)>2,2",
     b"ABCD ABCD EFGH", b"ABCD ABCD ABCD"),
    ("Group.Eq0", ["ABCD", "EFGH"], "(0&1)=0", b"ABCD", b"EFGH ABCD"),
    ("Group.Lt", ["ABCD", "EFGH"], "(0|1)<2", b"ABCD", b"ABCD EFGH"),
    ("Group.Doc", ["ABCD", "EFGH", "IJKL", "MNOP"], "((0|1|2)>5,2)&(3|1)",
     b"ABCD ABCD ABCD IJKL IJKL IJKL MNOP", b"ABCD ABCD ABCD ABCD ABCD ABCD"),
    # true with no match at all: evaluated for every object
    ("Zero.True", ["ZZZZZ"], "0=0", b"nothing", b"ZZZZZ"),
]

TRIG = hexs("TRIG")

# Subsignatures written out (hex, modifiers, offsets, wildcards).
RAW = [
    ("Hex.Partial", ["41424344*45464748"], "0", b"ABCD..EFGH", b"EFGH ABCD"),
    ("Hex.PartialCount", ["4142*4344"], "0=2", b"ABCDCD", b"ABABCD"),
    ("Hex.Range", ["4142{0-4}4344"], "0", b"AB123CD", b"AB12345CD"),
    ("Hex.RangeCount", ["4142{1-4}4344"], "0=3", b"ABABABCDCDCD",
     b"ABABABCDCD"),
    ("Count.Shift", ["16,3:4142"], "0=2", b"ABABABAB", b"ABxxABAB"),
    ("Count.PartialAt", ["18:4142*4344"], "0=2", b"ABABCDCD", b"ABABCD"),
    ("Hex.Fixed", ["4142{2}4344"], "0", b"AB12CD", b"AB1CD"),
    ("Hex.Wild", ["4142??4344"], "0", b"ABxCD", b"ABxxCD"),
    ("Hex.Alt", ["4142(43|44)4546"], "0", b"ABDEF", b"ABEEF"),
    ("Mod.Nocase", [hexs("hello") + "::i"], "0=2", b"hello HeLLo",
     b"hello"),
    ("Mod.Wide", [hexs("hello") + "::w"], "0", b"h\x00e\x00l\x00l\x00o\x00",
     b"hello"),
    ("Mod.WideAscii", [hexs("hello") + "::wa"], "0=2",
     b"hello h\x00e\x00l\x00l\x00o\x00", b"hello"),
    ("Mod.Fullword", [hexs("hello") + "::f"], "0", b"say hello!",
     b"sayhello"),
    ("Mod.NocaseWide", [hexs("hello") + "::iw"], "0",
     b"H\x00e\x00L\x00l\x00O\x00", b"HeLlO"),
    ("Off.Absolute", ["16:" + hexs("HEAD")], "0", b"HEAD", b"xHEAD"),
    ("Off.Shift", ["17,3:" + hexs("HEAD")], "0", b"xxxHEAD", b"xxxxxHEAD"),
    ("Off.Eof", ["EOF-14:" + hexs("TAIL")], "0", b"TAIL", b"TAILx"),
    ("Off.EofShift", ["EOF-16,2:" + hexs("TAIL")], "0", b"TAILx",
     b"TAILxxx"),
    # PCRE: trigger, flags, offsets
    ("Pcre.Trigger", [TRIG, "0/fo+bar/"], "0&1", b"TRIG fooobar",
     b"fooobar"),
    ("Pcre.Global", [TRIG, "0/foo/g"], "1=3", b"TRIG foo foo foo",
     b"TRIG foo foo"),
    ("Pcre.Nocase", [TRIG, "0/foo/gi"], "1=2", b"TRIG foo FOO",
     b"TRIG foo"),
    ("Pcre.Anchored", [TRIG, "16:0/TRIG/"], "1", b"TRIG", b"xTRIG"),
    ("Pcre.Rolling", [TRIG, "16:0/foo/r"], "1", b"TRIG foo", b"TRIG"),
    ("Pcre.Shift", [TRIG, "16,5:0/foo/"], "1", b"TRIG foo",
     b"TRIG   foo"),
    ("Pcre.Encompass", [TRIG, "16,9:0/foo/e"], "1", b"TRIG foo",
     b"TRIG   foo"),
    ("Pcre.Multiline", [TRIG, "0/^foo/m"], "0&1", b"TRIG\nfoo",
     b"TRIG foo"),
    ("Pcre.Dotall", [TRIG, "0/G.foo/s"], "0&1", b"TRIG\nfoo", b"TRIG"),
    ("Pcre.Ungreedy", [TRIG, "0/f.*o/U"], "1", b"TRIG fo", b"TRIG"),
    ("Pcre.Count", [TRIG, "0/foo/g", "1>1/bar/"], "2",
     b"TRIG foo foo bar", b"TRIG foo bar"),
    ("Pcre.Semicolon", [TRIG, "0/a;b/"], "1", b"TRIG a;b", b"TRIG ab"),
    ("Pcre.Bypass", [hexs("ZZZZZ"), "7374756c747a676574737265676578/bypass/"],
     "1", b"bypass", b"nothing"),
    # byte compare
    ("Bcomp.Dec", [hexs("SIZE="), "0(>>5#de3#>100)"], "0&1", b"SIZE=200",
     b"SIZE=050"),
    ("Bcomp.Two", [hexs("SIZE="), "0(>>5#db3#>100,<300)"], "0&1",
     b"SIZE=200", b"SIZE=300"),
    ("Bcomp.Hex", [hexs("LEN="), "0(>>4#hb3#=0x1f2)"], "0&1", b"LEN=1f2",
     b"LEN=1f3"),
    ("Bcomp.BinLe", [hexs("BIN"), "0(>>3#il2#=0x0201)"], "0&1",
     b"BIN\x01\x02", b"BIN\x02\x01"),
    ("Bcomp.BinBe", [hexs("BIN"), "0(>>3#ib2#=0x0201)"], "0&1",
     b"BIN\x02\x01", b"BIN\x01\x02"),
    ("Bcomp.Back", [hexs("=END"), "0(<<1#ib1#=0x3a)"], "0&1", b":=END",
     b";=END"),
    # never matches in ClamAV without an image, nor in vigil
    ("Fuzzy.Img", [hexs("ABCD"), "fuzzy_img#af2ad01ed42993c7#0"], "0|1",
     b"ABCD", b"EFGH"),
]


def line(name, subs, expr, tdb=T0):
    return "%s;%s;%s;%s" % (name, tdb, expr, ";".join(subs))


def feature_lines():
    out = []
    for name, subs, expr, _, _ in FEATURES:
        out.append(line(name, [hexs(s) for s in subs], expr))
    for name, subs, expr, _, _ in RAW:
        out.append(line(name, subs, expr))
    return out


def feature_files():
    files = {}
    for name, _, _, yes, no in FEATURES + RAW:
        files[name + ".match"] = gif(yes)
        files[name + ".nomatch"] = gif(no)
    return files


def tdb_scenario():
    probe = gif(b"PROBE")
    size = len(probe)
    lines = [
        line("Tdb.Size", [hexs("PROBE")], "0",
             T0 + ",FileSize:%d-%d" % (size, size)),
        line("Tdb.SizeNo", [hexs("PROBE")], "0",
             T0 + ",FileSize:0-%d" % (size - 1)),
        line("Tdb.TopLevel", [hexs("PROBE")], "0",
             T0 + ",Container:CL_TYPE_ANY"),
        line("Tdb.InZip", [hexs("PROBE")], "0", T0 + ",Container:CL_TYPE_ZIP"),
        line("Tdb.Inter", [hexs("PROBE")], "0",
             T0 + ",Intermediates:CL_TYPE_ANY"),
        line("Tdb.NoEngine", [hexs("PROBE")], "0", "Target:0"),
        line("Skip.Flevel", [hexs("PROBE")], "0", "Engine:217-255,Target:0"),
        line("Skip.OldFlevel", [hexs("PROBE")], "0", "Engine:51-215,Target:0"),
        line("Skip.BadSubsig", ["zz"], "0", "Engine:217-255,Target:0"),
        line("Skip.Target15", [hexs("PROBE")], "0", "Engine:51-255,Target:15"),
        line("Skip.UnknownKey", [hexs("PROBE")], "0", T0 + ",Future:1"),
        line("Skip.UnknownType", [hexs("PROBE")], "0",
             T0 + ",Container:CL_TYPE_FUTURE"),
        line("Tdb.Engine216", [hexs("PROBE")], "0", "Engine:216-216,Target:0"),
        line("Tdb.Target32bit", [hexs("PROBE")], "0",
             "Engine:51-255,Target:4294967296"),
    ]
    return Scenario("ldb-tdb", {"tdb.ldb": "\n".join(lines) + "\n"},
                    {"probe.gif": probe, "other.gif": gif(b"OTHER")})


def subsig_limit_scenario():
    subs = ["4142%04x" % i for i in range(64)]
    expr = "|".join(str(i) for i in range(64))
    text = line("Limit.Sixtyfour", subs, "(%s)>1,2" % expr) + "\n"
    files = {"two.gif": gif(bytes.fromhex(subs[3] + subs[60])),
             "one.gif": gif(bytes.fromhex(subs[3] * 2))}
    return Scenario("ldb-64-subsigs", {"limit.ldb": text}, files)


def macro_scenario():
    ndb = "Macro.Member:0:$3$:" + hexs("ZZZZ") + "\n"
    ldb = line("Macro.Sig", [hexs("ABCD"), "${4-6}3$"], "0&1") + "\n"
    files = {"near.gif": gif(b"ABCDZZZZ ABCD"),
             "far.gif": gif(b"ABCDxxxZZZZ ABCD"),
             "once.gif": gif(b"ABCDZZZZ"),
             "member.gif": gif(b"ZZZZ")}
    return Scenario("ldb-macros", {"m.ndb": ndb, "m.ldb": ldb}, files,
                    db_args=["m.ndb", "m.ldb"])


def order_scenario():
    """Report order under --allmatch: .ndb, then hashes, then .ldb in load
    order; without it the first of those wins."""
    data = gif(b"ABCDEFGH hello")
    ldb1 = "\n".join([line("L.Late", [hexs("hello")], "0"),
                      line("L.Early", [hexs("ABCD")], "0"),
                      line("L.Always", [hexs("ZZZZZ")], "0=0")]) + "\n"
    ldb2 = line("L.Second", [hexs("EFGH")], "0") + "\n"
    ndb = "N.One:0:*:%s\n" % hexs("EFGH")
    hdb = "%s:%d:H.One\n" % (md5(data), len(data))
    dbs = {"a.ldb": ldb1, "b.ldb": ldb2, "c.ndb": ndb, "d.hdb": hdb}
    files = {"x.gif": data}
    return [
        Scenario("ldb-order-all", dbs, files,
                 db_args=["b.ldb", "d.hdb", "a.ldb", "c.ndb"]),
        Scenario("ldb-order-ldb", dbs, files, db_args=["a.ldb", "b.ldb"]),
        Scenario("ldb-order-ldb-rev", dbs, files, db_args=["b.ldb", "a.ldb"]),
    ]


def ignore_scenario():
    ldb = "\n".join([line("Ign.ByName", [hexs("ABCD")], "0"),
                     line("Ign.Kept", [hexs("ABCD")], "0")]) + "\n"
    return Scenario("ldb-ign2", {"x.ign2": "Ign.ByName\n", "x.ldb": ldb},
                    {"x.gif": gif(b"ABCD")}, db_args=["x.ign2", "x.ldb"])


# Lines clamscan must refuse (each loaded alone).
MALFORMED = {
    "no-subsig": "A;%s;0" % T0,
    "count-mismatch": "A;%s;0&1;41424344" % T0,
    "paren-modifier": "A;%s;(0)>1;41424344" % T0,
    "engine-not-first": "A;Target:0,Engine:51-255;0;41424344",
    "no-target": "A;Engine:51-255;0;41424344",
    "new-key-no-engine": "A;Target:0,FileSize:1-2;0;41424344",
    "bad-modifier": "A;%s;0;41424344::q" % T0,
    "ep-in-target0": "A;%s;0;EP+0:41424344" % T0,
    "bad-regex": "A;%s;0&1;41424344;0/[/" % T0,
    "self-trigger": "A;%s;0&1;41424344;1/abc/" % T0,
    "macro-32": "A;%s;0&1;41424344;${1-2}32$" % T0,
    "bcomp-option": "A;%s;0&1;41424344;0(>>1#zz2#=1)" % T0,
    "fuzzy-distance": "A;%s;0&1;41424344;fuzzy_img#af2ad01ed42993c7#3" % T0,
    "flevel-does-not-save-expr": "A;Engine:300-400,Target:0;0&&1;4142;4344",
    "empty-name": ";%s;0;41424344" % T0,
}


def scenarios():
    lines = feature_lines()
    out = [Scenario("ldb-features", {"features.ldb": "\n".join(lines) + "\n"},
                    feature_files()),
           tdb_scenario(), subsig_limit_scenario(), macro_scenario(),
           ignore_scenario()]
    out += order_scenario()
    for k, text in sorted(MALFORMED.items()):
        out.append(Scenario("ldb-bad-" + k, {"bad.ldb": text + "\n"},
                            {"x.gif": gif(b"ABCD")}, option_sets=[[]]))
    return out
