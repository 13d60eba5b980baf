#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# quarantine_test.py: end-to-end checks of `vigil scan --move/--copy` and
# `vigil quarantine` (docs/internals/QUARANTINE.md), including the crash
# test: vigil is killed with SIGKILL at many points of --move and every
# file must then be in place or in quarantine with an intact record.
# Usage: quarantine_test.py VIGIL CASE
import fcntl
import hashlib
import json
import os
import random
import re
import shutil
import signal
import stat
import subprocess
import sys
import tempfile
import time

VIGIL = os.path.abspath(sys.argv[1])
CASE = sys.argv[2]
SRC = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))
STARTER = os.path.join(SRC, "db", "starter")
# Built from its string, never stored (field guide §5).
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT"
         b"IVIRUS-TEST-FILE!$H+H*")
EICAR_NAME = "Win.Test.EICAR_HDB-1.UNOFFICIAL"


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def sha256(data):
    return hashlib.sha256(data).hexdigest()


def file_sha(path):
    with open(path, "rb") as f:
        return sha256(f.read())


def vigil(*args, env=None, check=None):
    p = subprocess.run([VIGIL, *args], capture_output=True, text=True,
                       env=env)
    if check is not None and p.returncode != check:
        fail("vigil %s: exit %d, want %d\nstdout: %s\nstderr: %s" %
             (" ".join(args), p.returncode, check, p.stdout, p.stderr))
    return p


class Env:
    """A scratch folder with a body signature (EICAR at offset 0, so files
    can be EICAR plus a unique tail and have distinct SHA-256s)."""

    def __init__(self):
        self.root = tempfile.mkdtemp(prefix="vigil-q.")
        os.chmod(self.root, 0o755)
        self.files = os.path.join(self.root, "files")
        self.store = os.path.join(self.root, "store")
        os.mkdir(self.files)
        self.ndb = os.path.join(self.root, "eicar.ndb")
        with open(self.ndb, "w") as f:
            f.write("Test.Quarantine.Eicar:0:0:%s\n" % EICAR.hex())
        self.manifest = {}  # original path -> SHA-256

    def add(self, name, data, mode=0o644):
        path = os.path.join(self.files, name)
        with open(path, "wb") as f:
            f.write(data)
        os.chmod(path, mode)
        self.manifest[path] = sha256(data)
        return path

    def db(self):
        return ["-d", STARTER, "-d", self.ndb]

    def q(self, *args, check=None):
        return vigil("quarantine", "--dir", self.store, *args, check=check)

    def cleanup(self):
        shutil.rmtree(self.root, ignore_errors=True)


def unescape(v):
    out, i = bytearray(), 0
    b = v.encode()
    while i < len(b):
        if b[i] == 0x25:  # %XX
            out.append(int(b[i + 1:i + 3], 16))
            i += 3
        else:
            out.append(b[i])
            i += 1
    return out.decode()


def read_record(path):
    rec = {"name": []}
    with open(path) as f:
        for line in f.read().splitlines():
            k, _, v = line.partition("=")
            if k == "name":
                rec["name"].append(unescape(v))
            else:
                rec[k] = unescape(v)
    return rec


def records(store):
    out = {}
    for n in os.listdir(store):
        if n.endswith(".record") and not n.startswith("."):
            out[n[:-7]] = read_record(os.path.join(store, n))
    return out


def decode_payload(store, rec):
    """Undo the transform independently of vigil (openssl enc)."""
    with open(os.path.join(store, rec["id"] + ".payload"), "rb") as f:
        data = f.read()
    if data[:8] != b"vigilq1\n":
        fail("payload %s: bad magic" % rec["id"])
    p = subprocess.run(["openssl", "enc", "-d", "-aes-256-ctr", "-K",
                        rec["key"], "-iv", rec["iv"]], input=data[8:],
                       capture_output=True)
    if p.returncode != 0:
        fail("openssl: %s" % p.stderr)
    return p.stdout


