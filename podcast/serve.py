"""``podcast serve``: the published folder over HTTP, safe to open to a local network.

Podcast apps seek and resume with ``Range`` requests and revalidate with
``If-None-Match``; Python's own static server does neither, lists folders and
follows symlinks anywhere.  This server:

- serves regular files below the folder only: paths are decoded strictly,
  symlinks are resolved and refused when they lead outside, dot-files
  (``.podcast-index.json`` …) are not served, folders serve their
  ``index.html`` and are never listed;
- answers single and multiple byte ranges (``multipart/byteranges``), ignores
  range units other than ``bytes`` and Range on HEAD (RFC 9110 §14.2), honours
  ``If-Range``, ``If-None-Match`` and ``If-Modified-Since``;
- replaces the show's ``base_url`` (and enclosure URLs behind its analytics
  prefix, so previews count no downloads) in feed, pages and JSON by its own address,
  taken from a ``Host`` header only when that is a plain ``host[:port]``
  (else 400), so no markup from a request reaches a page or the feed.
"""

from __future__ import annotations

import fcntl
import hashlib
import itertools
import os
import re
import secrets
import socket
import stat
import struct
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from email.utils import formatdate, parsedate_to_datetime
from functools import partial
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlsplit

from podcast.catalog.loader import load_catalog
from podcast.mime import content_type

CHUNK = 64 * 1024
MAX_RANGES = 16  # more parts than this, or overlapping ones: the whole file (RFC 9110 §14.2)
REWRITTEN = (".xml", ".html", ".json")
#: a Host header we repeat in feed and pages: a DNS name, IPv4 or [IPv6], and a port
HOST_HEADER = re.compile(
    r"(?:\[[0-9A-Fa-f:.]{2,45}\]|[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?)"
    r"(?::\d{1,5})?"
)
_RANGE_SPEC = re.compile(r"(\d*)-(\d*)")
_ETAG = re.compile(r'\s*(?:W/)?"[^"]*"\s*')
SIOCGIFADDR = 0x8915  # Linux: an interface's IPv4 address


class HTTPFault(Exception):
    """A request the server answers with an error status (never a traceback)."""

    def __init__(self, status: HTTPStatus, message: str | None = None):
        super().__init__(message or status.phrase)
        self.status = status
        self.message = message


@dataclass(frozen=True)
class Resource:
    """A file to send: its bytes (rewritten ones in ``body``), type and validators."""

    path: Path
    size: int
    mtime: int
    etag: str
    content_type: str
    body: bytes | None = None  # the rewritten text; None: read from ``path``

    def chunks(self, start: int, length: int) -> Iterator[bytes]:
        if self.body is not None:
            yield self.body[start : start + length]
            return
        with self.path.open("rb") as handle:
            handle.seek(start)
            while length > 0:
                block = handle.read(min(CHUNK, length))
                if not block:
                    return
                length -= len(block)
                yield block


# --- paths ---------------------------------------------------------------------------------


def request_segments(target: str) -> tuple[list[str], bool]:
    """The decoded path segments of a request target, and whether it ends with ``/``.

    400 for what no client sends by mistake (bad percent-encoding, control
    characters); 404 for ``..``, dot-files and backslashes.
    """
    if target.startswith(("http://", "https://")):
        target = urlsplit(target).path or "/"
    if not target.startswith("/"):
        raise HTTPFault(HTTPStatus.BAD_REQUEST, "expected a path starting with /")
    raw = target.split("?", 1)[0].split("#", 1)[0]
    try:
        path = unquote(raw, errors="strict")
    except UnicodeDecodeError as error:
        raise HTTPFault(HTTPStatus.BAD_REQUEST, "the path is not UTF-8") from error
    if any(ord(char) < 32 or ord(char) == 127 for char in path):
        raise HTTPFault(HTTPStatus.BAD_REQUEST, "control characters in the path")
    segments = [part for part in path.split("/") if part not in ("", ".")]
    if any(part.startswith(".") or "\\" in part for part in segments):
        raise HTTPFault(HTTPStatus.NOT_FOUND)
    return segments, path.endswith("/")


