# SPDX-License-Identifier: GPL-2.0-or-later
"""multipart/related mails (an HTML page with its inline images, and MHTML
saved pages): ClamAV's mail parser takes the root part (the first
text/html part, else the last text part) first, then the other parts,
then scans the root's text once more at the end, so a marker in an HTML
root is reported twice as often as in multipart/mixed. A marker signature
on each target shows which objects were scanned, in which order."""
import base64

from compat import Scenario, marker_db

MARK = b"Evil_Marker_Xyz"
HTML = b"<html><body><b>" + MARK + b"</b></body></html>"


def mail(subtype, parts, crlf=False):
    """A multipart mail; parts are (content type, encoding, body)."""
    m = (b"From: a@b.c\nTo: d@e.f\nSubject: x\nMIME-Version: 1.0\n"
         b"Content-Type: multipart/" + subtype + b"; boundary=\"XX\"\n\n"
         b"preamble\n")
    for ctype, enc, body in parts:
        m += (b"--XX\nContent-Type: " + ctype +
              b"\nContent-Transfer-Encoding: " + enc + b"\n\n" + body + b"\n")
    m += b"--XX--\n"
    return m.replace(b"\n", b"\r\n") if crlf else m


def b64(data):
    return base64.b64encode(data)


def scenarios():
    files = {
        "related_html_7bit.eml": mail(b"related", [(b"text/html", b"7bit",
                                                    HTML)]),
        "related_html_base64.eml": mail(b"related", [(b"text/html",
                                                      b"base64", b64(HTML))]),
        "related_html_lines.eml": mail(b"related", [
            (b"text/html", b"7bit",
             b"<html>\n<body>\n" + MARK + b"\n</body></html>")]),
        "related_root_last.eml": mail(b"related", [
            (b"text/plain", b"7bit", b"plain " + MARK + b" text"),
            (b"image/png", b"base64", b64(b"\x89PNG" + MARK)),
            (b"text/html", b"base64", b64(HTML))]),
        "related_no_text.eml": mail(b"related", [
            (b"application/octet-stream", b"base64", b64(b"bin " + MARK))]),
        "related_crlf.eml": mail(b"related", [(b"text/html", b"7bit", HTML)],
                                 crlf=True),
        "mixed_html.eml": mail(b"mixed", [(b"text/html", b"base64",
                                           b64(HTML))]),
    }
    db = {"m.ndb": marker_db(MARK, (0, 3, 4, 5, 7))}
    return [Scenario("mail_related", db, files)]
