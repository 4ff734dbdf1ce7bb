"""``podcast build``: the catalog turned into the build folder, as a straight line of stages.

load and validate → encode audio → identities (read back from the published state)
→ tag the MP3s → place media → feed → pages → published state → remove leftovers.
Everything is loaded and checked before anything is written.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path

from podcast.audio.encode import AudioProgress, EncodedAudio, encode_all
from podcast.audio.timeline import on_published_timeline
from podcast.build.identity import Identities, assign_identities, read_state
from podcast.catalog.loader import load_catalog, slugify
from podcast.catalog.models import Catalog, EpisodeEntry
from podcast.catalog.transcript import MIME_TYPES
from podcast.feed.rss import EpisodeMedia, chapters_json, render_feed
from podcast.paths import (
    FEED_PATH,
    STATE_PATH,
    chapters_path,
    episode_artwork_path,
    loudness_plot_path,
    loudness_report_path,
    person_image_path,
    transcript_path,
)
from podcast.problems import Problem, Problems
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
    """Load the catalog; abort once with every problem if there is any error."""
    catalog, problems = load_catalog(options.catalog)
    problems.raise_if_errors(strict=options.strict)
    assert catalog is not None  # no errors means a catalog
    return catalog, problems


def place_media(
    catalog: Catalog,
    episodes: tuple[EpisodeEntry, ...],
    encoded: dict[str, EncodedAudio],
    identities: Identities,
    writer: Writer,
) -> dict[str, EpisodeMedia]:
    """Audio, transcript and chapters (next to the audio) and episode artwork into the build."""
    show = catalog.show
    media = {}
    for episode in episodes:
        audio = encoded[episode.slug]
        identity = identities[episode.slug]
        relpath = identity.audio_relpath
        writer.copy_file(relpath, audio.path, "audio")
        transcript_url = transcript_type = chapters_url = image_url = None
        if episode.transcript is not None:
            suffix = episode.transcript.suffix.lower()
            transcript_rel = transcript_path(relpath, suffix)
            writer.copy_file(transcript_rel, episode.transcript, "transcript")
            transcript_url, transcript_type = show.url(transcript_rel), MIME_TYPES[suffix]
        if episode.meta.chapters:
            chapters_rel = chapters_path(relpath)
            writer.write_bytes(chapters_rel, chapters_json(catalog, episode), "chapters")
            chapters_url = show.url(chapters_rel)
        if episode.artwork is not None:
            artwork_rel = episode_artwork_path(episode, episode.artwork.suffix.lower())
            writer.copy_file(artwork_rel, episode.artwork, "artwork")
            image_url = show.url(artwork_rel)
        media[episode.slug] = EpisodeMedia(
            guid=identity.guid,
            relpath=relpath,
            url=show.url(relpath),
            size=audio.size,
            duration=audio.duration,
            transcript_url=transcript_url,
            transcript_type=transcript_type,
            chapters_url=chapters_url,
            image_url=image_url,
        )
    return media


def place_person_images(
    catalog: Catalog, episodes: tuple[EpisodeEntry, ...], writer: Writer
) -> dict[str, str]:
    """Pictures of hosts and guests: name -> URL (image files copied into the build)."""
    show = catalog.show
    urls: dict[str, str] = {}
    people = [(p, show.root) for p in show.hosts]
    people += [(p, e.folder) for e in episodes for p in (*e.guests, *e.hosts)]
    for person, folder in people:
        if not person.image or person.name in urls:
            continue
        if person.image.startswith(("http://", "https://")):
            urls[person.name] = person.image
            continue
        source = folder / person.image
        if not source.is_file():
            source = show.root / person.image  # defined in show.yaml's people:
        relpath = person_image_path(slugify(person.name), source.suffix.lower())
        writer.copy_file(relpath, source, "people")
        urls[person.name] = show.url(relpath)
    return urls


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
