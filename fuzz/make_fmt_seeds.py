#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# make_fmt_seeds.py: writes the small synthesised seed corpora of the
# container-parser fuzzers (mail, ole2, pdf, rtf, binhex, tnef, nsis) into
# fuzz/corpus/<fmt>/. Run from anywhere; the output is committed.
import base64
import os
import struct
import sys
import zlib

HERE = os.path.dirname(os.path.abspath(__file__))


def put(fmt, name, data):
    d = os.path.join(HERE, "corpus", fmt)
    os.makedirs(d, exist_ok=True)
    if isinstance(data, str):
        data = data.encode()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def mail_seeds():
    att = base64.encodebytes(b"MZ synthesised attachment " * 4).decode()
    put("mail", "multipart",
        "From: a\r\nContent-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n"
        "--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1\r\n"
        "Content-Type: application/octet-stream; name*0*=utf-8''a%41;"
        " name*1=.bin\r\nContent-Transfer-Encoding: base64\r\n\r\n"
        + att + "--b1--\r\n")
    put("mail", "nested",
        "Content-Type: multipart/mixed; boundary=o\n\n--o\n"
        "Content-Type: multipart/alternative; boundary=i\n\n--i\n"
        "Content-Transfer-Encoding: quoted-printable\n\na=3Db=\nc\n--i--\n"
        "--o\nContent-Type: message/rfc822\n\nSubject: x\n\nbody\n--o--\n")
    put("mail", "mbox_uu",
        "From a@b Thu Jul 31 13:51:21 2008\nSubject: 1\n\n"
        "begin 644 cat.txt\n#0V%T\n`\nend\n\n"
        "From c@d Thu Jul 31 13:51:22 2008\n"
        "Content-Transfer-Encoding: x-uuencode\n\n"
        "begin 644 x\n#0V%T\n`\nend\n")
    put("mail", "bypass",
        "Content-Disposition: attachment; boundary*=utf-8''X\n"
        "Content-Type(c): multipart/mixed; boundary=\"Y;\"; boundary=Z\n\n"
        "--X\n\nt\n--X--\n--Y;\nContent-Transfer-Encoding: base64\n\n"
        "ZXZpbA==\n--Y;--\n")


# ---- MS-OVBA compression (greedy, per the specification) ----

def ovba_compress(data):
    out = bytearray([1])
    for cs in range(0, len(data), 4096):
        chunk = data[cs:cs + 4096]
        body = bytearray()
        i = 0
        while i < len(chunk):
            flags = 0
            group = bytearray()
            for bit in range(8):
                if i >= len(chunk):
                    break
                bits = 4
                while (1 << bits) < i and bits < 12:
                    bits += 1
                maxlen = (0xFFFF >> bits) + 3
                maxoff = 1 << bits
                best_len, best_off = 0, 0
                for off in range(1, min(i, maxoff) + 1):
                    n = 0
                    while (n < maxlen and i + n < len(chunk)
                           and chunk[i + n - off] == chunk[i + n]):
                        n += 1
                    if n > best_len:
                        best_len, best_off = n, off
                if best_len >= 3:
                    tok = ((best_off - 1) << (16 - bits)) | (best_len - 3)
                    group += struct.pack("<H", tok)
                    flags |= 1 << bit
                    i += best_len
                else:
                    group.append(chunk[i])
                    i += 1
            body.append(flags)
            body += group
        out += struct.pack("<H", 0xB000 | (len(body) + 2 - 3))
        out += body
    return bytes(out)


# ---- OLE2 (MS-CFB v3, 512-byte sectors) ----

