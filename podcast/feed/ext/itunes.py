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


class _Explicit:
    """``itunes_explicit`` as a bool, written as ``true``/``false`` after feedgen's own tags."""

    _explicit: bool | None = None

    def itunes_explicit(self, itunes_explicit: bool | None = None) -> bool | None:
        if itunes_explicit is not None:
            if not isinstance(itunes_explicit, bool):
                raise TypeError(f"itunes:explicit must be a bool, not {itunes_explicit!r}")
            self._explicit = itunes_explicit
        return self._explicit

    def extend_rss(self, element):
        element = super().extend_rss(element)  # type: ignore[misc]
        # feed level: the <rss> root, whose first child is <channel>; item level: <item>
        parent = element[0] if element.tag == "rss" else element
        if self._explicit is not None:
            xml_elem(f"{{{ITUNES_NS}}}explicit", parent).text = (
                "true" if self._explicit else "false"
            )
        return element


class ItunesExtension(_Explicit, PodcastExtension):
    """Channel-level iTunes tags; ``itunes_explicit`` takes a bool."""


class ItunesEntryExtension(_Explicit, PodcastEntryExtension):
    """Item-level iTunes tags; ``itunes_explicit`` takes a bool."""


def register(fg: FeedGenerator) -> None:
    fg.register_extension(NAME, ItunesExtension, ItunesEntryExtension)
