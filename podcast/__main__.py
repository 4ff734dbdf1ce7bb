"""The ``podcast`` command line: thin commands that load options and call one stage each."""

from __future__ import annotations

import json
import os
import sys
from contextlib import contextmanager
from pathlib import Path

import click

from podcast import __version__
from podcast.problems import CatalogError, PodcastError, Problem, Severity

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


def _print_problems(problems: list[Problem]) -> None:
    for problem in problems:
        colour = "red" if problem.severity is Severity.ERROR else "yellow"
        click.secho(str(problem), fg=colour, err=True)


class PodcastGroup(click.Group):
    """Turns user-facing errors into messages and an exit code, never a traceback."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except CatalogError as error:
            _print_problems(error.problems)
            errors = sum(p.severity is Severity.ERROR for p in error.problems)
            warnings = len(error.problems) - errors
            click.secho(
                f"{errors} error(s), {warnings} warning(s): nothing was built or published.",
                fg="red",
                err=True,
            )
            sys.exit(1)
        except PodcastError as error:
            click.secho(f"error: {error}", fg="red", err=True)
            sys.exit(1)
        except KeyboardInterrupt:
            click.secho("interrupted: the published show is unchanged.", fg="red", err=True)
            sys.exit(130)


@click.group(cls=PodcastGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="podcast")
def cli() -> None:
    """Turn a folder of episodes into a published podcast.

    \b
    Typical use:
      podcast validate      check the whole catalog, report every problem
      podcast build         encode audio, write feed.xml and pages into feed/
      podcast publish       build, then copy feed/ to the target (public/ by default)
      podcast serve         serve the published show for a podcast app on your network
    """


@cli.command()
@CATALOG_OPTION
@STRICT_OPTION
def validate(catalog: Path, strict: bool) -> None:
    """Check the catalog in one pass and report every problem with file, line and field."""
    from podcast.catalog import load_catalog

    loaded, problems = load_catalog(catalog)
    _print_problems(problems.sorted())
    problems.raise_if_errors(strict=strict)
    assert loaded is not None
    click.echo(
        f"{catalog}: {len(loaded.seasons)} season(s), {len(loaded.episodes)} episode(s), "
        f"{len(problems.warnings)} warning(s): OK"
    )


@cli.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write show/season/episode .schema.json into this folder instead of printing.",
)
def schema(out: Path | None) -> None:
    """Export the catalog's JSON Schema, for autocompletion in editors."""
    from podcast.models import EpisodeFile, SeasonFile, ShowFile

    schemas = {
        "show": ShowFile.model_json_schema(),
        "season": SeasonFile.model_json_schema(),
        "episode": EpisodeFile.model_json_schema(),
    }
    if out is None:
        click.echo(json.dumps(schemas, indent=2, ensure_ascii=False))
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, value in schemas.items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        click.echo(f"wrote {path}")


def _run_build(catalog: Path, build_dir: Path, strict: bool, jobs: int | None):
    from podcast.build import BuildOptions, build

    options = BuildOptions(
        catalog=catalog,
        output=build_dir,
        cache=catalog.parent / ".cache",
        strict=strict,
        jobs=jobs or os.cpu_count() or 1,
    )
    result = build(options)
    _print_problems(result.warnings)
    click.echo(
        f"built {len(result.episodes)} episode(s) of {len(result.catalog.episodes)} into "
        f"{build_dir}/ (feed: {result.catalog.show.feed_url})"
    )
    return result


@cli.command("build")
@CATALOG_OPTION
@BUILD_OPTION
@STRICT_OPTION
@click.option("--jobs", "-j", type=int, default=None, help="Episodes encoded in parallel.")
def build_command(catalog: Path, build_dir: Path, strict: bool, jobs: int | None) -> None:
    """Validate, encode the audio and write the feed and pages into the build folder."""
    _run_build(catalog, build_dir, strict, jobs)


