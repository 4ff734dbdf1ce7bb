"""What a published feed says: its channel fields, episodes and every file they point at."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import dataclass

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST_NAMESPACES = (
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)


class FeedError(Exception):
    """The feed cannot be read as RSS (not XML, or no channel)."""


@dataclass(frozen=True)
class Asset:
    """A file the feed points at, with what the feed says about it."""

    kind: str  # enclosure, alternate, transcript, chapters, image, social image
    url: str
    episode: str  # the episode's title; "" for the show's own files
    mime: str | None = None  # the type the feed announces
    length: int | None = None  # the length the feed announces
    integrity: str | None = None  # an alternate's podcast:integrity (SRI), to check the bytes

    @property
    def label(self) -> str:
        """``kind: episode title`` (the title cut to 40 characters), ``show kind``."""
        if not self.episode:
            return f"show {self.kind}"
        title = self.episode if len(self.episode) <= 40 else self.episode[:39].rstrip() + "…"
        return f"{self.kind}: {title}"


@dataclass(frozen=True)
class Episode:
    title: str
    guid: str | None
    pub_date: str | None
    enclosure: Asset | None


@dataclass(frozen=True)
class Feed:
    title: str
    author: str | None
    owner_email: str | None
    explicit: str | None
    language: str | None
    description: str | None
    categories: tuple[str, ...]
    artwork: str | None  # itunes:image href
    episodes: tuple[Episode, ...]
    assets: tuple[Asset, ...]  # every file to check, artwork first


def _text(element: ET.Element | None) -> str | None:
    if element is None or element.text is None:
        return None
    return element.text.strip() or None


def _int(value: str | None) -> int | None:
    try:
        return int(value) if value is not None else None
    except ValueError:
        return None


def _podcast(element: ET.Element, tag: str) -> list[ET.Element]:
    return [found for ns in PODCAST_NAMESPACES for found in element.findall(f"{{{ns}}}{tag}")]


def _episode_assets(item: ET.Element, title: str) -> list[Asset]:
    assets = []
    enclosure = item.find("enclosure")
    if enclosure is not None and enclosure.get("url"):
        assets.append(
            Asset(
                "enclosure",
                enclosure.get("url", ""),
                title,
                enclosure.get("type"),
                _int(enclosure.get("length")),
            )
        )
    for alternate in _podcast(item, "alternateEnclosure"):
        sri = [i.get("value") for i in _podcast(alternate, "integrity") if i.get("type") == "sri"]
        for source in _podcast(alternate, "source"):
            if source.get("uri"):
                assets.append(
                    Asset(
                        "alternate",
                        source.get("uri", ""),
                        title,
                        source.get("contentType") or alternate.get("type"),
                        _int(alternate.get("length")),
                        sri[0] if sri else None,
                    )
                )
    for kind in ("transcript", "chapters"):
        for element in _podcast(item, kind):
            if element.get("url"):
                assets.append(Asset(kind, element.get("url", ""), title, element.get("type")))
    image = item.find(f"{ITUNES}image")
    if image is not None and image.get("href"):
        assets.append(Asset("image", image.get("href", ""), title))
    for element in _podcast(item, "image"):
        if element.get("href"):
            assets.append(
                Asset("social image", element.get("href", ""), title, element.get("type"))
            )
    return assets


def parse_feed(body: bytes) -> Feed:
    """The feed's fields; :class:`FeedError` when it is not an RSS feed."""
    try:
        root = ET.fromstring(body)
    except ET.ParseError as error:
        raise FeedError(f"not well-formed XML ({error})") from error
    channel = root.find("channel")
    if root.tag != "rss" or channel is None:
        raise FeedError(f"expected <rss><channel>, found <{root.tag}>")
    artwork = channel.find(f"{ITUNES}image")
    artwork_url = artwork.get("href") if artwork is not None else None
    assets: list[Asset] = [Asset("artwork", artwork_url, "")] if artwork_url else []
    episodes = []
    for item in channel.findall("item"):
        title = _text(item.find("title")) or "(untitled episode)"
        found = _episode_assets(item, title)
        assets.extend(found)
        enclosure = next((asset for asset in found if asset.kind == "enclosure"), None)
        episodes.append(
            Episode(
                title=title,
                guid=_text(item.find("guid")),
                pub_date=_text(item.find("pubDate")),
                enclosure=enclosure,
            )
        )
    return Feed(
        title=_text(channel.find("title")) or "",
        author=_text(channel.find(f"{ITUNES}author")),
        owner_email=_text(channel.find(f"{ITUNES}owner/{ITUNES}email")),
        explicit=_text(channel.find(f"{ITUNES}explicit")),
        language=_text(channel.find("language")),
        description=_text(channel.find("description")),
        categories=tuple(
            element.get("text", "") for element in channel.findall(f"{ITUNES}category")
        ),
        artwork=artwork_url,
        episodes=tuple(episodes),
        assets=tuple(assets),
    )
