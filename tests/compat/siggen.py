# SPDX-License-Identifier: GPL-2.0-or-later
# siggen.py: builds sample files from ClamAV signatures: an instance of each
# body pattern (and of each .ldb content subsignature), wrapped in a file of
# the signature's target type, and a near-miss twin with one byte changed.
#
# This is an independent reading of the pattern grammar, in Python; the
# compat suites compare vigil with clamscan on what it produces, so a
# generated sample need not match: both engines must only agree.
import random
import struct

WORD = b"abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"


class Unsupported(Exception):
    """A signature this generator does not build samples for."""


def _hexbyte(tok, rng):
    hi, lo = tok[0], tok[1]
    v = 0
    for ch, shift in ((hi, 4), (lo, 0)):
        if ch == "?":
            v |= rng.randrange(16) << shift
        else:
            v |= int(ch, 16) << shift
    return v


def _group(text, i):
    """Alternatives of the group starting after '(' at i: (alts, end)."""
    j = text.index(")", i)
    return text[i:j].split("|"), j + 1


def _gap_bytes(lo, hi, rng):
    n = lo if hi is None else rng.randint(lo, min(hi, lo + 8))
    return bytes(rng.choice(b" .-_\x00\x01") for _ in range(n))


def instance(pattern, rng):
    """Bytes matching a ClamAV hex pattern (generic alternatives: first)."""
    out = bytearray()
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "*":
            out += _gap_bytes(0, 3, rng)
            i += 1
        elif c in "{[":
            close = "}" if c == "{" else "]"
            j = pattern.index(close, i)
            body = pattern[i + 1:j]
            if "-" in body:
                lo, hi = body.split("-")
                lo = int(lo or 0)
                hi = int(hi) if hi else None
            else:
                lo = hi = int(body)
            out += _gap_bytes(lo, hi, rng)
            i = j + 1
        elif c == "!":
            alts, i = _group(pattern, i + 2)
            banned = {bytes(_hexbyte(a[k:k + 2], rng) for k in
                            range(0, len(a), 2)) for a in alts}
            width = len(alts[0]) // 2
            while True:
                cand = bytes(rng.randrange(256) for _ in range(width))
                if cand not in banned:
                    break
            out += cand
        elif c == "(":
            if pattern[i:i + 3] in ("(B)", "(L)", "(W)"):
                out += b"\n" if pattern[i + 1] == "L" else b" "
                i += 3
                continue
            alts, i = _group(pattern, i + 1)
            out += instance(rng.choice(alts), rng)
        else:
            out.append(_hexbyte(pattern[i:i + 2], rng))
            i += 2
    return bytes(out)


def apply_mods(data, mods, rng):
    """.ldb subsignature modifiers i, w, a, f."""
    if "i" in mods:
        data = bytes(b ^ 0x20 if chr(b).isalpha() and rng.random() < 0.5
                     else b for b in data)
    if "w" in mods and "a" not in mods:
        data = b"".join(bytes([b, 0]) for b in data)
    if "f" in mods:
        data = b" " + data + b" "
    return data


def near_miss(data, rng):
    """One byte changed, somewhere in the middle third."""
    if not data:
        return data
    b = bytearray(data)
    k = len(b) // 3 + rng.randrange(max(1, len(b) // 3))
    b[k] ^= 0x5a
    return bytes(b)


# ---- containers of the right type ------------------------------------------

def _align(n, a):
    return (n + a - 1) // a * a


def make_pe(payload, ep_payload=b""):
    """A minimal valid PE32: one section holding ep_payload (at the entry
    point) then payload."""
    body = ep_payload + payload
    raw = _align(max(len(body), 1), 0x200)
    dos = b"MZ" + b"\0" * 0x3a + struct.pack("<I", 0x40)
    coff = struct.pack("<HHIIIHH", 0x14C, 1, 0, 0, 0, 0xE0, 0x0102)
    opt = struct.pack("<HBBIIIIIIIIIHHHHHHIIIIHHIIIIII",
                      0x10B, 1, 0, raw, 0, 0, 0x1000, 0x1000, 0x2000,
                      0x400000, 0x1000, 0x200, 4, 0, 0, 0, 4, 0, 0,
                      0x1000 + _align(raw, 0x1000), 0x200, 0, 2, 0,
                      0x100000, 0x1000, 0x100000, 0x1000, 0, 16)
    opt += b"\0" * (16 * 8)
    sect = struct.pack("<8sIIIIIIHHI", b".text", len(body), 0x1000, raw,
                       0x200, 0, 0, 0, 0, 0x60000020)
    hdr = dos + b"PE\0\0" + coff + opt + sect
    hdr += b"\0" * (0x200 - len(hdr))
    return hdr + body + b"\0" * (raw - len(body))


