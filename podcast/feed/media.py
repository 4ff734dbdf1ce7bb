"""What the build placed for an episode, as the feed and the pages link it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Alternate:
    """Another file of the episode's audio (``podcast:alternateEnclosure``)."""

    url: str
    mime: str
    size: int
    bitrate: float  # bit/s, the file's average
    title: str
    integrity: str | None = None  # SRI, ``sha384-<base64>``
    codecs: str | None = None  # RFC 6381, e.g. "opus"


@dataclass(frozen=True)
class SocialImage:
    """The episode's 16:9 image for posts (``podcast:image purpose="social"``)."""

    url: str
    relpath: str  # in the build
    width: int
    height: int
    mime: str
    alt: str


@dataclass(frozen=True)
class EpisodeMedia:
    """An episode as published: its GUID, and where its audio lives and what it is."""

    guid: str
    relpath: str
    url: str
    size: int
    duration: float
    mime: str = "audio/mpeg"
    transcript_url: str | None = None
    transcript_type: str | None = None
    chapters_url: str | None = None
    image_url: str | None = None
    alternates: tuple[Alternate, ...] = ()
    social_image: SocialImage | None = None
