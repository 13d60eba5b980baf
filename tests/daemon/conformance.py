#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# conformance.py: sends the same bytes to clamd 1.4.6 and to vigild on the
# same database and compares the replies. Only version strings, STATS
# contents and the daemons' own descriptor numbers (fd[N]) may differ.
# Usage: conformance.py VIGILD GROUP   (GROUP: see GROUPS below)
import os
import sys
import time

from daemon_util import (EICAR, EICAR_MD5, Daemon, chunk, exchange,
                         find_clamd, instream, make_workdir, normalize,
                         skip, split_replies)

BIG = b"A" * 3000  # detected by hash, but over the limits pair's MaxFileSize
HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "compat"))
from ziptools import make_zip  # noqa: E402


def nested_zip(depth):
    """EICAR inside @p depth zips, one in the other."""
    data, name = EICAR, "eicar.txt"
    for i in range(depth):
        data, name = make_zip([(name, data, False)]), "level%d.zip" % i
    return data


def build_fixture(root):
    """Files every case refers to, at the same absolute paths for both."""
    db, data = os.path.join(root, "db"), os.path.join(root, "data")
    os.makedirs(db)
    import hashlib
    with open(os.path.join(db, "test.hdb"), "w") as f:
        f.write(f"{EICAR_MD5}:68:Test.Eicar\n")
        f.write(f"{hashlib.md5(BIG).hexdigest()}:{len(BIG)}:Test.Big\n")
    with open(os.path.join(db, "test.hsb"), "w") as f:
        f.write(f"{hashlib.sha256(EICAR).hexdigest()}:68:Test.Eicar256\n")
    tree = {
        "eicar.txt": EICAR, "clean.txt": b"hello\n", "empty.txt": b"",
        "big.bin": BIG,
        "dir/a.txt": EICAR, "dir/b.txt": b"clean\n", "dir/sub/c.com": EICAR,
        "dir/sub/d.txt": b"x" * 100, "cdir/a": b"1\n", "cdir/b": b"2\n",
        "cdir/sub/c": b"3\n",
        "alerts/secret.zip": make_zip([("eicar.txt", EICAR, False)],
                                       password=b"pw"),
        "alerts/deep.zip": nested_zip(5),
        "alerts/many.zip": make_zip([("f%d.txt" % i, b"x%d" % i, False)
                                     for i in range(8)]),
    }
    for rel, content in tree.items():
        p = os.path.join(data, rel)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        with open(p, "wb") as f:
            f.write(content)
    os.makedirs(os.path.join(data, "emptydir"))
    os.makedirs(os.path.join(data, "special"))
    os.mkfifo(os.path.join(data, "fifo"))
    os.mkfifo(os.path.join(data, "special/f"))
    os.symlink(os.path.join(data, "eicar.txt"), os.path.join(data, "link"))
    os.symlink(os.path.join(data, "eicar.txt"),
               os.path.join(data, "special/l"))
    os.symlink("/nonexistent", os.path.join(data, "dangling"))
    deep = os.path.join(data, "deep")
    for i in range(6):
        deep = os.path.join(deep, f"d{i}")
    os.makedirs(deep)
    with open(os.path.join(deep, "e.txt"), "wb") as f:
        f.write(EICAR)
    return db, data


def case(name, chunks, **kw):
    return (name, chunks, kw)


