# SPDX-License-Identifier: GPL-2.0-or-later
# update_test.py: end-to-end tests of `vigil update` against a real HTTP
# mirror on 127.0.0.1 (mirror.py) serving ClamAV's signed test-N.cvd and
# test-N.cdiff files and feeds signed here. After each case the installed
# database is the expected one and a scan gives the expected answer.
# Usage: update_test.py VIGIL CASE
import json
import os
import resource
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from mirror import Mirror  # noqa: E402

SKIP = 77
HERE = os.path.dirname(os.path.abspath(__file__))
# As tests/compat: $VIGIL_SHARED_DATA, else ../shared/data beside the tree.
SHARED = os.path.abspath(os.environ.get("VIGIL_SHARED_DATA") or
                         os.path.join(HERE, "..", "..", "..", "shared",
                                      "data"))
FRESH = os.path.join(SHARED, "clamav-unit-tests/freshclam_testfiles")
OFFICIAL = os.path.join(SHARED, "clamav-official-subset")
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
         b"$H+H*")
EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f"


def fail(msg):
    print("FAIL:", msg)
    raise SystemExit(1)


def check(cond, msg):
    if not cond:
        fail(msg)


def fresh(name):
    with open(os.path.join(FRESH, name), "rb") as f:
        return f.read()


class Env:
    """A temporary machine: database root, state, keys, a mirror."""

    def __init__(self, vigil, tmp):
        self.vigil, self.tmp = vigil, tmp
        self.root = os.path.join(tmp, "db")
        self.keys = os.path.join(tmp, "keys")
        os.makedirs(self.keys)
        self.eicar = os.path.join(tmp, "eicar.txt")
        with open(self.eicar, "wb") as f:
            f.write(EICAR)
        self.mirror = Mirror()
        self.last = None

    def update(self, *args, mirrors=None, env=None, expect=0, **kw):
        if mirrors is None and "--from" not in " ".join(args):
            mirrors = [self.mirror.url]
        cmd = [self.vigil, "update", "--db-dir", self.root, "--keys-dir",
               self.keys, "--config", "/dev/null", "--timeout", "10"]
        if mirrors is not None:
            cmd += [a for m in mirrors for a in ("--mirror", m)]
            if "--db" not in args:
                cmd += ["--db", "test"]
        if "--notify-socket" not in args:
            cmd += ["--no-reload"]
        cmd += list(args)
        e = dict(os.environ)
        e.update(env or {})
        p = subprocess.run(cmd, capture_output=True, text=True, env=e, **kw)
        self.last = p
        print("$", " ".join(cmd[1:]))
        print(p.stdout + p.stderr)
        if expect is not None:
            check(p.returncode == expect,
                  f"exit {p.returncode}, expected {expect}")
        return p

    def current(self):
        link = os.path.join(self.root, "current")
        return os.readlink(link) if os.path.islink(link) else None

    def files(self):
        d = os.path.join(self.root, "current")
        return sorted(os.listdir(d)) if os.path.isdir(d) else []

    def db_version(self):
        """(file, version) of the installed test database."""
        for f in self.files():
            if f.startswith("test.c"):
                with open(os.path.join(self.root, "current", f), "rb") as h:
                    return f, int(h.read(512).split(b":")[2])
        return None, 0

    def scan(self):
        p = subprocess.run([self.vigil, "scan", "--no-summary", "-d",
                            os.path.join(self.root, "current"), self.eicar],
                           capture_output=True, text=True)
        return p.stdout.strip()

    def expect_db(self, version, eicar_found, file=None, swept=True):
        f, v = self.db_version()
        check(v == version, f"installed version {v}, expected {version}")
        if file:
            check(f == file, f"installed {f}, expected {file}")
        out = self.scan()
        check(("FOUND" in out) == eicar_found,
              f"scan gave {out!r}, EICAR found expected {eicar_found}")
        staging = os.path.join(self.root, "staging")
        check(not swept or not os.path.isdir(staging) or
              not os.listdir(staging), "staging leftovers")

    def serve(self, cvd, cdiffs=()):
        self.mirror.files = {"test.cvd": fresh(f"test-{cvd}.cvd")}
        for n in cdiffs:
            self.mirror.files[f"test-{n}.cdiff"] = fresh(f"test-{n}.cdiff")
        self.mirror.log.clear()

    def install_v1(self):
        self.serve(1)
        self.update()
        self.expect_db(1, False, "test.cvd")


