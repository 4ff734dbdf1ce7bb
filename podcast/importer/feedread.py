"""Any host's podcast RSS read into plain, frozen records.

Parsed with lxml (recovering from the usual breakage: HTML entities that XML does
not know, stray ``&``), namespace URIs compared loosely (the legacy and canonical
Podcast Index URIs, ``itunes`` in any letter case).  Values are kept as the feed
writes them, plus the parsed forms every host disagrees on: dates (RFC 822 with
named zones, or ISO 8601), durations (seconds or ``HH:MM:SS``) and
``itunes:explicit`` (yes/no/clean/true/false).
"""

from __future__ import annotations

import datetime as dt
import html.entities
import re
from dataclasses import dataclass

from lxml import etree

from podcast.feed.ext.podcastindex import Soundbite, Transcript
from podcast.importer.values import parse_date, parse_duration, parse_explicit

ITUNES = {"http://www.itunes.com/dtds/podcast-1.0.dtd"}
PODCAST = {
    "https://podcastindex.org/namespace/1.0",
    "https://github.com/podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
}
PSC = {"http://podlove.org/simple-chapters", "http://podlove.org/simple-chapters/"}
CONTENT = {"http://purl.org/rss/1.0/modules/content/"}
ATOM = {"http://www.w3.org/2005/Atom"}
NONE: set[str] = {""}

_ENTITY = re.compile(rb"&([A-Za-z][A-Za-z0-9]{1,31});")
_XML_ENTITIES = {b"amp", b"lt", b"gt", b"quot", b"apos"}


def _names(text: str) -> set[str]:
    return set(text.split())


# What the import reads (or the build writes anew): every other element is listed as not mapped.
CHANNEL_READ = _names(
    """title link description language copyright image managingEditor webMaster lastBuildDate
    pubDate generator docs ttl item atom:link itunes:summary itunes:subtitle itunes:author
    itunes:owner itunes:category itunes:explicit itunes:type itunes:image itunes:new-feed-url
    podcast:guid podcast:locked podcast:person podcast:medium podcast:funding podcast:license
    podcast:location"""
)
ITEM_READ = _names(
    """title link guid pubDate description enclosure content:encoded itunes:title itunes:summary
    itunes:subtitle itunes:author itunes:duration itunes:explicit itunes:episode itunes:season
    itunes:episodeType itunes:image podcast:person podcast:transcript podcast:soundbite
    podcast:chapters podcast:season podcast:episode psc:chapters podcast:license
    podcast:location"""
)
_PREFIXES = (
    ("itunes", ITUNES),
    ("podcast", PODCAST),
    ("psc", PSC),
    ("content", CONTENT),
    ("atom", ATOM),
)


class FeedError(Exception):
    """The document is not an RSS feed."""


@dataclass(frozen=True)
class Enclosure:
    url: str
    length: int | None
    type: str | None


@dataclass(frozen=True)
class PersonInfo:
    name: str
    role: str  # podcast:person role, lower case; "host" when not given (the spec's default)
    img: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class PscChapter:
    start: str
    title: str
    href: str | None


@dataclass(frozen=True)
class Tagged:
    """A Podcasting 2.0 tag as written: its text and attributes."""

    text: str
    attrs: tuple[tuple[str, str], ...] = ()

    def get(self, name: str) -> str | None:
        return dict(self.attrs).get(name)


@dataclass(frozen=True)
class FeedItem:
    index: int  # 1-based position in the feed, for reports
    title: str
    guid: str | None
    link: str | None
    pub_date: str | None  # as written
    published: dt.datetime | None
    description_html: str
    content_html: str
    itunes_summary: str
    subtitle: str
    author: str
    enclosure: Enclosure | None
    duration: float | None
    explicit: bool | None
    episode: str | None
    season: str | None
    season_name: str | None
    episode_type: str | None
    image: str | None
    persons: tuple[PersonInfo, ...]
    transcripts: tuple[Transcript, ...]
    soundbites: tuple[Soundbite, ...]
    psc_chapters: tuple[PscChapter, ...]
    chapters_url: str | None
    license: Tagged | None = None
    location: Tagged | None = None
    unread: tuple[str, ...] = ()  # elements the import does not map, e.g. "itunes:keywords"


@dataclass(frozen=True)
class FeedChannel:
    title: str
    description_html: str
    itunes_summary: str
    subtitle: str
    language: str
    author: str
    owner_name: str
    owner_email: str
    managing_editor: str
    categories: tuple[str, ...]  # "Main" or "Main > Sub", as Apple names them
    explicit: bool | None
    type: str | None
    link: str | None
    copyright: str | None
    image: str | None
    guid: str | None
    locked: bool | None
    self_link: str | None
    new_feed_url: str | None
    generator: str
    persons: tuple[PersonInfo, ...]
    items: tuple[FeedItem, ...]
    next_page: str | None = None  # atom:link rel="next" of a paged feed (RFC 5005)
    medium: str | None = None
    funding: tuple[Tagged, ...] = ()
    license: Tagged | None = None
    location: Tagged | None = None
    unread: tuple[str, ...] = ()


