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


def main():
    os.makedirs(OUT, exist_ok=True)
    seeds = {
        "table": table([(b"clam.exe409.bmp", b"MZ" + bytes(1500), True),
                        (b"Setup.ini", b"[Startup]\r\n", True),
                        (b"raw.bin", b"stored", False)]),
        "plain": plain([(b"a.exe", b"0.0.0.0", b"MZ payload"),
                        (b"setup.ini", b"11.0.0.1", b"[Startup]")]),
        "pe_plain": pe_stub(plain([(b"clam.exe", b"0.0.0.0", b"MZ stub")])),
        "pe_table": pe_stub(b"stub InstallShield\0 text" +
                            table([(b"x.txt", b"hello" * 50, True)])),
    }
    for name, data in seeds.items():
        with open(os.path.join(OUT, name), "wb") as f:
            f.write(data)


if __name__ == "__main__":
    main()
