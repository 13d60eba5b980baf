# SPDX-License-Identifier: GPL-2.0-or-later
# mirror.py: a ClamAV-style database mirror on 127.0.0.1 for the update
# tests: serves files from memory, honours "Range: bytes=0-511" and
# If-Modified-Since, logs every request, and can misbehave on demand
# (429/403 with Retry-After, a transfer cut halfway, a missing file).
import email.utils
import http.server
import threading
import time


class Mirror:
    def __init__(self):
        self.files = {}       # name -> bytes
        self.mtime = {}       # name -> unix time (default: now)
        self.status = None    # e.g. 429: every request gets it
        self.retry_after = None
        self.cut = set()      # names whose whole-file transfer is cut
        self.headers = {}     # name -> bytes served for Range 0-511 instead
        self.log = []         # (path, range, if-modified-since)
        self.lock = threading.Lock()
        mirror = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def do_GET(self):
                mirror.handle(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0),
                                                     Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever,
                                       daemon=True)
        self.thread.start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def requests(self, name=None, whole=None):
        """Logged requests, optionally for one file, whole or header-only."""
        with self.lock:
            out = list(self.log)
        if name is not None:
            out = [r for r in out if r[0] == "/" + name]
        if whole is not None:
            out = [r for r in out if (r[1] is None) == whole]
        return out

    def reply(self, h, code, body=b"", headers=()):
        h.send_response(code)
        for k, v in headers:
            h.send_header(k, v)
        h.send_header("Content-Length", str(len(body)))
        h.end_headers()
        h.wfile.write(body)

    def handle(self, h):
        name = h.path.lstrip("/")
        rng = h.headers.get("Range")
        ims = h.headers.get("If-Modified-Since")
        with self.lock:
            self.log.append((h.path, rng, ims))
        if self.status:
            hdrs = [("Retry-After", str(self.retry_after))] \
                if self.retry_after else []
            return self.reply(h, self.status, b"go away\n", hdrs)
        if name not in self.files:
            return self.reply(h, 404, b"not found\n")
        data = self.files[name]
        mtime = self.mtime.get(name, time.time())
        if ims:
            since = email.utils.parsedate_to_datetime(ims).timestamp()
            if mtime <= since:
                return self.reply(h, 304)
        lm = [("Last-Modified", email.utils.formatdate(mtime, usegmt=True))]
        if rng == "bytes=0-511":
            part = self.headers.get(name, data)[:512]
            return self.reply(h, 206, part, lm + [
                ("Content-Range", f"bytes 0-{len(part) - 1}/{len(data)}")])
        if name in self.cut:
            # Promise everything, send half, hang up.
            h.send_response(200)
            h.send_header("Content-Length", str(len(data)))
            h.end_headers()
            h.wfile.write(data[:len(data) // 2])
            h.wfile.flush()
            h.close_connection = True
            return
        return self.reply(h, 200, data, lm)
