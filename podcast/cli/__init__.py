"""The ``podcast`` command line: thin commands that load options and call one stage each."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

from podcast import __version__
from podcast.cli.check import check
from podcast.cli.serve import serve
from podcast.problems import CatalogError, PodcastError, Problem, Severity

if TYPE_CHECKING:
    from podcast.publish import Destination

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
            click.secho(
                "interrupted: the published feed is unchanged; run the command again to finish.",
                fg="red",
                err=True,
            )
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
      podcast quotes        list quotes; `quotes export` makes cards, slides, clips
    """


@cli.command()
@CATALOG_OPTION
@STRICT_OPTION
def validate(catalog: Path, strict: bool) -> None:
    """Check the catalog in one pass and report every problem with file, line and field."""
    from podcast.catalog.loader import load_catalog

    loaded, problems = load_catalog(catalog)
    problems.raise_if_errors(strict=strict)  # prints every problem, warnings too, and exits
    assert loaded is not None
    _print_problems(problems.sorted())  # only warnings are left
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
    from podcast.catalog.models import EpisodeFile, SeasonFile, ShowFile

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


TARGET_OPTION = click.option(
    "--to",
    "target",
    default=None,
    metavar="TARGET",
    help="Where the show is published: a local folder or s3://bucket/prefix. Default: "
    "$PODCAST_BUCKET, show.yaml's publish_to, or public/. The published state "
    "(GUIDs, audio URLs) is read back from there before building.",
)


def _target_spec(catalog: Path, target: str | None) -> str:
    """--to, else $PODCAST_BUCKET, else show.yaml's publish_to, else public/."""
    if target or os.environ.get("PODCAST_BUCKET"):
        return target or os.environ["PODCAST_BUCKET"]
    from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError

    try:
        data = YamlSource.read(catalog / "show.yaml").data
    except (OSError, YamlSyntaxError):
        data = None  # validation reports it
    publish_to = data.get("publish_to") if isinstance(data, dict) else None
    return publish_to if isinstance(publish_to, str) and publish_to else "public"


QUIET_OPTION = click.option(
    "--quiet", "-q", is_flag=True, help="No progress bars (also off when CI is set or not a TTY)."
)


def _run_build(
    catalog: Path,
    build_dir: Path,
    strict: bool,
    jobs: int | None,
    spec: str,
    quiet: bool,
    target: Destination | None = None,
):
    from podcast.build import BuildOptions, build
    from podcast.paths import STATE_PATH
    from podcast.progress import audio_progress, progress_wanted
    from podcast.publish import open_destination

    target = target or open_destination(spec)
    with audio_progress(progress_wanted(quiet)) as progress:
        options = BuildOptions(
            catalog=catalog,
            output=build_dir,
            cache=catalog.parent / ".cache",
            strict=strict,
            jobs=jobs or os.cpu_count() or 1,
            previous_state=target.read_bytes(STATE_PATH),
            previous_state_source=f"{target.describe().rstrip('/')}/{STATE_PATH}",
            progress=progress,
        )
        result = build(options)
    _print_problems(result.warnings)
    if not quiet:
        for slug, audio in result.audio.items():
            if audio.report is None:
                continue
            cached = " (cached)" if audio.cached else ""
            click.echo(f"  {slug}: {audio.report.line()}{cached}")
            for note in audio.report.notes:
                click.secho(f"    note: {note}", fg="yellow")
    click.echo(
        f"built {len(result.episodes)} episode(s) of {len(result.catalog.episodes)} into "
        f"{build_dir}/ (feed: {result.catalog.show.feed_url})"
    )
    return result


@cli.command("build")
@CATALOG_OPTION
@BUILD_OPTION
@STRICT_OPTION
@TARGET_OPTION
@click.option("--jobs", "-j", type=int, default=None, help="Episodes encoded in parallel.")
@QUIET_OPTION
def build_command(
    catalog: Path,
    build_dir: Path,
    strict: bool,
    target: str | None,
    jobs: int | None,
    quiet: bool,
) -> None:
    """Validate, normalize and encode the audio, write the feed and pages into the build folder.

    Each episode is normalized to the show's loudness (audio: in show.yaml) and its
    loudness report is printed and written to loudness/<episode>.json and .png.
    Published episodes keep their GUIDs and audio URLs: they are read from the
    published state (podcast-state.json) at the publish target.
    """
    _run_build(catalog, build_dir, strict, jobs, _target_spec(catalog, target), quiet)


@cli.command("publish")
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
@click.option("--jobs", "-j", type=int, default=None, help="Episodes encoded in parallel.")
@QUIET_OPTION
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
    from podcast.progress import progress_wanted, upload_progress
    from podcast.publish import open_destination, publish

    spec = _target_spec(catalog, target)
    destination = open_destination(spec, endpoint_url=endpoint_url, acl=acl)
    _run_build(catalog, build_dir, strict, jobs, spec, quiet, destination)
    with upload_progress(progress_wanted(quiet)) as progress:
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
            f"unchanged{refreshed} ({report.seconds:.2f} s)"
        )
    else:
        click.echo(
            f"published to {report.target}: {report.uploads} file(s) uploaded "
            f"({report.bytes:,} bytes), {deleted} deleted, {report.unchanged} unchanged "
            f"in {report.seconds:.2f} s"
        )


