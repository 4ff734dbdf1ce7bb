"""What the commands share: the options every command takes, and how problems are printed."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from podcast.problems import Problem, Severity

CATALOG_OPTION = click.option(
    "--catalog",
    "-c",
    type=click.Path(path_type=Path),
    default=Path("episodes"),
    show_default=True,
    help="The catalog folder (with show.yaml).",
)
BUILD_OPTION = click.option(
    "--build-dir",
    "-o",
    type=click.Path(path_type=Path),
    default=Path("feed"),
    show_default=True,
    help="Where the build is written.",
)
STRICT_OPTION = click.option("--strict", is_flag=True, help="Treat warnings as errors.")
QUIET_OPTION = click.option(
    "--quiet", "-q", is_flag=True, help="No progress bars (also off when CI is set or not a TTY)."
)
TARGET_OPTION = click.option(
    "--to",
    "to",
    default=None,
    metavar="DESTINATION",
    help="Where the show is published: a local folder or s3://bucket/prefix. Default: "
    "$PODCAST_BUCKET, show.yaml's publish_to, or public/. The published state "
    "(GUIDs, audio URLs) is read back from there before building.",
)
JOBS_OPTION = click.option(
    "--jobs",
    "-j",
    type=int,
    default=None,
    help="Episodes encoded in parallel (default: one per core).",
)

ACCEPT_NEW_GUIDS_OPTION = click.option(
    "--accept-new-guids",
    is_flag=True,
    help="Go on although GUIDs of the published feed would be lost (only asked when the "
    "published state is missing and the identities come from the feed): read the "
    "error that names them first.",
)


def print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        click.secho(str(problem), fg=colour, err=True)


def options_of(*decorators: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """Several click options as one decorator, applied in the order given."""

    def decorate(function: Any) -> Any:
        for decorator in reversed(decorators):
            function = decorator(function)
        return function

    return decorate