# ---------------------------------------------------------------- ClamAV

def case_fresh_install(e):
    e.serve(3)
    e.update()
    e.expect_db(3, True, "test.cvd")
    hdr = e.mirror.requests("test.cvd", whole=False)
    check(hdr and hdr[0][1] == "bytes=0-511", "no Range header check first")
    check(len(e.mirror.requests("test.cvd", whole=True)) == 1,
          "the whole CVD was not fetched exactly once")
    # Same again: If-Modified-Since is sent, the mirror says 304.
    e.mirror.mtime["test.cvd"] = 1000
    e.mirror.log.clear()
    e.update()
    check("up to date" in e.last.stdout, "no 'up to date'")
    check(e.mirror.requests()[0][2] is not None, "no If-Modified-Since")
    check(not e.mirror.requests("test.cvd", whole=True), "refetched")


def case_incremental_cdiff(e):
    e.install_v1()
    e.serve(3, cdiffs=(2, 3))
    e.update()
    e.expect_db(3, True, "test.cld")
    check(not e.mirror.requests("test.cvd", whole=True),
          "the whole CVD was fetched although cdiffs exist")
    check(e.mirror.requests("test-2.cdiff") and
          e.mirror.requests("test-3.cdiff"), "cdiffs not fetched")
    check(os.path.islink(os.path.join(e.root, "previous")),
          "previous version not kept")


def case_missing_cdiff(e):
    e.install_v1()
    e.serve(4, cdiffs=(2, 4))  # test-3.cdiff is missing
    e.update()
    e.expect_db(4, True, "test.cvd")
    check(e.mirror.requests("test-3.cdiff"), "cdiff 3 not tried")
    check(len(e.mirror.requests("test.cvd", whole=True)) == 1,
          "no fallback to the whole CVD")


def case_cooldown_429(e):
    e.install_v1()
    e.serve(3)
    e.mirror.status, e.mirror.retry_after = 429, 3600
    e.update(expect=1)
    check("429" in e.last.stderr and "cooling down" in e.last.stderr,
          "the cool-down is not said")
    e.expect_db(1, False)
    # The mirror recovered, but we promised to wait: no request at all.
    e.mirror.status = None
    e.mirror.log.clear()
    e.update(expect=1)
    check(not e.mirror.requests(), "contacted a mirror in cool-down")
    check("cooling down until" in e.last.stderr, "no cool-down message")
    st = json.loads(e.update("--status", "--json").stdout)
    check(st["cooldowns"] and st["cooldowns"][0]["http"] == 429,
          "--status does not show the cool-down")
    # A second mirror takes over (fail-over).
    other = Mirror()
    try:
        other.files = {"test.cvd": fresh("test-3.cvd")}
        e.update(mirrors=[e.mirror.url, other.url])
        e.expect_db(3, True)
        check(not e.mirror.requests(), "the cooling mirror was contacted")
    finally:
        other.close()


def case_failover(e):
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    dead = f"http://127.0.0.1:{s.getsockname()[1]}"
    s.close()  # nothing listens there: connection refused
    e.serve(3)
    e.update(mirrors=[dead, e.mirror.url])
    check("trying the next mirror" in e.last.stdout, "no fail-over said")
    e.expect_db(3, True)
    e.update(mirrors=[dead], expect=2)
    e.expect_db(3, True)


def case_mirror_older(e):
    """A mirror that offers an older database never downgrades."""
    e.serve(3)
    e.update()
    e.serve(1)
    e.update()
    check("older" in e.last.stdout, "older version not noticed")
    e.expect_db(3, True, "test.cvd")


def case_mirror_lies(e):
    """The header check promises version 4, the CVD is version 1."""
    e.serve(3)
    e.update()
    e.serve(1)
    e.mirror.headers["test.cvd"] = fresh("test-4.cvd")
    e.update(expect=2)
    check("not newer" in e.last.stderr, "downgrade not named")
    e.expect_db(3, True, "test.cvd")


def case_forbidden_403(e):
    e.install_v1()
    e.mirror.status = 403
    e.update(expect=1)
    check("403" in e.last.stderr, "403 not reported")
    e.expect_db(1, False)


def flip(data, at):
    b = bytearray(data)
    b[at] ^= 0x01
    return bytes(b)