def _fix_entities(data: bytes) -> bytes:
    """HTML's named entities (``&nbsp;``, ``&auml;``) as numeric ones XML knows."""

    def replace(match: re.Match[bytes]) -> bytes:
        name = match.group(1)
        if name in _XML_ENTITIES:
            return match.group(0)
        code = html.entities.name2codepoint.get(name.decode("ascii"))
        return f"&#{code};".encode() if code else b"&amp;" + name + b";"

    return _ENTITY.sub(replace, data)


# --- the tree ---------------------------------------------------------------------


def _match(element, namespaces: set[str], name: str) -> bool:
    if not isinstance(element.tag, str):
        return False  # comments, processing instructions
    qname = etree.QName(element)
    return qname.localname == name and (qname.namespace or "").lower().rstrip("/") in {
        n.lower().rstrip("/") for n in namespaces
    }


def _children(parent, namespaces: set[str], name: str) -> list:
    return [c for c in parent if _match(c, namespaces, name)]


def _child(parent, namespaces: set[str], name: str):
    found = _children(parent, namespaces, name)
    return found[0] if found else None


def _text(parent, namespaces: set[str], name: str) -> str:
    node = _child(parent, namespaces, name)
    return (node.text or "").strip() if node is not None else ""


def _attr(parent, namespaces: set[str], name: str, attr: str) -> str | None:
    node = _child(parent, namespaces, name)
    value = node.get(attr) if node is not None else None
    return value.strip() if value else None


def _name(element) -> str:
    qname = etree.QName(element)
    namespace = (qname.namespace or "").lower().rstrip("/")
    if not namespace:
        return qname.localname
    for prefix, uris in _PREFIXES:
        if namespace in {u.lower().rstrip("/") for u in uris}:
            return f"{prefix}:{qname.localname}"
    return f"{element.prefix or namespace}:{qname.localname}"


def _unread(parent, read: set[str]) -> tuple[str, ...]:
    names = (_name(c) for c in parent if isinstance(c.tag, str))
    return tuple(dict.fromkeys(n for n in names if n not in read))


def _tagged_all(parent, name: str) -> tuple[Tagged, ...]:
    return tuple(
        Tagged((node.text or "").strip(), tuple((k, v.strip()) for k, v in node.attrib.items()))
        for node in _children(parent, PODCAST, name)
    )


def _tagged(parent, name: str) -> Tagged | None:
    found = _tagged_all(parent, name)
    return found[0] if found else None


def _int(text: str | None) -> int | None:
    try:
        return int(text) if text is not None else None
    except ValueError:
        return None


def _persons(parent) -> tuple[PersonInfo, ...]:
    persons = []
    for node in _children(parent, PODCAST, "person"):
        name = (node.text or "").strip()
        if name:
            role = (node.get("role") or "host").strip().lower()
            persons.append(PersonInfo(name, role, node.get("img"), node.get("href")))
    return tuple(persons)


def _image(parent) -> str | None:
    href = _attr(parent, ITUNES, "image", "href")
    if href:
        return href
    image = _child(parent, NONE, "image")
    if image is not None:
        url = _text(image, NONE, "url")
        return url or None
    return None


def _categories(channel) -> tuple[str, ...]:
    found = []
    for node in _children(channel, ITUNES, "category"):
        main = (node.get("text") or "").strip()
        subs = [(s.get("text") or "").strip() for s in _children(node, ITUNES, "category")]
        subs = [s for s in subs if s]
        if main:
            found.extend([f"{main} > {s}" for s in subs] or [main])
    return tuple(found)