def make_elf(payload, ep_payload=b""):
    """A minimal ELF64 executable mapping the whole file; the entry point is
    at ep_payload."""
    ehsize, phsize = 64, 56
    off = ehsize + phsize
    body = ep_payload + payload
    total = off + len(body)
    base = 0x400000
    eh = (b"\x7fELF" + bytes([2, 1, 1, 0]) + b"\0" * 8 +
          struct.pack("<HHIQQQIHHHHHH", 2, 0x3E, 1, base + off, ehsize, 0,
                      0, ehsize, phsize, 1, 64, 0, 0))
    ph = struct.pack("<IIQQQQQQ", 1, 5, 0, base, base, total, total, 0x1000)
    return eh + ph + body


def make_text(payload, rng):
    words = [bytes(rng.choice(WORD) for _ in range(rng.randint(2, 8)))
             for _ in range(20)]
    return b" ".join(words[:10]) + b"\n" + payload + b"\n" + \
        b" ".join(words[10:]) + b"\n"


def wrap(target, payload, rng, ep_payload=b""):
    """A file of the target's type holding the payload."""
    if target == 1:
        return make_pe(payload, ep_payload)
    if target == 6:
        return make_elf(payload, ep_payload)
    if ep_payload:
        raise Unsupported("EP offset on a non-executable target")
    if target == 7:
        return make_text(payload, rng)
    if target == 0:
        return b"\x00\x01\x02 vigil sample \x03" + payload + b"\x04 end\n"
    raise Unsupported("target %d" % target)


def place(offset, data, rng):
    """(prefix bytes, ep bytes, suffix) for an offset field, or raise."""
    if offset in ("*", ""):
        return data, b""
    base = offset.split(",")[0]
    if base.startswith("EP+"):
        n = int(base[3:])
        return b"", b"\x90" * n + data
    if base.isdigit():
        raise Unsupported("absolute offset")
    raise Unsupported("offset %s" % offset)


def ndb_sample(line, rng):
    """(file bytes, twin bytes) for one .ndb line, or raise Unsupported."""
    f = line.split(":")
    target, offset, pattern = int(f[1]), f[2], f[3]
    inst = instance(pattern, rng)
    body, ep = place(offset, inst, rng)
    twin_inst = near_miss(inst, rng)
    tbody, tep = place(offset, twin_inst, rng)
    return wrap(target, body, rng, ep), wrap(target, tbody, rng, tep)


def _ldb_subsig(sub, rng):
    """(offset, bytes) of one content subsignature, or raise."""
    mods = ""
    if "::" in sub:
        sub, mods = sub.split("::", 1)
    if "/" in sub or sub.startswith("$") or "#" in sub or "(" in sub[:1]:
        raise Unsupported("special subsignature")
    offset = "*"
    if ":" in sub:
        offset, sub = sub.split(":", 1)
    return offset, apply_mods(instance(sub, rng), mods, rng)


def ldb_sample(line, rng):
    """(file bytes, twin bytes): every content subsignature once."""
    f = line.split(";")
    tdb = dict(kv.split(":", 1) for kv in f[1].split(",") if ":" in kv)
    target = int(tdb.get("Target", "0"))
    parts, ep = [], b""
    for sub in f[3:]:
        offset, data = _ldb_subsig(sub, rng)
        body, e = place(offset, data, rng)
        if e:
            if ep:
                raise Unsupported("two EP subsignatures")
            ep = e
        else:
            parts.append(body)
    filler = lambda: bytes(rng.randrange(256) for _ in range(7))
    payload = filler().join(parts)
    twin_parts = [near_miss(p, rng) for p in parts]
    twin = filler().join(twin_parts)
    return wrap(target, payload, rng, ep), wrap(target, twin, rng,
                                                near_miss(ep, rng))