def check_invariant(env, verified):
    """Every original is in place, unchanged, or in quarantine with a
    record whose SHA-256 matches the decoded payload; no leftovers once
    the store has been opened again. @return (files in place, entries,
    whether the kill left half-done work to clean up)"""
    if not os.path.exists(env.store):  # killed before it was created
        for path, sha in env.manifest.items():
            if file_sha(path) != sha:
                fail("%s changed or lost before the store existed" % path)
        return len(env.manifest), 0, False
    before = os.listdir(env.store)
    torn = any(n.startswith(".tmp-") for n in before) or \
        any(n.endswith(".payload") and n[:-8] + ".record" not in before
            for n in before)
    env.q("list", check=0)  # opening the store cleans up
    names = os.listdir(env.store)
    left = [n for n in names if n.startswith(".tmp-")]
    if left:
        fail("temporary files survived a reopen: %s" % left)
    recs = records(env.store)
    for n in names:
        if n.endswith(".payload") and n[:-8] not in recs:
            fail("payload without record survived a reopen: " + n)
    quarantined = {}
    for i, rec in recs.items():
        if i not in verified:
            content = decode_payload(env.store, rec)
            if sha256(content) != rec["sha256"]:
                fail("entry %s: payload does not match its record" % i)
            if rec["sha256"] != env.manifest.get(rec["path"]):
                fail("entry %s: not the original content of %s" %
                     (i, rec["path"]))
            if int(rec["size"]) != len(content):
                fail("entry %s: size field wrong" % i)
            verified.add(i)
        quarantined.setdefault(rec["path"], []).append(i)
    in_place = 0
    for path, sha in env.manifest.items():
        if os.path.exists(path):
            if file_sha(path) != sha:
                fail("%s changed in place" % path)
            in_place += 1
        elif path not in quarantined:
            fail("%s LOST: neither in place nor quarantined" % path)
    return in_place, len(recs), torn


def make_many(env, n_small, n_big, rng):
    for i in range(n_small):
        env.add("s%03d.com" % i, EICAR + b"\n%d\n" % i + rng.randbytes(i))
    for i in range(n_big):
        size = rng.randint(200 * 1024, 1024 * 1024)
        env.add("b%03d.bin" % i, EICAR + rng.randbytes(size))
    env.add("plain.com", EICAR)  # the starter database's hash signature
    env.add("clean.txt", b"nothing to see\n")
    del env.manifest[os.path.join(env.files, "clean.txt")]


# ---- cases ----

