"""Podlove Simple Chapters (``psc:chapters``), inline in each item, as a feedgen extension.

Spec: https://podlove.org/simple-chapters/ — version 1.2, ``start`` as
``HH:MM:SS.mmm``, optional ``href`` and ``image``.
"""

from __future__ import annotations

from dataclasses import dataclass

from feedgen.ext.base import BaseEntryExtension, BaseExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

from podcast.catalog.models import format_timestamp

PSC_NS = "http://podlove.org/simple-chapters"
NAME = "psc"
VERSION = "1.2"


@dataclass(frozen=True)
class SimpleChapter:
    start: float  # seconds
    title: str
    href: str | None = None
    image: str | None = None


class PscExtension(BaseExtension):
    def extend_ns(self):
        return {"psc": PSC_NS}


class PscEntryExtension(BaseEntryExtension):
    def __init__(self) -> None:
        self._chapters: tuple[SimpleChapter, ...] = ()

    def chapters(self, chapters=None) -> tuple[SimpleChapter, ...]:
        """Get or set the item's chapters (in order of their start)."""
        if chapters is not None:
            self._chapters = tuple(chapters)
        return self._chapters

    def extend_rss(self, entry):
        if not self._chapters:
            return entry
        container = xml_elem(f"{{{PSC_NS}}}chapters", entry, version=VERSION)
        for chapter in self._chapters:
            element = xml_elem(f"{{{PSC_NS}}}chapter", container)
            element.set("start", format_timestamp(chapter.start))
            element.set("title", chapter.title)
            if chapter.href:
                element.set("href", chapter.href)
            if chapter.image:
                element.set("image", chapter.image)
        return entry

    def extend_atom(self, entry):
        return self.extend_rss(entry)


def register(fg: FeedGenerator) -> None:
    fg.register_extension(NAME, PscExtension, PscEntryExtension)
