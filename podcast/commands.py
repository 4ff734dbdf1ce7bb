"""What each command does, given the merged :class:`~podcast.options.Options`.

The CLI parses arguments, calls :func:`~podcast.options.load_options` and then
one function here; each reads the published state from the destination (so
GUIDs and audio URLs stay as published) and runs its stages.
"""

from __future__ import annotations

from dataclasses import dataclass

from podcast.build import BuildOptions, BuildResult, build, validate
from podcast.catalog.models import Catalog
from podcast.options import Options
from podcast.paths import STATE_PATH
from podcast.problems import Problems
from podcast.progress import AudioProgress, Bars
from podcast.publish import PublishReport, publish


def build_options(options: Options, progress: AudioProgress | None = None) -> BuildOptions:
    """The build stage's options, with the published state read from the destination."""
    destination = options.destination
    return BuildOptions(
        catalog=options.catalog,
        output=options.build_dir,
        cache=options.cache,
        strict=options.strict,
        jobs=options.jobs,
        previous_state=destination.read_bytes(STATE_PATH),
        previous_state_source=f"{destination.describe().rstrip('/')}/{STATE_PATH}",
        progress=progress,
    )


def validate_show(options: Options) -> tuple[Catalog, Problems]:
    """Every check, none of the work: the catalog, and GUIDs against the published state."""
    return validate(build_options(options))


def build_show(options: Options, progress: AudioProgress | None = None) -> BuildResult:
    """Validate, encode, tag and render the show into ``options.build_dir``."""
    return build(build_options(options, progress))


@dataclass(frozen=True)
class Published:
    build: BuildResult
    report: PublishReport


def publish_show(options: Options, bars: Bars | None = None) -> Published:
    """Build, then publish the build to the destination (see :mod:`podcast.publish`)."""
    bars = bars or Bars()
    with bars.audio() as progress:
        result = build_show(options, progress)
    with bars.upload() as progress:
        report = publish(
            options.build_dir,
            options.destination,
            dry_run=options.dry_run,
            prune=options.prune,
            break_lock=options.break_lock,
            progress=progress,
        )
    return Published(result, report)
