"""The Podcasting 2.0 tags configured in show.yaml and episode.yaml, as feed elements.

Each is written only when configured or derivable: ``podcast:medium`` (always,
``podcast`` unless set), ``funding``, ``license``, ``location``, ``txt``,
``updateFrequency``, ``socialInteract``, ``podroll`` with ``remoteItem``,
``trailer`` for each published episode of ``type: trailer``, and each episode's
``image`` (``purpose="social"``, 16:9: given in episode.yaml or drawn like a card).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterator, Mapping, Sequence
from email.utils import format_datetime

from podcast.catalog.models import EpisodeEntry, ShowEntry
from podcast.catalog.podcasting20 import License, Location, SocialInteract, Txt
from podcast.feed.ext.podcastindex import Element
from podcast.feed.media import EpisodeMedia


def _iso(value: dt.date | dt.datetime) -> str:
    if isinstance(value, dt.datetime):
        return value.astimezone(dt.UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
    return value.isoformat()


def _shared(
    license: License | None,
    location: Location | None,
    txt: Sequence[Txt],
    social: Sequence[SocialInteract],
) -> Iterator[Element]:
    """The tags a channel and an item have alike."""
    if license is not None:
        yield Element("license", license.identifier, (("url", license.url),))
    if location is not None:
        yield Element("location", location.name, (("geo", location.geo), ("osm", location.osm)))
    for entry in txt:
        yield Element("txt", entry.text, (("purpose", entry.purpose),))
    for thread in social:
        priority = str(thread.priority) if thread.priority is not None else None
        yield Element(
            "socialInteract",
            None,
            (
                ("protocol", thread.protocol),
                ("uri", thread.uri),
                ("accountId", thread.account_id),
                ("accountUrl", thread.account_url),
                ("priority", priority),
            ),
        )


def channel_elements(
    show: ShowEntry, episodes: Sequence[EpisodeEntry], media: Mapping[str, EpisodeMedia]
) -> list[Element]:
    meta = show.meta
    elements = [Element("medium", meta.medium)]
    elements += [Element("funding", f.text, (("url", f.url),)) for f in meta.funding]
    elements += _shared(meta.license, meta.location, meta.txt, meta.social_interact)
    if meta.update_frequency is not None:
        frequency = meta.update_frequency
        dtstart = _iso(frequency.dtstart) if frequency.dtstart is not None else None
        elements.append(
            Element(
                "updateFrequency",
                frequency.text,
                (
                    ("complete", "true" if frequency.complete else None),
                    ("dtstart", dtstart),
                    ("rrule", frequency.rrule),
                ),
            )
        )
    if meta.podroll:
        items = tuple(
            Element(
                "remoteItem",
                None,
                (("feedGuid", r.feed_guid), ("feedUrl", r.feed_url), ("medium", r.medium)),
            )
            for r in meta.podroll
        )
        elements.append(Element("podroll", None, (), items))
    for episode in episodes:
        if episode.meta.type != "trailer":
            continue
        item = media[episode.slug]
        elements.append(
            Element(
                "trailer",
                episode.title[:128],
                (
                    ("pubdate", format_datetime(episode.published)),
                    ("url", show.enclosure_url(item.url)),
                    ("length", str(item.size)),
                    ("type", item.mime),
                    ("season", str(episode.season.number)),
                ),
            )
        )
    return elements


def _bitrate(value: float) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".")


def alternate_elements(show: ShowEntry, item: EpisodeMedia) -> list[Element]:
    """``podcast:alternateEnclosure``: the MP3 (``default="true"``: the enclosure, preferred),
    then each alternate file with its ``podcast:source`` and ``podcast:integrity``."""
    if not item.alternates:
        return []
    mp3_bitrate = item.size * 8 / item.duration if item.duration > 0 else None
    elements = [
        Element(
            "alternateEnclosure",
            None,
            (
                ("type", item.mime),
                ("length", str(item.size)),
                ("bitrate", _bitrate(mp3_bitrate) if mp3_bitrate else None),
                ("default", "true"),
                ("title", "MP3"),
            ),
            (Element("source", None, (("uri", show.enclosure_url(item.url)),)),),
        )
    ]
    for alternate in item.alternates:
        children = [Element("source", None, (("uri", show.enclosure_url(alternate.url)),))]
        if alternate.integrity:
            children.append(
                Element("integrity", None, (("type", "sri"), ("value", alternate.integrity)))
            )
        elements.append(
            Element(
                "alternateEnclosure",
                None,
                (
                    ("type", alternate.mime),
                    ("length", str(alternate.size)),
                    ("bitrate", _bitrate(alternate.bitrate)),
                    ("title", alternate.title[:32]),
                    ("codecs", alternate.codecs),
                ),
                tuple(children),
            )
        )
    return elements


def item_elements(episode: EpisodeEntry, item: EpisodeMedia) -> list[Element]:
    meta = episode.meta
    elements = list(_shared(meta.license, meta.location, meta.txt, meta.social_interact))
    image = item.social_image
    if image is not None:
        ratio = math.gcd(image.width, image.height)
        elements.append(
            Element(
                "image",
                None,
                (
                    ("href", image.url),
                    ("alt", image.alt),
                    ("aspect-ratio", f"{image.width // ratio}/{image.height // ratio}"),
                    ("width", str(image.width)),
                    ("height", str(image.height)),
                    ("type", image.mime),
                    ("purpose", "social"),
                ),
            )
        )
    return elements