def framing_cases(D):
    c = [case(f"{n}: {cmd!r}", [cmd]) for n, cmd in [
        ("bare", b"PING\n"), ("bare no newline", b"PING"),
        ("n", b"nPING\n"), ("z", b"zPING\0"), ("n CRLF", b"nPING\r\n"),
        ("trailing blank", b"nPING \n"), ("lower case", b"ping\n"),
        ("z VERSION", b"zVERSION\0"), ("bare VERSION", b"VERSION\n"),
        ("n VERSIONCOMMANDS", b"nVERSIONCOMMANDS\n"),
        ("z VERSIONCOMMANDS", b"zVERSIONCOMMANDS\0"),
        ("bare VERSIONCOMMANDS", b"VERSIONCOMMANDS\n"),
        ("n STATS", b"nSTATS\n"), ("z STATS", b"zSTATS\0"),
        ("bare STATS", b"STATS\n"), ("unknown n", b"nFOO\n"),
        ("unknown z", b"zFOO\0"), ("unknown bare", b"FOO\n"),
        ("empty line", b"\n"), ("empty n", b"n\n"), ("empty z", b"z\0"),
        ("n END", b"nEND\n"), ("bare END", b"END\n"),
        ("DETSTATS", b"nDETSTATS\n"), ("DETSTATSCLEAR", b"DETSTATSCLEAR\n"),
        ("bare INSTREAM", b"INSTREAM\n"), ("bare IDSESSION", b"IDSESSION\n"),
        ("bare ALLMATCHSCAN", b"ALLMATCHSCAN " + D + b"/eicar.txt\n"),
        ("z with newline", b"zPING\n\0"), ("NUL inside n", b"nPI\0NG\n"),
        ("two commands", b"zPING\0zPING\0"), ("n then z", b"nPING\nzVERSION\0"),
        ("PING with argument", b"nPING x\n"), ("RELOAD n", b"nRELOAD\n"),
        ("RELOAD bare", b"RELOAD\n"), ("RELOAD z", b"zRELOAD\0"),
        ("long z command", b"z" + b"A" * 5000 + b"\0"),
        ("long bare command", b"SCAN /" + b"A" * 5000 + b"\n"),
        ("path too long", b"nSCAN /" + b"A" * 4090 + b"\n"),
        ("binary junk", bytes(range(1, 256)) + b"\n"),
    ]]
    c.append(case("command split over packets", [b"nPI", b"NG\n"]))
    c.append(case("z split over packets", [b"zVERS", b"ION\0"]))
    return c


def scan_cases(D):
    out = []
    paths = ["eicar.txt", "clean.txt", "empty.txt", "big.bin", "dir", "dir/",
             "cdir", "emptydir", "special", "fifo", "link", "dangling",
             "deep", "eicar.txt/x", "nonexistent"]
    for cmd in [b"SCAN", b"CONTSCAN", b"MULTISCAN", b"ALLMATCHSCAN"]:
        for p in paths:
            full = D + b"/" + p.encode()
            out.append(case(f"{cmd.decode()} {p}", [b"n" + cmd + b" " + full
                                                    + b"\n"],
                            sort=cmd == b"MULTISCAN"))
    out += [
        case("SCAN z", [b"zSCAN " + D + b"/dir\0"]),
        case("SCAN bare", [b"SCAN " + D + b"/eicar.txt\n"]),
        case("SCAN bare no newline", [b"SCAN " + D + b"/eicar.txt"]),
        case("CONTSCAN bare", [b"CONTSCAN " + D + b"/dir\n"]),
        case("MULTISCAN bare", [b"MULTISCAN " + D + b"/dir"], sort=True),
        case("SCAN missing argument", [b"nSCAN\n"]),
        case("SCAN empty argument", [b"nSCAN \n"]),
        case("SCAN two blanks", [b"nSCAN  " + D + b"/eicar.txt\n"]),
        case("SCANX prefix", [b"nSCANX" + D + b"/eicar.txt\n"]),
        case("SCAN relative", [b"nSCAN eicar.txt\n"]),
        case("SCAN relative from /", [b"nSCAN " + D[1:] + b"/eicar.txt\n"]),
        case("SCAN double slash", [b"nSCAN " + D + b"//eicar.txt\n"]),
        case("SCAN leading slashes", [b"nSCAN //" + D[1:] + b"/dir\n"]),
        case("SCAN /dev/null", [b"nSCAN /dev/null\n"]),
        case("SCAN + garbage", [b"zSCAN " + D + b"/eicar.txt\0zPING\0"],
             sort=True, racy=True),
        case("CONTSCAN + partial", [b"nCONTSCAN " + D + b"/cdir\nz"],
             sort=True, racy=True),
        case("MULTISCAN + garbage", [b"nMULTISCAN " + D + b"/cdir\nxyz"],
             sort=True, racy=True),
        case("VERSION + garbage", [b"nVERSION\nnPING\n"]),
        case("STATS + garbage", [b"nSTATS\nnPING\n"], sort=True, racy=True),
    ]
    return out


