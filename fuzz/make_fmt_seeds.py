#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0-or-later
# make_fmt_seeds.py: writes the small synthesised seed corpora of the
# container-parser fuzzers (mail, ole2, pdf, rtf, binhex, tnef) into
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


def main():
    which = sys.argv[1:] or ["mail"]
    for w in which:
        globals()[w + "_seeds"]()


if __name__ == "__main__":
    main()
