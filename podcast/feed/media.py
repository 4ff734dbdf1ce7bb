"""What the build placed for an episode, as the feed and the pages link it."""

from __future__ import annotations

from dataclasses import dataclass


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