def ole2_build(tree):
    """tree: list of (name, bytes) for streams or (name, [children])."""
    ents = []  # [name, type, data, children-indexes]

    def add(name, node):
        idx = len(ents)
        if isinstance(node, list):
            ents.append([name, 1, b"", []])
            for cn, cv in node:
                ents[idx][3].append(add(cn, cv))
        else:
            ents.append([name, 2, node, []])
        return idx
    ents.append(["Root Entry", 5, b"", []])
    for n, v in tree:
        ents[0][3].append(add(n, v))
    SS, MS = 512, 64
    mini = bytearray()
    minifat = []
    big = []  # (entry, data)
    start = {}
    for i, e in enumerate(ents):
        if e[1] != 2:
            continue
        d = e[2]
        if len(d) < 4096:
            first = len(mini) // MS
            nsec = (len(d) + MS - 1) // MS
            for k in range(nsec):
                minifat.append(first + k + 1 if k + 1 < nsec else 0xFFFFFFFE)
            mini += d + b"\0" * (nsec * MS - len(d))
            start[i] = first if nsec else 0xFFFFFFFE
        else:
            big.append(i)
    sectors = []  # list of bytes, each 512
    fat = []

    def chain(data):
        if not data:
            return 0xFFFFFFFE
        first = len(sectors)
        n = (len(data) + SS - 1) // SS
        for k in range(n):
            sectors.append(data[k * SS:(k + 1) * SS].ljust(SS, b"\0"))
            fat.append(first + k + 1 if k + 1 < n else 0xFFFFFFFE)
        return first
    sectors.append(None)  # the FAT sector, filled last
    fat.append(0xFFFFFFFD)
    for i in big:
        start[i] = chain(ents[i][2])
    mini_start = chain(bytes(mini))
    mfat_bytes = b"".join(struct.pack("<I", v) for v in minifat)
    mfat_start = chain(mfat_bytes)
    dirb = bytearray()
    for i, e in enumerate(ents):
        name = e[0].encode("utf-16-le") + b"\0\0"
        ent = bytearray(128)
        ent[0:len(name)] = name
        struct.pack_into("<HBB", ent, 64, len(name), e[1], 1)
        # Children as a right-leaning chain (a valid, if unbalanced, tree).
        struct.pack_into("<III", ent, 68, 0xFFFFFFFF, 0xFFFFFFFF,
                         e[3][0] if e[3] else 0xFFFFFFFF)
        if e[1] == 5:
            struct.pack_into("<II", ent, 116, mini_start, len(mini))
        elif e[1] == 2:
            struct.pack_into("<II", ent, 116, start[i], len(e[2]))
        dirb += ent
    for i, e in enumerate(ents):
        kids = e[3]
        for a, b in zip(kids, kids[1:]):
            struct.pack_into("<I", dirb, a * 128 + 72, b)
    while len(dirb) % SS:
        dirb += bytearray(128)
    dir_start = chain(bytes(dirb))
    assert len(fat) <= 128
    sectors[0] = b"".join(struct.pack("<I", v) for v in fat).ljust(
        SS, b"\xff")
    hdr = bytearray(512)
    hdr[0:8] = bytes.fromhex("D0CF11E0A1B11AE1")
    struct.pack_into("<HHHHH", hdr, 24, 0x3E, 3, 0xFFFE, 9, 6)
    struct.pack_into("<IIIIIIIII", hdr, 40, 0, 1, dir_start, 0, 4096,
                     mfat_start if minifat else 0xFFFFFFFE,
                     (len(mfat_bytes) + SS - 1) // SS, 0xFFFFFFFE, 0)
    struct.pack_into("<I", hdr, 76, 0)
    for k in range(1, 109):
        struct.pack_into("<I", hdr, 76 + 4 * k, 0xFFFFFFFF)
    return bytes(hdr) + b"".join(sectors)


def rec(rid, data):
    return struct.pack("<HI", rid, len(data)) + data


VBA_SOURCE = (b'Attribute VB_Name = "Module1"\r\nSub AutoOpen()\r\n'
              b'  MsgBox "vigil test, vigil test, vigil test"\r\n'
              b'End Sub\r\n')


def vba_dir(modules):
    d = rec(1, struct.pack("<I", 1)) + rec(2, struct.pack("<I", 0x409))
    d += rec(0x14, struct.pack("<I", 0x409)) + rec(3, struct.pack("<H", 1252))
    d += rec(4, b"VBAProject") + rec(5, b"") + rec(0x40, b"")
    d += rec(6, b"") + rec(0x3D, b"") + rec(7, struct.pack("<I", 0))
    d += rec(8, struct.pack("<I", 0))
    d += struct.pack("<HIIH", 9, 4, 1, 2)  # PROJECTVERSION: 6 bytes
    d += rec(0xC, b"") + rec(0x3C, b"")
    d += rec(0xF, struct.pack("<H", len(modules)))
    d += rec(0x13, struct.pack("<H", 0xFFFF))
    for name, stream, off in modules:
        d += rec(0x19, name) + rec(0x47, name.decode().encode("utf-16-le"))
        d += rec(0x1A, stream) + rec(0x32, stream.decode().encode("utf-16-le"))
        d += rec(0x1C, b"") + rec(0x48, b"") + rec(0x31, struct.pack("<I", off))
        d += rec(0x1E, struct.pack("<I", 0)) + rec(0x2C, struct.pack("<H", 0xFFFF))
        d += rec(0x21, b"") + rec(0x2B, b"")
    d += rec(0x10, b"")
    return ovba_compress(d)


def vba_doc():
    cache = b"P" * 37  # stands for the PerformanceCache before the source
    module = cache + ovba_compress(VBA_SOURCE)
    big = bytes(range(256)) * 20  # a regular (non-mini) stream
    return ole2_build([
        ("WordDocument", big),
        ("Macros", [("VBA", [
            ("dir", vba_dir([(b"Module1", b"Module1", len(cache))])),
            ("Module1", module),
            ("_VBA_PROJECT", bytes.fromhex("CC61FFFF000000")),
        ]), ("PROJECT", b'ID="{00000000-0000-0000-0000-000000000000}"\r\n'
                        b'Module=Module1\r\n')]),
    ])


def ole2_seeds():
    put("ole2", "vba_doc", vba_doc())
    put("ole2", "plain", ole2_build([("a", b"x" * 100), ("b", b"y" * 5000)]))
    # The same document, written as a test sample (text-encoded).
    d = os.path.join(HERE, "..", "tests", "data", "fmt")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, "vba.doc.b64"), "w") as f:
        f.write(base64.encodebytes(vba_doc()).decode())