def _quote_filters(function):
    """--season, --episode, --speaker, --tag, --search: shared by listing and export."""
    for option in reversed(
        (
            click.option("--season", type=int, default=None, help="Only this season (its number)."),
            click.option(
                "--episode", default=None, help="Only this episode: its number or part of its slug."
            ),
            click.option(
                "--speaker",
                default=None,
                help="Part of the speaker's name, any case "
                '("Jutta Rump" finds "Prof. Dr. Jutta Rump").',
            ),
            click.option("--tag", default=None, help="Only quotes with this tag (any case)."),
            click.option(
                "--search", default=None, metavar="TEXT", help="Only quotes containing TEXT."
            ),
        )
    ):
        function = option(function)
    return function


def _select_quotes(catalog: Path, **filters):
    from podcast.audio.timeline import on_published_timeline
    from podcast.build import BuildOptions, validate
    from podcast.quotes.selection import QuoteFilter, select_quotes

    loaded, problems = validate(BuildOptions(catalog=catalog))
    _print_problems(problems.warnings)
    # Times as listeners hear them: after the show's intro, if it has one.
    loaded = on_published_timeline(loaded, catalog.parent / ".cache")
    return loaded, select_quotes(loaded, QuoteFilter(**filters))


@cli.group(invoke_without_command=True)
@CATALOG_OPTION
@_quote_filters
@click.option("--json", "as_json", is_flag=True, help="Print the quotes as JSON, for scripts.")
@click.pass_context
def quotes(ctx: click.Context, catalog: Path, as_json: bool, **filters) -> None:
    """List the catalog's quotes (episode, speaker, time, first words).

    \b
    Examples:
      podcast quotes --speaker "Jutta Rump"
      podcast quotes --season 2 --tag Führung --json
      podcast quotes export --speaker "Jutta Rump" --format pptx --out slides/
    """
    if ctx.invoked_subcommand is not None:
        ctx.obj = filters  # `podcast quotes --speaker X export` filters the export too
        return
    from podcast.quotes.selection import first_words, quote_record

    loaded, refs = _select_quotes(catalog, **filters)
    if as_json:
        records = [quote_record(loaded, ref) for ref in refs]
        click.echo(json.dumps(records, indent=2, ensure_ascii=False))
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from podcast.catalog.models import format_timestamp
    from podcast.quotes.selection import episode_label

    table = Table(title=f"{len(refs)} quote(s)", title_justify="left")
    for column in ("Episode", "Speaker", "Time", "Quote", "Tags"):
        table.add_column(column, overflow="fold")
    for ref in refs:
        cells = (
            episode_label(ref.episode),
            ref.quote.speaker,
            format_timestamp(ref.quote.start, millis=False),
            first_words(ref.quote.text, 70),
            ", ".join(ref.quote.tags),
        )
        table.add_row(*(escape(cell) for cell in cells))
    Console().print(table)


FORMAT_HELP = (
    "png/svg: one card per quote; pptx: one deck (quotes.pptx), a slide per quote; "
    "md: quotes.md with links into the episodes; mp3: one soundbite clip per quote."
)


def _export_options(formats: tuple[str, ...], help_text: str):
    from podcast.cards import DEFAULT_SIZE, SIZES

    def decorate(function):
        function = click.option(
            "--size",
            type=click.Choice(list(SIZES)),
            default=DEFAULT_SIZE,
            show_default=True,
            help="Card size in pixels (slides: the same proportions).",
        )(function)
        function = click.option(
            "--out",
            type=click.Path(path_type=Path, file_okay=False),
            required=True,
            help="The folder to write into (created if missing).",
        )(function)
        return click.option(
            "--format",
            "fmt",
            type=click.Choice(formats),
            default="png",
            show_default=True,
            help=help_text,
        )(function)

    return decorate


@quotes.command("export")
@CATALOG_OPTION
@_quote_filters
@_export_options(("png", "svg", "pptx", "md", "mp3"), FORMAT_HELP)
@click.pass_context
def quotes_export(
    ctx: click.Context, catalog: Path, fmt: str, out: Path, size: str, **filters
) -> None:
    """Write the selected quotes as cards, a slide deck, Markdown or soundbite clips.

    \b
    Files are named like the cards in the build: <episode-slug>-<n>.png.
    The Markdown links each quote to its episode page at the quote's time
    (…/episodes/<slug>/#t=MM:SS; the page's player starts there).
    """
    from podcast.quotes.export import export_quotes

    outer = ctx.obj or {}
    filters = {
        key: value if value is not None else outer.get(key) for key, value in filters.items()
    }
    loaded, refs = _select_quotes(catalog, **filters)
    if not refs:
        raise PodcastError("no quote matches the filters: nothing was written")
    files = export_quotes(
        loaded,
        refs,
        fmt,
        out,
        size,
        cache=catalog.parent / ".cache",
        progress=lambda name: click.echo(f"  {name}", err=True),
    )
    click.echo(f"wrote {len(files)} file(s) for {len(refs)} quote(s) into {out}/")


