"""What a listener's app sees in a feed, read the same way from the host's feed and from
the feed published after the import, and the differences between two such readings.

Read independently of the importer: feedparser for items and dates, lxml for the
Podcast Index and Podlove tags, mutagen for ID3 chapters.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import feedparser
import mutagen.id3
from dateutil import parser as dateparser
from lxml import etree

PODCAST_NS = (
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
)
PSC_NS = "http://podlove.org/simple-chapters"

Fetch = Callable[[str], bytes]


@dataclass(frozen=True)
class ItemFacts:
    guid: str
    title: str
    instant: int  # POSIX seconds
    duration: float
    chapters: tuple[tuple[float, str], ...]
    transcript: tuple[tuple[float, float, str], ...]


@dataclass(frozen=True)
class FeedFacts:
    podcast_guid: str | None
    items: dict[str, ItemFacts]  # by guid


# what the hosts' named zones mean (feedparser takes CET for UTC; dateutil needs telling)
ZONES = {"GMT": 0, "UTC": 0, "EST": -5 * 3600, "CET": 3600, "CEST": 7200}


def _instant(text: str) -> int:
    moment = dateparser.parse(text, tzinfos=ZONES)
    assert moment.tzinfo is not None, text
    return int(moment.timestamp())


def _seconds(text: str) -> float:
    total = 0.0
    for part in text.strip().replace(",", ".").split(":"):
        total = total * 60 + float(part)
    return total


def _cues(data: bytes, kind: str) -> tuple[tuple[float, float, str], ...]:
    if "json" in kind:
        segments = json.loads(data)["segments"]
        return tuple(
            (
                round(float(s["startTime"]), 3),
                round(float(s["endTime"]), 3),
                " ".join(s["body"].split()),
            )
            for s in segments
        )
    cues = []
    lines = data.decode("utf-8-sig").splitlines()
    for index, line in enumerate(lines):
        if "-->" in line:
            start, end = (p.strip().split(" ")[0] for p in line.split("-->"))
            text = []
            for follow in lines[index + 1 :]:
                if not follow.strip():
                    break
                text.append(follow.strip())
            body = " ".join(text)
            if body.startswith("<v ") and ">" in body:
                body = body.split(">", 1)[1].removesuffix("</v>")
            cues.append(
                (round(_seconds(start), 3), round(_seconds(end), 3), " ".join(body.split()))
            )
    return tuple(cues)


def _children(node, namespaces, name):
    if isinstance(namespaces, str):
        namespaces = (namespaces,)
    return [c for ns in namespaces for c in node.findall(f"{{{ns}}}{name}")]


def _chapters(node, fetch: Fetch, enclosure: str, work: Path) -> tuple[tuple[float, str], ...]:
    psc = [
        c
        for root in _children(node, PSC_NS, "chapters")
        for c in _children(root, PSC_NS, "chapter")
    ]
    if psc:
        return tuple((round(_seconds(c.get("start")), 3), c.get("title")) for c in psc)
    json_links = _children(node, PODCAST_NS, "chapters")
    if json_links:
        document = json.loads(fetch(json_links[0].get("url")))
        return tuple(
            (round(float(c["startTime"]), 3), c["title"])
            for c in document["chapters"]
            if c.get("toc", True) is not False
        )
    audio = work / "enclosure.mp3"
    audio.write_bytes(fetch(enclosure))
    try:
        frames = mutagen.id3.ID3(audio).getall("CHAP")
    except mutagen.id3.ID3NoHeaderError:
        return ()
    return tuple(sorted((f.start_time / 1000, str(f.sub_frames["TIT2"].text[0])) for f in frames))


def _transcript(node, fetch: Fetch) -> tuple[tuple[float, float, str], ...]:
    links = _children(node, PODCAST_NS, "transcript")
    order = ["text/vtt", "application/x-subrip", "application/srt", "application/json"]
    links = sorted(
        (link for link in links if link.get("type") in order),
        key=lambda link: order.index(link.get("type")),
    )
    if not links:
        return ()
    return _cues(fetch(links[0].get("url")), links[0].get("type"))


def read_facts(feed: bytes, fetch: Fetch, work: Path, skip: set[str] = frozenset()) -> FeedFacts:
    """The facts of every item whose guid is not in ``skip`` (e.g. broken enclosures)."""
    parsed = feedparser.parse(feed)
    assert not parsed.bozo or isinstance(
        parsed.bozo_exception, feedparser.CharacterEncodingOverride
    )
    tree = etree.fromstring(feed)
    channel = tree.find("channel")
    guid_nodes = _children(channel, PODCAST_NS, "guid")
    nodes = channel.findall("item")
    assert len(nodes) == len(parsed.entries)
    items = {}
    for entry, node in zip(parsed.entries, nodes, strict=True):
        enclosure = entry.enclosures[0].href
        guid = node.findtext("guid") or enclosure  # as apps do without a <guid>
        guid = guid.strip()
        if guid in skip:
            continue
        duration = entry.get("itunes_duration")
        items[guid] = ItemFacts(
            guid=guid,
            title=entry.title.strip(),
            instant=_instant(node.findtext("pubDate")),
            duration=_seconds(duration) if duration else -1.0,
            chapters=_chapters(node, fetch, enclosure, work),
            transcript=_transcript(node, fetch),
        )
    return FeedFacts(guid_nodes[0].text.strip() if guid_nodes else None, items)


def differences(before: FeedFacts, after: FeedFacts) -> list[str]:
    """Every difference a listener's app could notice: empty when the round trip held."""
    found = []
    if before.podcast_guid and before.podcast_guid != after.podcast_guid:
        found.append(f"podcast:guid {before.podcast_guid} became {after.podcast_guid}")
    for guid in before.items.keys() - after.items.keys():
        found.append(f"{guid}: missing after the import")
    for guid in after.items.keys() - before.items.keys():
        found.append(f"{guid}: new after the import")
    for guid in before.items.keys() & after.items.keys():
        old, new = before.items[guid], after.items[guid]
        if old.title != new.title:
            found.append(f"{guid}: title {old.title!r} became {new.title!r}")
        if old.instant != new.instant:
            found.append(f"{guid}: published {old.instant} became {new.instant}")
        if abs(old.duration - new.duration) > 1:
            found.append(f"{guid}: duration {old.duration} became {new.duration}")
        if [t for _, t in old.chapters] != [t for _, t in new.chapters] or any(
            abs(a - b) > 0.001 for (a, _), (b, _) in zip(old.chapters, new.chapters, strict=False)
        ):
            found.append(f"{guid}: chapters {old.chapters} became {new.chapters}")
        if old.transcript != new.transcript:
            found.append(
                f"{guid}: transcript changed ({len(old.transcript)} → {len(new.transcript)} cues)"
            )
    return found
