#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# behaviour.py: vigild alone: reload (RELOAD, SIGUSR2, SelfCheck, a broken
# database, reload under load), SIGHUP log reopening, systemd socket
# activation, --clamd-conf, TCP, privilege drop, MaxQueue.
# Usage: behaviour.py VIGILD CASE
import hashlib
import os
import pwd
import signal
import socket
import subprocess
import sys
import threading
import time

from daemon_util import (EICAR, EICAR_MD5, Daemon, current_user, exchange,
                         instream, make_workdir, skip)

MARK = b"vigil reload marker\n"


def new_daemon(root, options=None):
    db = os.path.join(root, "db")
    os.makedirs(db, exist_ok=True)
    with open(os.path.join(db, "a.hdb"), "w") as f:
        f.write(f"{EICAR_MD5}:68:Test.Eicar\n")
    return Daemon("vigild", VIGILD, root, db, options)


def add_marker_sig(d, name="b.hdb"):
    with open(os.path.join(d.dbdir, name), "w") as f:
        f.write(f"{hashlib.md5(MARK).hexdigest()}:{len(MARK)}:Test.Marker\n")


def scan_stream(d, data):
    return exchange(d.sock, [instream(data)], timeout=10)


def wait_for(pred, timeout=15):
    end = time.time() + timeout
    while time.time() < end:
        if pred():
            return True
        time.sleep(0.1)
    return False


def marker_found(d):
    return scan_stream(d, MARK) == b"stream: Test.Marker.UNOFFICIAL FOUND\0"


def check_reload(d, trigger):
    if marker_found(d) or scan_stream(d, MARK) != b"stream: OK\0":
        return False
    add_marker_sig(d)
    trigger(d)
    return wait_for(lambda: marker_found(d)) and \
        scan_stream(d, EICAR).endswith(b"FOUND\0")


def reload_command(d):
    def trigger(d):
        r = exchange(d.sock, [b"nRELOAD\n"])
        assert r == b"RELOADING\n", r
    return check_reload(d.start(), trigger)


def reload_sigusr2(d):
    return check_reload(d.start(), lambda d: d.proc.send_signal(
        signal.SIGUSR2))


def reload_selfcheck(d):
    d.options["SelfCheck"] = "1"
    return check_reload(d.start(), lambda d: None)


def reload_failure(d):
    d.start()
    with open(os.path.join(d.dbdir, "broken.hdb"), "w") as f:
        f.write("this is not a signature\n")
    exchange(d.sock, [b"nRELOAD\n"])
    ok = wait_for(lambda: "reload failed" in d.log_text())
    print(d.log_text()[-800:])
    return ok and scan_stream(d, EICAR).endswith(b"FOUND\0")


def reload_under_load(d):
    d.options.update({"MaxThreads": "4"})
    d.start()
    add_marker_sig(d)
    errors, done = [], threading.Event()

    def client(n):
        i = 0
        while not done.is_set():
            data = EICAR if i % 3 == 0 else os.urandom(1000 + 97 * i % 50000)
            r = scan_stream(d, data)
            want = b"FOUND\0" if i % 3 == 0 else b"stream: OK\0"
            if not r.endswith(want):
                errors.append(r)
            i += 1
    threads = [threading.Thread(target=client, args=(n,)) for n in range(6)]
    for t in threads:
        t.start()
    for _ in range(5):
        os.utime(os.path.join(d.dbdir, "b.hdb"))
        d.proc.send_signal(signal.SIGUSR2)
        time.sleep(0.6)
    done.set()
    for t in threads:
        t.join()
    print(f"errors: {errors[:5]}")
    return not errors and d.log_text().count("database reloaded") >= 1


def sighup_log(d):
    d.start()
    os.rename(d.log, d.log + ".1")
    d.proc.send_signal(signal.SIGHUP)
    ok = wait_for(lambda: os.path.exists(d.log) and "reopened" in
                  d.log_text())
    exchange(d.sock, [b"nRELOAD\n"])
    return ok and wait_for(lambda: "reload requested" in d.log_text())


