"""The published state (``podcast-state.json``): what every published episode is.

It is read back from the publish target before every build (see
:mod:`podcast.build.identity`).  When it is missing or unreadable but the
target still has its ``feed.xml``, :mod:`podcast.build.recovery` rebuilds a
state from the feed, marked ``recovered``.
"""

from __future__ import annotations

import json

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from podcast.paths import STATE_PATH
from podcast.problems import PodcastError

STATE_VERSION = 1


class _State(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PublishedEpisode(_State):
    guid: str
    slug: str  # the page's slug: kept after a folder rename, changed only by slug:
    season: int
    number: int | None = None
    master_sha256: str  # "" when recovered from the feed (not known)
    audio_sha256: str  # when recovered from the feed: the 8 hex digits of the enclosure name
    enclosure: str  # relpath of the audio in the build and the target ("" if not ours)
    size: int | None = None  # the published file's length in bytes
    tag_region: int | None = None  # bytes of its padded ID3 region (see podcast.tags.id3)
    title: str | None = None  # only in a state recovered from the feed: matching by title
    former_slugs: tuple[str, ...] = ()  # earlier slugs: redirect pages point from them

    def same_audio(self, sha256: str) -> bool:
        """Whether the published file holds the encoded audio ``sha256`` (by its hash)."""
        return bool(self.audio_sha256 and self.enclosure) and sha256.startswith(self.audio_sha256)


class PublishedState(_State):
    """What has been published; read back from the target before every build."""

    version: int = STATE_VERSION
    podcast_guid: str | None = None
    episodes: tuple[PublishedEpisode, ...] = ()
    #: where the published feed it was recovered from is (the state itself was missing
    #: or unreadable); None for a state read as it was written
    recovered_from: str | None = Field(None, exclude=True)

    def to_bytes(self) -> bytes:
        return (json.dumps(self.model_dump(), indent=2, ensure_ascii=False) + "\n").encode()


def read_state(data: bytes | None, where: str = STATE_PATH) -> PublishedState:
    """Parse the published state; None (nothing published yet) is the empty state."""
    if data is None:
        return PublishedState()
    try:
        state = PublishedState.model_validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise PodcastError(
            f"{where}: the published state cannot be read ({loc}: {first['msg']}). It records "
            "the GUID and audio URL of every published episode: restore it from the target "
            "or a backup instead of deleting it."
        ) from None
    if state.version > STATE_VERSION:
        raise PodcastError(
            f"{where}: written by a newer version of podcast (state version {state.version}, "
            f"this one reads {STATE_VERSION}); update podcast before building."
        )
    return state