def inside(root: Path, candidate: Path) -> Path:
    """``candidate`` with every symlink resolved; 404 unless it is still below ``root``."""
    try:
        real = candidate.resolve(strict=True)
    except (OSError, RuntimeError) as error:
        raise HTTPFault(HTTPStatus.NOT_FOUND) from error
    if not real.is_relative_to(root) or any(
        part.startswith(".") for part in real.relative_to(root).parts
    ):
        raise HTTPFault(HTTPStatus.NOT_FOUND)
    return real


# --- ranges and validators -----------------------------------------------------------------


def parse_ranges(header: str, size: int) -> list[tuple[int, int]] | None:
    """The byte ranges (first, last inclusive) a ``Range`` header asks for.

    ``None``: ignore the header and send the whole file (another unit, a
    malformed set, too many or overlapping ranges); ``[]``: nothing of it is
    in the file (416).
    """
    unit, equals, spec = header.partition("=")
    if not equals or unit.strip().lower() != "bytes":
        return None
    ranges: list[tuple[int, int]] = []
    parts = [part.strip() for part in spec.split(",") if part.strip()]
    if not parts:
        return None
    for part in parts:
        match = _RANGE_SPEC.fullmatch(part)
        if not match or not (match[1] or match[2]):
            return None
        if match[1]:
            first = int(match[1])
            last = int(match[2]) if match[2] else size - 1
            if match[2] and last < first:
                return None
            if first < size:
                ranges.append((first, min(last, size - 1)))
        elif int(match[2]) > 0 and size > 0:
            ranges.append((max(size - int(match[2]), 0), size - 1))
    ordered = sorted(ranges)
    if len(ranges) > MAX_RANGES or any(a[1] >= b[0] for a, b in itertools.pairwise(ordered)):
        return None
    return ranges


def etag_listed(header: str, etag: str) -> bool:
    """Weak comparison of ``etag`` with an ``If-None-Match`` list (RFC 9110 §13.1.2)."""
    if header.strip() == "*":
        return True
    opaque = etag.removeprefix("W/")
    return any(tag.strip().removeprefix("W/") == opaque for tag in header.split(","))


def _date(header: str) -> int | None:
    try:
        return int(parsedate_to_datetime(header).timestamp())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def not_modified(headers, resource: Resource) -> bool:
    """If-None-Match, or else If-Modified-Since, says the client's copy is current."""
    if_none_match = headers.get("If-None-Match")
    if if_none_match is not None:
        return etag_listed(if_none_match, resource.etag)
    since = headers.get("If-Modified-Since")
    date = _date(since) if since else None
    return date is not None and resource.mtime <= date


def range_applies(headers, resource: Resource) -> bool:
    """If-Range: the ranges only apply to the representation the client already has."""
    if_range = headers.get("If-Range")
    if if_range is None:
        return True
    if _ETAG.fullmatch(if_range):
        return not if_range.strip().startswith("W/") and if_range.strip() == resource.etag
    return _date(if_range) == resource.mtime


@dataclass(frozen=True)
class Published:
    """Where the published files say the show lives: replaced by this server's address."""

    base_url: str
    analytics_prefix: str | None = None  # enclosures: prefix + base_url without its scheme

    def replaced(self) -> tuple[bytes, ...]:
        """The URL prefixes to replace, longest first."""
        base = self.base_url.rstrip("/")
        prefixed = (
            (self.analytics_prefix + base.split("://", 1)[-1],) if self.analytics_prefix else ()
        )
        return tuple(url.encode() for url in (*prefixed, base))


# --- the handler ---------------------------------------------------------------------------