def case_tampered_cvd(e):
    e.install_v1()
    e.serve(3)
    data = e.mirror.files["test.cvd"]
    e.mirror.files["test.cvd"] = flip(data, len(data) - 100)
    e.update(expect=2)
    check("refused" in e.last.stderr, "no refusal message")
    e.expect_db(1, False, "test.cvd")


def case_tampered_cdiff(e):
    e.install_v1()
    e.serve(3, cdiffs=(2, 3))
    d = e.mirror.files["test-3.cdiff"]
    e.mirror.files["test-3.cdiff"] = flip(d, 40)
    e.update(expect=2)
    check("refused" in e.last.stderr, "no refusal message")
    e.expect_db(1, False, "test.cvd")


def case_cut_transfer(e):
    e.install_v1()
    e.serve(3)
    e.mirror.cut.add("test.cvd")
    e.update(expect=2)
    e.expect_db(1, False, "test.cvd")
    e.mirror.cut.clear()
    e.update()
    e.expect_db(3, True)


def case_disk_full(e):
    e.install_v1()
    e.serve(3)

    def small_disk():
        # Writes past 4 KiB fail with EFBIG, as on a full disk.
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (4096, 4096))
    e.update(expect=2, preexec_fn=small_disk)
    e.expect_db(1, False, "test.cvd")


def case_offline_from(e):
    src = os.path.join(e.tmp, "media")
    os.makedirs(src)
    with open(os.path.join(src, "test.cvd"), "wb") as f:
        f.write(fresh("test-1.cvd"))
    e.update("--from", src)
    e.expect_db(1, False)
    # A bundle directory with cdiffs: the same verification path.
    for n in (2, 3):
        with open(os.path.join(src, f"test-{n}.cdiff"), "wb") as f:
            f.write(fresh(f"test-{n}.cdiff"))
    with open(os.path.join(src, "test.cvd"), "wb") as f:
        f.write(fresh("test-3.cvd"))
    e.update("--from", src)
    e.expect_db(3, True, "test.cld")
    # cdiffs alone (no container): applied to the installed database.
    only = os.path.join(e.tmp, "cdiffs")
    os.makedirs(only)
    for n in (4, 5):
        with open(os.path.join(only, f"test-{n}.cdiff"), "wb") as f:
            f.write(fresh(f"test-{n}.cdiff"))
    e.update("--from", os.path.join(only, "test-4.cdiff"))
    e.expect_db(5, True, "test.cld")
    e.update("--rollback", mirrors=[])
    e.expect_db(3, True, "test.cld")
    # One file: a tampered CVD is refused offline too.
    bad = os.path.join(e.tmp, "test.cvd")
    with open(bad, "wb") as f:
        f.write(flip(fresh("test-4.cvd"), 600))
    e.update("--from", bad, expect=2)
    e.expect_db(3, True, "test.cld")
    with open(bad, "wb") as f:
        f.write(fresh("test-4.cvd"))
    e.update("--from", bad)
    e.expect_db(4, True, "test.cvd")


def write_tar(path, files):
    import io
    import tarfile
    with tarfile.open(path, "w", format=tarfile.USTAR_FORMAT) as t:
        for n, b in files.items():
            ti = tarfile.TarInfo(n)
            ti.size = len(b)
            t.addfile(ti, io.BytesIO(b))


def case_offline_bundle(e):
    """One .tar on removable media: ClamAV files and a signed feed."""
    e.install_v1()
    key, d = feed_setup(e)
    publish(e, d, key)
    files = {n: open(os.path.join(d, n), "rb").read() for n in os.listdir(d)}
    files.update({"test.cvd": fresh("test-3.cvd"),
                  "test-2.cdiff": fresh("test-2.cdiff"),
                  "test-3.cdiff": fresh("test-3.cdiff")})
    bundle = os.path.join(e.tmp, "update.tar")
    write_tar(bundle, files)
    e.update("--from", bundle)
    e.expect_db(3, True, "test.cld")
    check(feed_version(e) == 1, "bundle feed not installed")
    check("vigil.hdb" in e.files(), "feed file missing")
    st = json.loads(e.update("--status", "--json", mirrors=[]).stdout)
    check(st["stale"] is True, "a fresh feed hid a 5-year-old database")
    # A tampered member is refused like any other source.
    files["test.cvd"] = flip(fresh("test-4.cvd"), 700)
    files["test-4.cdiff"] = flip(fresh("test-4.cdiff"), 30)
    write_tar(bundle, files)
    e.update("--from", bundle, expect=2)
    e.expect_db(3, True, "test.cld")