def case_roundtrip(env):
    a = env.add("a.com", EICAR, 0o751)
    os.utime(a, ns=(1_600_000_000_123_456_789, 1_500_000_000_987_654_321))
    b = env.add("b.com", EICAR + b" tail")
    clean = os.path.join(env.files, "clean.txt")
    with open(clean, "w") as f:
        f.write("clean\n")
    p = vigil("scan", "-r", "--no-summary", "--move=" + env.store,
              *env.db(), env.files, check=1)
    for path in (a, b):
        if os.path.exists(path):
            fail(path + " still in place after --move")
        if not any(l.startswith(path + ": moved to quarantine '" +
                                os.path.realpath(env.store) + "' as ")
                   for l in p.stdout.splitlines()):
            fail("no moved line for %s: %s" % (path, p.stdout))
    if not os.path.exists(clean):
        fail("clean file moved")
    st = os.stat(env.store)
    if stat.S_IMODE(st.st_mode) != 0o700:
        fail("store created with mode %o" % stat.S_IMODE(st.st_mode))
    lines = env.q("list", check=0).stdout.splitlines()
    if len(lines) != 2:
        fail("list: want 2 lines: %s" % lines)
    by_path = {}
    for l in lines:
        f = l.split()
        if len(f) != 5 or not f[3].startswith("Test.Quarantine.Eicar") and \
                f[3] != EICAR_NAME:
            fail("list line: " + l)
        by_path[f[4]] = f[0]
    ida = by_path[a]
    js = [json.loads(l) for l in env.q("list", "--json",
                                        check=0).stdout.splitlines()]
    if sorted(j["path"] for j in js) != sorted([a, b]):
        fail("list --json: %s" % js)
    show = json.loads(env.q("show", ida[:6], "--json", check=0).stdout)
    want = {"id": ida, "path": a, "size": len(EICAR), "mode": "0751",
            "uid": os.getuid(), "sha256": sha256(EICAR), "action": "move",
            "mtime": "2017-07-14T02:40:00.987654321Z",
            "host": os.uname().nodename}
    for k, v in want.items():
        if show.get(k) != v:
            fail("show --json %s: %r, want %r" % (k, show.get(k), v))
    if EICAR_NAME not in show["names"] and \
            "Test.Quarantine.Eicar.UNOFFICIAL" not in show["names"]:
        fail("names: %s" % show["names"])
    text = env.q("show", ida, check=0).stdout
    for want_line in ("id:          " + ida, "path:        " + a,
                      "mode:        0751"):
        if want_line not in text.splitlines():
            fail("show lacks %r: %s" % (want_line, text))
    # The scan itself may update atime; restore gives back the recorded one.
    sec, ns = records(env.store)[ida]["atime"].split(".")
    want_atime = int(sec) * 10**9 + int(ns)
    env.q("restore", ida[:5], check=0)
    st = os.stat(a)
    if stat.S_IMODE(st.st_mode) != 0o751 or \
            st.st_mtime_ns != 1_500_000_000_987_654_321 or \
            st.st_atime_ns != want_atime:
        fail("restored file differs: mode %o mtime %d atime %d" %
             (stat.S_IMODE(st.st_mode), st.st_mtime_ns, st.st_atime_ns))
    if file_sha(a) != sha256(EICAR):
        fail("restored content differs")
    if ida in records(env.store):
        fail("entry kept after restore")
    # --copy keeps the original; delete and purge remove entries.
    vigil("scan", "--no-summary", "--copy=" + env.store, *env.db(), a,
          check=1)
    if not os.path.exists(a):
        fail("--copy removed the original")
    recs = records(env.store)
    if len(recs) != 2:
        fail("after --copy: %d entries" % len(recs))
    idc = [i for i, r in recs.items() if r["path"] == a][0]
    if recs[idc]["action"] != "copy":
        fail("action not copy")
    env.q("delete", idc, check=0)
    if idc in records(env.store) or \
            os.path.exists(os.path.join(env.store, idc + ".payload")):
        fail("delete left the entry")
    env.q("delete", "0000", check=2)
    env.q("show", "zz", check=2)
    # purge --older-than: age one entry by editing its record.
    vigil("scan", "--no-summary", "--copy=" + env.store, *env.db(), a,
          check=1)
    old = [i for i, r in records(env.store).items() if r["path"] == a][0]
    rp = os.path.join(env.store, old + ".record")
    txt = re.sub(r"(?m)^quarantined=.*$", "quarantined=1000000000",
                 open(rp).read())
    os.chmod(rp, 0o600)
    with open(rp, "w") as f:
        f.write(txt)
    out = env.q("purge", "--older-than", "30", check=0).stdout
    if "purged 1 of 2" not in out or old in records(env.store):
        fail("purge --older-than: %s" % out)
    env.q("purge", check=0)
    if records(env.store):
        fail("purge left entries")


