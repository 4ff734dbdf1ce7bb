"""The feed and each file it points at, fetched as podcast apps fetch them."""

from __future__ import annotations

import itertools
import re
from ipaddress import ip_address
from urllib.parse import urlsplit

from podcast.check.feed import Asset
from podcast.check.http import Client, Reply
from podcast.check.integrity import sri_mismatch
from podcast.check.report import Finding, ItemResult, Level

FEED_TYPES = {"application/rss+xml", "application/xml", "text/xml", "application/atom+xml"}
FEED_MAX_BYTES = 50 * 1024 * 1024  # read no more than this
FEED_LARGE = 5 * 1024 * 1024
MEDIA = {"enclosure", "alternate"}
#: what a file must be served as when the feed announces no type
IMAGE_TYPES = {"image/jpeg", "image/png"}
EXPECTED = {"artwork": IMAGE_TYPES, "image": IMAGE_TYPES, "social image": IMAGE_TYPES}
READ_BY_WEB_PLAYERS = {"transcript", "chapters"}  # fetched by script: need CORS
INTEGRITY_MAX_BYTES = 100 * 1024 * 1024  # files announced with an integrity value are fetched
_CONTENT_RANGE = re.compile(r"bytes\s+0-1/(\d+)")


def is_loopback(url: str) -> bool:
    host = urlsplit(url).hostname or ""
    if host == "localhost":
        return True
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return False


def transport_findings(url: str, reply: Reply) -> list[Finding]:
    """https only (but on this machine), and no redirect down to http."""
    findings = []
    if urlsplit(url).scheme != "https" and not is_loopback(url):
        findings.append(Finding(Level.ERROR, "http:// URL: Apple, Spotify and browsers want https"))
    hops = [*(source for _, source in reply.redirects), reply.url]
    if any(
        urlsplit(a).scheme == "https" and urlsplit(b).scheme == "http"
        for a, b in itertools.pairwise(hops)
    ):
        findings.append(Finding(Level.ERROR, f"redirected from https to http ({reply.url})"))
    return findings


def _redirect_note(reply: Reply) -> str:
    if not reply.redirects:
        return ""
    statuses = ", ".join(str(status) for status, _ in reply.redirects)
    return f", redirected ({statuses}) to {reply.url}"


def _status(status: int) -> str:
    hint = " (private? publish with --acl public-read)" if status == 403 else ""
    return f"answered {status}, expected 200{hint}"


def check_feed_reply(url: str, reply: Reply) -> list[Finding]:
    """Status, Content-Type, size, redirects, transport and CORS of the feed itself."""
    if reply.error:
        return [Finding(Level.ERROR, f"cannot be fetched: {reply.error}")]
    findings = transport_findings(url, reply)
    if reply.status != 200:
        return [*findings, Finding(Level.ERROR, _status(reply.status))]
    if reply.media_type not in FEED_TYPES:
        findings.append(
            Finding(
                Level.ERROR,
                f"Content-Type {reply.header('Content-Type') or '(none)'}, "
                "expected application/rss+xml",
            )
        )
    if len(reply.body) >= FEED_LARGE:
        findings.append(
            Finding(Level.WARNING, f"{len(reply.body):,} bytes: large feeds are slow in apps")
        )
    if any(status in (302, 303, 307) for status, _ in reply.redirects):
        findings.append(
            Finding(Level.WARNING, "temporary redirect: apps keep asking the old URL every time")
        )
    if not reply.header("Access-Control-Allow-Origin"):
        findings.append(
            Finding(Level.WARNING, "no Access-Control-Allow-Origin: web players cannot read it")
        )
    return findings


def _expected_types(asset: Asset) -> set[str]:
    if asset.mime:
        return {asset.mime.split(";", 1)[0].strip().lower()}
    return EXPECTED.get(asset.kind, set())


def _content_type(asset: Asset, reply: Reply) -> list[Finding]:
    expected = _expected_types(asset)
    if not expected or reply.media_type in expected:
        return []
    level = Level.ERROR if asset.kind in MEDIA or asset.kind == "artwork" else Level.WARNING
    announced = " or ".join(sorted(expected))
    return [
        Finding(
            level,
            f"Content-Type {reply.header('Content-Type') or '(none)'}, expected {announced}",
        )
    ]