class PreviewHandler(BaseHTTPRequestHandler):
    """GET and HEAD of the served folder; every other method gets 501."""

    server_version = "podcast-serve"
    protocol_version = "HTTP/1.1"
    timeout = 60  # an idle keep-alive connection is closed after a minute

    def __init__(self, *args, root: Path, published: Published | None, **kwargs):
        self.root = root
        self.replaced = published.replaced() if published else ()
        super().__init__(*args, **kwargs)

    def version_string(self) -> str:
        return self.server_version

    def do_GET(self) -> None:
        self.respond(send_body=True)

    def do_HEAD(self) -> None:
        self.respond(send_body=False)

    def respond(self, send_body: bool) -> None:
        try:
            resource = self.resource()
        except HTTPFault as fault:
            self.send_error(fault.status, fault.message)
            return
        except OSError:  # unreadable, or gone since it was found
            self.send_error(HTTPStatus.NOT_FOUND)
            return
        if resource is None:
            return  # redirected
        try:
            self.send_resource(resource, send_body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the app stopped reading: seeking or skipping
        except OSError as error:  # the file went away while it was sent
            self.log_error("%s: %s", self.path, error.strerror)
            self.close_connection = True

    def own_address(self) -> str:
        """``host[:port]`` for links back to this server: a plain Host header, else the socket."""
        header = self.headers.get("Host")
        if header is not None:
            header = header.strip()
            if not HOST_HEADER.fullmatch(header):
                raise HTTPFault(HTTPStatus.BAD_REQUEST, "expected a Host header of host[:port]")
            return header
        address, port = self.connection.getsockname()[:2]
        return f"[{address}]:{port}" if ":" in address else f"{address}:{port}"

    def resource(self) -> Resource | None:
        segments, slash = request_segments(self.path)
        address = self.own_address()  # checked on every request, used in rewritten files
        real = inside(self.root, self.root.joinpath(*segments))
        if real.is_dir():
            if not slash and segments:
                self.redirect("/" + "/".join(quote(part) for part in segments) + "/")
                return None
            real = inside(self.root, real / "index.html")  # no listing: no index, no page
        info = real.stat()
        if not stat.S_ISREG(info.st_mode):
            raise HTTPFault(HTTPStatus.NOT_FOUND)
        kind = content_type(real.relative_to(self.root).as_posix())
        if self.replaced and real.suffix in REWRITTEN:
            body = real.read_bytes()
            for url in self.replaced:
                body = body.replace(url, f"http://{address}".encode())
            tag = hashlib.sha256(body).hexdigest()[:24]
            return Resource(real, len(body), int(info.st_mtime), f'"{tag}"', kind, body)
        etag = f'"{info.st_size:x}-{info.st_mtime_ns:x}"'
        return Resource(real, info.st_size, int(info.st_mtime), etag, kind)

    def redirect(self, location: str) -> None:
        self.send_response(HTTPStatus.MOVED_PERMANENTLY)
        self.send_header("Location", location)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def common_headers(self, resource: Resource) -> None:
        self.send_header("ETag", resource.etag)
        self.send_header("Last-Modified", formatdate(resource.mtime, usegmt=True))
        self.send_header("Accept-Ranges", "bytes")
        self.send_header("Cache-Control", "no-cache")
        self.send_header("Access-Control-Allow-Origin", "*")  # web players read the feed
        self.send_header("X-Content-Type-Options", "nosniff")

    def send_resource(self, resource: Resource, send_body: bool) -> None:
        if not_modified(self.headers, resource):
            self.send_response(HTTPStatus.NOT_MODIFIED)
            self.common_headers(resource)
            self.end_headers()
            return
        header = self.headers.get("Range")
        ranges = None
        if send_body and header is not None and range_applies(self.headers, resource):
            ranges = parse_ranges(header, resource.size)
        if ranges == []:
            self.send_response(HTTPStatus.REQUESTED_RANGE_NOT_SATISFIABLE)
            self.send_header("Content-Range", f"bytes */{resource.size}")
            self.send_header("Content-Length", "0")
            self.common_headers(resource)
            self.end_headers()
            return
        if ranges is None:
            self.send_response(HTTPStatus.OK)
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Length", str(resource.size))
            self.common_headers(resource)
            self.end_headers()
            if send_body:
                self.write(resource.chunks(0, resource.size))
            return
        self.send_response(HTTPStatus.PARTIAL_CONTENT)
        self.common_headers(resource)
        if len(ranges) == 1:
            first, last = ranges[0]
            self.send_header("Content-Type", resource.content_type)
            self.send_header("Content-Range", f"bytes {first}-{last}/{resource.size}")
            self.send_header("Content-Length", str(last - first + 1))
            self.end_headers()
            self.write(resource.chunks(first, last - first + 1))
            return
        boundary = secrets.token_hex(16)
        heads = [
            (
                f"\r\n--{boundary}\r\nContent-Type: {resource.content_type}\r\n"
                f"Content-Range: bytes {first}-{last}/{resource.size}\r\n\r\n"
            ).encode("ascii")
            for first, last in ranges
        ]
        tail = f"\r\n--{boundary}--\r\n".encode("ascii")
        length = sum(map(len, heads)) + sum(b - a + 1 for a, b in ranges) + len(tail)
        self.send_header("Content-Type", f"multipart/byteranges; boundary={boundary}")
        self.send_header("Content-Length", str(length))
        self.end_headers()
        for head, (first, last) in zip(heads, ranges, strict=True):
            self.wfile.write(head)
            self.write(resource.chunks(first, last - first + 1))
        self.wfile.write(tail)

    def write(self, chunks: Iterator[bytes]) -> None:
        for chunk in chunks:
            self.wfile.write(chunk)

    def log_message(self, format: str, *args) -> None:
        if os.environ.get("PODCAST_SERVE_QUIET"):
            return
        message = format % args
        printable = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in message)
        super().log_message("%s", printable)


class PreviewServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], handler, family: socket.AddressFamily):
        self.address_family = family
        super().__init__(address, handler)

    def handle_error(self, request, client_address) -> None:
        """A client that went away is no error; anything else is the server's own bug."""
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return
        super().handle_error(request, client_address)


def make_server(
    directory: Path,
    host: str,
    port: int,
    base_url: str | None = None,
    analytics_prefix: str | None = None,
) -> PreviewServer:
    """A server for ``directory`` on ``host:port`` (0: any free port); not yet serving.

    With ``base_url``, feed, pages and JSON point at this server instead.
    """
    published = Published(base_url, analytics_prefix) if base_url else None
    handler = partial(PreviewHandler, root=directory.resolve(), published=published)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    return PreviewServer((host, port), handler, family)


def catalog_published(catalog: Path) -> Published:
    """The show's URLs, from a catalog that validates (else every problem, as validate)."""
    loaded, problems = load_catalog(catalog, probe_media=False)
    problems.raise_if_errors()
    assert loaded is not None  # no errors: a catalog
    return Published(loaded.show.meta.base_url, loaded.show.meta.analytics_prefix)


# --- where it can be reached ---------------------------------------------------------------


def interface_addresses() -> list[str]:
    """This machine's IPv4 addresses, loopback first: each interface's, else the resolver's."""
    found: list[str] = []
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        for _, name in socket.if_nameindex():
            request = struct.pack("256s", name.encode()[:15])
            try:
                answer = fcntl.ioctl(probe.fileno(), SIOCGIFADDR, request)
            except OSError:
                continue  # no IPv4 address on it, or not Linux
            found.append(socket.inet_ntoa(answer[20:24]))
    if not found:
        try:
            infos = socket.getaddrinfo(socket.gethostname(), None, socket.AF_INET)
        except OSError:
            infos = []
        found = [str(info[4][0]) for info in infos]
    unique = dict.fromkeys(["127.0.0.1", *found])
    return sorted(unique, key=lambda address: (not address.startswith("127."), address))


def reachable_addresses(host: str) -> list[str]:
    """The addresses a server bound to ``host`` answers on, for URLs."""
    if host in ("", "0.0.0.0"):
        return interface_addresses()
    if host == "::":
        return ["[::1]", *interface_addresses()[1:]]
    return [f"[{host}]" if ":" in host else host]
