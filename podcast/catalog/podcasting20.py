"""show.yaml's and episode.yaml's Podcasting 2.0 settings, checked as the namespace spec says.

Each model is one tag of https://podcastindex.org/namespace/1.0 that the feed
writes only when it is configured: ``funding``, ``license``, ``location``,
``txt``, ``update_frequency``, ``social_interact``, ``podroll`` (remote
items of partner shows) and an episode's social ``image``; ``medium`` defaults to
``podcast``.  Lengths are the
spec's ("please do not exceed 128 characters"); a value past them would be cut
by aggregators, so it is refused here rather than published.
"""

from __future__ import annotations

import datetime as dt
import re
import uuid
from typing import Annotated, Literal

from pydantic import AfterValidator, Field, model_validator

from podcast.catalog.fields import HttpUrl, Model, NonEmpty

#: SPDX identifiers a podcast app can show without a link (the spec asks for
#: ``url`` when the licence is not one of SPDX's); compared case-insensitively.
SPDX_LICENSES = frozenset(
    name.lower()
    for name in (
        "CC0-1.0",
        "CC-BY-4.0",
        "CC-BY-SA-4.0",
        "CC-BY-NC-4.0",
        "CC-BY-NC-SA-4.0",
        "CC-BY-ND-4.0",
        "CC-BY-NC-ND-4.0",
        "CC-BY-3.0",
        "CC-BY-SA-3.0",
        "CC-BY-NC-3.0",
        "CC-BY-NC-SA-3.0",
        "CC-BY-ND-3.0",
        "CC-BY-NC-ND-3.0",
        "CC-PDDC",
        "MIT",
        "Apache-2.0",
        "GPL-3.0-or-later",
        "GFDL-1.3-or-later",
        "ODbL-1.0",
    )
)
GEO = re.compile(r"^geo:-?\d{1,2}(\.\d+)?,-?\d{1,3}(\.\d+)?(,-?\d+(\.\d+)?)?(;u=\d+(\.\d+)?)?$")
OSM = re.compile(r"^[NWR]\d+(#\d+)?$")
RRULE = re.compile(
    r"^FREQ=(SECONDLY|MINUTELY|HOURLY|DAILY|WEEKLY|MONTHLY|YEARLY)(;[A-Z]+=[A-Za-z0-9,+\-:.TZ]+)*$"
)
#: the protocols of the spec's socialprotocols.txt
SocialProtocol = Literal["disabled", "activitypub", "twitter", "lightning", "atproto", "nostr"]

Short = Annotated[str, Field(min_length=1, max_length=128)]
Medium = Literal[
    "podcast", "music", "video", "film", "audiobook", "newsletter", "blog", "publisher", "course"
]


def _uuid(value: str) -> str:
    try:
        return str(uuid.UUID(value))
    except ValueError:
        raise ValueError(f'"{value}" is not a feed GUID (expected a UUID)') from None


class Funding(Model):
    """``podcast:funding``: where listeners can support the show."""

    url: HttpUrl
    text: Short = Field(description="What the link says, e.g. 'Unterstützen Sie uns'")


class License(Model):
    """``podcast:license``: an SPDX identifier, or any name with the licence's URL."""

    identifier: Short = Field(description="e.g. CC-BY-4.0")
    url: HttpUrl | None = None

    @model_validator(mode="after")
    def _known_or_linked(self) -> License:
        if self.url is None and self.identifier.lower() not in SPDX_LICENSES:
            raise ValueError(
                f'"{self.identifier}" is not an SPDX licence identifier this tool knows '
                "(expected e.g. CC-BY-4.0, or give url: with the licence's text)"
            )
        return self


class Location(Model):
    """``podcast:location``: what the show or episode is about, or where it was made."""

    name: Short
    geo: str | None = Field(None, description="geo:latitude,longitude (RFC 5870)")
    osm: str | None = Field(None, description="OpenStreetMap type and id, e.g. R62638")

    @model_validator(mode="after")
    def _formats(self) -> Location:
        if self.geo is not None and not GEO.match(self.geo):
            raise ValueError(f'geo "{self.geo}" is not a geo URI (expected geo:51.48,11.97)')
        if self.osm is not None and not OSM.match(self.osm):
            raise ValueError(f'osm "{self.osm}" is not an OpenStreetMap id (expected e.g. R62638)')
        return self


class Txt(Model):
    """``podcast:txt``: free text for machines, e.g. Apple's ownership check."""

    text: Annotated[str, Field(min_length=1, max_length=4000)]
    purpose: Short | None = Field(None, description="e.g. applepodcastsverify")


class UpdateFrequency(Model):
    """``podcast:updateFrequency``: the intended release schedule."""

    text: Short = Field(description="e.g. 'Monatlich'")
    rrule: str | None = Field(None, description="An RFC 5545 rule, e.g. FREQ=MONTHLY")
    dtstart: dt.date | dt.datetime | None = None
    complete: bool = Field(False, description="True when no more episodes will come")

    @model_validator(mode="after")
    def _rule(self) -> UpdateFrequency:
        if self.rrule is not None:
            if not RRULE.match(self.rrule):
                raise ValueError(
                    f'rrule "{self.rrule}" is not a recurrence rule (expected e.g. FREQ=WEEKLY '
                    "or FREQ=MONTHLY;INTERVAL=2)"
                )
            if "COUNT=" in self.rrule and self.dtstart is None:
                raise ValueError("an rrule with COUNT needs dtstart (the spec requires it)")
        return self


class SocialInteract(Model):
    """``podcast:socialInteract``: the root post of an episode's comment thread."""

    protocol: SocialProtocol = "activitypub"
    uri: HttpUrl | None = None
    account_id: str | None = Field(None, description="e.g. @kommune360@mastodon.social")
    account_url: HttpUrl | None = None
    priority: int | None = Field(None, ge=1, le=99)

    @model_validator(mode="after")
    def _uri(self) -> SocialInteract:
        if self.protocol != "disabled" and self.uri is None:
            raise ValueError(f"a {self.protocol} thread needs its uri (the root post's URL)")
        return self


class RemoteItem(Model):
    """A partner show in ``podcast:podroll``, named by its ``podcast:guid``."""

    feed_guid: Annotated[str, AfterValidator(_uuid)]
    feed_url: HttpUrl | None = None
    medium: Medium | None = None
    title: NonEmpty | None = Field(None, description="For your own reference; not written")


class SocialImage(Model):
    """``podcast:image`` with ``purpose="social"``: a 16:9 picture for posts about the episode.

    ``image: social.png`` or ``image: {file: social.png, alt: "…"}`` in episode.yaml; without
    it the build draws one in the show's card design (title, guests, summary).
    """

    file: NonEmpty = Field(description="A 16:9 JPEG or PNG next to episode.yaml")
    alt: Annotated[str, Field(min_length=1, max_length=500)] | None = Field(
        None, description="What the image shows, for screen readers (default: the title)"
    )

    @model_validator(mode="before")
    @classmethod
    def _file_only(cls, value: object) -> object:
        return {"file": value} if isinstance(value, str) else value
