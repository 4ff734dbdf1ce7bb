"""HTTP downloads for the import: redirects followed, retries, resume, sizes checked.

:func:`fetch_bytes` gets small documents (the feed, chapters, transcripts, artwork);
:func:`download` streams an enclosure into a ``.part`` file next to its target and
resumes it with a ``Range`` request after a dropped connection (or a run that was
stopped), then checks the size against ``Content-Length`` (or, when the server sends
none, the enclosure's ``length``).  A local path or ``file://`` URL is read directly.
"""

from __future__ import annotations

import http.client
import re
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podcast import __version__

USER_AGENT = f"podcast-import/{__version__} (+https://github.com/)"
TIMEOUT = 30.0
RETRIES = 3
BACKOFF = 0.5  # seconds before the first retry, doubled each time
CHUNK = 256 * 1024
_CONTENT_RANGE = re.compile(r"bytes (\d+)-(\d+)/(\d+|\*)")

#: (bytes done, bytes total or None) of one download
ByteProgress = Callable[[int, int | None], None]


class FetchError(Exception):
    """A download failed for good; the message says what the server or network said."""


@dataclass(frozen=True)
class Downloaded:
    path: Path
    size: int
    final_url: str  # after redirects
    content_type: str | None
    resumed: bool
    attempts: int


def _is_local(source: str) -> bool:
    return "://" not in source or source.startswith("file://")


def _local_path(source: str) -> Path:
    if source.startswith("file://"):
        return Path(urllib.parse.unquote(urllib.parse.urlparse(source).path))
    return Path(source)


def _request(url: str, start: int = 0) -> urllib.request.Request:
    headers = {"User-Agent": USER_AGENT, "Accept": "*/*"}
    if start:
        headers["Range"] = f"bytes={start}-"
    return urllib.request.Request(url, headers=headers)


def _describe(error: Exception) -> str:
    if isinstance(error, urllib.error.HTTPError):
        return f"HTTP {error.code} {error.reason}"
    if isinstance(error, urllib.error.URLError):
        return f"cannot connect ({error.reason})"
    if isinstance(error, http.client.IncompleteRead):
        return f"the connection broke off after {len(error.partial):,} bytes"
    return str(error) or type(error).__name__


#: what a network, a server or a dropped connection raises
NETWORK_ERRORS = (OSError, http.client.HTTPException)


def _retryable(error: Exception) -> bool:
    if isinstance(error, urllib.error.HTTPError):
        return error.code >= 500 or error.code in {408, 429}
    return isinstance(error, NETWORK_ERRORS)


def fetch_bytes(url: str, *, retries: int = RETRIES) -> tuple[bytes, str]:
    """The body at ``url`` and the URL it came from after redirects."""
    if _is_local(url):
        path = _local_path(url)
        try:
            return path.read_bytes(), url
        except OSError as error:
            raise FetchError(f"cannot be read ({error.strerror})") from None
    delay = BACKOFF
    for attempt in range(1, retries + 1):
        try:
            with urllib.request.urlopen(_request(url), timeout=TIMEOUT) as response:
                return response.read(), response.geturl()
        except NETWORK_ERRORS as error:
            if attempt == retries or not _retryable(error):
                raise FetchError(_describe(error)) from None
            time.sleep(delay)
            delay *= 2
    raise FetchError("no attempt was made")  # retries < 1


def _total_of(response, start: int) -> int | None:
    """The full size of the resource, from Content-Range (206) or Content-Length (200)."""
    if response.status == 206:
        match = _CONTENT_RANGE.match(response.headers.get("Content-Range", ""))
        if match and match.group(3) != "*":
            return int(match.group(3))
        return None
    length = response.headers.get("Content-Length")
    return int(length) if length and length.isdigit() else None


def download(
    url: str,
    target: Path,
    *,
    expected_length: int | None = None,
    progress: ByteProgress | None = None,
    retries: int = RETRIES,
) -> Downloaded:
    """``url`` saved as ``target``; a partial ``target.part`` is resumed.

    The size must equal the server's ``Content-Length`` (or ``Content-Range`` total);
    without either it must reach ``expected_length`` (the enclosure's ``length``).
    """
    if _is_local(url):
        data, _ = fetch_bytes(url)
        target.write_bytes(data)
        return Downloaded(target, len(data), url, None, False, 1)
    part = target.with_name(target.name + ".part")
    delay, resumed, last_error = BACKOFF, False, "no attempt was made"
    for attempt in range(1, retries + 1):
        start = part.stat().st_size if part.exists() else 0
        try:
            with urllib.request.urlopen(_request(url, start), timeout=TIMEOUT) as response:
                if start and response.status != 206:
                    start = 0  # the server ignored the range: start over
                resumed = resumed or start > 0
                total = _total_of(response, start)
                content_type = response.headers.get_content_type()
                final_url = response.geturl()
                done = start
                with part.open("ab" if start else "wb") as out:
                    while chunk := response.read(CHUNK):
                        out.write(chunk)
                        done += len(chunk)
                        if progress:
                            progress(done, total or expected_length)
            if total is not None and done != total:
                raise ConnectionError(f"got {done:,} of {total:,} bytes")
            if total is None and expected_length and done < expected_length:
                raise ConnectionError(f"got {done:,} of the {expected_length:,} bytes announced")
            part.replace(target)
            return Downloaded(target, done, final_url, content_type, resumed, attempt)
        except NETWORK_ERRORS as error:
            over = isinstance(error, urllib.error.HTTPError) and error.code == 416 and start > 0
            if over:
                part.unlink()  # our partial file is bigger than the resource: start over
            last_error = _describe(error)
            if attempt == retries or not (over or _retryable(error)):
                break
            time.sleep(delay)
            delay *= 2
    raise FetchError(last_error)
