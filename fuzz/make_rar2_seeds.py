#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# make_rar2_seeds.py: writes the synthesised seed corpus of rar2_fuzzer
# into fuzz/corpus/rar2/: RAR 1.5-4.x archives with stored members and
# members in RAR 2.0 compression made by a tiny encoder here (fixed
# Huffman tables, literals and a few matches; no rar compressor is free).
import os
import struct
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))

LD_SIZE, DD_SIZE, RD_SIZE = 298, 48, 28


class Bits:
    def __init__(self):
        self.bits = []

    def put(self, value, n):
        for i in range(n - 1, -1, -1):
            self.bits.append((value >> i) & 1)

    def code(self, codes, sym):
        c, n = codes[sym]
        self.put(c, n)

    def bytes(self):
        b = self.bits + [0] * (-len(self.bits) % 8)
        return bytes(int("".join(map(str, b[i:i + 8])), 2)
                     for i in range(0, len(b), 8))


def canonical(lengths):
    """{symbol: (code, length)} for the canonical code of lengths."""
    codes, code = {}, 0
    for n in range(1, 16):
        for sym, ln in enumerate(lengths):
            if ln == n:
                codes[sym] = (code, n)
                code += 1
        code <<= 1
    return codes


def put_tables(bits, lengths, audio=False, channels=1):
    """A table block: mode bits, the 19 code-length lengths, then the
    lengths (deltas from an all-zero old table) run-length coded."""
    bits.put(2 if audio else 0, 2)  # audio flag, "keep old table" clear
    if audio:
        bits.put(channels - 1, 2)
    bl = [0] * 19
    for s in (0, 1, 2, 3, 17, 18):
        bl[s] = 3
    for v in bl:
        bits.put(v, 4)
    bc = canonical(bl)
    i = 0
    while i < len(lengths):
        run = 1
        while i + run < len(lengths) and lengths[i + run] == 0 and \
                lengths[i] == 0 and run < 138:
            run += 1
        if lengths[i] == 0 and run >= 11:
            bits.code(bc, 18)
            bits.put(run - 11, 7)
        elif lengths[i] == 0 and run >= 3:
            run = min(run, 10)
            bits.code(bc, 17)
            bits.put(run - 3, 3)
        else:
            run = 1
            bits.code(bc, lengths[i])
        i += run


def lz_tables():
    ld = [0] * LD_SIZE
    ld[65] = ld[66] = 2
    for s in (256, 257, 261, 270):
        ld[s] = 3
    dd = [0] * DD_SIZE
    dd[0] = dd[1] = 1
    rd = [0] * RD_SIZE
    rd[0] = rd[1] = 1
    return ld, dd, rd


def lz_member():
    """"AB", a 3-byte match at distance 2, a repeat of it, a short match,
    a match at the last distance: 13 bytes of ABAB..."""
    ld, dd, rd = lz_tables()
    b = Bits()
    put_tables(b, ld + dd + rd)
    lc, dc, rc = canonical(ld), canonical(dd), canonical(rd)
    b.code(lc, 65)
    b.code(lc, 66)
    b.code(lc, 270)
    b.code(dc, 1)
    b.code(lc, 256)
    b.code(lc, 261)
    b.put(1, 2)
    b.code(lc, 257)
    b.code(rc, 1)
    return b.bytes(), (b"AB" * 7)[:13]


def audio_member():
    """One channel, every delta -1: 1, 2, 3 ... while the predictor's
    weights are still zero (32 bytes)."""
    md = [0] * 257
    md[255] = md[256] = 1
    b = Bits()
    put_tables(b, md, audio=True, channels=1)
    for _ in range(32):
        b.code(canonical(md), 255)
    return b.bytes(), bytes(range(1, 33))


def block(htype, flags, body, add=b""):
    head = struct.pack("<BHH", htype, flags, 7 + len(body)) + body
    crc = zlib.crc32(head) & 0xFFFF
    return struct.pack("<H", crc) + head + add


def file_block(name, packed, data, method=0x33, ver=20, flags=0x8000):
    body = struct.pack("<IIBIIBBHI", len(packed), len(data), 3,
                       zlib.crc32(data), 0, ver, method, len(name),
                       0x81A4) + name
    return block(0x74, flags, body, packed)


def archive(*files, solid=False):
    return (b"Rar!\x1a\x07\x00" +
            block(0x73, 0x0008 if solid else 0, b"\0" * 6) +
            b"".join(files) + block(0x7B, 0x4000, b""))


def seeds():
    lz, lz_out = lz_member()
    au, au_out = audio_member()
    text = b"stored member, synthesised\n"
    yield "stored", archive(file_block(b"a.txt", text, text, method=0x30))
    yield "lz", archive(file_block(b"ab.txt", lz, lz_out))
    yield "audio", archive(file_block(b"ramp.wav", au, au_out))
    # Solid: the second member has no tables and copies from the first.
    yield "solid", archive(file_block(b"1", lz, lz_out),
                           file_block(b"2", bytes([0xF0]), b"BAB",
                                      flags=0x8010), solid=True)
    yield "encrypted", archive(file_block(b"e", b"x" * 16, b"y" * 16,
                                          flags=0x8004))


def main():
    d = os.path.join(HERE, "corpus", "rar2")
    os.makedirs(d, exist_ok=True)
    for name, data in seeds():
        with open(os.path.join(d, name + ".rar"), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
