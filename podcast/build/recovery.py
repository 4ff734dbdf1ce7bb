"""A published state recovered from the published feed, when the state itself is lost.

If ``podcast-state.json`` is missing at the target (deleted, or a bucket copied
without it) or cannot be read, but the target's ``feed.xml`` is there, the feed
still names every published episode: its GUID, page link, enclosure (URL and
length), season, number and title, and the channel's ``podcast:guid``.  The
state recovered from it (``recovered_from`` set) is matched by
:mod:`podcast.build.identity` on what the feed has: explicit guid, enclosure
file name, page link, then season, number and title.  What a feed cannot tell
(the masters' hashes) stays empty; the audio's hash is the 8 hex digits the
enclosure's file name carries (``audio/<slug>-<hash>.mp3``, see
:func:`podcast.paths.audio_path`).
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from urllib.parse import unquote

from podcast.build.state import PublishedEpisode, PublishedState
from podcast.problems import PodcastError

ITUNES = "{http://www.itunes.com/dtds/podcast-1.0.dtd}"
PODCAST_NAMESPACES = (
    "{https://podcastindex.org/namespace/1.0}",
    "{https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md}",
)
_AUDIO_HASH = re.compile(r"-([0-9a-f]{8})(?:-[0-9a-f]{8})?\.mp3$")  # see audio_path
_PAGE = re.compile(r"^episodes/([^/]+)/?$")


def _under(url: str, base_url: str) -> str | None:
    """The relpath of ``url`` under ``base_url``, also behind an analytics prefix; else None."""
    base = base_url.rstrip("/") + "/"
    bare = base.split("://", 1)[-1]
    at = url.find(bare)
    if at < 0:
        return None
    rest = url[at + len(bare) :].split("#", 1)[0].split("?", 1)[0]
    return unquote(rest) or None


def _int(text: str | None) -> int | None:
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def _text(item: ET.Element, *tags: str) -> str | None:
    for tag in tags:
        found = item.find(tag)
        if found is not None and found.text and found.text.strip():
            return found.text.strip()
    return None


def recover_state(feed: bytes, base_url: str, where: str) -> PublishedState:
    """The published state as far as the feed at ``where`` tells it."""
    try:
        root = ET.fromstring(feed)
    except ET.ParseError as error:
        raise PodcastError(
            f"{where}: the published feed cannot be read ({error}), and there is no readable "
            "published state: the GUIDs of the published episodes cannot be recovered. "
            "Restore podcast-state.json or feed.xml at the target from a backup."
        ) from None
    channel = root.find("channel")
    if channel is None:
        raise PodcastError(f"{where}: not an RSS feed (no <channel>)")
    records = []
    for item in channel.findall("item"):
        guid = _text(item, "guid")
        enclosure = item.find("enclosure")
        url = enclosure.get("url", "") if enclosure is not None else ""
        guid = guid or url  # what apps use for an item without a <guid>
        if not guid:
            continue
        relpath = _under(url, base_url) or ""
        link = _under(_text(item, "link") or "", base_url) or ""
        page = _PAGE.match(link)
        audio_hash = _AUDIO_HASH.search(relpath)
        season = _text(item, f"{ITUNES}season", *(f"{ns}season" for ns in PODCAST_NAMESPACES))
        number = _text(item, f"{ITUNES}episode", *(f"{ns}episode" for ns in PODCAST_NAMESPACES))
        length = _int(enclosure.get("length") if enclosure is not None else None)
        records.append(
            PublishedEpisode(
                guid=guid,
                slug=page.group(1) if page else "",
                season=_int(season) or 0,
                number=_int(number),
                master_sha256="",
                audio_sha256=audio_hash.group(1) if audio_hash else "",
                enclosure=relpath,
                size=length if relpath and length else None,
                title=_text(item, "title", f"{ITUNES}title") or "",
            )
        )
    podcast_guid = next(
        (g for ns in PODCAST_NAMESPACES if (g := _text(channel, f"{ns}guid"))), None
    )
    return PublishedState(podcast_guid=podcast_guid, episodes=tuple(records), recovered_from=where)


def with_feed_sizes(state: PublishedState, feed: bytes | None, base_url: str) -> PublishedState:
    """Fill in the published length of records that lack it (states written before lengths)."""
    if feed is None or all(r.size is not None for r in state.episodes):
        return state
    try:
        recovered = recover_state(feed, base_url, "feed.xml")
    except PodcastError:
        return state  # the lengths are a help, not a need: without them a new tag gets a new name
    sizes = {r.enclosure: r.size for r in recovered.episodes if r.enclosure}
    episodes = tuple(
        r.model_copy(update={"size": sizes.get(r.enclosure)}) if r.size is None else r
        for r in state.episodes
    )
    return state.model_copy(update={"episodes": episodes})
