"""``podcast build``: the catalog turned into the build folder, as a straight line of stages.

load and validate → encode audio → tag the MP3s → place media → feed → pages → remove leftovers.
Everything is loaded and checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import os
from dataclasses import dataclass, field
from pathlib import Path

from podcast.audio import EncodedAudio, encode_all
from podcast.catalog import load_catalog
from podcast.export import build_cards
from podcast.feed import EpisodeMedia, render_feed
from podcast.identity import EpisodeIdentity, assign_identities
from podcast.models import Catalog, EpisodeEntry
from podcast.paths import FEED_PATH
from podcast.problems import Problem, Problems
from podcast.site import render_site
from podcast.tags import tag_all
from podcast.writer import Writer


@dataclass(frozen=True)
class BuildOptions:
    catalog: Path = Path("episodes")
    output: Path = Path("feed")
    cache: Path = Path(".cache")
    now: dt.datetime = field(default_factory=lambda: dt.datetime.now(dt.UTC))
    jobs: int = field(default_factory=lambda: os.cpu_count() or 1)
    strict: bool = False


@dataclass(frozen=True)
class BuildResult:
    catalog: Catalog
    episodes: tuple[EpisodeEntry, ...]
    media: dict[str, EpisodeMedia]
    warnings: list[Problem]
    removed: list[str]


def validate(options: BuildOptions) -> tuple[Catalog, Problems]:
    """Load the catalog; abort once with every problem if there is any error."""
    catalog, problems = load_catalog(options.catalog)
    problems.raise_if_errors(strict=options.strict)
    assert catalog is not None  # no errors means a catalog
    return catalog, problems


def place_media(
    catalog: Catalog,
    episodes: tuple[EpisodeEntry, ...],
    encoded: dict[str, EncodedAudio],
    identities: dict[str, EpisodeIdentity],
    writer: Writer,
) -> dict[str, EpisodeMedia]:
    media = {}
    for episode in episodes:
        audio = encoded[episode.slug]
        identity = identities[episode.slug]
        relpath = identity.audio_relpath
        writer.copy_file(relpath, audio.path, "audio")
        media[episode.slug] = EpisodeMedia(
            guid=identity.guid,
            relpath=relpath,
            url=catalog.show.url(relpath),
            size=audio.size,
            duration=audio.duration,
        )
    return media


def build(options: BuildOptions) -> BuildResult:
    catalog, problems = validate(options)
    episodes = catalog.public_episodes(options.now)
    writer = Writer(options.output)
    encoded = encode_all(episodes, catalog.show.meta.audio, options.cache, options.jobs)
    identities = assign_identities(catalog, episodes, encoded)
    tagged = tag_all(catalog, episodes, encoded, identities, options.cache, problems)
    media = place_media(catalog, episodes, tagged, identities, writer)
    writer.copy_file(catalog.show.artwork.name, catalog.show.artwork, "artwork")
    writer.write_bytes(FEED_PATH, render_feed(catalog, episodes, media, options.now), "feed")
    build_cards(catalog, episodes, encoded, writer, options.cache)  # before the pages link them
    render_site(catalog, episodes, media, writer, options.now)
    removed = writer.finish()
    return BuildResult(catalog, episodes, media, problems.warnings, removed)
