#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# json_test.py: `vigil scan --json` output checked against the JSON Schema
# in docs/ (draft 2020-12), line by line, and against what was scanned.
# Usage: json_test.py VIGIL SCHEMA
import gzip
import hashlib
import io
import json
import os
import subprocess
import sys
import tarfile
import tempfile

try:
    import jsonschema
except ImportError:  # scripts/deps.sh test installs python3-jsonschema
    print("FAIL: python3-jsonschema missing (scripts/deps.sh test)")
    sys.exit(1)

EICAR = (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$EICAR-STANDARD-ANT"
         b"IVIRUS-TEST-FILE!$H+H*")


def fail(msg):
    print("FAIL: " + msg)
    sys.exit(1)


def make_cud(path, members, version):
    """An unsigned database container (.cud) holding @members."""
    fields = "22 Nov 2026 12-00 +0000:%d:%d:90" % (version, len(members))
    info = "ClamAV-VDB:%s:X:X:vigil-test:1795000000\n" % fields
    for name, data in members.items():
        info += "%s:%d:%s\n" % (name, len(data),
                                hashlib.sha256(data).hexdigest())
    raw = io.BytesIO()
    with tarfile.open(fileobj=raw, mode="w", format=tarfile.USTAR_FORMAT) as t:
        for name, data in [("test.info", info.encode())] + list(
                members.items()):
            ti = tarfile.TarInfo(name)
            ti.size = len(data)
            t.addfile(ti, io.BytesIO(data))
    body = gzip.compress(raw.getvalue())
    hdr = "ClamAV-VDB:%s:%s:X:vigil-test:1795000000" % (
        fields, hashlib.md5(body).hexdigest())
    with open(path, "wb") as f:
        f.write(hdr.encode().ljust(512, b" ") + body)


def run_json(vigil, args, stdin=None):
    p = subprocess.run([vigil, "scan", "--json"] + args, input=stdin,
                       capture_output=True, timeout=120)
    lines = p.stdout.decode("utf-8").splitlines()  # must be UTF-8
    return p.returncode, [json.loads(line) for line in lines], p.stderr


def main():
    vigil, schema_path = sys.argv[1], sys.argv[2]
    with open(schema_path) as f:
        schema = json.load(f)
    jsonschema.Draft202012Validator.check_schema(schema)
    validator = jsonschema.Draft202012Validator(schema)
    with tempfile.TemporaryDirectory(prefix="vigil-json-") as tmp:
        md5 = hashlib.md5(EICAR).hexdigest()
        db = os.path.join(tmp, "db")
        os.mkdir(db)
        with open(os.path.join(db, "a.hdb"), "w") as f:
            f.write("%s:%d:Test.One\n" % (md5, len(EICAR)))
        make_cud(os.path.join(db, "extra.cud"),
                 {"b.ndb": ("Test.Two:0:*:%s\n" %
                            b"EICAR-STANDARD".hex()).encode()},
                 4242)
        tree = os.path.join(tmp, "tree").encode()
        os.makedirs(os.path.join(tree, b"sub"))
        odd = [b"plain.com", b"bad\xff\xfename.com", b'quo"te\\.com',
               b"tab\tnl\n.com", "é✓.com".encode()]
        for name in odd:
            with open(os.path.join(tree, b"sub", name), "wb") as f:
                f.write(EICAR)
        with open(os.path.join(tree, b"clean.txt"), "wb") as f:
            f.write(b"nothing to see\n")
        missing = os.path.join(tmp, "missing")
        rc, objs, err = run_json(vigil, ["-d", db, "-r", "--allmatch", "-j2",
                                         tree.decode("utf-8", "surrogateescape"),
                                         missing, "-"], stdin=EICAR)
        if rc != 1:
            fail("exit %d, want 1: %s" % (rc, err))
        for o in objs:
            try:
                validator.validate(o)
            except jsonschema.ValidationError as e:
                fail("schema: %s in %s" % (e.message, o))
        found = [o for o in objs if o["type"] == "found"]
        errors = [o for o in objs if o["type"] == "error"]
        if objs[-1]["type"] != "summary":
            fail("the summary is not last: %s" % objs[-1])
        s = objs[-1]
        if len(found) != len(odd) + 1:  # + stdin
            fail("want %d found objects: %s" % (len(odd) + 1, found))
        for o in found:
            if sorted(o["names"]) != ["Test.One.UNOFFICIAL",
                                      "Test.Two.UNOFFICIAL"]:
                fail("allmatch names: %s" % o)
        paths = set()
        for o in found:
            if "path_base64" in o:
                import base64
                paths.add(base64.b64decode(o["path_base64"]))
            else:
                paths.add(o["path"].encode())
        for name in odd:
            if os.path.join(tree, b"sub", name) not in paths:
                fail("path of %r lost: %s" % (name, paths))
        if b"stdin" not in paths:
            fail("no stdin object")
        if len(errors) != 1 or errors[0]["path"] != missing:
            fail("errors: %s" % errors)
        want = {"files": 7, "infected": 6, "directories": 2,
                "unreachable_paths": 1, "errors": 0,
                "database_version": "extra.cud:4242"}
        for k, v in want.items():
            if s[k] != v:
                fail("summary %s = %s, want %s" % (k, s[k], v))
        # No result lines at all: still exactly one summary.
        rc, objs, _ = run_json(vigil, ["-d", os.path.join(db, "a.hdb"),
                                       os.path.join(tmp, "tree", "clean.txt")])
        if rc != 0 or len(objs) != 1 or objs[0]["database_version"] is not None:
            fail("clean scan: %s" % objs)
        validator.validate(objs[0])
        # An empty argument: an error object with an empty path.
        rc, objs, _ = run_json(vigil, ["-d", os.path.join(db, "a.hdb"), ""])
        for o in objs:
            validator.validate(o)
        if rc != 2 or objs[0]["type"] != "error" or objs[0]["path"] != "":
            fail("empty argument: %s" % objs)
    print("ok: %d objects valid" % len(objs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