def case_overwrite(env):
    a = env.add("a.com", EICAR + b" v1")
    vigil("scan", "--no-summary", "--copy=" + env.store, *env.db(), a,
          check=1)
    (i,) = records(env.store)
    with open(a, "wb") as f:
        f.write(b"user's new file\n")
    p = env.q("restore", i, check=2)
    if "exists" not in p.stderr or open(a, "rb").read() != \
            b"user's new file\n":
        fail("restore overwrote or said nothing: %s" % p.stderr)
    alt = os.path.join(env.files, "alt.com")
    env.q("restore", i, "--to", alt, check=0)
    if file_sha(alt) != env.manifest[a]:
        fail("restore --to: wrong content")
    vigil("scan", "--no-summary", "--copy=" + env.store, *env.db(), alt,
          check=1)
    (j,) = records(env.store)
    env.q("restore", j, "--to", a, "--force", check=0)
    if file_sha(a) != env.manifest[a]:
        fail("restore --force did not replace")
    leftovers = [n for n in os.listdir(env.files) if n.startswith(".vigil")]
    if leftovers:
        fail("restore left temporary files: %s" % leftovers)
    env.q("restore", "--to", alt, check=2)  # no id


def case_unsafe(env):
    a = env.add("a.com", EICAR)
    os.mkdir(env.store, 0o755)
    os.chmod(env.store, 0o755)
    p = env.q("list", check=2)
    if "unsafe" not in p.stderr or "chmod 700" not in p.stderr:
        fail("0755 store accepted: %s" % p.stderr)
    p = vigil("scan", "--no-summary", "--move=" + env.store, *env.db(), a)
    if p.returncode != 2 or not os.path.exists(a) or "unsafe" not in p.stderr:
        fail("scan --move into an unsafe store: %d %s" %
             (p.returncode, p.stderr))
    os.chmod(env.store, 0o700)
    os.chown(env.store, 65534, 65534)  # nobody
    p = env.q("list", check=2)
    if "owned by uid 65534" not in p.stderr:
        fail("foreign-owned store accepted: %s" % p.stderr)
    os.chown(env.store, 0, 0)
    link = os.path.join(env.root, "link")
    os.symlink(env.store, link)
    p = vigil("quarantine", "--dir", link, "list", check=2)
    if "symbolic link" not in p.stderr:
        fail("symlinked store accepted: %s" % p.stderr)
    # A missing store lists as empty and is not created by list.
    vigil("quarantine", "--dir", os.path.join(env.root, "none"), "list",
          check=0)
    if os.path.exists(os.path.join(env.root, "none")):
        fail("list created the store")
    env.q("list", check=0)


def case_defanged(env):
    a = env.add("a.com", EICAR)
    b = env.add("b.sh", EICAR + b"\n#!/bin/sh\necho hi\n", 0o755)
    vigil("scan", "--no-summary", "--copy=" + env.store, *env.db(), a, b,
          check=1)
    payloads = [os.path.join(env.store, n) for n in os.listdir(env.store)
                if n.endswith(".payload")]
    if len(payloads) != 2:
        fail("want 2 payloads: %s" % os.listdir(env.store))
    for pth in payloads:
        st = os.stat(pth)
        if st.st_mode & 0o111 or stat.S_IMODE(st.st_mode) != 0o400:
            fail("payload mode %o" % stat.S_IMODE(st.st_mode))
        data = open(pth, "rb").read()
        if EICAR in data or b"EICAR" in data or data[:2] in (b"MZ", b"#!") \
                or data[:4] == b"\x7fELF":
            fail("payload not defanged: " + pth)
    p = vigil("scan", "-r", *env.db(), env.store, check=0)
    if "FOUND" in p.stdout:
        fail("vigil detects the store: %s" % p.stdout)
    p = subprocess.run(["clamscan", "-r", "--no-summary", "-d", STARTER,
                        "-d", env.ndb, env.store], capture_output=True,
                       text=True)
    if p.returncode != 0 or "FOUND" in p.stdout:
        fail("clamscan detects the store (%d): %s %s" %
             (p.returncode, p.stdout, p.stderr))
    # ...while the same clamscan run detects the originals.
    p = subprocess.run(["clamscan", "--no-summary", "-d", STARTER, "-d",
                        env.ndb, a, b], capture_output=True, text=True)
    if p.stdout.count("FOUND") != 2:
        fail("clamscan control run: %s" % p.stdout)