@cli.group()
def takeaways() -> None:
    """Key take-aways of seasons and episodes as slides."""


@takeaways.command("export")
@CATALOG_OPTION
@click.option("--season", type=int, default=None, help="Only this season (its number).")
@click.option("--episode", default=None, help="Only this episode: its number or part of its slug.")
@_export_options(
    ("png", "svg", "pptx"),
    "png/svg: one card per season and episode; pptx: one deck (takeaways.pptx).",
)
def takeaways_export(
    catalog: Path, season: int | None, episode: str | None, fmt: str, out: Path, size: str
) -> None:
    """Write each season's (and each episode's) key take-aways as one slide."""
    from podcast.build import BuildOptions, validate
    from podcast.quotes.export import export_takeaways, takeaway_sets

    loaded, problems = validate(BuildOptions(catalog=catalog))
    _print_problems(problems.warnings)
    sets = takeaway_sets(loaded, season, episode)
    if not sets:
        raise PodcastError("no season or episode with takeaways matches: nothing was written")
    files = export_takeaways(
        loaded, sets, fmt, out, size, progress=lambda name: click.echo(f"  {name}", err=True)
    )
    click.echo(f"wrote {len(files)} file(s) for {len(sets)} takeaway slide(s) into {out}/")


@cli.command()
@click.argument("master", type=click.Path(path_type=Path, dir_okay=False))
@click.option(
    "--output",
    "-o",
    type=click.Path(path_type=Path, dir_okay=False),
    required=True,
    help="The MP3 to write.",
)
@click.option(
    "--target",
    "-t",
    type=float,
    default=None,
    help="Integrated loudness in LUFS.  [default: -16 stereo, -19 mono: a mono file is "
    "played on both speakers, which sounds 3 LU louder]",
)
@click.option("--true-peak", type=float, default=-1.0, show_default=True, help="Ceiling in dBTP.")
@click.option(
    "--bitrate",
    "-b",
    type=int,
    default=None,
    help="MP3 kbit/s.  [default: 128 stereo, 64 mono]",
)
@click.option(
    "--when-too-loud",
    type=click.Choice(["limit", "lower"]),
    default="limit",
    show_default=True,
    help="If the target needs more gain than the true-peak ceiling allows: limit the peaks, "
    "or lower the target.",
)
@click.option("--json", "json_out", type=click.Path(path_type=Path), help="Write the report here.")
@click.option(
    "--full-check",
    is_flag=True,
    help="Also measure the MP3's loudness (by default it is predicted from the master within "
    "about 0.1–0.3 LU; the true peak is always measured on the MP3).",
)
@QUIET_OPTION
def normalize(
    master: Path,
    output: Path,
    target: float | None,
    true_peak: float,
    bitrate: int | None,
    when_too_loud: str,
    json_out: Path | None,
    full_check: bool,
    quiet: bool,
) -> None:
    """Normalize one audio file to a loudness target and encode it to MP3.

    Linear gain (the loudness range is kept); a true-peak-safe limiter only when the
    target cannot be reached otherwise, which the report then says.  Mono stays mono.
    """  # fmt: skip
    from podcast.audio.normalize import LoudnessTarget, Source, check_source
    from podcast.audio.normalize import normalize as run_normalize
    from podcast.ffmpeg import probe
    from podcast.progress import audio_progress, progress_wanted

    check_source(Source(master))  # names the file if it is missing, empty or unreadable
    channels = 1 if probe(master).channels == 1 else 2
    mono = channels == 1
    goal = LoudnessTarget(
        loudness=target if target is not None else (-19.0 if mono else -16.0),
        true_peak=true_peak,
        bitrate=bitrate or (64 if mono else 128),
        channels=channels,
        when_too_loud=when_too_loud,
    )
    with audio_progress(progress_wanted(quiet), 1) as progress:
        step = (
            (lambda phase, done, total: progress(master.name, phase, done, total))
            if progress
            else None
        )
        report = run_normalize(Source(master), output, goal, step, full_check=full_check)
    if json_out:
        json_out.write_text(json.dumps(report.to_json(), indent=2, ensure_ascii=False) + "\n")
    click.echo(f"{output}: {report.line()}")
    for note in report.notes:
        click.secho(f"  note: {note}", fg="yellow")


cli.add_command(serve)
cli.add_command(check)


if __name__ == "__main__":
    cli()
