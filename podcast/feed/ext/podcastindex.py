"""The Podcast Index namespace (``podcast:``) as a feedgen extension.

Spec: https://podcastindex.org/namespace/1.0.  Registered under the name
``podcastindex`` (feedgen's iTunes extension owns ``podcast``), written with the
prefix ``podcast``.

Namespace URL: the spec names ``https://podcastindex.org/namespace/1.0`` and
requires clients to treat the original
``https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md``
as identical.  gPodder's podcastparser (0.6.11) and older apps recognise only
the original one, so that is the one written: every client reads it.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

PODCAST_NS = "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"
CANONICAL_NS = "https://podcastindex.org/namespace/1.0"
NAME = "podcastindex"
PREFIX = "podcast"
GUID_NAMESPACE = uuid.UUID("ead4c236-bf58-58c6-a2c6-a6b28d128cb6")
CHAPTERS_TYPE = "application/json+chapters"


def podcast_guid(feed_url: str) -> str:
    """``podcast:guid`` by the spec's rule: UUIDv5 of the feed URL without scheme
    and trailing slashes (``https://podnews.net/rss/`` → ``podnews.net/rss``)."""
    bare = feed_url.strip().split("://", 1)[-1].rstrip("/")
    return str(uuid.uuid5(GUID_NAMESPACE, bare))


@dataclass(frozen=True)
class PersonTag:
    """``podcast:person``: role and group from the spec's taxonomy."""

    name: str
    role: str = "host"
    group: str = "cast"
    img: str | None = None
    href: str | None = None


@dataclass(frozen=True)
class Soundbite:
    start: float
    duration: float
    title: str


@dataclass(frozen=True)
class Transcript:
    url: str
    type: str  # text/vtt, application/x-subrip, ...
    language: str | None = None
    rel: str | None = None  # "captions" for timed captions


@dataclass(frozen=True)
class Element:
    """Any other ``podcast:`` element, written as given (see :mod:`podcast.feed.podcasting20`)."""

    tag: str
    text: str | None = None
    attrs: tuple[tuple[str, str | None], ...] = ()
    children: tuple[Element, ...] = ()


def _write_elements(parent, elements: tuple[Element, ...]) -> None:
    for element in elements:
        node = _tag(parent, element.tag, element.text, **dict(element.attrs))
        _write_elements(node, element.children)


def _tag(parent, tag: str, text: str | None = None, **attrs: str | None):
    element = xml_elem(f"{{{PODCAST_NS}}}{tag}", parent)
    for key, value in attrs.items():
        if value is not None:
            element.set(key, value)
    if text is not None:
        element.text = text
    return element


def _seconds(value: float) -> str:
    return f"{value:.3f}".rstrip("0").rstrip(".")


def _write_persons(parent, persons: tuple[PersonTag, ...]) -> None:
    for person in persons:
        _tag(
            parent,
            "person",
            person.name,
            role=person.role,
            group=person.group,
            img=person.img,
            href=person.href,
        )


class PodcastindexExtension(BaseExtension):
    """Channel: ``podcast:guid``, ``podcast:locked``, ``podcast:person``, other elements."""

    def __init__(self) -> None:
        self._guid: str | None = None
        self._locked: tuple[bool, str | None] | None = None
        self._persons: tuple[PersonTag, ...] = ()
        self._elements: tuple[Element, ...] = ()

    def extend_ns(self):
        return {PREFIX: PODCAST_NS}

    def guid(self, value: str | None = None) -> str | None:
        if value is not None:
            self._guid = value
        return self._guid

    def locked(self, locked: bool, owner: str | None = None) -> None:
        self._locked = (locked, owner)

    def persons(self, persons=None) -> tuple[PersonTag, ...]:
        if persons is not None:
            self._persons = tuple(persons)
        return self._persons

    def elements(self, elements=None) -> tuple[Element, ...]:
        if elements is not None:
            self._elements = tuple(elements)
        return self._elements

    def extend_rss(self, rss_feed):
        channel = rss_feed[0]
        if self._guid:
            _tag(channel, "guid", self._guid)
        if self._locked is not None:
            locked, owner = self._locked
            _tag(channel, "locked", "yes" if locked else "no", owner=owner)
        _write_persons(channel, self._persons)
        _write_elements(channel, self._elements)
        return rss_feed


class PodcastindexEntryExtension(BaseEntryExtension):
    """Item: season, episode, persons, soundbites, transcripts, chapters."""

    def __init__(self) -> None:
        self._season: tuple[int, str | None] | None = None
        self._episode: int | None = None
        self._persons: tuple[PersonTag, ...] = ()
        self._soundbites: tuple[Soundbite, ...] = ()
        self._transcripts: tuple[Transcript, ...] = ()
        self._chapters: str | None = None
        self._elements: tuple[Element, ...] = ()

    def elements(self, elements=None) -> tuple[Element, ...]:
        if elements is not None:
            self._elements = tuple(elements)
        return self._elements

    def season(self, number: int, name: str | None = None) -> None:
        self._season = (number, name)

    def episode(self, number: int) -> None:
        self._episode = number

    def persons(self, persons=None) -> tuple[PersonTag, ...]:
        if persons is not None:
            self._persons = tuple(persons)
        return self._persons

    def soundbites(self, soundbites=None) -> tuple[Soundbite, ...]:
        if soundbites is not None:
            self._soundbites = tuple(soundbites)
        return self._soundbites

    def transcripts(self, transcripts=None) -> tuple[Transcript, ...]:
        if transcripts is not None:
            self._transcripts = tuple(transcripts)
        return self._transcripts

    def chapters(self, url: str | None = None) -> str | None:
        """The URL of the episode's JSON chapters file."""
        if url is not None:
            self._chapters = url
        return self._chapters

    def extend_rss(self, entry):
        if self._season is not None:
            number, name = self._season
            _tag(entry, "season", str(number), name=name)
        if self._episode is not None:
            _tag(entry, "episode", str(self._episode))
        _write_persons(entry, self._persons)
        for bite in self._soundbites:
            _tag(
                entry,
                "soundbite",
                bite.title,
                startTime=_seconds(bite.start),
                duration=_seconds(bite.duration),
            )
        for transcript in self._transcripts:
            _tag(
                entry,
                "transcript",
                url=transcript.url,
                type=transcript.type,
                language=transcript.language,
                rel=transcript.rel,
            )
        if self._chapters:
            _tag(entry, "chapters", url=self._chapters, type=CHAPTERS_TYPE)
        _write_elements(entry, self._elements)
        return entry

    def extend_atom(self, entry):
        return self.extend_rss(entry)


def register(fg: FeedGenerator) -> None:
    fg.register_extension(NAME, PodcastindexExtension, PodcastindexEntryExtension)