def case_cleanup(env):
    a = env.add("a.com", EICAR)
    vigil("scan", "--no-summary", "--copy=" + env.store, *env.db(), a,
          check=1)
    (i,) = records(env.store)
    junk = [".tmp-0123456789abcdef.payload", ".tmp-0123456789abcdef.record",
            "0123456789abcdef.payload"]
    for n in junk:
        with open(os.path.join(env.store, n), "w") as f:
            f.write("half")
    # While another vigil has the store open (its shared lock), the files
    # may be its work in progress: left alone.
    fd = os.open(env.store, os.O_RDONLY | os.O_DIRECTORY)
    fcntl.flock(fd, fcntl.LOCK_SH)
    env.q("list", check=0)
    os.close(fd)
    if not all(os.path.exists(os.path.join(env.store, n)) for n in junk):
        fail("cleaned up under another vigil's feet")
    env.q("list", check=0)
    left = [n for n in junk if os.path.exists(os.path.join(env.store, n))]
    if left:
        fail("leftovers not cleaned: %s" % left)
    # A damaged payload: restore refuses and leaves no file behind.
    pp = os.path.join(env.store, i + ".payload")
    data = bytearray(open(pp, "rb").read())
    data[20] ^= 1
    os.chmod(pp, 0o600)
    open(pp, "wb").write(data)
    dest = os.path.join(env.files, "restored.com")
    p = env.q("restore", i, "--to", dest, check=2)
    if "SHA-256 mismatch" not in p.stderr or os.path.exists(dest):
        fail("damaged payload restored: %s" % p.stderr)
    if i not in records(env.store):
        fail("failed restore deleted the entry")
    if [n for n in os.listdir(env.files) if n.startswith(".vigil")]:
        fail("failed restore left a temporary file")
    # A damaged record is skipped by list, with a warning.
    rp = os.path.join(env.store, i + ".record")
    os.chmod(rp, 0o600)
    open(rp, "w").write("vigil-quarantine=1\nid=%s\nsize=x\n" % i)
    p = env.q("list", check=0)
    if p.stdout or "skipping entry " + i not in p.stderr:
        fail("damaged record: %r %r" % (p.stdout, p.stderr))


def case_odd_names(env):
    """A name with a newline, '%' and '=' survives the record format."""
    a = env.add("new\nline %41 a=b.com", EICAR)
    vigil("scan", "--no-summary", "--move=" + env.store, *env.db(), a,
          check=1)
    (i,) = records(env.store)
    if records(env.store)[i]["path"] != a:
        fail("record path %r" % records(env.store)[i]["path"])
    line = env.q("list", check=0).stdout
    if line.count("\n") != 1 or "new\\x0aline %41 a=b.com" not in line:
        fail("list line for an odd name: %r" % line)
    if json.loads(env.q("show", i, "--json", check=0).stdout)["path"] != a:
        fail("show --json path")
    env.q("restore", i, check=0)
    if file_sha(a) != env.manifest[a]:
        fail("odd name not restored")


def case_owner(env):
    """Owner and group are recorded by name and restored (as root)."""
    if os.geteuid() != 0:
        print("not root: skipped")
        sys.exit(77)
    a = env.add("a.com", EICAR, 0o640)
    os.chown(a, 65534, 65534)
    vigil("scan", "--no-summary", "--move=" + env.store, *env.db(), a,
          check=1)
    (i,) = records(env.store)
    show = json.loads(env.q("show", i, "--json", check=0).stdout)
    if (show["uid"], show["gid"], show["user"]) != (65534, 65534, "nobody"):
        fail("owner not recorded: %s" % show)
    env.q("restore", i, check=0)
    st = os.stat(a)
    if (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)) != \
            (65534, 65534, 0o640):
        fail("owner/mode not restored: %d:%d %o" %
             (st.st_uid, st.st_gid, stat.S_IMODE(st.st_mode)))


def as_nobody(args, env):
    return subprocess.run(["setpriv", "--reuid=nobody", "--regid=nogroup",
                           "--clear-groups", VIGIL, *args],
                          capture_output=True, text=True, env=env)


