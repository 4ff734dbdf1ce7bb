"""``podcast build``: the catalog turned into the build folder, as a straight line of stages.

load and validate → encode audio → tag the MP3s → place media → feed → pages → remove leftovers.
Everything is loaded and checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from podcast.audio import AudioProgress, EncodedAudio, encode_all
from podcast.catalog import load_catalog
from podcast.export import build_cards
from podcast.feed import EpisodeMedia, render_feed
from podcast.identity import EpisodeIdentity, assign_identities
from podcast.models import Catalog, EpisodeEntry
from podcast.paths import FEED_PATH, loudness_plot_path, loudness_report_path
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
    progress: AudioProgress | None = None  # per-episode audio progress (slug, phase, done, total)


@dataclass(frozen=True)
class BuildResult:
    catalog: Catalog
    episodes: tuple[EpisodeEntry, ...]
    media: dict[str, EpisodeMedia]
    warnings: list[Problem]
    removed: list[str]
    audio: dict[str, EncodedAudio] = field(default_factory=dict)


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


def place_loudness_reports(
    episodes: tuple[EpisodeEntry, ...], encoded: dict[str, EncodedAudio], writer: Writer
) -> None:
    """Each episode's loudness report (JSON) and plot (PNG) into the build."""
    for episode in episodes:
        audio = encoded[episode.slug]
        assert audio.report is not None and audio.plot is not None  # the audio stage makes them
        report = json.dumps(audio.report.to_json(), indent=2, ensure_ascii=False) + "\n"
        writer.write_text(loudness_report_path(episode), report, "loudness")
        writer.copy_file(loudness_plot_path(episode), audio.plot, "loudness")


def build(options: BuildOptions) -> BuildResult:
    catalog, problems = validate(options)
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
    identities = assign_identities(catalog, episodes, encoded)
    tagged = tag_all(catalog, episodes, encoded, identities, options.cache, problems)
    media = place_media(catalog, episodes, tagged, identities, writer)
    place_loudness_reports(episodes, encoded, writer)
    writer.copy_file(catalog.show.artwork.name, catalog.show.artwork, "artwork")
    writer.write_bytes(FEED_PATH, render_feed(catalog, episodes, media, options.now), "feed")
    build_cards(catalog, episodes, encoded, writer, options.cache)  # before the pages link them
    render_site(catalog, episodes, media, writer, options.now)
    removed = writer.finish()
    return BuildResult(catalog, episodes, media, problems.warnings, removed, encoded)
