"""``podcast build`` and ``podcast publish``: the show built, then copied to its destination."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from podcast.cli.common import (
    ACCEPT_NEW_GUIDS_OPTION,
    BUILD_OPTION,
    CATALOG_OPTION,
    JOBS_OPTION,
    QUIET_OPTION,
    STRICT_OPTION,
    TARGET_OPTION,
    print_problems,
)

if TYPE_CHECKING:
    from podcast.build.summary import BuildSummary
    from podcast.publish.destination import PublishReport


def print_build(result: BuildSummary, build_dir: Path, quiet: bool) -> None:
    print_problems(list(result.warnings))
    if not quiet:
        for audio in result.audio:
            cached = " (cached)" if audio.cached else ""
            click.echo(f"  {audio.slug}: {audio.line}{cached}")
            for note in audio.notes:
                click.secho(f"    note: {note}", fg="yellow")
    unchanged = ", nothing changed since the last build" if result.unchanged else ""
    click.echo(
        f"built {result.built} episode(s) of {result.in_catalog} into "
        f"{build_dir}/ (feed: {result.feed_url}{unchanged})"
    )


def print_publish(report: PublishReport) -> None:
    for change in report.changes:
        if report.dry_run or change.action == "delete":
            click.echo(f"  {change.action:7} {change.relpath} ({change.size:,} bytes)")
    for relpath in report.kept:
        click.echo(f"  kept    {relpath} (a published episode still refers to it)")
    for note in report.notes:
        click.secho(f"note: {note}", fg="yellow", err=True)
    deleted = sum(c.action == "delete" for c in report.changes)
    if report.dry_run:
        click.echo(
            f"would publish to {report.target}: {report.uploads} file(s) to upload "
            f"({report.bytes:,} bytes), {deleted} to delete, {report.unchanged} unchanged"
        )
    elif not report.changes:
        refreshed = " (hash index refreshed)" if report.index_refreshed else ""
        click.echo(
            f"{report.target} is up to date: 0 bytes uploaded, {report.unchanged} file(s) "
            f"unchanged{refreshed} ({report.seconds:.2f} s)"
        )
    else:
        click.echo(
            f"published to {report.target}: {report.uploads} file(s) uploaded "
            f"({report.bytes:,} bytes), {deleted} deleted, {report.unchanged} unchanged "
            f"in {report.seconds:.2f} s"
        )


@click.command("build")
@CATALOG_OPTION
@BUILD_OPTION
@STRICT_OPTION
@TARGET_OPTION
@JOBS_OPTION
@QUIET_OPTION
@ACCEPT_NEW_GUIDS_OPTION
def build_command(
    catalog: Path,
    build_dir: Path,
    strict: bool,
    to: str | None,
    jobs: int | None,
    quiet: bool,
    accept_new_guids: bool,
) -> None:
    """Validate, normalize and encode the audio, write the feed and pages into the build folder.

    Each episode is normalized to the show's loudness (audio: in show.yaml) and its
    loudness report is printed and written to loudness/<episode>-<hash>.json and .png.
    Published episodes keep their GUIDs and audio URLs: they are read from the
    published state (podcast-state.json) at the publish destination.
    """
    from podcast.commands import build_show
    from podcast.options import load_options
    from podcast.progress import audio_progress, progress_wanted

    options = load_options(
        catalog,
        build_dir=build_dir,
        to=to,
        strict=strict,
        jobs=jobs,
        accept_new_guids=accept_new_guids,
    )
    with audio_progress(progress_wanted(quiet)) as progress:
        result = build_show(options, progress)
    print_build(result, build_dir, quiet)


@click.command("publish")
@CATALOG_OPTION
@BUILD_OPTION
@STRICT_OPTION
@TARGET_OPTION
@click.option("--dry-run", "-n", is_flag=True, help="Show what would change; change nothing.")
@click.option(
    "--prune",
    is_flag=True,
    help="Delete published files that are no longer built (never media a published "
    "episode still refers to).",
)
@click.option(
    "--endpoint-url",
    default=None,
    metavar="URL",
    help="S3 endpoint for MinIO, R2 … (default: boto3's own, e.g. $AWS_ENDPOINT_URL).",
)
@click.option("--acl", default=None, help="Canned ACL for every object, e.g. public-read.")
@click.option("--break-lock", is_flag=True, help="Break a publish lock older than 30 minutes.")
@click.option(
    "--check",
    "check_after",
    is_flag=True,
    help="Then run `podcast check` on the published feed (base_url): exit 1 if it fails.",
)
@click.option(
    "--redirect-feed-to",
    default=None,
    metavar="URL",
    help="The show moves to URL: on an S3 bucket serving as a website, feed.xml then "
    "answers with a 301 to URL (x-amz-website-redirect-location). Does not apply to a "
    "local folder.",
)
@ACCEPT_NEW_GUIDS_OPTION
@JOBS_OPTION
@QUIET_OPTION
def publish_command(
    catalog: Path,
    build_dir: Path,
    strict: bool,
    to: str | None,
    dry_run: bool,
    prune: bool,
    endpoint_url: str | None,
    acl: str | None,
    break_lock: bool,
    check_after: bool,
    redirect_feed_to: str | None,
    accept_new_guids: bool,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Build, then publish the build to a folder or an S3 bucket.

    \b
    Only files whose content changed are uploaded. Media and assets go first,
    pages next, the feed last, and only once every episode's audio is there:
    an interrupted publish leaves the previous feed working; run it again to
    complete it. Credentials come from boto3 (AWS_ACCESS_KEY_ID …, AWS_PROFILE,
    ~/.aws); the endpoint from --endpoint-url or AWS_ENDPOINT_URL.
    """
    from podcast.commands import publish_show
    from podcast.options import load_options
    from podcast.progress import Bars, progress_wanted

    options = load_options(
        catalog,
        build_dir=build_dir,
        to=to,
        endpoint_url=endpoint_url,
        acl=acl,
        strict=strict,
        jobs=jobs,
        dry_run=dry_run,
        prune=prune,
        break_lock=break_lock,
        accept_new_guids=accept_new_guids,
        redirect_feed_to=redirect_feed_to,
    )
    published = publish_show(options, Bars(progress_wanted(quiet)))
    print_build(published.build, build_dir, quiet)
    print_publish(published.report)
    if check_after and not dry_run:
        from podcast.check.run import CheckOptions
        from podcast.cli.check import run_check

        if not run_check(published.build.feed_url, CheckOptions()):
            sys.exit(1)