@cli.command("publish")
@CATALOG_OPTION
@BUILD_OPTION
@STRICT_OPTION
@click.option(
    "--to",
    "target",
    default=None,
    metavar="TARGET",
    help="A local folder or s3://bucket/prefix. Default: $PODCAST_BUCKET, show.yaml's "
    "publish_to, or public/.",
)
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
@click.option("--jobs", "-j", type=int, default=None, help="Episodes encoded in parallel.")
def publish_command(
    catalog: Path,
    build_dir: Path,
    strict: bool,
    target: str | None,
    dry_run: bool,
    prune: bool,
    endpoint_url: str | None,
    acl: str | None,
    break_lock: bool,
    jobs: int | None,
) -> None:
    """Build, then publish the build to a folder or an S3 bucket.

    \b
    Only files whose content changed are uploaded. Media and assets go first,
    pages next, the feed last, and only once every episode's audio is there:
    an interrupted publish leaves the previous feed working; run it again to
    complete it. Credentials come from boto3 (AWS_ACCESS_KEY_ID …, AWS_PROFILE,
    ~/.aws); the endpoint from --endpoint-url or AWS_ENDPOINT_URL.
    """
    from podcast.publish import open_target, publish

    result = _run_build(catalog, build_dir, strict, jobs)
    spec = target or os.environ.get("PODCAST_BUCKET") or result.catalog.show.meta.publish_to
    spec = spec or "public"
    destination = open_target(spec, endpoint_url=endpoint_url, acl=acl)
    with _upload_progress() as progress:
        report = publish(
            build_dir,
            destination,
            dry_run=dry_run,
            prune=prune,
            break_lock=break_lock,
            progress=progress,
        )
    for change in report.changes:
        if dry_run or change.action == "delete":
            click.echo(f"  {change.action:7} {change.relpath} ({change.size:,} bytes)")
    for relpath in report.kept:
        click.echo(f"  kept    {relpath} (a published episode still refers to it)")
    deleted = sum(c.action == "delete" for c in report.changes)
    if dry_run:
        click.echo(
            f"would publish to {report.target}: {report.uploads} file(s) to upload "
            f"({report.bytes:,} bytes), {deleted} to delete, {report.unchanged} unchanged"
        )
    elif not report.changes:
        refreshed = " (hash index refreshed)" if report.index_refreshed else ""
        click.echo(
            f"{report.target} is up to date: 0 bytes uploaded, {report.unchanged} file(s) "
            f"unchanged{refreshed}"
        )
    else:
        click.echo(
            f"published to {report.target}: {report.uploads} file(s) uploaded "
            f"({report.bytes:,} bytes), {deleted} deleted, {report.unchanged} unchanged "
            f"in {report.seconds:.1f} s"
        )


class _RichProgress:
    """Bytes and files of a publish, on the terminal (called from upload threads)."""

    def __init__(self, bar):
        self.bar = bar
        self.task = None
        self.files = 0
        self.done = 0

    def start(self, files: int, total_bytes: int) -> None:
        self.files = files
        self.task = self.bar.add_task(f"0/{files} files", total=total_bytes)

    def advance(self, nbytes: int) -> None:
        self.bar.update(self.task, advance=nbytes)

    def file_done(self, relpath: str) -> None:
        self.done += 1
        self.bar.update(self.task, description=f"{self.done}/{self.files} files")


@contextmanager
def _upload_progress():
    """A progress bar on an interactive terminal; nothing in CI or when output is piped."""
    if not sys.stderr.isatty() or os.environ.get("CI"):
        yield None
        return
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        DownloadColumn,
        Progress,
        TextColumn,
        TransferSpeedColumn,
    )

    columns = [TextColumn("{task.description}"), BarColumn()]
    bytes_bar = Progress(
        *columns,
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bytes_bar:
        progress = _RichProgress(bytes_bar)
        yield progress


@cli.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("public"),
    show_default=True,
    help="The published folder to serve.",
)
@click.option("--host", default="0.0.0.0", show_default=True, help="Address to listen on.")
@click.option("--port", default=8000, show_default=True, help="Port to listen on.")
@CATALOG_OPTION
def serve(directory: Path, host: str, port: int, catalog: Path) -> None:
    """Serve the published show over HTTP (HEAD and byte ranges) for podcast apps.

    Feed and pages are served with the show's base_url replaced by this
    server's address, so an app on the same network can subscribe and download.
    """
    import socket

    from podcast.serve import make_server

    if not directory.is_dir():
        raise PodcastError(f"{directory}: not found (run podcast publish first)")
    base_url = None
    if (catalog / "show.yaml").is_file():
        from podcast.models import ShowFile
        from podcast.yamlsource import YamlSource

        base_url = ShowFile.model_validate(YamlSource.read(catalog / "show.yaml").data).base_url
    server = make_server(directory, host, port, base_url)
    shown = host if host not in ("0.0.0.0", "") else socket.gethostbyname(socket.gethostname())
    click.echo(f"serving {directory}/ at http://{shown}:{server.server_port}/")
    click.echo(f"subscribe to http://{shown}:{server.server_port}/feed.xml (Ctrl-C stops)")
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    cli()
