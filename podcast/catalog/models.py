"""The catalog's file formats, declared once as frozen, typed models.

``ShowFile``, ``SeasonFile`` and ``EpisodeFile`` are exactly what
``show.yaml``, ``season.yaml`` and ``episode.yaml`` may contain: unknown keys
are rejected, and ``podcast schema`` exports their JSON Schema for editors.
The loader (:mod:`podcast.catalog.loader`) turns them into the resolved
:class:`Catalog` that every later stage consumes.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from pathlib import Path
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    BeforeValidator,
    Discriminator,
    Field,
    PlainValidator,
    Tag,
    WithJsonSchema,
)

from podcast.catalog.fields import Email, HttpUrl, Model, NonEmpty
from podcast.catalog.podcasting20 import (
    Funding,
    License,
    Location,
    Medium,
    RemoteItem,
    SocialImage,
    SocialInteract,
    Txt,
    UpdateFrequency,
)
from podcast.catalog.settings import AudioSettings, CardStyle, QuoteSettings, Switch

TIME_PATTERN = re.compile(r"^(?:(\d{1,3}):)?([0-5]?\d):([0-5]\d)(?:\.(\d{1,3}))?$")
MAX_TIME = 999 * 3600 + 59 * 60 + 59.999  # the longest time HH:MM:SS.mmm can say
NUMBER_MIN, NUMBER_MAX = 1, 99_999  # episode and season numbers
EARLIEST_YEAR = 1900  # RSS readers parse RFC 822 dates; earlier years are refused or garbled


def parse_timestamp(value: Any) -> float:
    """``HH:MM:SS[.mmm]`` (or ``MM:SS``) to seconds; numbers are taken as seconds."""
    if isinstance(value, bool):
        raise ValueError(f"{value!r} is not a time (expected HH:MM:SS[.mmm])")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise ValueError(f"{value!r} is not a time (expected HH:MM:SS[.mmm], a finite time)")
        if value < 0:
            raise ValueError(f"{value!r} is not a time (expected HH:MM:SS[.mmm], not negative)")
        if value > MAX_TIME:
            raise ValueError(f"{value!r} is not a time (expected at most 999:59:59.999)")
        return float(value)
    if isinstance(value, str):
        match = TIME_PATTERN.match(value.strip())
        if match:
            hours, minutes, seconds, millis = match.groups()
            total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds)
            return total + (int(millis.ljust(3, "0")) / 1000 if millis else 0.0)
    raise ValueError(f'"{value}" is not a time (expected HH:MM:SS[.mmm])')


def format_timestamp(seconds: float, millis: bool = True) -> str:
    """Seconds to ``HH:MM:SS.mmm`` (or ``HH:MM:SS``)."""
    total_ms = round(seconds * 1000)
    hours, rest = divmod(total_ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    secs, ms = divmod(rest, 1000)
    text = f"{hours:02d}:{minutes:02d}:{secs:02d}"
    return f"{text}.{ms:03d}" if millis else text


Timestamp = Annotated[
    float,
    BeforeValidator(parse_timestamp),
    WithJsonSchema(
        {
            "type": "string",
            "pattern": r"^(\d{1,3}:)?[0-5]?\d:[0-5]\d(\.\d{1,3})?$",
            "description": "A time in the audio, HH:MM:SS[.mmm]",
        }
    ),
]


def _base_url(value: str) -> str:
    if "?" in value or "#" in value:
        raise ValueError(
            f'"{value}" has a query or fragment (expected the plain URL of the folder the '
            "show is published in, e.g. https://cdn.example.org/show: every URL is built on it)"
        )
    return value


BaseUrl = Annotated[HttpUrl, AfterValidator(_base_url)]


def _number(value: Any) -> int:
    """An episode or season number: a whole number, not a boolean or a float.

    Text goes on to pydantic, which takes "14" and says what is wrong with "zwei".
    """
    if isinstance(value, str):
        return value  # type: ignore[return-value]
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValueError(f"expected a whole number, found {value!r}")
    if value < NUMBER_MIN:
        raise ValueError(f"{value} is out of range (expected at least {NUMBER_MIN})")
    if value > NUMBER_MAX:
        raise ValueError(f"{value} is out of range (expected at most {NUMBER_MAX})")
    return value


Number = Annotated[int, Field(ge=NUMBER_MIN, le=NUMBER_MAX), BeforeValidator(_number)]


class Person(Model):
    """A host or guest. Define once under ``people:`` in show.yaml, refer to by key."""

    name: NonEmpty
    role: str | None = Field(None, description="What the person does, e.g. their job title")
    bio: str | None = None
    url: HttpUrl | None = None
    image: str | None = Field(None, description="Image file next to the YAML, or an URL")


PersonRef = Annotated[
    Annotated[str, Tag("key")] | Annotated[Person, Tag("person")],
    Discriminator(lambda value: "key" if isinstance(value, str) else "person"),
    Field(description="A key of show.yaml's people:, or a person written out in full"),
]
UNION_TAGS = {"key", "person"}


def parse_date(value: Any) -> dt.date | dt.datetime:
    """A date, or a date-time that says its time zone."""
    if isinstance(value, str):
        try:
            value = (
                dt.date.fromisoformat(value)
                if len(value.strip()) == 10
                else dt.datetime.fromisoformat(value.strip())
            )
        except ValueError:
            raise ValueError(
                f'"{value}" is not a date (expected YYYY-MM-DD or YYYY-MM-DDTHH:MM:SS+01:00)'
            ) from None
    if isinstance(value, dt.date) and value.year < EARLIEST_YEAR:
        raise ValueError(
            f'"{value.isoformat()}" is in the year {value.year} (expected a year from '
            f"{EARLIEST_YEAR}: RSS readers refuse earlier dates)"
        )
    if isinstance(value, dt.datetime):
        if value.tzinfo is None:
            raise ValueError(
                f'"{value.isoformat()}" has no time zone (expected e.g. {value.isoformat()}+01:00)'
            )
        return value
    if isinstance(value, dt.date):
        return value
    raise ValueError(f'"{value}" is not a date (expected YYYY-MM-DD)')


EpisodeDate = Annotated[
    dt.date | dt.datetime,
    PlainValidator(parse_date),
    WithJsonSchema(
        {
            "type": "string",
            "description": "YYYY-MM-DD, or an ISO date-time with time zone",
            "pattern": (
                r"^\d{4}-\d{2}-\d{2}"
                r"([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2}))?$"
            ),
        }
    ),
]


class Owner(Model):
    name: NonEmpty
    email: Email


# YAML 1.1 reads an unquoted ``off`` as false: it means "off" here
class Takeaway(Model):
    title: NonEmpty
    text: str | None = None


def _takeaway(value: Any) -> Any:
    return {"title": value} if isinstance(value, str) else value


TakeawayItem = Annotated[Takeaway, BeforeValidator(_takeaway)]


def _prefix(value: str) -> str:
    if not value.endswith("/") or "?" in value or "#" in value:
        raise ValueError(
            f'"{value}" is not an analytics prefix (expected a URL ending in "/", without '
            "query or fragment, e.g. https://op3.dev/e/)"
        )
    return value


AnalyticsPrefix = Annotated[HttpUrl, AfterValidator(_prefix)]


class ShowFile(Model):
    """``show.yaml``: the channel."""

    title: NonEmpty
    subtitle: str | None = None
    description: NonEmpty
    language: NonEmpty = Field(description="Language code, e.g. de or de-DE")
    author: NonEmpty
    owner: Owner
    link: HttpUrl = Field(description="The show's website")
    base_url: BaseUrl = Field(
        description="Where the published show lives; all URLs build on it (no query or fragment)"
    )
    artwork: str = "artwork.jpg"
    categories: tuple[NonEmpty, ...] = Field(min_length=1, description="Apple Podcasts categories")
    explicit: bool = False
    type: Literal["episodic", "serial"] = "episodic"
    copyright: str | None = None
    timezone: str = Field(
        "UTC", description="Time zone for dates without a time, e.g. Europe/Berlin"
    )
    hosts: tuple[PersonRef, ...] = Field(default_factory=tuple)
    people: dict[str, Person] = Field(default_factory=dict)
    audio: AudioSettings = AudioSettings()
    cards: CardStyle = CardStyle()
    quotes: QuoteSettings = QuoteSettings()
    links: dict[str, HttpUrl] = Field(
        default_factory=dict, description="Where else to subscribe, e.g. Apple Podcasts: https://…"
    )
    guid: str | None = Field(None, description="podcast:guid; computed from the feed URL if unset")
    locked: bool = True
    new_feed_url: HttpUrl | None = Field(None, description="Set when the show moved to a new feed")
    publish_to: str | None = Field(None, description="s3://bucket/prefix or a local folder")
    analytics_prefix: AnalyticsPrefix | None = Field(
        None,
        description="Put in front of enclosure URLs in the feed only, e.g. https://op3.dev/e/",
    )
    # Podcasting 2.0 (podcast:…), each written only when set; see catalog/podcasting20.py
    medium: Medium = "podcast"
    funding: tuple[Funding, ...] = Field(default_factory=tuple)
    license: License | None = None
    location: Location | None = None
    txt: tuple[Txt, ...] = Field(default_factory=tuple)
    update_frequency: UpdateFrequency | None = None
    social_interact: tuple[SocialInteract, ...] = Field(default_factory=tuple)
    podroll: tuple[RemoteItem, ...] = Field(default_factory=tuple, description="Partner shows")
    media_roots: tuple[NonEmpty, ...] = Field(
        default_factory=tuple,
        description="Folders outside the catalog that may hold its media (e.g. masters on a "
        "NAS), absolute or relative to show.yaml; every other file must be inside the catalog",
    )


class SeasonFile(Model):
    """``season.yaml``."""

    number: Number
    title: NonEmpty
    description: str | None = None
    takeaways: tuple[TakeawayItem, ...] = Field(default_factory=tuple)
    takeaways_title: str | None = Field(
        None, description="Heading for the takeaways, e.g. 'Was braucht es für …?'"
    )


class Chapter(Model):
    start: Timestamp
    title: NonEmpty
    url: HttpUrl | None = None


class Quote(Model):
    """A quote as episode.yaml gives it: without times, they are found in the transcript."""

    text: NonEmpty
    speaker: NonEmpty = Field(description="A person key, or the name of a guest or host")
    start: Timestamp | None = Field(
        None, description="Where it starts; found in the transcript when left out"
    )
    end: Timestamp | None = Field(
        None, description="Where it ends; found in the transcript when left out"
    )
    tags: tuple[str, ...] = Field(default_factory=tuple)


class TimedQuote(Quote):
    """A quote whose times are known: given in episode.yaml, or found by the loader."""

    start: Timestamp
    end: Timestamp


class EpisodeFile(Model):
    """``episode.yaml``."""

    title: NonEmpty
    number: Number | None = None
    type: Literal["full", "trailer", "bonus"] = "full"
    date: EpisodeDate = Field(
        description="A date, or an ISO date-time with time zone; in the future means scheduled"
    )
    draft: bool = False
    audio: NonEmpty = Field(description="The audio master, next to episode.yaml")
    leveler: Switch | None = Field(None, description="show.yaml's audio.leveler, for this one")
    summary: NonEmpty = Field(description="One line")
    description: str = Field("", description="Show notes in Markdown")
    guests: tuple[PersonRef, ...] = Field(default_factory=tuple)
    hosts: tuple[PersonRef, ...] | None = None
    chapters: tuple[Chapter, ...] = Field(default_factory=tuple)
    quotes: tuple[Quote, ...] = Field(default_factory=tuple)
    takeaways: tuple[TakeawayItem, ...] = Field(default_factory=tuple)
    explicit: bool | None = None
    artwork: str | None = None
    transcript: str | None = None
    guid: str | None = None
    slug: str | None = Field(None, pattern=r"^[a-z0-9][a-z0-9-]*$")
    # Podcasting 2.0 for this episode (podcast:…), each written only when set
    license: License | None = None
    location: Location | None = None
    txt: tuple[Txt, ...] = Field(default_factory=tuple)
    social_interact: tuple[SocialInteract, ...] = Field(default_factory=tuple)
    image: SocialImage | None = Field(
        None, description="podcast:image for posts: a 16:9 file (default: drawn like a card)"
    )


# --- the resolved catalog -------------------------------------------------


class AudioInfo(Model):
    """What probing the master found."""

    duration: float
    channels: int
    sample_rate: int
    codec: str


class ShowEntry(Model):
    meta: ShowFile
    root: Path
    artwork: Path
    hosts: tuple[Person, ...]
    timezone: Any = Field(description="a zoneinfo.ZoneInfo")
    media_roots: tuple[Path, ...] = Field((), description="Resolved folders of media_roots:")

    @property
    def feed_url(self) -> str:
        return self.url("feed.xml")

    def enclosure_url(self, url: str) -> str:
        """``url`` as the feed's enclosures give it: behind the analytics prefix, if any."""
        prefix = self.meta.analytics_prefix
        return prefix + url.split("://", 1)[-1] if prefix else url

    def url(self, relpath: str) -> str:
        return self.meta.base_url.rstrip("/") + "/" + relpath.lstrip("/")