def _item(node, index: int) -> FeedItem:
    enclosure_node = _child(node, NONE, "enclosure")
    enclosure = None
    if enclosure_node is not None and (enclosure_node.get("url") or "").strip():
        enclosure = Enclosure(
            url=enclosure_node.get("url").strip(),
            length=_int((enclosure_node.get("length") or "").strip() or None),
            type=(enclosure_node.get("type") or "").strip() or None,
        )
    guid_node = _child(node, NONE, "guid")
    guid = (guid_node.text or "").strip() if guid_node is not None else ""
    season_node = _child(node, PODCAST, "season")
    season = _text(node, ITUNES, "season") or (
        (season_node.text or "").strip() if season_node is not None else ""
    )
    episode = _text(node, ITUNES, "episode") or _text(node, PODCAST, "episode")
    soundbites = []
    for bite in _children(node, PODCAST, "soundbite"):
        start, length = parse_duration(bite.get("startTime")), parse_duration(bite.get("duration"))
        if start is not None and length is not None:
            soundbites.append(Soundbite(start, length, (bite.text or "").strip()))
    transcripts = tuple(
        Transcript(
            t.get("url").strip(),
            (t.get("type") or "").strip().lower(),
            t.get("language"),
            t.get("rel"),
        )
        for t in _children(node, PODCAST, "transcript")
        if (t.get("url") or "").strip()
    )
    psc_root = _child(node, PSC, "chapters")
    psc = tuple(
        PscChapter((c.get("start") or "").strip(), (c.get("title") or "").strip(), c.get("href"))
        for c in (_children(psc_root, PSC, "chapter") if psc_root is not None else [])
    )
    pub_date = _text(node, NONE, "pubDate") or None
    return FeedItem(
        index=index,
        title=_text(node, NONE, "title") or _text(node, ITUNES, "title"),
        guid=guid or None,
        link=_text(node, NONE, "link") or None,
        pub_date=pub_date,
        published=parse_date(pub_date),
        description_html=_text(node, NONE, "description"),
        content_html=_text(node, CONTENT, "encoded"),
        itunes_summary=_text(node, ITUNES, "summary"),
        subtitle=_text(node, ITUNES, "subtitle"),
        author=_text(node, ITUNES, "author"),
        enclosure=enclosure,
        duration=parse_duration(_text(node, ITUNES, "duration")),
        explicit=parse_explicit(_text(node, ITUNES, "explicit")),
        episode=episode or None,
        season=season or None,
        season_name=season_node.get("name") if season_node is not None else None,
        episode_type=_text(node, ITUNES, "episodeType").lower() or None,
        image=_image(node),
        persons=_persons(node),
        transcripts=transcripts,
        soundbites=tuple(soundbites),
        psc_chapters=psc,
        chapters_url=_attr(node, PODCAST, "chapters", "url"),
        license=_tagged(node, "license"),
        location=_tagged(node, "location"),
        unread=_unread(node, ITEM_READ),
    )


def read_feed(data: bytes) -> FeedChannel:
    """The channel and its items; :class:`FeedError` when ``data`` is not RSS."""
    parser = etree.XMLParser(
        recover=True, resolve_entities=False, no_network=True, huge_tree=True, strip_cdata=True
    )
    try:
        root = etree.fromstring(_fix_entities(data), parser=parser)
    except etree.XMLSyntaxError as error:
        raise FeedError(f"is not XML ({error})") from None
    if root is None:
        raise FeedError("is not XML (nothing could be parsed)")
    channel = _child(root, NONE, "channel") if _match(root, NONE, "rss") else None
    if channel is None:
        raise FeedError(f"is not an RSS feed (the root element is <{etree.QName(root).localname}>)")
    owner = _child(channel, ITUNES, "owner")
    links = {
        link.get("rel"): link.get("href").strip()
        for link in reversed(_children(channel, ATOM, "link"))
        if link.get("href")
    }
    self_link = links.get("self")
    guid_text = _text(channel, PODCAST, "guid")
    locked = _text(channel, PODCAST, "locked")
    items = tuple(_item(node, n) for n, node in enumerate(_children(channel, NONE, "item"), 1))
    return FeedChannel(
        title=_text(channel, NONE, "title"),
        description_html=_text(channel, NONE, "description"),
        itunes_summary=_text(channel, ITUNES, "summary"),
        subtitle=_text(channel, ITUNES, "subtitle"),
        language=_text(channel, NONE, "language"),
        author=_text(channel, ITUNES, "author"),
        owner_name=_text(owner, ITUNES, "name") if owner is not None else "",
        owner_email=_text(owner, ITUNES, "email") if owner is not None else "",
        managing_editor=_text(channel, NONE, "managingEditor"),
        categories=_categories(channel),
        explicit=parse_explicit(_text(channel, ITUNES, "explicit")),
        type=_text(channel, ITUNES, "type").lower() or None,
        link=_text(channel, NONE, "link") or None,
        copyright=_text(channel, NONE, "copyright") or None,
        image=_image(channel),
        guid=guid_text or None,
        locked=parse_explicit(locked) if locked else None,
        self_link=self_link,
        new_feed_url=_text(channel, ITUNES, "new-feed-url") or None,
        generator=_text(channel, NONE, "generator"),
        persons=_persons(channel),
        items=items,
        next_page=links.get("next"),
        medium=_text(channel, PODCAST, "medium").lower() or None,
        funding=_tagged_all(channel, "funding"),
        license=_tagged(channel, "license"),
        location=_tagged(channel, "location"),
        unread=_unread(channel, CHANNEL_READ),
    )
