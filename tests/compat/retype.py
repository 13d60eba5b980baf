# SPDX-License-Identifier: GPL-2.0-or-later
"""On-the-fly re-typing (SCAN-PIPELINE.md section 3): HTML tags or mail
headers past the first KiB of a text (or GIF) object, or MHTML headers in
a text or binary one, make ClamAV scan it as HTML or mail too. A marker
signature on each target shows which passes ran, in which order; two
objects carry a <script>, whose normalised form (SCAN-PIPELINE.md section
7) is scanned too."""
import base64

from compat import Scenario, marker_db

PAD = b"plain words here and there, nothing special at all.\n" * 40
MARK = b"Evil_Marker_Xyz"


def mail(preface_lines, body):
    return (b"Some preface text line\n" * preface_lines +
            b"\nFrom: a@b.c\nMIME-Version: 1.0\nContent-Type: text/plain\n\n" +
            body + b"\n")


def mhtml(body):
    """MHTML headers (MIME-Version, then Content-Type on a later line)."""
    return (b"\nMIME-Version: 1.0\nContent-Type: multipart/mixed; "
            b"boundary=\"XX\"\n\n--XX\nContent-Type: text/html\n"
            b"Content-Transfer-Encoding: base64\n\n" +
            base64.b64encode(b"<html><body>" + body + b"</body></html>") +
            b"\n--XX--\n")


def scenarios():
    files = {
        "html_href.txt": PAD + b"<a class=x>link</a> and HREF " + MARK +
        b"\n" + PAD,
        "html_table.txt": PAD + b"<table><tr><td>" + MARK + b"</td></tr>" +
        PAD,
        "not_html.txt": PAD + b"<b>" + MARK + b"</b>\n" + PAD,
        "html_in_first_kib.txt": b"<table>" + MARK + PAD,
        "mail_late.txt": mail(60, MARK + b" body"),
        "mail_and_html.txt": mail(60, b"<table>" + MARK + b"</table>"),
        "mail_early.txt": mail(2, MARK + b" body"),
        "gif_html.gif": b"GIF89a" + b"\0" * 10 + PAD + b"<table>" + MARK +
        PAD,
        "short.txt": b"short text <table> " + MARK,
        "html_script.txt": PAD + b"<table><script>var v = '" + MARK +
        b"'; f(v);</script></table>" + PAD,
        "mhtml_late.dat": b"\x01\x02\x03\x00" * 300 + MARK +
        mhtml(b"<b>" + MARK + b"</b>"),
        "mhtml_late.txt": PAD + MARK + b"\n" + mhtml(b"<i>" + MARK + b"</i>"),
        "html_script_split.gif": b"GIF89a" + b"\0" * 10 + PAD +
        b"<table><script>var v = 'Evil_' + \"Marker_Xyz\";</script>" + PAD,
    }
    db = {"m.ndb": marker_db(MARK, (0, 3, 4, 5, 7))}
    return [Scenario("retype", db, files)]