class SeasonEntry(Model):
    meta: SeasonFile
    folder: Path
    slug: str

    @property
    def number(self) -> int:
        return self.meta.number


class EpisodeEntry(Model):
    meta: EpisodeFile
    folder: Path
    slug: str
    season: SeasonEntry
    published: dt.datetime = Field(description="Aware date-time of publication")
    hosts: tuple[Person, ...]
    guests: tuple[Person, ...]
    audio_path: Path
    audio: AudioInfo
    artwork: Path | None
    transcript: Path | None
    social_image: Path | None = Field(None, description="episode.yaml's image:, checked")

    @property
    def number(self) -> int | None:
        return self.meta.number

    @property
    def title(self) -> str:
        return self.meta.title

    @property
    def explicit(self) -> bool | None:
        return self.meta.explicit

    @property
    def quotes(self) -> tuple[TimedQuote, ...]:
        """The quotes with their times (the loader has found those episode.yaml leaves out)."""
        return tuple(
            q if isinstance(q, TimedQuote) else TimedQuote.model_validate(q.model_dump())
            for q in self.meta.quotes
        )

    def speaker(self, quote: Quote) -> Person | None:
        for person in (*self.guests, *self.hosts):
            if quote.speaker == person.name:
                return person
        return None

    def is_public(self, now: dt.datetime) -> bool:
        return not self.meta.draft and self.published <= now


class Catalog(Model):
    show: ShowEntry
    seasons: tuple[SeasonEntry, ...]
    episodes: tuple[EpisodeEntry, ...] = Field(description="Newest first")

    def public_episodes(self, now: dt.datetime | None = None) -> tuple[EpisodeEntry, ...]:
        now = now or dt.datetime.now(dt.UTC)
        return tuple(e for e in self.episodes if e.is_public(now))

    def season_episodes(self, season: SeasonEntry, now: dt.datetime | None = None):
        return tuple(e for e in self.public_episodes(now) if e.season.number == season.number)