def case_user_store(env):
    """Without --dir an ordinary user's store is under XDG_DATA_HOME."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        print("needs root and setpriv: skipped")
        sys.exit(77)
    home = os.path.join(env.root, "home")
    os.makedirs(os.path.join(home, "data", "vigil"))
    for d in (home, os.path.join(home, "data"),
              os.path.join(home, "data", "vigil"), env.files):
        os.chown(d, 65534, 65534)
    a = env.add("a.com", EICAR)
    os.chown(a, 65534, 65534)
    store = os.path.join(home, "data", "vigil", "quarantine")
    e = dict(os.environ, HOME=home, XDG_DATA_HOME=os.path.join(home, "data"))
    p = as_nobody(["scan", "--no-summary", "--move=" + store, *env.db(), a],
                  e)
    if p.returncode != 1 or os.path.exists(a):
        fail("scan --move as nobody: %d %s" % (p.returncode, p.stderr))
    st = os.stat(store)
    if st.st_uid != 65534 or stat.S_IMODE(st.st_mode) != 0o700:
        fail("user store: uid %d mode %o" % (st.st_uid, st.st_mode))
    p = as_nobody(["quarantine", "list"], e)
    if p.returncode != 0 or a not in p.stdout:
        fail("default store not used: %s %s" % (p.stdout, p.stderr))
    # root does not use it, and refuses it when pointed at it
    p = vigil("quarantine", "--dir", store, "list", check=2)
    if "owned by uid 65534" not in p.stderr:
        fail("root accepted a store owned by nobody: %s" % p.stderr)
    # A file nobody can read but not unlink: the move fails as a whole,
    # leaving the original and no entry.
    ro = os.path.join(env.root, "ro")
    os.mkdir(ro, 0o755)
    r = os.path.join(ro, "r.com")
    with open(r, "wb") as f:
        f.write(EICAR + b" ro")
    os.chmod(r, 0o644)
    p = as_nobody(["scan", "--no-summary", "--move=" + store, *env.db(), r],
                  e)
    if "cannot remove the original" not in p.stderr or \
            not os.path.exists(r):
        fail("unremovable original: %s" % p.stderr)
    if len(records(store)) != 1 or len(os.listdir(store)) != 2:
        fail("failed move left an entry: %s" % os.listdir(store))
    i = as_nobody(["quarantine", "list"], e).stdout.split()[0]
    p = as_nobody(["quarantine", "restore", i], e)
    if p.returncode != 0 or os.stat(a).st_uid != 65534:
        fail("restore as nobody: %s" % p.stderr)


def case_usage(env):
    os.mkdir(env.store, 0o700)
    for args, why in ((["quarantine"], "wrong arguments|Usage"),
                      (["quarantine", "frob"], "unknown quarantine command"),
                      (["quarantine", "--dir", env.store, "show"],
                       "wrong arguments"),
                      (["quarantine", "--dir", env.store, "list", "--to",
                        "/x"], "--to and --force go with restore"),
                      (["quarantine", "--dir", env.store, "purge",
                        "--older-than", "x"], "number of days"),
                      (["quarantine", "--dir", env.store, "restore", "ab"],
                       "not an entry id")):
        p = vigil(*args, check=2)
        if not re.search(why, p.stderr):
            fail("%s: %r" % (args, p.stderr))
    if "restore ID" not in vigil("quarantine", "--help", check=0).stdout:
        fail("no help")
    if "quarantine list" not in vigil("help", check=0).stdout:
        fail("vigil help does not name quarantine")


def run_killed_at(env, n):
    e = dict(os.environ, VIGIL_QUARANTINE_CRASH_AT=str(n))
    return vigil("scan", "-r", "--no-summary", "--move=" + env.store,
                 *env.db(), env.files, env=e)


def case_crash_hook(env):
    """Deterministic: SIGKILL at step N of the move protocol, for every N
    until a run completes, each on a fresh copy of three files."""
    rng = random.Random(6)
    contents = [EICAR, EICAR + rng.randbytes(300 * 1024), EICAR + b"x"]
    n, kills = 1, 0
    while True:
        shutil.rmtree(env.files)
        shutil.rmtree(env.store, ignore_errors=True)
        os.mkdir(env.files)
        env.manifest = {}
        for k, c in enumerate(contents):
            env.add("f%d.com" % k, c)
        p = run_killed_at(env, n)
        killed = p.returncode == -signal.SIGKILL
        if not killed and p.returncode != 1:
            fail("step %d: exit %d: %s" % (n, p.returncode, p.stderr))
        in_place, _, _ = check_invariant(env, set())
        # finish the job and check again: nothing is lost on the way
        vigil("scan", "-r", "--no-summary", "--move=" + env.store,
              *env.db(), env.files, check=1 if in_place else 0)
        if check_invariant(env, set())[0] != 0:
            fail("step %d: files left after the second run" % n)
        if not killed:
            break
        kills += 1
        n += 1
    if kills < 20:
        fail("only %d crash points" % kills)
    print("killed at %d protocol steps, invariant held each time" % kills)


def case_crash_kill9(env):
    """Random: kill -9 after a random delay, check, go again on what is
    left, until a run finishes by itself."""
    rng = random.Random(int(os.environ.get("VIGIL_TEST_SEED", "66")))
    # Enough work that several kills land even on a fast idle machine.
    make_many(env, 400, 16, rng)
    verified, kills, rounds, torn = set(), 0, 0, 0
    # Start-up (database load; slow under sanitizers) before any move.
    # The first scan also fills the compiled-database cache, so time the
    # second one, as every move run below starts like it.
    vigil("scan", "--no-summary", *env.db(), env.ndb, check=0)
    t0 = time.monotonic()
    vigil("scan", "--no-summary", *env.db(), env.ndb, check=0)
    startup = (time.monotonic() - t0) * 0.8
    while True:
        rounds += 1
        proc = subprocess.Popen([VIGIL, "scan", "-r", "--no-summary",
                                 "--move=" + env.store, *env.db(),
                                 env.files], stdout=subprocess.DEVNULL,
                                stderr=subprocess.DEVNULL)
        if rounds < 40:
            time.sleep(startup + rng.uniform(0.0, 0.05))
            proc.send_signal(signal.SIGKILL)
        rc = proc.wait()  # the 40th run is left to finish
        kills += rc == -signal.SIGKILL
        if rounds < 40 and rc != -signal.SIGKILL:
            startup *= 0.5  # the run beat the kill: aim earlier
        in_place, n_recs, t = check_invariant(env, verified)
        torn += t
        if rc != -signal.SIGKILL and in_place == 0:
            break
        if rounds >= 40:
            fail("the last run did not finish the job (exit %d)" % rc)
    # Every file is now in quarantine; restore each to a scratch folder
    # with vigil itself and compare with the original's SHA-256.
    out = os.path.join(env.root, "restored")
    os.mkdir(out)
    for k, (i, rec) in enumerate(sorted(records(env.store).items())):
        dest = os.path.join(out, "%d" % k)
        env.q("restore", i, "--to", dest, check=0)
        if file_sha(dest) != env.manifest[rec["path"]]:
            fail("restored %s differs from %s" % (i, rec["path"]))
    print("%d runs, %d killed (%d mid-move), %d entries verified, "
          "invariant held" % (rounds, kills, torn, len(verified)))
    if kills < 5:
        fail("too few kills landed (%d)" % kills)


CASES = {n[5:]: f for n, f in globals().items() if n.startswith("case_")}

if __name__ == "__main__":
    if CASE not in CASES:
        fail("unknown case " + CASE)
    env = Env()
    try:
        CASES[CASE](env)
    finally:
        env.cleanup()
    print("ok: " + CASE)
