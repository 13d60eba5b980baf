#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# clients.py: real clamd clients pointed at clamd 1.4.6 and at vigild on the
# same database must print the same verdicts: Debian's clamdscan (--fdpass,
# --stream, --multiscan, plain, --version, --reload), Debian's
# python3-pyclamd and the npm package clamscan (Node).
# Usage: clients.py VIGILD CLIENT
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

from conformance import build_fixture
from daemon_util import EICAR, Daemon, find_clamd, make_workdir, skip

CLAMDSCAN = shutil.which("clamdscan") or "/usr/bin/clamdscan"
SYS_PYTHON = "/usr/bin/python3"  # Debian's, where python3-pyclamd lives
NPM_PACKAGE = "clamscan@2.4.0"


def clamdscan(d, args, paths):
    conf = os.path.join(d.dir, "clamdscan.conf")
    with open(conf, "w") as f:
        f.write(f"LocalSocket {d.sock}\n")
    p = subprocess.run([CLAMDSCAN, f"--config-file={conf}", "--no-summary"]
                       + args + paths, capture_output=True, text=True,
                       timeout=120)
    return p.returncode, p.stdout, p.stderr


def lines(text, sort):
    out = [ln for ln in text.splitlines() if ln.strip()]
    return sorted(out) if sort else out


def clamdscan_case(args, sort=False, paths=None):
    def run(clamd, vigild, data):
        targets = paths or [f"{data}/eicar.txt", f"{data}/clean.txt",
                            f"{data}/dir", f"{data}/cdir"]
        res = []
        for d in (clamd, vigild):
            code, out, err = clamdscan(d, args, targets)
            res.append((code, lines(out, sort)))
            print(f"{d.kind}: exit {code}\n{out}{err}")
        return res[0] == res[1]
    return run


def clamdscan_version(clamd, vigild, data):
    outs = []
    for d in (clamd, vigild):
        code, out, err = clamdscan(d, ["--version"], [])
        print(f"{d.kind}: exit {code}: {out.strip()} {err.strip()}")
        outs.append((code, re.match(r"ClamAV \d+\.\d+\.\d+", out) is not None))
    return outs[0] == outs[1] == (0, True)


def clamdscan_reload(clamd, vigild, data):
    res = []
    for d in (clamd, vigild):
        code, out, err = clamdscan(d, ["--reload"], [])
        print(f"{d.kind}: exit {code}: {out.strip()} {err.strip()}")
        res.append(code)
        d.wait_ready()
    reloaded = "reload requested" in vigild.log_text()
    return res[0] == res[1] == 0 and reloaded


PYCLAMD = r"""
import json, sys, pyclamd
sock, data = sys.argv[1], sys.argv[2]
cd = pyclamd.ClamdUnixSocket(filename=sock)
eicar = open(data + "/eicar.txt", "rb").read()
out = {
  "ping": cd.ping(),
  "version": cd.version().split("/")[0],
  "scan_file": cd.scan_file(data + "/eicar.txt"),
  "scan_clean": cd.scan_file(data + "/clean.txt"),
  "scan_missing": cd.scan_file(data + "/missing"),
  "contscan": cd.contscan_file(data + "/dir"),
  "multiscan": cd.multiscan_file(data + "/dir"),
  "allmatch": cd.allmatchscan(data + "/eicar.txt"),
  "stream": cd.scan_stream(eicar),
  "stream_clean": cd.scan_stream(b"hello"),
  "stats": cd.stats().startswith("POOLS:"),
}
print(json.dumps(out, sort_keys=True))
"""


def pyclamd_case(clamd, vigild, data):
    if subprocess.run([SYS_PYTHON, "-c", "import pyclamd"],
                      capture_output=True).returncode:
        skip("python3-pyclamd not installed (apt-get install "
             "python3-pyclamd)")
    res = []
    for d in (clamd, vigild):
        p = subprocess.run([SYS_PYTHON, "-c", PYCLAMD, d.sock, data],
                           capture_output=True, text=True, timeout=120)
        print(f"{d.kind}: {p.stdout}{p.stderr}")
        res.append(json.loads(p.stdout) if p.returncode == 0 else None)
    return res[0] is not None and res[0] == res[1]