def case_rollback(e):
    e.install_v1()
    e.serve(3, cdiffs=(2, 3))
    e.update()
    e.expect_db(3, True)
    e.update("--rollback", mirrors=[])
    e.expect_db(1, False)
    e.update("--rollback", mirrors=[])  # and forward again
    e.expect_db(3, True)
    bare = Env(e.vigil, os.path.join(e.tmp, "bare"))
    try:
        bare.update("--rollback", mirrors=[], expect=2)
        check("no previous version" in bare.last.stderr, "no reason given")
    finally:
        bare.mirror.close()


def case_kill9(e):
    e.install_v1()
    e.serve(3, cdiffs=(2, 3))
    for step in ("staged", "tested", "moved", "previous"):
        p = e.update(env={"VIGIL_UPDATE_CRASH_AT": step}, expect=None)
        check(p.returncode == -signal.SIGKILL, f"not killed at {step}")
        check(e.current() == "versions/v000001", f"switched at {step}")
        e.expect_db(1, False, "test.cvd", swept=False)
    p = e.update(env={"VIGIL_UPDATE_CRASH_AT": "switched"}, expect=None)
    check(p.returncode == -signal.SIGKILL, "not killed at switched")
    e.expect_db(3, True)
    e.update()  # recovers: sweeps leftovers, up to date
    e.expect_db(3, True)
    left = sorted(os.listdir(os.path.join(e.root, "versions")))
    check(len(left) == 2, f"leftover versions {left}")


def case_status(e):
    e.install_v1()
    e.serve(3, cdiffs=(2, 3))
    e.update()
    p = e.update("--status", mirrors=[])
    for want in ("version 3", "Last check:", "Previous version:",
                 "WARNING: the database is"):
        check(want in p.stdout, f"--status lacks {want!r}")
    st = json.loads(e.update("--status", "--json", mirrors=[]).stdout)
    check(st["databases"][0]["version"] == 3, "json version")
    check(st["databases"][0]["signatures"] == 11, "json signatures")
    check(st["stale"] is True and st["age_seconds"] > 7 * 86400, "stale")
    check(st["last_check_result"] == "updated", "json result")
    check(st["signatures_loaded"] > 0, "json signatures_loaded")
    check(st["previous"].startswith("versions/"), "json previous")


def case_notify(e):
    sock = os.path.join(e.tmp, "vigild.ctl")
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(sock)
    srv.listen(1)
    got = []

    def serve():
        c, _ = srv.accept()
        got.append(c.recv(64))
        c.sendall(b"RELOADING\0")
        c.close()
    t = threading.Thread(target=serve, daemon=True)
    t.start()
    e.serve(3)
    e.update("--notify-socket", sock)
    t.join(10)
    check(got == [b"zRELOAD\0"], f"vigild got {got}")
    check("reload requested" in e.last.stdout, "reload not reported")
    # No daemon: the update still succeeds.
    e.serve(4)
    e.update("--notify-socket", os.path.join(e.tmp, "absent.ctl"))
    e.expect_db(4, True)


def case_vigild_reload(e):
    """A real vigild on DB-DIR/current picks up the update by itself."""
    vigild = os.environ.get("VIGILD")
    if not vigild:
        print("skipped: VIGILD not set")
        raise SystemExit(SKIP)
    sys.path.insert(0, os.path.join(HERE, "../daemon"))
    import daemon_util as du
    e.install_v1()
    os.chmod(e.tmp, 0o755)
    d = du.Daemon("vigild", vigild, e.tmp, os.path.join(e.root, "current"))
    d.start()
    try:
        check(du.exchange(d.sock, [du.instream(EICAR)]) == b"stream: OK\0",
              "EICAR found before the update")
        e.serve(3, cdiffs=(2, 3))
        e.update("--notify-socket", d.sock)
        check("reload requested" in e.last.stdout, "no reload sent")
        want = b"stream: Eicar-Test-Signature FOUND\0"
        end = time.time() + 30
        while time.time() < end:
            got = du.exchange(d.sock, [du.instream(EICAR)])
            if got == want:
                break
            time.sleep(0.2)
        check(got == want, f"vigild still answers {got!r}")
    finally:
        d.stop()


# ------------------------------------------------------------ vigil feed

FEED_HDB = f"{EICAR_MD5}:68:Vigil.Test.EICAR\n"