def _ranged(asset: Asset, reply: Reply) -> tuple[list[Finding], int | None]:
    """The ``Range: bytes=0-1`` answer; and the file's length it gives."""
    media = asset.kind in MEDIA
    if reply.error:
        return [Finding(Level.ERROR, f"GET with Range: {reply.error}")], None
    if reply.status == 200:
        level = Level.ERROR if media else Level.WARNING
        return [Finding(level, "ignores Range (200, not 206): apps cannot seek or resume")], None
    if reply.status != 206:
        return [Finding(Level.ERROR, f"GET with Range answered {reply.status}")], None
    match = _CONTENT_RANGE.fullmatch((reply.header("Content-Range") or "").strip())
    if not match or len(reply.body) != 2:
        found = reply.header("Content-Range") or "(none)"
        return [
            Finding(
                Level.ERROR,
                f"206 with Content-Range {found} and {len(reply.body)} byte(s), "
                "expected bytes 0-1/<length> and 2 bytes",
            )
        ], None
    return [], int(match[1])


def _length(header: str | None) -> int | None:
    return int(header) if header and header.strip().isdigit() else None


def _integrity(client: Client, asset: Asset, length: int | None) -> list[Finding]:
    """The whole file against its announced ``podcast:integrity`` (alternates are small)."""
    assert asset.integrity is not None
    if length is not None and length > INTEGRITY_MAX_BYTES:
        return [
            Finding(Level.WARNING, f"integrity not checked: {length:,} bytes is more than we fetch")
        ]
    reply = client.fetch("GET", asset.url, max_body=INTEGRITY_MAX_BYTES + 1)
    if reply.error or reply.status != 200:
        return [Finding(Level.ERROR, f"integrity: GET failed ({reply.error or reply.status})")]
    problem = sri_mismatch(asset.integrity, reply.body)
    return [Finding(Level.ERROR, problem)] if problem else []


def prefix_findings(asset: Asset, head: Reply, base: str | None) -> list[Finding]:
    """A media file behind an analytics prefix (``https://op3.dev/e/<base without scheme>…``)
    must be redirected to the published file itself: ``base`` + the rest."""
    if base is None or asset.kind not in MEDIA or asset.url.startswith(base):
        return []
    bare = base.split("://", 1)[-1]
    at = asset.url.find(bare)
    if at <= 0:
        return []  # hosted elsewhere, not behind a prefix
    real = base + asset.url[at + len(bare) :]
    if head.url != real:
        return [
            Finding(
                Level.ERROR,
                f"behind an analytics prefix, but it leads to {head.url}, not to the "
                f"published file {real}",
            )
        ]
    return []


def check_asset(client: Client, asset: Asset, base: str | None = None) -> ItemResult:
    """HEAD, then ``Range: bytes=0-1``; length and type against what the feed says.

    ``base`` is the feed's folder: media behind an analytics prefix must lead there.
    """
    head = client.fetch("HEAD", asset.url)
    if head.error:
        return ItemResult(asset.label, asset.url, (Finding(Level.ERROR, head.error),))
    findings = transport_findings(asset.url, head) + prefix_findings(asset, head, base)
    if head.status in (405, 501):
        findings.append(Finding(Level.WARNING, f"HEAD answered {head.status}"))
    elif head.status != 200:
        findings.append(Finding(Level.ERROR, _status(head.status)))
        return ItemResult(asset.label, asset.url, tuple(findings))
    ranged = client.fetch("GET", asset.url, {"Range": "bytes=0-1"}, max_body=2)
    range_findings, total = _ranged(asset, ranged)
    findings += range_findings
    head_length = _length(head.header("Content-Length"))
    length = total if total is not None else head_length
    if total is not None and head_length is not None and head_length != total:
        findings.append(Finding(Level.ERROR, f"HEAD says {head_length:,} bytes, GET {total:,}"))
    if asset.length is not None and length is not None and asset.length != length:
        findings.append(
            Finding(
                Level.ERROR if asset.kind in MEDIA else Level.WARNING,
                f"the feed says {asset.length:,} bytes, the server has {length:,}",
            )
        )
    findings += _content_type(asset, head if head.status == 200 else ranged)
    if asset.kind in READ_BY_WEB_PLAYERS and not (
        head.header("Access-Control-Allow-Origin") or ranged.header("Access-Control-Allow-Origin")
    ):
        findings.append(
            Finding(Level.WARNING, "no Access-Control-Allow-Origin: web players cannot read it")
        )
    if asset.integrity:
        findings += _integrity(client, asset, length)
    size = f", {length:,} bytes" if length is not None else ""
    summary = f"{ranged.status or head.status}{size}, {head.media_type}{_redirect_note(head)}"
    return ItemResult(asset.label, asset.url, tuple(findings), summary)
