"""``podcast serve``: the published folder over HTTP, with HEAD and byte ranges.

Podcast apps seek and resume with ``Range`` requests; Python's own static
server does not answer them, so this handler adds single byte ranges.
"""

from __future__ import annotations

import io
import os
import re
from functools import partial
from http import HTTPStatus
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import ClassVar

from podcast.mime import MEDIA_TYPES, content_type
from podcast.paths import FEED_PATH

_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


REWRITTEN = (".xml", ".html", ".json")


class RangeRequestHandler(SimpleHTTPRequestHandler):
    """Static files with byte ranges; feed and pages point at this server.

    The published files carry the show's real ``base_url``; when ``base_url``
    is given, text files are served with it replaced by this server's own
    address, so an app on the local network gets enclosures it can download.
    """

    extensions_map: ClassVar[dict[str, str]] = {
        **SimpleHTTPRequestHandler.extensions_map,
        **{suffix: content_type("x" + suffix) for suffix in MEDIA_TYPES},
        ".xml": content_type(FEED_PATH),
    }

    def __init__(self, *args, base_url: str | None = None, **kwargs):
        self.base_url = base_url.rstrip("/") if base_url else None
        super().__init__(*args, **kwargs)

    def _rewritten(self, path: Path):
        host = (
            self.headers.get("Host") or f"{self.server.server_address[0]}:{self.server.server_port}"
        )
        body = path.read_bytes().replace(self.base_url.encode(), f"http://{host}".encode())
        self.send_response(HTTPStatus.OK)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        return io.BytesIO(body)

    def send_head(self):  # type: ignore[override]
        path = Path(self.translate_path(self.path))
        if path.is_dir() and self.path.endswith("/"):
            path = path / "index.html"
        if self.base_url and path.is_file() and path.suffix in REWRITTEN:
            return self._rewritten(path)
        header = self.headers.get("Range")
        if path.is_dir() or not path.is_file() or not header:
            response = super().send_head()
            return response
        size = path.stat().st_size
        match = _RANGE.match(header.strip())
        if not match or (not match.group(1) and not match.group(2)):
            self.send_error(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            return None
        first, last = match.groups()
        if first:
            start, end = int(first), min(int(last) if last else size - 1, size - 1)
        else:
            start, end = max(size - int(last), 0), size - 1
        if start >= size or start > end:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{size}")
            self.end_headers()
            return None
        handle = path.open("rb")
        handle.seek(start)
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
        self.send_header("Content-Length", str(end - start + 1))
        self.end_headers()
        self._remaining = end - start + 1
        return handle

    def copyfile(self, source, outputfile):  # type: ignore[override]
        remaining = getattr(self, "_remaining", None)
        if remaining is None:
            return super().copyfile(source, outputfile)
        while remaining > 0:
            block = source.read(min(65536, remaining))
            if not block:
                break
            outputfile.write(block)
            remaining -= len(block)
        self._remaining = None

    def end_headers(self) -> None:
        if not self.headers.get("Range"):
            self.send_header("Accept-Ranges", "bytes")
        super().end_headers()

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("PODCAST_SERVE_QUIET"):
            return
        super().log_message(format, *args)


def make_server(
    directory: Path, host: str, port: int, base_url: str | None = None
) -> ThreadingHTTPServer:
    handler = partial(RangeRequestHandler, directory=str(directory), base_url=base_url)
    return ThreadingHTTPServer((host, port), handler)