def keygen(e, name="k"):
    prefix = os.path.join(e.tmp, name)
    subprocess.run([e.vigil, "db", "keygen", "-o", prefix], check=True,
                   capture_output=True)
    return prefix + ".key", prefix + ".pub"


def publish(e, d, key, *extra):
    p = subprocess.run([e.vigil, "db", "publish", d, "-k", key] +
                       list(extra), capture_output=True, text=True)
    print(p.stdout + p.stderr)
    check(p.returncode == 0, "publish failed")


def feed_setup(e, hdb=FEED_HDB):
    key, pub = keygen(e)
    os.rename(pub, os.path.join(e.keys, "feed.pub"))
    d = os.path.join(e.tmp, "feed")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "vigil.hdb"), "w") as f:
        f.write(hdb)
    return key, d


def serve_feed(e, d):
    e.mirror.files = {}
    for n in os.listdir(d):
        with open(os.path.join(d, n), "rb") as f:
            e.mirror.files[n] = f.read()


def feed_update(e, expect=0):
    return e.update("--feed", e.mirror.url, mirrors=[e.mirror.url + "/none"],
                    expect=expect)


def feed_version(e):
    st = json.loads(e.update("--status", "--json", mirrors=[]).stdout)
    return st["feed"]["version"] if st["feed"] else 0


def case_feed_install(e):
    key, d = feed_setup(e)
    publish(e, d, key)
    serve_feed(e, d)
    feed_update(e)
    check(feed_version(e) == 1, "feed version 1 not installed")
    check("Vigil.Test.EICAR" in e.scan(), "feed signature does not detect")
    st = json.loads(e.update("--status", "--json", mirrors=[]).stdout)
    check(st["stale"] is False and st["age_seconds"] < 600, "fresh feed")
    p = e.update("--status", mirrors=[])
    check("WARNING" not in p.stdout, "warned about a fresh feed")
    # A new version replaces it; the same version is "up to date".
    with open(os.path.join(d, "vigil.hdb"), "w") as f:
        f.write("# emptied\n" + f"{'0' * 32}:1:Vigil.Test.Other\n")
    publish(e, d, key)
    serve_feed(e, d)
    feed_update(e)
    check(feed_version(e) == 2, "feed version 2 not installed")
    check("FOUND" not in e.scan(), "old feed signature still active")
    feed_update(e)
    check("up to date" in e.last.stdout, "same version not up to date")


def case_feed_rollback_attack(e):
    key, d = feed_setup(e)
    publish(e, d, key)
    serve_feed(e, d)
    feed_update(e)
    v1 = dict(e.mirror.files)
    publish(e, d, key)
    serve_feed(e, d)
    feed_update(e)
    check(feed_version(e) == 2, "v2 not installed")
    e.mirror.files = v1  # validly signed, but older
    feed_update(e, expect=2)
    check("rollback attack" in e.last.stderr, "rollback attack not named")
    check(feed_version(e) == 2, "downgraded")
    # A local --rollback is the admin's choice; the feed still never
    # goes below the highest version accepted.
    e.update("--rollback", mirrors=[])
    check(feed_version(e) == 1, "--rollback did not switch")
    feed_update(e, expect=2)
    check("rollback attack" in e.last.stderr, "older feed accepted")


def case_feed_expired(e):
    key, d = feed_setup(e)
    now = int(time.time())
    publish(e, d, key, "--created", str(now - 10 * 86400),
            "--expires", str(now - 86400))
    serve_feed(e, d)
    feed_update(e, expect=2)
    check("expired" in e.last.stderr, "freeze attack not named")
    check(feed_version(e) == 0 and not e.files(), "expired feed installed")


def case_feed_tampered(e):
    key, d = feed_setup(e)
    publish(e, d, key)
    serve_feed(e, d)
    e.mirror.files["vigil.hdb"] = e.mirror.files["vigil.hdb"].replace(
        b"EICAR", b"EICAX")
    feed_update(e, expect=2)
    check("SHA-256" in e.last.stderr, "hash mismatch not named")
    check(not e.files(), "tampered feed installed")
    # A manifest signed by a key that is not trusted.
    other, _ = keygen(e, "other")
    publish(e, d, other)
    serve_feed(e, d)
    feed_update(e, expect=2)
    check("not signed by any key trusted" in e.last.stderr,
          "untrusted key not named")
    # A trusted signature over a modified manifest.
    publish(e, d, key)
    serve_feed(e, d)
    m = e.mirror.files["vigil.manifest"]
    e.mirror.files["vigil.manifest"] = m.replace(b"expires ", b"expires 9")
    feed_update(e, expect=2)
    check("bad signature" in e.last.stderr, "forged manifest accepted")
    check(not e.files(), "something was installed")


