"""``podcast quotes`` and ``podcast takeaways``: listing and exporting cards, slides, clips."""

from __future__ import annotations

import json
from pathlib import Path

import click

from podcast.cli.common import CATALOG_OPTION, print_problems
from podcast.problems import PodcastError


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
    print_problems(problems.warnings)
    # Times as listeners hear them: after the show's intro, if it has one.
    loaded = on_published_timeline(loaded, catalog.parent / ".cache")
    return loaded, select_quotes(loaded, QuoteFilter(**filters))


@click.group(invoke_without_command=True)
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
    from podcast.labels import Labels
    from podcast.quotes.selection import episode_label

    labels = Labels(loaded.show.meta.language)
    table = Table(title=labels.count("quote_count", len(refs)), title_justify="left")
    for column in ("column_episode", "column_speaker", "column_time", "column_quote", "tags"):
        table.add_column(labels[column], overflow="fold")
    for ref in refs:
        cells = (
            episode_label(ref.episode, labels),
            ref.quote.speaker,
            format_timestamp(ref.quote.start, millis=False),
            first_words(ref.quote.text, 70),
            ", ".join(ref.quote.tags),
        )
        table.add_row(*(escape(cell) for cell in cells))
    Console().print(table)


FORMAT_HELP = (
    "png/svg: one card per quote; pptx: one deck (quotes.pptx), a slide per quote; "
    "md: quotes.md with links into the episodes; mp3: one soundbite clip per quote; "
    "mp4: two videos per quote (16:9 and 9:16: card, soundbite, captions)."
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
@_export_options(("png", "svg", "pptx", "md", "mp3", "mp4"), FORMAT_HELP)
@click.pass_context
def quotes_export(
    ctx: click.Context, catalog: Path, fmt: str, out: Path, size: str, **filters
) -> None:
    """Write the selected quotes as cards, a slide deck, Markdown, soundbite clips or videos.

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


@quotes.command("locate")
@CATALOG_OPTION
@click.option("--episode", default=None, help="Only this episode: its number or part of its slug.")
@click.option("--season", type=int, default=None, help="Only this season (its number).")
def quotes_locate(catalog: Path, episode: str | None, season: int | None) -> None:
    """Print each quote's start and end as found in the transcript, as YAML to paste.

    \b
    The catalog's files are not changed. Times are padded by show.yaml's
    quotes: margin (seconds) and lie on the master's timeline, as episode.yaml
    gives them. A quote without start: and end: gets these times when the
    catalog is loaded; this command shows them, so they can be written down.
    """
    from podcast.build import BuildOptions, validate
    from podcast.quotes.locate import locate_lines
    from podcast.quotes.selection import QuoteFilter

    loaded, problems = validate(BuildOptions(catalog=catalog))
    print_problems(problems.warnings)
    wanted = QuoteFilter(season=season, episode=episode)
    episodes = sorted(
        (e for e in loaded.episodes if wanted.matches_episode(e)),
        key=lambda e: (e.published, e.number or 0, e.slug),
    )
    if not any(e.meta.quotes for e in episodes):
        raise PodcastError("no episode with quotes matches: nothing to locate")
    click.echo("\n".join(locate_lines(loaded, episodes)).rstrip())


@click.group()
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
    print_problems(problems.warnings)
    sets = takeaway_sets(loaded, season, episode)
    if not sets:
        raise PodcastError("no season or episode with takeaways matches: nothing was written")
    files = export_takeaways(
        loaded, sets, fmt, out, size, progress=lambda name: click.echo(f"  {name}", err=True)
    )
    click.echo(f"wrote {len(files)} file(s) for {len(sets)} takeaway slide(s) into {out}/")
