"""``check_show``: the feed, then every file it points at in parallel, then the platform rules."""

from __future__ import annotations

import io
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from PIL import Image, UnidentifiedImageError

from podcast.catalog import SHOW_FILE, load_catalog
from podcast.check.assets import FEED_MAX_BYTES, check_asset, check_feed_reply
from podcast.check.feed import Asset, FeedError, parse_feed
from podcast.check.http import Client
from podcast.check.platforms import Artwork, check_rules
from podcast.check.report import CheckReport, Finding, ItemResult, Level
from podcast.problems import PodcastError

ARTWORK_MAX_BYTES = 20 * 1024 * 1024


@dataclass(frozen=True)
class CheckOptions:
    timeout: float = 10.0  # seconds per connection
    per_host: int = 2  # requests to one host at a time
    workers: int = 8  # files checked at once


def catalog_feed_url(catalog: Path) -> str:
    """The feed URL of the catalog's show (its base_url), once the catalog validates."""
    if not (catalog / SHOW_FILE).is_file():
        raise PodcastError(
            f"{catalog / SHOW_FILE}: not found, so the feed's URL is unknown: "
            "give --url or --catalog FOLDER"
        )
    loaded, problems = load_catalog(catalog, probe_media=False)
    problems.raise_if_errors()
    assert loaded is not None  # no errors: a catalog
    return loaded.show.feed_url


def fetch_artwork(client: Client, url: str) -> Artwork:
    """The show's artwork as Pillow reads it (format, size, colour mode)."""
    reply = client.fetch("GET", url, max_body=ARTWORK_MAX_BYTES)
    if reply.error or reply.status != 200:
        return Artwork(error=f"cannot be fetched ({reply.error or reply.status})")
    try:
        with Image.open(io.BytesIO(reply.body)) as image:
            return Artwork(image.format, image.width, image.height, image.mode)
    except (UnidentifiedImageError, OSError) as error:
        return Artwork(error=f"is not an image Pillow reads ({error})")


def unique_assets(assets: tuple[Asset, ...]) -> list[Asset]:
    """Each URL once: the first asset that names it (artwork before per-episode images)."""
    seen: dict[str, Asset] = {}
    for asset in assets:
        seen.setdefault(asset.url, asset)
    return list(seen.values())


def check_show(feed_url: str, options: CheckOptions | None = None) -> CheckReport:
    """Check the show at ``feed_url`` as apps and platforms fetch it."""
    options = options or CheckOptions()
    client = Client(timeout=options.timeout, per_host=options.per_host)
    reply = client.fetch("GET", feed_url, max_body=FEED_MAX_BYTES)
    findings = check_feed_reply(feed_url, reply)
    if any(f.level is Level.ERROR for f in findings) and reply.status != 200:
        return CheckReport(feed_url, (ItemResult("feed", feed_url, tuple(findings)),), ())
    try:
        feed = parse_feed(reply.body)
    except FeedError as error:
        findings.append(Finding(Level.ERROR, str(error)))
        return CheckReport(feed_url, (ItemResult("feed", feed_url, tuple(findings)),), ())
    summary = (
        f"{reply.status}, {len(reply.body):,} bytes, {reply.media_type}, "
        f"{len(feed.episodes)} episode(s)"
    )
    items = [ItemResult("feed", feed_url, tuple(findings), summary)]
    assets = unique_assets(feed.assets)
    with ThreadPoolExecutor(max_workers=options.workers) as pool:
        artwork = pool.submit(fetch_artwork, client, feed.artwork) if feed.artwork else None
        base = (reply.url or feed_url).rsplit("/", 1)[0] + "/"  # where the feed and its files live
        items += pool.map(lambda asset: check_asset(client, asset, base), assets)
        rules = check_rules(feed, artwork.result() if artwork else Artwork())
    return CheckReport(feed_url, tuple(items), tuple(rules))
