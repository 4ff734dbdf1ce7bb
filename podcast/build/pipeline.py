"""``podcast build``: the catalog turned into the build folder, as a straight line of stages.

load and validate → identities matched (the published state read back from the
target, or recovered from its feed) → encode audio → GUIDs and enclosures → tag the
MP3s → place media and social images → feed → pages (and redirect pages at former
slugs) → published state → remove leftovers.
Everything is loaded and checked before anything is written.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from podcast.audio.encode import EncodedAudio, encode_all
from podcast.audio.timeline import on_published_timeline
from podcast.build.identity import (
    Identities,
    Resolution,
    assign_identities,
    match_published,
    published_slugs,
    with_tags,
)
from podcast.build.inputs import ReadLog
from podcast.build.options import BuildOptions
from podcast.build.placement import (
    place_loudness_reports,
    place_media,
    place_person_images,
    place_social_images,
)
from podcast.build.recovery import recover_state, with_feed_sizes
from podcast.build.redirects import write_redirects
from podcast.build.skip import output_hashes, remember_build, take_snapshot
from podcast.build.state import PublishedState, read_state
from podcast.build.summary import AudioLine, BuildSummary
from podcast.catalog import Catalog, EpisodeEntry, load_catalog
from podcast.feed.rss import EpisodeMedia, render_feed
from podcast.paths import FEED_PATH, STATE_PATH
from podcast.problems import PodcastError, Problem, Problems
from podcast.quotes.export import build_cards
from podcast.site.pages import render_site
from podcast.stamps import StampedCache
from podcast.tags.id3 import tag_all
from podcast.writer import Writer


@dataclass(frozen=True)
class BuildResult:
    catalog: Catalog
    episodes: tuple[EpisodeEntry, ...]
    media: dict[str, EpisodeMedia]
    warnings: list[Problem]
    removed: list[str]
    identities: Identities | None = None
    audio: dict[str, EncodedAudio] = field(default_factory=dict)

    def summary(self) -> BuildSummary:
        """What the command line prints of it."""
        lines = tuple(
            AudioLine(slug, audio.report.line(), audio.report.notes, audio.cached)
            for slug, audio in self.audio.items()
            if audio.report is not None
        )
        return BuildSummary(
            len(self.episodes),
            len(self.catalog.episodes),
            self.catalog.show.feed_url,
            tuple(self.warnings),
            lines,
        )


def published_state(options: BuildOptions, catalog: Catalog, problems: Problems) -> PublishedState:
    """The published state at the target; recovered from its feed if lost or unreadable."""
    base_url = catalog.show.meta.base_url
    try:
        state = read_state(options.previous_state, options.previous_state_source)
    except PodcastError as error:
        if options.previous_feed is None:
            raise
        lost = f"cannot be read ({error})"
    else:
        if options.previous_state is not None or options.previous_feed is None:
            return with_feed_sizes(state, options.previous_feed, base_url)
        lost = "is missing"
    recovered = recover_state(options.previous_feed, base_url, options.previous_feed_source)
    problems.warn(
        options.previous_state_source,
        None,
        "identities",
        f"the published state {lost}: the identities (GUIDs, audio and page URLs) of the "
        f"{len(recovered.episodes)} published episode(s) were recovered from "
        f"{options.previous_feed_source}; this build writes the state again.",
    )
    return recovered


def _validate(options: BuildOptions) -> tuple[Catalog, Problems, Resolution]:
    catalog, problems = load_catalog(options.catalog, cache=options.cache)
    resolution = None
    if catalog is not None:
        previous = published_state(options, catalog, problems)
        episodes = catalog.public_episodes(options.now)
        resolution = match_published(
            catalog, episodes, previous, problems, options.accept_new_guids
        )
    problems.raise_if_errors(strict=options.strict)
    assert catalog is not None and resolution is not None  # no errors means a catalog
    return catalog, problems, resolution


def validate(options: BuildOptions) -> tuple[Catalog, Problems]:
    """Every check, before any audio is encoded; abort once with every problem if any is an error.

    The catalog is loaded and checked (:func:`podcast.catalog.load_catalog`), then the
    episodes this build would publish are matched to the published state
    (``options.previous_state``, else recovered from ``options.previous_feed``) so
    that GUID conflicts are found from the masters alone.
    """
    catalog, problems, _ = _validate(options)
    return catalog, problems


def build(options: BuildOptions) -> BuildResult:
    """Build the show into ``options.output``; see the module docstring for the stages.

    What it read is recorded (:mod:`podcast.build.skip`), so that a later build with
    nothing changed can leave the build folder as it is.
    """
    start = take_snapshot(options)  # the inputs' stamps before anything is read
    hashes = output_hashes(options.cache)
    with ReadLog() as read:
        result = _build(options, hashes)
    remember_build(options, start, read, result.catalog, result.summary(), hashes)
    hashes.save(prune=True)  # only the files of this build: the others are gone
    return result


def _build(options: BuildOptions, hashes: StampedCache) -> BuildResult:
    catalog, problems, resolution = _validate(options)  # first: what it can tell, it checks
    catalog = on_published_timeline(catalog, options.cache)  # times as in the MP3, intro included
    catalog = published_slugs(catalog, resolution)  # pages stay where they were published
    episodes = catalog.public_episodes(options.now)
    writer = Writer(options.output, hashes)
    encoded = encode_all(
        episodes,
        catalog.show.meta.audio,
        options.cache,
        options.jobs,
        catalog.show.root,
        options.progress,
    )
    identities = assign_identities(catalog, episodes, encoded, resolution)
    tagged = tag_all(catalog, episodes, encoded, identities.episodes, options.cache, problems)
    identities = with_tags(identities, episodes, tagged)
    files = {slug: t.audio for slug, t in tagged.items()}
    media = place_media(catalog, episodes, files, identities, writer, encoded)
    # each card is one busy process or thread: as many as the jobs
    media = place_social_images(catalog, episodes, media, writer, options.cache, options.jobs)
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
    build_cards(catalog, episodes, encoded, writer, options.cache, options.jobs)  # pages link them
    render_site(catalog, episodes, media, writer, options.now)
    write_redirects(catalog, episodes, identities.redirects(), writer)
    writer.write_bytes(STATE_PATH, identities.state.to_bytes(), "state")
    removed = writer.finish()
    return BuildResult(catalog, episodes, media, problems.warnings, removed, identities, encoded)
