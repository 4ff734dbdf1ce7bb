"""feedgen's iTunes extension, with ``itunes:explicit`` written as ``true``/``false``.

feedgen accepts only ``yes``/``no``/``clean``; Apple's current spec asks for
``true``/``false``.  These subclasses take a bool instead and write the element
themselves; everything else is feedgen's.  Registered under feedgen's own name
``podcast``, so ``fg.podcast.itunes_*`` keeps working.
"""

from __future__ import annotations

from feedgen.ext.podcast import PodcastExtension
from feedgen.ext.podcast_entry import PodcastEntryExtension
from feedgen.feed import FeedGenerator
from feedgen.util import xml_elem

ITUNES_NS = "http://www.itunes.com/dtds/podcast-1.0.dtd"
NAME = "podcast"  # feedgen's attribute name for its iTunes extension


def _explicit(value: bool | None, current: bool | None) -> bool | None:
    if value is None:
        return current
    if not isinstance(value, bool):
        raise TypeError(f"itunes:explicit must be a bool, not {value!r}")
    return value


def _write_explicit(parent, value: bool | None) -> None:
    if value is not None:
        xml_elem(f"{{{ITUNES_NS}}}explicit", parent).text = "true" if value else "false"


class ItunesExtension(PodcastExtension):
    """Channel-level iTunes tags; ``itunes_explicit`` takes a bool."""

    def __init__(self) -> None:
        super().__init__()
        self._explicit: bool | None = None

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:  # type: ignore[override]
        self._explicit = _explicit(itunes_explicit, self._explicit)
        return self._explicit

    def extend_rss(self, rss_feed):
        rss_feed = super().extend_rss(rss_feed)
        _write_explicit(rss_feed[0], self._explicit)
        return rss_feed


class ItunesEntryExtension(PodcastEntryExtension):
    """Item-level iTunes tags; ``itunes_explicit`` takes a bool."""

    def __init__(self) -> None:
        super().__init__()
        self._explicit: bool | None = None

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:  # type: ignore[override]
        self._explicit = _explicit(itunes_explicit, self._explicit)
        return self._explicit

    def extend_rss(self, entry):
        entry = super().extend_rss(entry)
        _write_explicit(entry, self._explicit)
        return entry


def register(fg: FeedGenerator) -> None:
    fg.register_extension(NAME, ItunesExtension, ItunesEntryExtension)