def pdf_obj(num, dict_, data):
    return (b"%d 0 obj\n<<" % num + dict_ + b" /Length %d>>\nstream\r\n"
            % len(data) + data + b"\nendstream\nendobj\n")


def pdf_seeds():
    z = zlib.compress(b"BT /F1 12 Tf (synthesised) Tj ET " * 8)
    rows = bytes([2, 1, 2, 3, 1, 2, 1, 1])
    put("pdf", "filters", b"%PDF-1.5\n" +
        pdf_obj(1, b"/Filter /FlateDecode", z) +
        pdf_obj(2, b"/Filter [/AHx /Fl]", z.hex().encode() + b">") +
        pdf_obj(3, b"/Filter /A85", base64.a85encode(b"ascii85 text") +
                b"~>") +
        pdf_obj(4, b"/Filter /RL", b"\x02abc\xfdx\x80") +
        pdf_obj(5, b"/Filter /LZW", bytes.fromhex("800B6050220C0C8501")) +
        pdf_obj(6, b"/Filter /Fl /DecodeParms <</Predictor 12 /Columns 3>>",
                zlib.compress(rows)) +
        b"trailer <</Root 1 0 R>>\n%%EOF\n")
    objstm = b"7 0 8 12 << /JS (x) >> [ 1 2 3 ]"
    put("pdf", "objstm", b"%PDF-1.5\n" +
        pdf_obj(9, b"/Type /ObjStm /N 2 /First 8 /Filter /FlateDecode",
                zlib.compress(objstm)) +
        b"10 0 obj 9 0 R endobj\n11 0 obj <</Length 10 0 R>>stream\n"
        b"abc\nendstream endobj\n")


def ole1_package(label, data):
    native = (b"\x02\x00" + label + b"\0C:\\x.exe\0" +
              struct.pack("<II", 0x30000, 9) + b"C:\\t.exe\0" +
              struct.pack("<I", len(data)) + data)
    return (struct.pack("<II", 0x501, 2) + struct.pack("<I", 8) +
            b"Package\0" + struct.pack("<III", 0, 0, len(native)) + native)


def rtf_seeds():
    obj = ole1_package(b"x.exe", b"MZ synthesised").hex()
    put("rtf", "package",
        "{\\rtf1\\ansi{\\object\\objemb{\\*\\objclass Package}"
        "{\\*\\objdata " + obj[:20] + "{\\*\\x 00}\r\n" + obj[20:] +
        "}}{\\pict ff}}")
    put("rtf", "bin", b"{\\rtf1{\\*\\objdata \\bin4 \x01\x05\0\0"
        b"02000000}{\\'41\\u-200?}}")


HQX = ("!\"#$%&'()*+,-012345689@ABCDEFGHIJKLMNPQRSTUVXYZ[`abcdefhijklmpqr")


