#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# synth_db.py: write a synthetic, full-size ClamAV-format database.
#
# At --scale 1.0 it holds about 8.7 million signatures, the size of the
# official database: whole-file and PE-section hashes from random digests
# (.hdb .hsb .mdb .msb), and body (.ndb) and logical (.ldb) signatures whose
# hex literals are byte windows cut out of ELF binaries on this machine
# (/usr/bin, /usr/lib), so the literals look like real code and data rather
# than noise. Every signature name is unique (Synth.<Kind>.<N>).
#
# Deterministic for a given --seed on a given machine: the hashes depend on
# the seed alone; the literals also depend on which binaries are installed.
#
# Usage: bench/synth_db.py OUTDIR [--scale 1.0] [--seed 1]
import argparse
import os
import random
import sys
import time

# Signatures per file at scale 1.0 (8.7 M in all, like the official
# main + daily: mostly hashes, then body and logical signatures).
COUNTS = {
    "hdb": 4_300_000,        # MD5:size:name
    "hsb256": 1_500_000,     # SHA256:size:name
    "hsb1": 250_000,         # SHA1:size:name
    "mdb": 2_200_000,        # section size:MD5:name
    "msb": 200_000,          # section size:SHA256 (or SHA1):name
    "ndb": 150_000,
    "ldb": 100_000,
}

CHUNK = 50_000               # lines built in memory per write

# Where literals come from, and how many binaries to sample.
BIN_DIRS = ("/usr/bin", "/usr/lib")
MAX_BINARIES = 400
MAX_BINARY_BYTES = 16 << 20


# ---------------------------------------------------------------- hashes

def file_size(rng):
    """Log-uniform file size, 64 B .. 16 MiB, like malware samples."""
    return int(2 ** rng.uniform(6, 24))


def section_size(rng):
    """PE section sizes: mostly whole 512-byte file-alignment units."""
    if rng.random() < 0.8:
        return 512 * rng.randint(1, 4096)
    return rng.randint(16, 1 << 20)


def hash_lines(rng, kind, count):
    """Yield chunks of lines for one hash file kind."""
    nbytes = {"hdb": 16, "hsb256": 32, "hsb1": 20, "mdb": 16, "msb": 32}[kind]
    label = {"hdb": "Hdb", "hsb256": "Hsb", "hsb1": "Hsb1", "mdb": "Mdb",
             "msb": "Msb"}[kind]
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        lines = []
        for i in range(done, done + n):
            nb = nbytes
            if kind == "msb" and i % 5 == 4:
                nb = 20      # a fifth of the .msb section hashes are SHA1
            digest = rng.randbytes(nb).hex()
            name = "Synth.%s.%d" % (label, i)
            if kind in ("mdb", "msb"):
                lines.append("%d:%s:%s\n" % (section_size(rng), digest, name))
            else:
                lines.append("%s:%d:%s\n" % (digest, file_size(rng), name))
        done += n
        yield "".join(lines)


# -------------------------------------------------------------- literals

def is_elf(path):
    try:
        with open(path, "rb") as f:
            return f.read(4) == b"\x7fELF"
    except OSError:
        return False


def walk_files(top):
    """Regular files (no symlinks) under @top, in a stable order."""
    try:
        entries = sorted(os.scandir(top), key=lambda e: e.name)
    except OSError:
        return
    for e in entries:
        try:
            if e.is_dir(follow_symlinks=False):
                yield from walk_files(e.path)
            elif e.is_file(follow_symlinks=False):
                yield e.path, e.stat(follow_symlinks=False).st_size
        except OSError:
            continue


def list_binaries(rng):
    """A seeded sample of the regular ELF files under BIN_DIRS."""
    found = [p for top in BIN_DIRS for p, size in walk_files(top)
             if 4096 <= size <= MAX_BINARY_BYTES]
    rng.shuffle(found)
    picked = []
    for p in found:
        if is_elf(p):
            picked.append(p)
            if len(picked) == MAX_BINARIES:
                break
    if not picked:
        raise SystemExit("no ELF binaries found under %s" % (BIN_DIRS,))
    return sorted(picked)


def good_window(w):
    """A literal worth a signature: varied bytes, not padding or a run."""
    if len(set(w)) < 4:
        return False
    top = max(w.count(b) for b in set(w))
    if top * 2 > len(w):
        return False             # mostly one byte: padding, fill, NOPs
    if b"\0\0\0\0" in w:
        return False
    return True


class Literals:
    """Random 8..24-byte windows of real binaries."""

    def __init__(self, rng, paths):
        self.rng = rng
        self.blobs = []
        for p in paths:
            with open(p, "rb") as f:
                self.blobs.append(f.read())

    def window(self, lo=8, hi=24):
        rng = self.rng
        while True:
            blob = rng.choice(self.blobs)
            n = rng.randint(lo, hi)
            at = rng.randrange(0, len(blob) - n)
            w = blob[at:at + n]
            if good_window(w):
                return w