def systemd_activation(d):
    path = os.path.join(d.dir, "activated.sock")
    lsock = socket.socket(socket.AF_UNIX)
    lsock.bind(path)
    lsock.listen(16)
    d.options["LocalSocket"] = os.path.join(d.dir, "unused.sock")
    with open(d.conf, "w") as f:
        f.write(d.config_text())
    fd = lsock.fileno()
    # The shell moves the socket to fd 3, sets LISTEN_PID to its own pid
    # (which vigild keeps through exec) and execs vigild.
    move = f"exec 3<&{fd} {fd}<&-; " if fd != 3 else ""
    script = move + 'LISTEN_PID=$$ LISTEN_FDS=1 exec "$0" "$@"'
    proc = subprocess.Popen(["/bin/sh", "-c", script, VIGILD,
                             f"--config-file={d.conf}"], pass_fds=(fd,),
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    d.proc = proc
    d.sock = path
    d.wait_ready()
    ok = exchange(path, [b"zVERSION\0"]).startswith(b"ClamAV 1.4.6")
    ok = ok and not os.path.exists(os.path.join(d.dir, "unused.sock"))
    d.stop()
    return ok and os.path.exists(path) and "passed by systemd" in \
        d.log_text()


def clamd_conf(d):
    conf = os.path.join(d.dir, "clamd.conf")
    os.makedirs(d.dir, exist_ok=True)
    with open(conf, "w") as f:
        f.write(f"""# a clamd.conf as Debian ships it, trimmed
LocalSocket {d.sock}
FixStaleSocket true
LocalSocketMode 660
User {current_user()}
ScanMail true
ScanArchive true
ArchiveBlockEncrypted false
MaxDirectoryRecursion 15
FollowDirectorySymlinks false
ReadTimeout 180
MaxThreads 12
MaxConnectionQueueLength 15
LogSyslog false
LogFacility LOG_LOCAL6
LogClean false
LogVerbose false
PidFile {d.dir}/pid
DatabaseDirectory {d.dbdir}
SelfCheck 3600
Foreground true
Debug false
ScanPE true
MaxEmbeddedPE 10M
StreamMaxLength 1K
LogFile {d.log}
LogTime true
MaxQueue 100
BytecodeSecurity TrustSigned
""")
    proc = subprocess.Popen([VIGILD, f"--clamd-conf={conf}"],
                            stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL)
    d.proc = proc
    d.wait_ready()
    mode = os.stat(d.sock).st_mode & 0o777
    over = exchange(d.sock, [instream(b"a" * 1025)])
    stats = exchange(d.sock, [b"zSTATS\0"])
    print(mode, over, stats)
    return (mode == 0o660 and
            over == b"INSTREAM size limit exceeded. ERROR\0" and
            b"max 12 " in stats)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def tcp(d):
    port = free_port()
    d.options.update({"TCPSocket": str(port), "TCPAddr": "127.0.0.1"})
    d.start()
    a = exchange(None, [b"zPING\0"], tcp=("127.0.0.1", port))
    b = exchange(None, [instream(EICAR)], tcp=("127.0.0.1", port))
    print(a, b)
    return a == b"PONG\0" and b == b"stream: Test.Eicar.UNOFFICIAL FOUND\0"


def privileges(d):
    if os.geteuid() != 0:
        skip("privilege drop needs root")
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        skip("no 'nobody' account")
    d.options["User"] = "nobody"
    secret = os.path.join(d.dir, "secret.txt")
    os.makedirs(d.dir, exist_ok=True)
    with open(secret, "wb") as f:
        f.write(EICAR)
    os.chmod(secret, 0o600)
    d.start()
    with open(f"/proc/{d.pid()}/status") as f:
        uids = [ln.split()[1:] for ln in f if ln.startswith("Uid:")][0]
    scan = exchange(d.sock, [f"nSCAN {secret}\n".encode()])
    fd = os.open(secret, os.O_RDONLY)
    fildes = exchange(d.sock, [b"nFILDES\n"], fds=[fd], carrier=b"\0")
    os.close(fd)
    print(uids, scan, fildes)
    return (all(int(u) == nobody.pw_uid for u in uids) and
            scan == f"{secret}: Access denied. ERROR\n".encode() and
            fildes.endswith(b"Test.Eicar.UNOFFICIAL FOUND\n"))


def maxqueue(d):
    d.options.update({"MaxThreads": "1", "MaxQueue": "2",
                      "CommandReadTimeout": "30"})
    d.start()
    idle = []
    for _ in range(2):
        s = socket.socket(socket.AF_UNIX)
        s.connect(d.sock)
        idle.append(s)
    time.sleep(0.3)
    s = socket.socket(socket.AF_UNIX)
    s.connect(d.sock)  # sits in the listen backlog
    s.sendall(b"zPING\0")
    s.settimeout(1.0)
    try:
        early = s.recv(100)
    except socket.timeout:
        early = None
    idle[0].close()
    s.settimeout(10)
    late = s.recv(100) if early is None else b""
    s.close()
    idle[1].close()
    print(early, late)
    return early is None and late == b"PONG\0"


def stream_spill(d):
    """Over StreamMemoryBudget a stream goes to a temporary file; past
    MaxFileSize it is not kept at all (and answered OK, as clamd)."""
    blob = bytes(range(256)) * 4096  # 1 MiB
    with open(os.path.join(d.dbdir, "big.hdb"), "w") as f:
        f.write(f"{hashlib.md5(blob).hexdigest()}:{len(blob)}:Test.Blob\n")
    tmp = os.path.join(d.dir, "tmp")
    os.makedirs(tmp)
    d.options.update({"StreamMemoryBudget": "64K", "TemporaryDirectory": tmp,
                      "MaxFileSize": "2M"})
    d.start()
    spilled = scan_stream(d, blob)
    fits = scan_stream(d, EICAR)
    dropped = scan_stream(d, blob * 3)
    print(spilled, fits, dropped, os.listdir(tmp))
    return (spilled == b"stream: Test.Blob.UNOFFICIAL FOUND\0" and
            fits.endswith(b"FOUND\0") and dropped == b"stream: OK\0" and
            os.listdir(tmp) == [])


def daemonize(d):
    """Without Foreground vigild detaches; the pid file names the daemon."""
    d.options["Foreground"] = "no"
    with open(d.conf, "w") as f:
        f.write(d.config_text())
    p = subprocess.run([VIGILD, f"--config-file={d.conf}"], timeout=60)
    pidfile = os.path.join(d.dir, "pid")
    ok = p.returncode == 0 and wait_for(lambda: os.path.exists(pidfile) and
                                        os.path.getsize(pidfile) > 0)
    with open(pidfile) as f:
        pid = int(f.read())
    ok = ok and wait_for(lambda: exchange(d.sock, [b"zPING\0"]) == b"PONG\0")
    os.kill(pid, signal.SIGTERM)
    gone = wait_for(lambda: not os.path.exists(f"/proc/{pid}"))
    return ok and gone and not os.path.exists(d.sock)


CASES = {f.__name__: f for f in (
    stream_spill, daemonize,
    reload_command, reload_sigusr2, reload_selfcheck, reload_failure,
    reload_under_load, sighup_log, systemd_activation, clamd_conf, tcp,
    privileges, maxqueue)}


def main():
    global VIGILD
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print("usage: behaviour.py VIGILD " + "|".join(CASES))
        return 2
    VIGILD = sys.argv[1]
    d = new_daemon(make_workdir("vigild-beh-"))
    ok = False
    try:
        ok = CASES[sys.argv[2]](d)
    finally:
        code = d.stop() if d.proc else 0
        if not ok:
            print(d.log_text()[-3000:], d.stderr())
    ok = bool(ok) and code == 0
    print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


VIGILD = None
if __name__ == "__main__":
    sys.exit(main())