def hqx_encode(name, data, rsrc):
    plain = (bytes([len(name)]) + name + bytes(11) +
             struct.pack(">II", len(data), len(rsrc)) + b"\0\0" + data +
             b"\0\0" + rsrc + b"\0\0")
    raw = bytearray()
    i = 0
    while i < len(plain):
        run = 1
        while i + run < len(plain) and plain[i + run] == plain[i] and run < 255:
            run += 1
        if plain[i] == 0x90:
            raw += b"\x90\x00"
            i += 1
        elif run >= 4:
            raw += bytes([plain[i], 0x90, run])
            i += run
        else:
            raw.append(plain[i])
            i += 1
    bits = "".join(format(b, "08b") for b in raw)
    bits += "0" * (-len(bits) % 6)
    text = "".join(HQX[int(bits[k:k + 6], 2)] for k in range(0, len(bits), 6))
    lines = [text[k:k + 64] for k in range(0, len(text), 64)]
    return ("(This file must be converted with BinHex 4.0)\r\n:" +
            "\r\n".join(lines) + ":\r\n")


def binhex_seeds():
    put("binhex", "forks", hqx_encode(b"f.bin", b"A" * 300 + b"\x90\x90x",
                                      b"RSRC"))
    put("binhex", "plain", hqx_encode(b"", b"synthesised data", b""))


def tnef_attr(level, attr, data):
    return bytes([level]) + struct.pack("<II", attr, len(data)) + data + \
        b"\0\0"


def tnef_seeds():
    put("tnef", "winmail",
        struct.pack("<IH", 0x223E9F78, 1) +
        tnef_attr(1, 0x00089006, b"\0\0\1\0") +
        tnef_attr(1, 0x0002800C, b"body") +
        tnef_attr(2, 0x00069002, b"\1\0\0\0") +
        tnef_attr(2, 0x0006800F, b"MZ synthesised") +
        tnef_attr(2, 0x00018010, b"x.exe\0") +
        tnef_attr(2, 0x00069005, struct.pack("<IHHIHHII", 2, 3, 0x0E20, 7,
                                             0x000D, 0x3701, 1, 20) +
                  b"IIDIIDIIDIIDIIDIdata") + b"\r\n")


# ---- PDF standard security handler (ISO 32000-2 7.6.4) ----

PW_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E80"
                       "2F0CA9FE6453697A")


def rc4(key, data):
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) & 255
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for b in data:
        i = (i + 1) & 255
        j = (j + s[i]) & 255
        s[i], s[j] = s[j], s[i]
        out.append(b ^ s[(s[i] + s[j]) & 255])
    return bytes(out)


def aes_cbc(key, iv, data, encrypt=True):
    from cryptography.hazmat.primitives.ciphers import Cipher, algorithms, modes
    c = Cipher(algorithms.AES(key), modes.CBC(iv))
    x = c.encryptor() if encrypt else c.decryptor()
    return x.update(data) + x.finalize()


def pkcs7(data):
    n = 16 - len(data) % 16
    return data + bytes([n]) * n


def hash_2b(pw, salt, udata=b""):
    import hashlib
    k = hashlib.sha256(pw + salt + udata).digest()
    i = 0
    while True:
        e = aes_cbc(k[:16], k[16:32], (pw + k + udata) * 64)
        k = [hashlib.sha256, hashlib.sha384,
             hashlib.sha512][sum(e[:16]) % 3](e).digest()
        i += 1
        if i >= 64 and e[-1] <= i - 32:
            return k[:32]


def pdf_lit(b):
    out = b"("
    for c in b:
        if c in b"()\\" or c < 32 or c > 126:
            out += b"\\%03o" % c
        else:
            out += bytes([c])
    return out + b")"


