"""A small HTTP server on loopback that plays a podcast host: files by path and query,
redirects (also tracking prefixes), byte ranges, 404s, and a connection that drops
half-way once (for resume)."""

from __future__ import annotations

import re
import threading
import urllib.parse
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

_RANGE = re.compile(r"^bytes=(\d+)-$")


@dataclass
class Site:
    files: dict[str, tuple[bytes, str]] = field(default_factory=dict)  # path?query → body, type
    redirects: dict[str, str] = field(default_factory=dict)  # path?query → Location
    drop_once: set[str] = field(default_factory=set)  # paths whose first GET breaks off
    no_length: set[str] = field(default_factory=set)  # paths sent without Content-Length
    failures: dict[str, int] = field(default_factory=dict)  # path → 503s before it works
    requests: list[tuple[str, str | None]] = field(default_factory=list)  # (path, Range)


class _Handler(BaseHTTPRequestHandler):
    site: Site

    def log_message(self, format: str, *args) -> None:
        pass

    def do_GET(self) -> None:
        site = self.server.site  # type: ignore[attr-defined]
        target = self.path
        site.requests.append((target, self.headers.get("Range")))
        path = target.split("?", 1)[0]
        if target in site.redirects:
            return self._redirect(site.redirects[target])
        if path.startswith("/redirect.mp3/"):  # Podtrac-style prefix: host and path follow
            return self._redirect("http://" + target.removeprefix("/redirect.mp3/"))
        if "/play/" in path:  # Anchor-style prefix: the URL-encoded target follows
            return self._redirect(urllib.parse.unquote(target.rsplit("/", 1)[-1]))
        if site.failures.get(path, 0) > 0:
            site.failures[path] -= 1
            self.send_error(503, "Service Unavailable")
            return
        found = site.files.get(target) or site.files.get(path)
        if found is None:
            self.send_error(404, "Not Found")
            return
        body, kind = found
        start = 0
        match = _RANGE.match(self.headers.get("Range") or "")
        if match and int(match.group(1)) >= len(body):
            self.send_response(416)
            self.send_header("Content-Range", f"bytes */{len(body)}")
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        if match:
            start = int(match.group(1))
            self.send_response(206)
            self.send_header("Content-Range", f"bytes {start}-{len(body) - 1}/{len(body)}")
        else:
            self.send_response(200)
        self.send_header("Content-Type", kind)
        self.send_header("Accept-Ranges", "bytes")
        if path not in site.no_length:
            self.send_header("Content-Length", str(len(body) - start))
        self.end_headers()
        if path in site.drop_once:
            site.drop_once.discard(path)
            self.wfile.write(body[start : start + (len(body) - start) // 2])
            self.wfile.flush()
            self.close_connection = True
            return
        self.wfile.write(body[start:])

    def _redirect(self, location: str) -> None:
        self.send_response(302)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()


class HostServer:
    """``with HostServer() as server:`` serves ``server.site`` at ``server.base``."""

    def __init__(self) -> None:
        self.site = Site()
        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self.httpd.site = self.site  # type: ignore[attr-defined]
        self.base = f"http://127.0.0.1:{self.httpd.server_port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    def serve(self, site: Site) -> None:
        """Serve ``site`` from now on (a host shape fills it once the address is known)."""
        self.site = site
        self.httpd.site = site  # type: ignore[attr-defined]

    def __enter__(self) -> HostServer:
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()