def instream_cases(D):
    return [
        case("eicar", [instream(EICAR)]),
        case("eicar n", [b"nINSTREAM\n" + chunk(EICAR) + chunk(b"")]),
        case("clean", [instream(b"hello world\n")]),
        case("empty stream", [instream(b"")]),
        case("one-byte chunks", [instream(EICAR, 1)]),
        case("chunks in packets", [b"zINSTREAM\0", chunk(EICAR[:10]),
                                   chunk(EICAR[10:]), chunk(b"")]),
        case("header split", [b"zINSTREAM\0\0\0", b"\0\x44" + EICAR,
                              chunk(b"")]),
        case("big detected", [instream(BIG, 1000)]),
        case("1 MB clean", [instream(os.urandom(1 << 20), 65536)]),
        case("garbage after", [instream(b"hi") + b"zPING\0"]),
        case("huge chunk header", [b"zINSTREAM\0\xff\xff\xff\xff"]),
        case("over 100M in chunks", [b"zINSTREAM\0" + b"\x04\0\0\0" * 2]),
    ]


def fildes_cases(D):
    e, c = D + b"/eicar.txt", D + b"/clean.txt"
    return [
        case("FILDES z", [b"zFILDES\0"], fds=[e], carrier=b"\0"),
        case("FILDES n", [b"nFILDES\n"], fds=[e], carrier=b"\0"),
        case("FILDES bare", [b"FILDES\n"], fds=[e], carrier=b"\0"),
        case("FILDES clean", [b"zFILDES\0"], fds=[c], carrier=b"\0"),
        case("FILDES empty file", [b"zFILDES\0"], fds=[D + b"/empty.txt"],
             carrier=b"\0"),
        case("FILDES directory", [b"zFILDES\0"], fds=[D + b"/dir"],
             carrier=b"\0"),
        case("FILDES pipe", [b"zFILDES\0"], fds=["pipe"], carrier=b"\0"),
        case("FILDES two fds", [b"zFILDES\0"], fds=[e, c], carrier=b"\0"),
        case("FILDES carrier x", [b"zFILDES\0"], fds=[e], carrier=b"x"),
        case("FILDES no fd", [b"zFILDES\0", b"\0"]),
        case("FILDES no fd, command", [b"zFILDES\0", b"zPING\0"]),
        case("FILDES fd in same packet", [b"zFILDES\0"], fds=[e]),
        case("FILDES fd and carrier in one packet", [b"zFILDES\0\0"],
             fds=[e]),
        case("fd with PING", [b"zPING\0"], fds=[e]),
        case("fd with INSTREAM", [instream(EICAR)], fds=[e]),
        case("fd with partial command", [b"zPI"], fds=[e]),
    ]


