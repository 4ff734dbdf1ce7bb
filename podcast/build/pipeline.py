"""``podcast build``: the catalog turned into the build folder, as a straight line of stages.

load and validate → encode audio → identities (read back from the published state)
→ tag the MP3s → place media → feed → pages → published state → remove leftovers.
Everything is loaded and checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from podcast.audio.encode import EncodedAudio, encode_all
from podcast.audio.timeline import on_published_timeline
from podcast.build.identity import (
    Identities,
    assign_identities,
    check_identities,
    read_state,
)
from podcast.build.placement import place_loudness_reports, place_media, place_person_images
from podcast.catalog import Catalog, EpisodeEntry, load_catalog
from podcast.feed.rss import EpisodeMedia, render_feed
from podcast.paths import (
    FEED_PATH,
    STATE_PATH,
)
from podcast.problems import Problem, Problems
from podcast.progress import AudioProgress
from podcast.quotes.export import build_cards
from podcast.site.pages import render_site
from podcast.tags.id3 import tag_all
from podcast.writer import Writer


@dataclass(frozen=True)
class BuildOptions:
    catalog: Path = Path("episodes")
    output: Path = Path("feed")
    cache: Path = Path(".cache")
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    strict: bool = False
    # podcast-state.json as read from the publish target (None: nothing published yet)
    previous_state: bytes | None = None
    previous_state_source: str = STATE_PATH  # where it was read, for error messages
    progress: AudioProgress | None = None  # per-episode audio progress (slug, phase, done, total)


@dataclass(frozen=True)
class BuildResult:
    catalog: Catalog
    episodes: tuple[EpisodeEntry, ...]
    media: dict[str, EpisodeMedia]
    warnings: list[Problem]
    removed: list[str]
    identities: Identities | None = None
    audio: dict[str, EncodedAudio] = field(default_factory=dict)


def validate(options: BuildOptions) -> tuple[Catalog, Problems]:
    """Every check, before any audio is encoded; abort once with every problem if any is an error.

    The catalog is loaded and checked (:func:`podcast.catalog.load_catalog`), then the
    episodes this build would publish are matched to the published state
    (``options.previous_state``) so that GUID conflicts are found from the masters alone.
    """
    catalog, problems = load_catalog(options.catalog)
    if catalog is not None:
        previous = read_state(options.previous_state, options.previous_state_source)
        check_identities(catalog, catalog.public_episodes(options.now), previous, problems)
    problems.raise_if_errors(strict=options.strict)
    assert catalog is not None  # no errors means a catalog
    return catalog, problems


def build(options: BuildOptions) -> BuildResult:
    catalog, problems = validate(options)  # first: the build never fails on what it can tell
    catalog = on_published_timeline(catalog, options.cache)  # times as in the MP3, intro included
    previous = read_state(options.previous_state, options.previous_state_source)
    episodes = catalog.public_episodes(options.now)
    writer = Writer(options.output)
    encoded = encode_all(
        episodes,
        catalog.show.meta.audio,
        options.cache,
        options.jobs,
        catalog.show.root,
        options.progress,
    )
    identities = assign_identities(catalog, episodes, encoded, previous)
    tagged = tag_all(catalog, episodes, encoded, identities.episodes, options.cache, problems)
    media = place_media(catalog, episodes, tagged, identities, writer)
    place_loudness_reports(episodes, encoded, writer)
    person_images = place_person_images(catalog, episodes, writer)
    writer.copy_file(catalog.show.artwork.name, catalog.show.artwork, "artwork")
    feed = render_feed(
        catalog,
        episodes,
        media,
        options.now,
        podcast_guid=identities.podcast_guid,
        person_images=person_images,
    )
    writer.write_bytes(FEED_PATH, feed, "feed")
    build_cards(catalog, episodes, encoded, writer, options.cache)  # before the pages link them
    render_site(catalog, episodes, media, writer, options.now)
    writer.write_bytes(STATE_PATH, identities.state.to_bytes(), "state")
    removed = writer.finish()
    return BuildResult(catalog, episodes, media, problems.warnings, removed, identities, encoded)