def pdf_encrypted(kind, payload, user_pw=b""):
    import hashlib
    ident = bytes(range(16))
    P = -1028
    body = zlib.compress(payload)
    iv = bytes(range(100, 116))
    if kind in ("rc4", "aesv2"):
        R, V, n = (3, 2, 16) if kind == "rc4" else (4, 4, 16)
        h = hashlib.md5((b"owner" + PW_PAD)[:32]).digest()
        for _ in range(50):
            h = hashlib.md5(h[:n]).digest()
        O = rc4(h[:n], (user_pw + PW_PAD)[:32])
        for i in range(1, 20):
            O = rc4(bytes(b ^ i for b in h[:n]), O)
        key = hashlib.md5((user_pw + PW_PAD)[:32] + O +
                          struct.pack("<i", P) + ident).digest()
        for _ in range(50):
            key = hashlib.md5(key[:n]).digest()
        key = key[:n]
        x = rc4(key, hashlib.md5(PW_PAD + ident).digest())
        for i in range(1, 20):
            x = rc4(bytes(b ^ i for b in key), x)
        U = x + bytes(16)
        okey = hashlib.md5(key + struct.pack("<I", 3)[:3] + b"\0\0" +
                           (b"sAlT" if kind == "aesv2" else b"")).digest()
        okey = okey[:min(n + 5, 16)]
        data = (rc4(okey, body) if kind == "rc4"
                else iv + aes_cbc(okey, iv, pkcs7(body)))
        enc = (b"<< /Filter /Standard /V %d /R %d /Length 128 /P %d /O <%s>"
               b" /U %s" % (V, R, P, O.hex().encode(), pdf_lit(U)))
        if V == 4:
            enc += (b" /CF << /StdCF << /CFM /AESV2 /Length 16 >> >>"
                    b" /StmF /StdCF /StrF /StdCF")
        enc += b" >>"
    else:
        fkey = bytes(range(32, 64))
        vs, ks = b"valsalt!", b"keysalt!"
        U = hash_2b(user_pw, vs) + vs + ks
        UE = aes_cbc(hash_2b(user_pw, ks), bytes(16), fkey)
        data = iv + aes_cbc(fkey, iv, pkcs7(body))
        enc = (b"<< /Filter /Standard /V 5 /R 6 /Length 256 /P %d /O <%s>"
               b" /U <%s> /OE <%s> /UE <%s> /Perms <%s> /CF << /StdCF << "
               b"/CFM /AESV3 /Length 32 >> >> /StmF /StdCF /StrF /StdCF >>"
               % (P, bytes(48).hex().encode(), U.hex().encode(),
                  bytes(32).hex().encode(), UE.hex().encode(),
                  bytes(16).hex().encode()))
    objs = [b"<< /Type /Catalog /Pages 2 0 R >>",
            b"<< /Type /Pages /Kids [] /Count 0 >>",
            b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(data) +
            data + b"\nendstream", enc]
    doc = b"%PDF-1.7\n"
    offs = []
    for k, o in enumerate(objs):
        offs.append(len(doc))
        doc += b"%d 0 obj " % (k + 1) + o + b"\nendobj\n"
    xref = len(doc)
    doc += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objs) + 1)
    doc += b"".join(b"%010d 00000 n \n" % o for o in offs)
    doc += (b"trailer << /Size %d /Root 1 0 R /Encrypt 4 0 R /ID [<%s><%s>]"
            b" >>\nstartxref\n%d\n%%%%EOF\n"
            % (len(objs) + 1, ident.hex().encode(), ident.hex().encode(),
               xref))
    return doc


PDF_PAYLOAD = b"vigil encrypted stream payload " * 4


def write_test_sample(name, data):
    d = os.path.join(HERE, "..", "tests", "data", "fmt")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name + ".b64"), "w") as f:
        f.write(base64.encodebytes(data).decode())


def pdf_crypt_seeds():
    for kind in ("rc4", "aesv2", "aesv3"):
        doc = pdf_encrypted(kind, PDF_PAYLOAD)
        put("pdf", "enc_" + kind, doc)
        write_test_sample("enc_" + kind + ".pdf", doc)
    write_test_sample("enc_locked.pdf",
                      pdf_encrypted("aesv2", PDF_PAYLOAD, b"secret"))

ONE_MAGIC = bytes.fromhex("e4525c7b8cd8a74daeb15378d02996d3")
FDSO_HEADER = bytes.fromhex("e716e3bd65261145a4c48d4d0b7a9eac")
FDSO_FOOTER = bytes.fromhex("22a7fb71790f0b4abb13899256426b24")
ALT_PACKAGING = bytes.fromhex("2fe98d63d4a6c14b9a36b3fc2511a5b7")


def fdso(data):
    pad = b"\0" * (-len(data) % 8)
    return (FDSO_HEADER + struct.pack("<Q", len(data)) + b"\0" * 12 + data
            + pad + FDSO_FOOTER)


def onenote_seeds():
    head = ONE_MAGIC + bytes(range(64))
    put("onenote", "two_files", head + fdso(b"MZ embedded file " * 3)
        + b"filler" + fdso(b"second"))
    put("onenote", "bad_length", head + FDSO_HEADER
        + struct.pack("<Q", 1 << 40) + b"\0" * 12 + b"short")
    data = b"MZ web app blob " * 4
    item = struct.pack("<H", (len(data) << 2) | 2) + data
    hdr = struct.pack("<I", 2 | (2 << 3) | (len(item) << 17))
    put("onenote", "webapp", ONE_MAGIC + bytes(32) + ALT_PACKAGING
        + b"\0" * 8 + b"\x15" + hdr + item + b"\x15")