def session_cases(D):
    e = D + b"/eicar.txt"
    z = lambda s: b"z" + s + b"\0"  # noqa: E731
    return [
        case("basic", [z(b"IDSESSION") + z(b"PING") + z(b"VERSION") +
                       z(b"SCAN " + e) + instream(EICAR) + z(b"END")],
             sort=True),
        case("n framing", [b"nIDSESSION\nnPING\nnSTATS\nnEND\n"]),
        case("mixed framing", [b"zIDSESSION\0nPING\nzPING\0nEND\n"]),
        case("interleaved", [z(b"IDSESSION"), z(b"SCAN " + D + b"/dir"),
                             z(b"PING"), instream(b"x" * 100000, 4096),
                             z(b"SCAN " + D + b"/clean.txt"), z(b"VERSION"),
                             instream(EICAR), z(b"SCAN " + D + b"/cdir"),
                             z(b"PING"), z(b"END")], sort=True),
        case("many requests in one packet",
             [z(b"IDSESSION") + b"".join(z(b"SCAN " + e) for _ in range(20))
              + z(b"END")], sort=True),
        case("FILDES in session", [z(b"IDSESSION") + z(b"FILDES"),
                                   z(b"PING") + z(b"END")],
             fds=[e], carrier=b"\0", sort=True),
        case("oldstyle inside", [z(b"IDSESSION"), b"PING\n"]),
        case("CONTSCAN inside", [z(b"IDSESSION") + z(b"PING") +
                                 z(b"CONTSCAN " + e)], sort=True),
        case("MULTISCAN inside", [z(b"IDSESSION") + z(b"MULTISCAN " + e)]),
        case("ALLMATCHSCAN inside", [z(b"IDSESSION") +
                                     z(b"ALLMATCHSCAN " + e)]),
        case("unknown inside", [z(b"IDSESSION") + z(b"PING") + z(b"FOO")],
             sort=True),
        case("nested IDSESSION", [z(b"IDSESSION") + z(b"IDSESSION")]),
        case("RELOAD inside", [z(b"IDSESSION") + z(b"RELOAD")]),
        case("SHUTDOWN inside", [z(b"IDSESSION") + z(b"SHUTDOWN")]),
        case("VERSIONCOMMANDS inside", [z(b"IDSESSION") +
                                        z(b"VERSIONCOMMANDS") + z(b"END")]),
        case("limit inside", [z(b"IDSESSION") + z(b"PING") +
                              b"zINSTREAM\0\xff\xff\xff\xff"]),
        case("END then more", [b"nIDSESSION\nnPING\nnEND\nnPING\n"]),
        case("no END", [z(b"IDSESSION") + z(b"PING")], timeout=1.5),
    ]


LIMITS = {"StreamMaxLength": "4K", "MaxFileSize": "2K",
          "MaxScanSize": "8K", "CommandReadTimeout": "1",
          "ReadTimeout": "2", "MaxDirectoryRecursion": "3",
          "MaxRecursion": "3", "MaxFiles": "4"}


def limits_cases(D):
    return [
        case("stream at the limit", [instream(b"a" * 4096)]),
        case("stream over the limit", [instream(b"a" * 4097)]),
        case("limit over two chunks", [b"zINSTREAM\0" + chunk(b"a" * 4000)
                                       + chunk(b"a" * 97) + chunk(b"")]),
        case("stream over MaxFileSize", [instream(BIG)]),
        case("SCAN over MaxFileSize", [b"nSCAN " + D + b"/big.bin\n"]),
        case("FILDES over MaxFileSize", [b"zFILDES\0"], fds=[D + b"/big.bin"],
             carrier=b"\0"),
        case("MaxDirectoryRecursion", [b"nCONTSCAN " + D + b"/deep\n"]),
        case("MaxRecursion", [b"nSCAN " + D + b"/alerts/deep.zip\n"]),
        case("MaxFiles", [b"nSCAN " + D + b"/alerts/many.zip\n"]),
        case("encrypted zip, no alert",
             [b"nSCAN " + D + b"/alerts/secret.zip\n"]),
        case("no command", [], timeout=5),
        case("partial command", [b"zPI"], timeout=5),
        case("stalled stream", [b"zINSTREAM\0\0\0\0\x10abc"], timeout=6),
        case("idle session", [b"zIDSESSION\0zPING\0"], timeout=6),
        case("FILDES waiting for fd", [b"zFILDES\0"], timeout=6),
    ]


ALERTS = {"StreamMaxLength": "4K", "MaxFileSize": "2K", "MaxScanSize": "8K",
          "MaxRecursion": "3", "MaxFiles": "4", "AlertExceedsMax": "yes",
          "AlertEncrypted": "yes"}


