"""The feed an import reads: every page of a paged feed, relative URLs made absolute,
and the elements no field takes, noted."""

from __future__ import annotations

import collections
import dataclasses
import urllib.parse
from pathlib import Path

from podcast.importer.feedread import FeedChannel, FeedError, FeedItem, read_feed
from podcast.importer.fetch import FetchError, fetch_bytes
from podcast.importer.files import ImportFailed
from podcast.importer.notes import Notes

MAX_PAGES = 100


def _read_page(url: str) -> tuple[FeedChannel, str]:
    try:
        data, final_url = fetch_bytes(url)
    except FetchError as error:
        raise ImportFailed(f"{url}: {error}") from None
    try:
        return read_feed(data), final_url
    except FeedError as error:
        raise ImportFailed(f"{url}: {error}") from None


def _absolute(item: FeedItem, base: str) -> FeedItem:
    """``item`` with its relative URLs (hand-written feeds have them) made absolute."""

    def join(url: str) -> str:
        return urllib.parse.urljoin(base, url)

    enclosure = item.enclosure and dataclasses.replace(item.enclosure, url=join(item.enclosure.url))
    return dataclasses.replace(
        item,
        enclosure=enclosure,
        image=item.image and join(item.image),
        chapters_url=item.chapters_url and join(item.chapters_url),
        transcripts=tuple(dataclasses.replace(t, url=join(t.url)) for t in item.transcripts),
        persons=tuple(dataclasses.replace(p, img=p.img and join(p.img)) for p in item.persons),
    )


def read_source(source: str, notes: Notes) -> tuple[FeedChannel, str | None]:
    """The channel with the items of every page (a paged feed's rel="next" followed)."""
    channel, final_url = _read_page(source)
    base = final_url if "://" in final_url else Path(final_url).resolve().as_uri()
    channel = dataclasses.replace(
        channel, image=channel.image and urllib.parse.urljoin(base, channel.image)
    )
    items = [_absolute(item, base) for item in channel.items]
    page, seen = channel, {final_url}
    while page.next_page and len(seen) < MAX_PAGES:
        next_url = urllib.parse.urljoin(final_url, page.next_page)
        if next_url in seen:
            break
        page, final_url = _read_page(next_url)
        seen.add(final_url)
        items.extend(_absolute(item, final_url) for item in page.items)
    if page.next_page and len(seen) >= MAX_PAGES:
        notes.add(
            "channel",
            'atom:link rel="next"',
            f"stopped after {MAX_PAGES} pages of the "
            f"feed; the items of {page.next_page} and after are not imported",
        )
    numbered = tuple(dataclasses.replace(item, index=n) for n, item in enumerate(items, 1))
    channel = dataclasses.replace(channel, items=numbered)
    feed_url = channel.self_link or (source if source.startswith(("http://", "https://")) else None)
    return channel, feed_url


def note_unread(channel: FeedChannel, notes: Notes) -> None:
    for name in channel.unread:
        notes.add("channel", name, "not imported")
    counts = collections.Counter(name for item in channel.items for name in item.unread)
    for name, count in counts.items():
        notes.add(f"{count} item(s)", name, "not imported")
