#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# make_ishield_seeds.py: writes the synthesised seed corpus of the
# InstallShield fuzzer into fuzz/corpus/ishield/ (the output is committed).
import os
import struct
import zlib

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                   "corpus", "ishield")
KEYX = bytes([0x13, 0x35, 0x86, 0x07])


def obfuscate(data, name):
    out = bytearray()
    for i, c in enumerate(data):
        k = (i % 1024) % len(name)
        v = ~(c ^ name[k] ^ KEYX[k % 4]) & 0xff
        out.append(((v >> 4) | (v << 4)) & 0xff)
    return bytes(out)


def table(files):
    out = b"InstallShield\0" + struct.pack("<H", len(files)) + bytes(30)
    for name, data, comp in files:
        stored = obfuscate(zlib.compress(data) if comp else data, name)
        out += name.ljust(260, b"\0")
        out += struct.pack("<IIQII", 6, 0, len(stored), 0, 1) + bytes(28)
        out += stored
    return out


def plain(files):
    out = b""
    for name, ver, data in files:
        out += b"\0".join([name, b"Disk1\\" + name, ver,
                           str(len(data)).encode()]) + b"\0" + data
    return out


def pe_stub(payload):
    hdr = b"MZ" + bytes(0x3a) + struct.pack("<I", 0x40) + b"PE\0\0"
    hdr += struct.pack("<HHIIIHH", 0x14c, 1, 0, 0, 0, 0, 0)
    hdr += b".text\0\0\0" + struct.pack("<IIII", 0x100, 0x1000, 0x100, 0x100)
    hdr += bytes(16)
    return hdr.ljust(0x200, b"\0") + payload


def iscab():
    """A setup stream with data1.hdr and data1.cab: one stored file and one
    in two raw-deflate chunks (the cabinet layout of version 6 and up)."""
    hdr = bytearray(1024)
    hdr[0:20] = b"ISc(" + struct.pack("<IIII", 0x01009500, 0, 20, 0)
    struct.pack_into("<I", hdr, 20 + 0x0c, 0x100)
    struct.pack_into("<II", hdr, 20 + 0x28, 2, 0x20)
    table = 20 + 0x100
    hdr[table:table + 12] = b"a.txt\0b.bin\0"
    vol = bytearray(b"ISc(".ljust(512, b"\0")) + b"hello"
    chunks = b""
    for part in (b"MZ" + bytes(300), b"tail" * 40):
        c = zlib.compressobj(9, zlib.DEFLATED, -15)
        raw = c.compress(part) + c.flush()
        chunks += struct.pack("<H", len(raw)) + raw
    vol += chunks
    files = [(0, 0, 5, 5, 512), (6, 4, 462, len(chunks), 517)]
    for i, (name, flags, size, stored, off) in enumerate(files):
        d = table + 0x20 + i * 0x57
        struct.pack_into("<HQQQ", hdr, d, flags, size, stored, off)
        struct.pack_into("<I", hdr, d + 0x3a, name)
        struct.pack_into("<H", hdr, d + 0x55, 1)
    return plain([(b"data1.hdr", b"0.0.0.0", bytes(hdr)),
                  (b"data1.cab", b"0.0.0.0", bytes(vol))])


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {
        "table": table([(b"clam.exe409.bmp", b"MZ" + bytes(1500), True),
                        (b"Setup.ini", b"[Startup]\r\n", True),
                        (b"raw.bin", b"stored", False)]),
        "plain": plain([(b"a.exe", b"0.0.0.0", b"MZ payload"),
                        (b"setup.ini", b"11.0.0.1", b"[Startup]")]),
        "pe_plain": pe_stub(plain([(b"clam.exe", b"0.0.0.0", b"MZ stub")])),
        "iscab": iscab(),
        "pe_table": pe_stub(b"stub InstallShield\0 text" +
                            table([(b"x.txt", b"hello" * 50, True)])),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