def alerts_cases(D):
    """Container limits from the configuration, reported as detections."""
    A = D + b"/alerts"
    return [
        case("SCAN over MaxFileSize", [b"nSCAN " + D + b"/big.bin\n"]),
        case("FILDES over MaxFileSize", [b"zFILDES\0"], fds=[D + b"/big.bin"],
             carrier=b"\0"),
        case("stream over MaxFileSize", [instream(BIG)]),
        case("encrypted zip", [b"nSCAN " + A + b"/secret.zip\n"]),
        case("MaxRecursion", [b"nSCAN " + A + b"/deep.zip\n"]),
        case("MaxFiles", [b"nSCAN " + A + b"/many.zip\n"]),
        case("stream, encrypted zip", [instream(make_zip(
            [("eicar.txt", EICAR, False)], password=b"pw"))]),
        case("within the limits", [b"nSCAN " + D + b"/eicar.txt\n"]),
    ]


GROUPS = {"framing": (framing_cases, {}), "scan": (scan_cases, {}),
          "instream": (instream_cases, {}), "fildes": (fildes_cases, {}),
          "session": (session_cases, {}), "limits": (limits_cases, LIMITS),
          "alerts": (alerts_cases, ALERTS),
          "shutdown": (None, {})}


def open_fds(specs):
    fds = []
    for s in specs or []:
        if s == "pipe":
            r, w = os.pipe()
            os.close(w)
            fds.append(r)
        else:
            fds.append(os.open(s, os.O_RDONLY))
    return fds


def run_case(d, chunks, kw):
    fds = open_fds(kw.get("fds"))
    try:
        return exchange(d.sock, chunks, timeout=kw.get("timeout", 3.0),
                        fds=fds or None, carrier=kw.get("carrier"))
    except OSError as e:  # the daemon died: a failure, not a crash here
        return f"<{e!r}>".encode()
    finally:
        for fd in fds:
            os.close(fd)


# clamd writes this error from its receive thread while the queued scan may
# already have closed the connection, so whether it arrives is a race.
RACY = b"Error processing command. ERROR"


def compare(name, a, b, kw):
    na, nb = normalize(a), normalize(b)
    if kw.get("racy"):
        na = na.replace(RACY + b"\n", b"").replace(RACY + b"\0", b"")
        nb = nb.replace(RACY + b"\n", b"").replace(RACY + b"\0", b"")
    if kw.get("sort"):
        na, nb = split_replies(na), split_replies(nb)
    if na == nb:
        return True
    print(f"DIFF {name}\n  clamd:  {a[:600]!r}\n  vigild: {b[:600]!r}")
    return False


def shutdown_case(clamd, vigild):
    ok = True
    for d in (clamd, vigild):
        r = exchange(d.sock, [b"nSHUTDOWN\n"], timeout=5)
        try:
            d.proc.wait(15)
        except Exception:
            ok = False
        if r != b"" or d.proc.returncode is None:
            print(f"DIFF shutdown: {d.kind} replied {r!r}, "
                  f"exit {d.proc.returncode}")
            ok = False
    if os.path.exists(vigild.sock):
        print("DIFF shutdown: vigild left its socket behind")
        ok = False
    return ok


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in GROUPS:
        print(__doc__ or "usage: conformance.py VIGILD GROUP")
        return 2
    clamd_exe = find_clamd()
    if not clamd_exe:
        skip("clamd not installed (apt-get install clamav-daemon)")
    make, opts = GROUPS[sys.argv[2]]
    root = make_workdir("vigild-conf-")
    db, data = build_fixture(root)
    clamd = Daemon("clamd", clamd_exe, root, db, opts)
    vigild = Daemon("vigild", sys.argv[1], root, db, opts)
    passed = failed = 0
    try:
        clamd.start()
        vigild.start()
        if make is None:
            passed, failed = (1, 0) if shutdown_case(clamd, vigild) else (0, 1)
        else:
            for name, chunks, kw in make(data.encode()):
                a = run_case(clamd, chunks, kw)
                b = run_case(vigild, chunks, kw)
                if compare(name, a, b, kw):
                    passed += 1
                else:
                    failed += 1
    finally:
        clamd.stop()
        code = vigild.stop()
        if code not in (0, None):
            print(f"vigild exit status {code}")
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
