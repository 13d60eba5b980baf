# SPDX-License-Identifier: GPL-2.0-or-later
# ziptools.py: a small zip writer for tests: stored or deflated members,
# traditional PKWARE ("ZipCrypto") encryption, and raw control over the
# central directory (several entries pointing at one local record, as an
# overlapping-entry zip bomb does). Python's zipfile cannot encrypt.
import struct
import zlib

CRC_TABLE = []
for _n in range(256):
    _c = _n
    for _ in range(8):
        _c = (_c >> 1) ^ 0xEDB88320 if _c & 1 else _c >> 1
    CRC_TABLE.append(_c)


def _crc_byte(crc, b):
    return CRC_TABLE[(crc ^ b) & 0xFF] ^ (crc >> 8)


class ZipCrypto:
    """PKWARE traditional encryption (APPNOTE 6.1)."""

    def __init__(self, password):
        self.k = [0x12345678, 0x23456789, 0x34567890]
        for b in password:
            self._update(b)

    def _update(self, b):
        k = self.k
        k[0] = _crc_byte(k[0], b)
        k[1] = ((k[1] + (k[0] & 0xFF)) * 134775813 + 1) & 0xFFFFFFFF
        k[2] = _crc_byte(k[2], k[1] >> 24)

    def encrypt(self, data):
        out = bytearray()
        for b in data:
            t = (self.k[2] | 2) & 0xFFFF
            out.append(b ^ (((t * (t ^ 1)) >> 8) & 0xFF))
            self._update(b)
        return bytes(out)


def _local(name, method, flags, crc, csize, usize):
    return struct.pack("<IHHHHHIIIHH", 0x04034B50, 20, flags, method, 0, 0,
                       crc, csize, usize, len(name), 0) + name


def _central(name, method, flags, crc, csize, usize, offset):
    return struct.pack("<IHHHHHHIIIHHHHHII", 0x02014B50, 20, 20, flags,
                       method, 0, 0, crc, csize, usize, len(name), 0, 0, 0,
                       0, 0, offset) + name


def _eocd(n, cd_size, cd_off):
    return struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, min(n, 0xFFFF),
                       min(n, 0xFFFF), cd_size, cd_off, 0)


def make_zip(members, password=None):
    """members: [(name, bytes, deflate?)]; encrypted with password."""
    body, cd = bytearray(), bytearray()
    for name, data, deflate in members:
        name = name.encode()
        crc = zlib.crc32(data) & 0xFFFFFFFF
        method = 8 if deflate else 0
        payload = data
        if deflate:
            c = zlib.compressobj(9, zlib.DEFLATED, -15)
            payload = c.compress(data) + c.flush()
        flags = 0
        if password is not None:
            z = ZipCrypto(password)
            head = bytes(range(11)) + bytes([crc >> 24])
            payload = z.encrypt(head + payload)
            flags = 1
        off = len(body)
        body += _local(name, method, flags, crc, len(payload), len(data))
        body += payload
        cd += _central(name, method, flags, crc, len(payload), len(data), off)
    return bytes(body + cd + _eocd(len(members), len(cd), len(body)))


def overlap_bomb(kernel_size, n_entries):
    """n_entries central-directory entries that all point at one local
    record whose deflated data expands to kernel_size zero bytes."""
    data_crc = 0
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    payload = bytearray()
    chunk = bytes(1 << 20)
    left = kernel_size
    while left:
        n = min(left, len(chunk))
        payload += c.compress(chunk[:n])
        data_crc = zlib.crc32(chunk[:n], data_crc)
        left -= n
    payload += c.flush()
    body = _local(b"kernel", 8, 0, data_crc, len(payload), kernel_size)
    body += payload
    cd = bytearray()
    for i in range(n_entries):
        cd += _central(b"f%06d" % i, 8, 0, data_crc, len(payload),
                       kernel_size, 0)
    return bytes(body + cd + _eocd(n_entries, len(cd), len(body)))


def many_empty(n):
    """A zip with n empty stored members (zip64 end records not needed:
    the 16-bit counts saturate and readers use the central directory)."""
    body, cd = bytearray(), bytearray()
    for i in range(n):
        name = b"e%07d" % i
        off = len(body)
        body += _local(name, 0, 0, 0, 0, 0)
        cd += _central(name, 0, 0, 0, 0, 0, off)
    return bytes(body + cd + _eocd(n, len(cd), len(body)))