def case_feed_key_rotation(e):
    old, d = feed_setup(e)  # old key trusted
    new, new_pub = keygen(e, "new")
    publish(e, d, old, "-k", new)  # signed by both during the rotation
    serve_feed(e, d)
    feed_update(e)
    check(feed_version(e) == 1, "dual-signed manifest refused")
    os.rename(new_pub, os.path.join(e.keys, "new.pub"))
    os.remove(os.path.join(e.keys, "feed.pub"))  # old key retired
    publish(e, d, new)
    serve_feed(e, d)
    feed_update(e)
    check(feed_version(e) == 2, "new key refused")
    publish(e, d, old)
    serve_feed(e, d)
    feed_update(e, expect=2)
    check(feed_version(e) == 2, "retired key still accepted")


def case_feed_offline(e):
    key, d = feed_setup(e)
    publish(e, d, key)
    e.update("--from", d)
    check(feed_version(e) == 1, "offline feed not installed")
    check("Vigil.Test.EICAR" in e.scan(), "offline feed does not detect")


# ---------------------------------------------- the official subset, timed

def write_cud(path, files, version):
    """Pack files into a .cud (unsigned CVD-like container: gzip'd tar
    with a .info listing sizes and SHA-256), as sigtool --unsigned does."""
    import gzip
    import hashlib
    import io
    import tarfile
    hdr = f"ClamAV-VDB:22 Nov 2026 12-00 +0000:{version}:0:90:X:X:vigil:" \
          f"{int(time.time())}"
    info = hdr + "\n" + "".join(
        f"{n}:{len(b)}:{hashlib.sha256(b).hexdigest()}\n" for n, b in files)
    members = [("COPYING", b"test\n"), ("official.info", info.encode())]
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) \
            as t:
        for n, b in members + files:
            ti = tarfile.TarInfo(n)
            ti.size = len(b)
            t.addfile(ti, io.BytesIO(b))
    with open(path, "wb") as f:
        f.write(hdr.encode().ljust(512, b" "))
        f.write(gzip.compress(raw.getvalue()))


def case_official_subset(e):
    if not os.path.isdir(OFFICIAL):
        print("skipped: ../shared/data not found")
        raise SystemExit(SKIP)
    key, d = feed_setup(e)
    os.remove(os.path.join(d, "vigil.hdb"))
    files = []
    for n in sorted(os.listdir(OFFICIAL)):
        if n != "SHA256SUMS":
            with open(os.path.join(OFFICIAL, n), "rb") as f:
                files.append((n, f.read()))
    write_cud(os.path.join(d, "official.cud"), files, 1)
    publish(e, d, key)
    serve_feed(e, d)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    feed_update(e)
    secs = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    st = json.loads(e.update("--status", "--json", mirrors=[]).stdout)
    size = os.path.getsize(os.path.join(d, "official.cud"))
    print(f"MEASURED: official subset ({size} bytes packed, "
          f"{st['signatures_loaded']} signatures): update took {secs:.2f} s, "
          f"{after.ru_utime - before.ru_utime:.2f} s user, "
          f"max RSS {after.ru_maxrss // 1024} MiB")
    check(st["signatures_loaded"] > 260000, "subset not loaded whole")
    out = e.scan()  # daily.ndb of the subset has the EICAR signature
    check("Eicar-Test-Signature.UNOFFICIAL FOUND" in out, f"scan: {out}")


def main():
    if len(sys.argv) != 3:
        print(__doc__)
        return 2
    vigil, name = sys.argv[1], sys.argv[2]
    if not os.path.isdir(FRESH):
        print("skipped: ../shared/data not found")
        return SKIP
    fn = globals().get("case_" + name)
    if not fn:
        print("unknown case", name)
        return 2
    with tempfile.TemporaryDirectory(prefix="vigil-update-") as tmp:
        e = Env(vigil, tmp)
        try:
            fn(e)
        finally:
            e.mirror.close()
    print("PASS:", name)
    return 0


if __name__ == "__main__":
    sys.exit(main())
