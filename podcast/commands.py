"""What each command does, given the merged :class:`~podcast.options.Options`.

The CLI parses arguments, calls :func:`~podcast.options.load_options` and then
one function here; each reads the published state from the destination (so
GUIDs and audio URLs stay as published), and the published feed (to recover the
identities from if the state is lost), and runs its stages.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from podcast.build.options import BuildOptions
from podcast.build.skip import hashed, output_hashes, unchanged_build
from podcast.build.summary import BuildSummary
from podcast.options import Options
from podcast.paths import FEED_PATH, STATE_PATH
from podcast.progress import AudioProgress, Bars
from podcast.publish.destination import PublishReport
from podcast.publish.run import publish

if TYPE_CHECKING:
    from podcast.catalog.models import Catalog
    from podcast.problems import Problems


def build_options(options: Options, progress: AudioProgress | None = None) -> BuildOptions:
    """The build stage's options, with the published state and feed read from the destination."""
    destination = options.destination
    where = destination.describe().rstrip("/")
    return BuildOptions(
        catalog=options.catalog,
        output=options.build_dir,
        cache=options.cache,
        strict=options.strict,
        jobs=options.jobs,
        previous_state=destination.read_bytes(STATE_PATH),
        previous_state_source=f"{where}/{STATE_PATH}",
        previous_feed=destination.read_bytes(FEED_PATH),
        previous_feed_source=f"{where}/{FEED_PATH}",
        accept_new_guids=options.accept_new_guids,
        progress=progress,
    )


def validate_show(options: Options) -> tuple[Catalog, Problems]:
    """Every check, none of the work: the catalog, and GUIDs against the published state."""
    from podcast.build.pipeline import validate

    return validate(build_options(options))


def build_show(options: Options, progress: AudioProgress | None = None) -> BuildSummary:
    """Validate, encode, tag and render the show into ``options.build_dir``, unless nothing
    changed since the last build (then the build folder is left as it is)."""
    wanted = build_options(options, progress)
    unchanged = unchanged_build(wanted)
    if unchanged is not None:
        return unchanged
    from podcast.build.pipeline import build

    return build(wanted).summary()


@dataclass(frozen=True)
class Published:
    build: BuildSummary
    report: PublishReport


def publish_show(options: Options, bars: Bars | None = None) -> Published:
    """Build, then publish the build to the destination (see :mod:`podcast.publish`)."""
    bars = bars or Bars()
    with bars.audio() as progress:
        result = build_show(options, progress)
    hashes = output_hashes(options.cache)  # the build's files, hashed once while unchanged
    with bars.upload() as progress:
        report = publish(
            options.build_dir,
            options.destination,
            dry_run=options.dry_run,
            prune=options.prune,
            break_lock=options.break_lock,
            progress=progress,
            redirect_feed_to=options.redirect_feed_to,
            sha256=lambda path: hashed(hashes, path),
        )
    hashes.save()
    return Published(result, report)