def sis_header(uid2, nlangs, nfiles, options):
    h = struct.pack("<IIIIHHH", 0x10001234, uid2, 0x10000419, 0, 0, nlangs,
                    nfiles)
    h += b"\0" * (100 - len(h))
    h = h[:36] + struct.pack("<H", options) + h[38:]
    return h[:52] + struct.pack("<I", 100) + h[56:]


def sis_seeds():
    data = zlib.compress(b"MZ synthesised installer file " * 3)
    name = "!:\\sys\\a.exe".encode("utf-16-le")
    rec_len = 4 * 10 + 8
    name_at = 100 + 12 + rec_len + 4
    data_at = name_at + len(name)
    recs = struct.pack("<II", 3, 4) + b"expr"
    recs += struct.pack("<IIIQII", 0, 0, 0, 0, len(name), name_at)
    recs += struct.pack("<IIIII", len(data), data_at, 90, 0, 0)
    recs += struct.pack("<I", 6)
    body = recs
    hdr = sis_header(0x10003A12, 1, 3, 1)
    doc = hdr + body
    doc += b"\0" * (name_at - len(doc))
    put("sis", "er6_zlib", doc + name + data)
    plain = b"plain release 5 file"
    recs = struct.pack("<IIIQIIII", 0, 0, 0, 0, 0, 0, len(plain), 100 + 36)
    put("sis", "er5_plain", sis_header(0x1000006D, 1, 1, 0) + recs + plain)

def html_extract_seeds():
    b64 = base64.b64encode(b"MZ synthesised data uri payload " * 2).decode()
    put("html_extract", "uris",
        '<html><a href="data:application/octet-stream;base64,' + b64
        + '">x</a><img src=\'data:,a%20b\'>'
        "<div style=\"background:url(DATA:text/plain;BASE64,YWJj)\">")
    put("html_extract", "broken",
        "metadata:,x data:text plain,y data:;base64,\" data:")


NSIS_SIG = b"\xef\xbe\xad\xdeNullsoftInst"


def nsis_lzma(data, flag=None):
    import lzma
    dict_size = 1 << 16
    filt = [{"id": lzma.FILTER_LZMA1, "dict_size": dict_size,
             "lc": 3, "lp": 0, "pb": 2}]
    if flag == 1:
        filt.insert(0, {"id": lzma.FILTER_X86})
    props = bytes([(2 * 5 + 0) * 9 + 3]) + struct.pack("<I", dict_size)
    pre = b"" if flag is None else bytes([flag])
    return pre + props + lzma.compress(data, format=lzma.FORMAT_RAW,
                                       filters=filt)


def nsis_deflate(data):
    c = zlib.compressobj(9, zlib.DEFLATED, -15)
    return c.compress(data) + c.flush()


def nsis_archive(hsize, body):
    return (struct.pack("<I", 0) + NSIS_SIG +
            struct.pack("<II", hsize, 28 + len(body) + 4) + body +
            b"\x78\x56\x34\x12")


def nsis_seeds():
    hdr = bytes(i * 7 % 13 for i in range(300))
    files = [hdr, b"MZ synthesised file one " * 8, b"\xe8\0\0\0\0call" * 20]

    def nonsolid(pack, high=0x80000000):
        out = b""
        for f in files:
            blk = pack(f)
            out += struct.pack("<I", len(blk) | high) + blk
        return out

    def solid(pack):
        return pack(b"".join(struct.pack("<I", len(f)) + f for f in files))

    put("nsis", "nonsolid_lzma", nsis_archive(len(hdr), nonsolid(nsis_lzma)))
    put("nsis", "nonsolid_deflate",
        nsis_archive(len(hdr), nonsolid(nsis_deflate)))
    put("nsis", "nonsolid_bcj",
        nsis_archive(len(hdr), nonsolid(lambda d: nsis_lzma(d, 1))))
    put("nsis", "stored", nsis_archive(len(hdr), nonsolid(lambda d: d, 0)))
    put("nsis", "solid_lzma", nsis_archive(len(hdr), solid(nsis_lzma)))
    put("nsis", "solid_deflate", nsis_archive(len(hdr), solid(nsis_deflate)))


def main():
    which = sys.argv[1:] or ["mail", "ole2", "pdf", "pdf_crypt", "rtf", "binhex",
                              "tnef", "nsis", "onenote", "sis",
                              "html_extract"]
    for w in which:
        globals()[w + "_seeds"]()


if __name__ == "__main__":
    main()