def with_wildcards(rng, lits, allow_star=True):
    """One hex pattern: mostly a plain literal, sometimes split by a
    wildcard. Every piece keeps >= 3 literal bytes, as ClamAV wants."""
    r = rng.random()
    if r < 0.80:
        return lits.window().hex()
    if r < 0.88:
        w = lits.window(10, 24)
        cut = rng.randint(3, len(w) - 4)
        return w[:cut].hex() + "??" + w[cut + 1:].hex()
    a, b = lits.window(6, 14).hex(), lits.window(6, 14).hex()
    if r < 0.96 or not allow_star:
        lo = rng.randint(0, 8)
        return "%s{%d-%d}%s" % (a, lo, lo + rng.randint(1, 32), b)
    return a + "*" + b


# ---------------------------------------------------------- ndb and ldb

def ndb_lines(rng, lits, count):
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        lines = []
        for i in range(done, done + n):
            target = 0 if rng.random() < 0.5 else 1
            r = rng.random()
            if r < 0.88:
                offset = "*"
            elif r < 0.94 or target != 1:
                offset = "0"
            else:
                offset = "EP+%d" % rng.randint(0, 64)
            pat = with_wildcards(rng, lits)
            lines.append("Synth.Ndb.%d:%d:%s:%s\n" % (i, target, offset, pat))
        done += n
        yield "".join(lines)


def ldb_expr(rng, n):
    """A logical expression over subsignatures 0..n-1."""
    idx = [str(k) for k in range(n)]
    r = rng.random()
    if r < 0.6 or n < 3:
        return "&".join(idx)
    if r < 0.85:
        return "(%s|%s)&%s" % (idx[0], idx[1], "&".join(idx[2:]))
    return "(%s)>1,2" % "|".join(idx)


def ldb_subsig(rng, lits, target):
    pat = with_wildcards(rng, lits)
    prefix = ""
    if target == 1 and rng.random() < 0.02:
        prefix = "EP+0,%d:" % rng.randint(16, 256)
    mods = ""
    r = rng.random()
    if r < 0.05 and "{" not in pat and "*" not in pat and "?" not in pat:
        mods = "::w"
    elif r < 0.08:
        mods = "::i"
    return prefix + pat + mods


def ldb_lines(rng, lits, count):
    done = 0
    while done < count:
        n = min(CHUNK, count - done)
        lines = []
        for i in range(done, done + n):
            r = rng.random()
            target = 1 if r < 0.85 else (0 if r < 0.95 else 6)
            nsub = rng.randint(2, 5)
            subs = [ldb_subsig(rng, lits, target) for _ in range(nsub)]
            lines.append("Synth.Ldb.%d;Engine:81-255,Target:%d;%s;%s\n" % (
                i, target, ldb_expr(rng, nsub), ";".join(subs)))
        done += n
        yield "".join(lines)


# ------------------------------------------------------------------ main

def write(path, chunks):
    with open(path, "w") as f:
        for c in chunks:
            f.write(c)


def generate(outdir, scale=1.0, seed=1, log=sys.stderr):
    """Write the database into @outdir; returns {file: signature count}."""
    os.makedirs(outdir, exist_ok=True)
    counts = {k: max(1, int(round(v * scale))) for k, v in COUNTS.items()}
    # One RNG per file, so each file's content depends only on the seed.
    def rng_for(tag):
        return random.Random("%d/%s" % (seed, tag))

    plan = [
        ("synth.hdb", lambda: hash_lines(rng_for("hdb"), "hdb", counts["hdb"])),
        ("synth.hsb", lambda: _concat(
            hash_lines(rng_for("hsb256"), "hsb256", counts["hsb256"]),
            hash_lines(rng_for("hsb1"), "hsb1", counts["hsb1"]))),
        ("synth.mdb", lambda: hash_lines(rng_for("mdb"), "mdb", counts["mdb"])),
        ("synth.msb", lambda: hash_lines(rng_for("msb"), "msb", counts["msb"])),
    ]
    for name, chunks in plan:
        t0 = time.monotonic()
        write(os.path.join(outdir, name), chunks())
        print("  %-10s %.1f s" % (name, time.monotonic() - t0), file=log)

    t0 = time.monotonic()
    lrng = rng_for("literals")
    lits = Literals(lrng, list_binaries(lrng))
    print("  %d binaries read   %.1f s" % (len(lits.blobs),
                                           time.monotonic() - t0), file=log)
    for name, fn, n in (("synth.ndb", ndb_lines, counts["ndb"]),
                        ("synth.ldb", ldb_lines, counts["ldb"])):
        t0 = time.monotonic()
        write(os.path.join(outdir, name), fn(lits.rng, lits, n))
        print("  %-10s %.1f s" % (name, time.monotonic() - t0), file=log)
    return {
        "synth.hdb": counts["hdb"],
        "synth.hsb": counts["hsb256"] + counts["hsb1"],
        "synth.mdb": counts["mdb"],
        "synth.msb": counts["msb"],
        "synth.ndb": counts["ndb"],
        "synth.ldb": counts["ldb"],
    }


def _concat(*gens):
    for g in gens:
        yield from g


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("outdir")
    ap.add_argument("--scale", type=float, default=1.0)
    ap.add_argument("--seed", type=int, default=1)
    a = ap.parse_args()
    t0 = time.monotonic()
    made = generate(a.outdir, a.scale, a.seed)
    total = sum(made.values())
    for name, n in made.items():
        print("%-10s %10d" % (name, n))
    print("%-10s %10d signatures in %.1f s" % ("total", total,
                                               time.monotonic() - t0))
    return 0


if __name__ == "__main__":
    sys.exit(main())