NODE = r"""
const NodeClam = require('clamscan');
const { Readable } = require('stream');
const fs = require('fs');
const [sock, data] = process.argv.slice(2);
(async () => {
  const clam = await new NodeClam().init({
    removeInfected: false, scanRecursively: true,
    clamscan: { active: false },
    clamdscan: { socket: sock, localFallback: false, active: true,
                 bypassTest: false, multiscan: false },
    preference: 'clamdscan',
  });
  const out = {};
  out.version = (await clam.getVersion()).split('/')[0].trim();
  let r = await clam.isInfected(data + '/eicar.txt');
  out.file = [r.isInfected, r.viruses];
  r = await clam.isInfected(data + '/clean.txt');
  out.clean = [r.isInfected, r.viruses];
  r = await clam.scanStream(Readable.from([fs.readFileSync(data + '/eicar.txt')]));
  out.stream = [r.isInfected, r.viruses];
  r = await clam.scanStream(Readable.from([Buffer.from('hello world')]));
  out.stream_clean = [r.isInfected, r.viruses];
  r = await clam.scanDir(data + '/dir');
  out.dir = [r.badFiles.sort(), r.goodFiles.length];
  console.log(JSON.stringify(out));
})().catch((e) => { console.error(e); process.exit(1); });
"""


def npm_dir():
    base = os.path.join(tempfile.gettempdir(), "vigild-test-npm")
    if os.path.isdir(os.path.join(base, "node_modules", "clamscan")):
        return base
    if not shutil.which("npm") or not shutil.which("node"):
        skip("node/npm not installed: cannot test the npm client clamscan")
    os.makedirs(base, exist_ok=True)
    p = subprocess.run(["npm", "install", "--no-audit", "--no-fund",
                        "--prefix", base, NPM_PACKAGE],
                       capture_output=True, text=True, timeout=300)
    if p.returncode != 0:
        skip(f"npm install {NPM_PACKAGE} failed: {p.stderr[-500:]}")
    return base


def npm_case(clamd, vigild, data):
    base = npm_dir()
    script = os.path.join(base, "scan.js")
    with open(script, "w") as f:
        f.write(NODE)
    res = []
    for d in (clamd, vigild):
        p = subprocess.run(["node", script, d.sock, data], cwd=base,
                           capture_output=True, text=True, timeout=120)
        print(f"{d.kind}: {p.stdout}{p.stderr[-2000:]}")
        res.append(json.loads(p.stdout) if p.returncode == 0 else None)
    return res[0] is not None and res[0] == res[1] and res[0]["file"][0]


CASES = {
    "clamdscan_fdpass": clamdscan_case(["--fdpass"]),
    "clamdscan_stream": clamdscan_case(["--stream"]),
    "clamdscan_multiscan": clamdscan_case(["--multiscan"], sort=True),
    "clamdscan_plain": clamdscan_case([]),
    "clamdscan_version": clamdscan_version,
    "clamdscan_reload": clamdscan_reload,
    "pyclamd": pyclamd_case,
    "npm_clamscan": npm_case,
}


def main():
    if len(sys.argv) != 3 or sys.argv[2] not in CASES:
        print("usage: clients.py VIGILD " + "|".join(CASES))
        return 2
    clamd_exe = find_clamd()
    if not clamd_exe:
        skip("clamd not installed (apt-get install clamav-daemon)")
    if sys.argv[2].startswith("clamdscan") and not os.access(CLAMDSCAN,
                                                             os.X_OK):
        skip("clamdscan not installed (apt-get install clamav-daemon)")
    root = make_workdir("vigild-client-")
    db, data = build_fixture(root)
    clamd = Daemon("clamd", clamd_exe, root, db)
    vigild = Daemon("vigild", sys.argv[1], root, db)
    try:
        clamd.start()
        vigild.start()
        ok = CASES[sys.argv[2]](clamd, vigild, data)
    finally:
        clamd.stop()
        code = vigild.stop()
    if code != 0:
        print(f"vigild exited {code}: {vigild.stderr()}")
    ok = ok and code == 0
    print(f"{int(ok)} passed, {int(not ok)} failed")
    return 0 if ok else 1


if __name__ == "__main__":
    assert EICAR
    sys.exit(main())
