# SPDX-License-Identifier: GPL-2.0-or-later
# daemon_util.py: starts clamd 1.4.6 and vigild on the same database and
# talks to them byte for byte (shared by the daemon tests and bench).
import array
import os
import pwd
import re
import shutil
import signal
import socket
import struct
import subprocess
import tempfile
import time

SKIP = 77
EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANTIVIRUS-TEST-FILE!"
         b"$H+H*")
EICAR_MD5 = "44d88612fea8a8f36de82e1278abb02f"


def skip(msg):
    print(f"skipped: {msg}")
    raise SystemExit(SKIP)


def find_clamd():
    for p in (shutil.which("clamd"), "/usr/sbin/clamd"):
        if p and os.access(p, os.X_OK):
            return p
    return None


def current_user():
    return pwd.getpwuid(os.getuid()).pw_name


def chunk(data):
    return struct.pack(">I", len(data)) + data


def instream(data, step=None):
    """INSTREAM command bytes (z framing) for data, in chunks of step."""
    step = step or max(len(data), 1)
    body = b"".join(chunk(data[i:i + step]) for i in range(0, len(data), step))
    return b"zINSTREAM\0" + body + chunk(b"")


class Daemon:
    """clamd or vigild, in the foreground, on a unix socket in workdir."""

    def __init__(self, kind, exe, workdir, dbdir, options=None):
        self.kind, self.exe, self.dbdir = kind, exe, dbdir
        self.dir = os.path.join(workdir, kind)
        os.makedirs(self.dir, exist_ok=True)
        self.sock = os.path.join(self.dir, f"{kind}.sock")
        self.log = os.path.join(self.dir, f"{kind}.log")
        self.conf = os.path.join(self.dir, f"{kind}.conf")
        self.options = dict(options or {})
        self.proc = None

    def config_text(self):
        opts = {"Foreground": "yes", "LocalSocket": self.sock,
                "DatabaseDirectory": self.dbdir, "LogFile": self.log,
                "PidFile": os.path.join(self.dir, "pid")}
        if self.kind == "vigild":
            opts["User"] = current_user()
        opts.update(self.options)
        lines = []
        for k, v in opts.items():
            for one in (v if isinstance(v, list) else [v]):
                lines.append(f"{k} {one}")
        return "\n".join(lines) + "\n"

    def start(self, args=None, env=None, cwd="/", timeout=60, wait=True):
        with open(self.conf, "w") as f:
            f.write(self.config_text())
        cmd = [self.exe, f"--config-file={self.conf}"] + (args or [])
        out = open(os.path.join(self.dir, "stderr"), "w")
        self.proc = subprocess.Popen(cmd, stdout=out, stderr=out, cwd=cwd,
                                     env=env)
        if wait:
            self.wait_ready(timeout)
        return self

    def wait_ready(self, timeout=60):
        end = time.time() + timeout
        while time.time() < end:
            if self.proc.poll() is not None:
                raise RuntimeError(f"{self.kind} exited: {self.stderr()}")
            try:
                if exchange(self.sock, [b"zPING\0"], timeout=2) == b"PONG\0":
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise RuntimeError(f"{self.kind} did not start: {self.stderr()}")

    def stderr(self):
        try:
            with open(os.path.join(self.dir, "stderr")) as f:
                return f.read()[-3000:]
        except OSError:
            return ""

    def log_text(self):
        try:
            with open(self.log, errors="replace") as f:
                return f.read()
        except OSError:
            return ""

    def stop(self):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        code = self.proc.returncode if self.proc else None
        self.proc = None
        return code

    def pid(self):
        return self.proc.pid

    def fd_count(self):
        return len(os.listdir(f"/proc/{self.proc.pid}/fd"))


def exchange(path, chunks, timeout=2.0, gap=0.05, fds=None, fd_at=0,
             carrier=None, tcp=None):
    """Send each chunk as its own packet and return everything read until
    the daemon closes or timeout passes (then b'<TIMEOUT>' is appended).
    fds ride on chunk fd_at; carrier: send fds in an extra packet after
    chunk fd_at with this payload (as clamdscan does)."""
    if tcp:
        s = socket.create_connection(tcp, timeout=timeout)
    else:
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(timeout)
        s.connect(path)
    anc = [(socket.SOL_SOCKET, socket.SCM_RIGHTS, array.array("i", fds))] \
        if fds else []
    try:
        for i, c in enumerate(chunks):
            if anc and i == fd_at and carrier is None:
                s.sendmsg([c], anc)
            else:
                s.sendall(c)
            if anc and i == fd_at and carrier is not None:
                time.sleep(gap)
                s.sendmsg([carrier], anc)
            time.sleep(gap)
    except (BrokenPipeError, ConnectionResetError):
        pass
    return read_all(s, timeout)


def read_all(s, timeout):
    out = b""
    s.settimeout(timeout)
    try:
        while True:
            d = s.recv(1 << 16)
            if not d:
                break
            out += d
    except socket.timeout:
        out += b"<TIMEOUT>"
    except ConnectionResetError:
        out += b"<RESET>"
    finally:
        s.close()
    return out


_STATS = re.compile(rb"POOLS: .*?END", re.S)
_FD = re.compile(rb"fd\[\d+\]")
_VERSION = re.compile(rb"ClamAV [0-9.]+(/[^|\0\n]*)?")


def normalize(reply):
    """Blank what may differ: STATS contents, version strings, the
    daemon's own descriptor numbers in fd[N]."""
    reply = _STATS.sub(b"POOLS: ...END", reply)
    reply = _VERSION.sub(b"ClamAV <version>", reply)
    return _FD.sub(b"fd[N]", reply)


def split_replies(reply):
    """Replies as a sorted list (for commands whose order is not fixed)."""
    parts = re.split(rb"(?<=[\0\n])", reply)
    return sorted(p for p in parts if p)


def make_workdir(prefix):
    d = tempfile.mkdtemp(prefix=prefix)
    os.chmod(d, 0o755)
    return d
