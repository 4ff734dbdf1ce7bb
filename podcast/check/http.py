"""HTTP as podcast apps use it: HEAD, small ranged GETs, redirects followed and recorded.

Bounded: a timeout on every connection, at most ``per_host`` requests to one
host at a time, bodies read only up to what a check needs (a server that
ignores ``Range`` does not make us download a whole episode).
"""

from __future__ import annotations

import http.client
import ssl
import threading
from dataclasses import dataclass, field, replace
from urllib.parse import urljoin, urlsplit

MAX_REDIRECTS = 5
REDIRECTS = {301, 302, 303, 307, 308}
USER_AGENT = "podcast-check/1 (like a podcast app)"


@dataclass(frozen=True)
class Reply:
    """The last answer after redirects, or ``error`` when there was none."""

    url: str  # the URL that answered
    status: int = 0
    headers: dict[str, str] = field(default_factory=dict)  # lower-case names
    body: bytes = b""
    redirects: tuple[tuple[int, str], ...] = ()  # (status, the URL redirected from)
    error: str | None = None

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    @property
    def media_type(self) -> str:
        return (self.header("Content-Type") or "").split(";", 1)[0].strip().lower()


class Client:
    """Requests with a timeout and a per-host limit; safe to share between threads."""

    def __init__(self, timeout: float = 10.0, per_host: int = 2):
        self.timeout = timeout
        self.per_host = per_host
        self._limits: dict[str, threading.BoundedSemaphore] = {}
        self._lock = threading.Lock()
        self._tls = ssl.create_default_context()

    def _limit(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            return self._limits.setdefault(host, threading.BoundedSemaphore(self.per_host))

    def fetch(
        self,
        method: str,
        url: str,
        headers: dict[str, str] | None = None,
        max_body: int = 0,
    ) -> Reply:
        """``method`` on ``url`` following redirects; at most ``max_body`` bytes are read."""
        redirects: list[tuple[int, str]] = []
        for _ in range(MAX_REDIRECTS + 1):
            reply = self._once(method, url, headers or {}, max_body)
            location = reply.header("Location")
            if reply.status not in REDIRECTS or not location:
                return replace(reply, redirects=tuple(redirects))
            redirects.append((reply.status, url))
            url = urljoin(url, location)
        return Reply(url, redirects=tuple(redirects), error=f"more than {MAX_REDIRECTS} redirects")

    def _once(self, method: str, url: str, headers: dict[str, str], max_body: int) -> Reply:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname:
            return Reply(url, error="not an http(s) URL")
        connection: http.client.HTTPConnection
        if parts.scheme == "https":
            connection = http.client.HTTPSConnection(
                parts.hostname, parts.port, timeout=self.timeout, context=self._tls
            )
        else:
            connection = http.client.HTTPConnection(
                parts.hostname, parts.port, timeout=self.timeout
            )
        target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        with self._limit(parts.netloc.lower()):
            try:
                connection.request(method, target, headers={"User-Agent": USER_AGENT, **headers})
                response = connection.getresponse()
                body = response.read(max_body) if max_body and method != "HEAD" else b""
                found = {name.lower(): value for name, value in response.getheaders()}
                return Reply(url, response.status, found, body)
            except (http.client.InvalidURL, ValueError) as error:  # spaces, non-ASCII …
                return Reply(url, error=f"not a URL a client can request ({error})")
            except (OSError, http.client.HTTPException) as error:
                return Reply(url, error=_describe(error))
            finally:
                connection.close()


def _describe(error: Exception) -> str:
    if isinstance(error, TimeoutError):
        return "timed out"
    if isinstance(error, ssl.SSLError):
        return f"TLS error ({error.reason or error})"
    if isinstance(error, ConnectionRefusedError):
        return "connection refused"
    text = str(error) or type(error).__name__
    return text
