"""What one build is asked to do: :class:`BuildOptions`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from podcast.jobs import default_jobs
from podcast.paths import FEED_PATH, STATE_PATH
from podcast.progress import AudioProgress


@dataclass(frozen=True)
class BuildOptions:
    catalog: Path = Path("episodes")
    output: Path = Path("feed")
    cache: Path = Path(".cache")
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    jobs: int = field(default_factory=default_jobs)
    strict: bool = False
    # podcast-state.json as read from the publish target (None: nothing published yet)
    previous_state: bytes | None = None
    previous_state_source: str = STATE_PATH  # where it was read, for error messages
    # feed.xml as read from the publish target: identities are recovered from it when
    # the state is missing or unreadable (None: no feed there)
    previous_feed: bytes | None = None
    previous_feed_source: str = FEED_PATH
    accept_new_guids: bool = False  # a recovered state may lose GUIDs of the published feed
    progress: AudioProgress | None = None  # per-episode audio progress (slug, phase, done, total)
