"""``podcast import``: a show published elsewhere turned into a catalog folder."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from podcast.cli.common import QUIET_OPTION

EXIT_FIELDS_LEFT_OUT = 2
EXIT_EPISODES_SKIPPED = 3


@click.command("import")
@click.argument("source")
@click.option(
    "--into",
    required=True,
    type=click.Path(path_type=Path, file_okay=False),
    help="The new catalog folder (must be empty or not exist yet).",
)
@click.option(
    "--base-url",
    default=None,
    metavar="URL",
    help="Where the show will be published (show.yaml's base_url). Default: the folder of "
    "the feed's own address.",
)
@click.option(
    "--no-audio",
    is_flag=True,
    help="Do not download the audio: episode.yaml names the master, add the files yourself.",
)
@QUIET_OPTION
def import_command(
    source: str, into: Path, base_url: str | None, no_audio: bool, quiet: bool
) -> None:
    """Import the podcast feed SOURCE (a URL or a local file) as a new catalog.

    \b
    Writes show.yaml, one folder per season and per episode (episode.yaml with the
    item's <guid> kept exactly, the audio master, chapters, transcript, artwork).
    Lists at the end what could not be mapped. Exit code: 0 everything imported,
    2 some fields were left out (listed), 3 some episodes were skipped (listed).
    """
    from podcast.importer.notes import printable
    from podcast.importer.run import ImportOptions, import_show
    from podcast.progress import progress_wanted

    options = ImportOptions(source=source, into=into, base_url=base_url, audio=not no_audio)
    if progress_wanted(quiet):
        from rich.console import Console
        from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn

        bars = Progress(
            TextColumn("{task.description}"),
            BarColumn(),
            DownloadColumn(),
            console=Console(stderr=True),
            transient=True,
        )
        task = bars.add_task("feed", total=None)

        def on_item(index: int, total: int, title: str) -> None:
            bars.update(
                task,
                description=f"{index}/{total} {printable(title)[:40]}",
                completed=0,
                total=None,
            )

        def on_bytes(done: int, size: int | None) -> None:
            bars.update(task, completed=done, total=size)

        with bars:
            report = import_show(options, on_bytes, on_item)
    else:

        def say(index: int, total: int, title: str) -> None:
            if not quiet:
                click.echo(f"  {index}/{total} {printable(title)}")

        report = import_show(options, None, say)
    if report.resumed:
        click.echo("picked up the partial downloads of an interrupted import")
    notes = report.notes.items
    if notes:
        click.echo(f"not mapped or changed ({len(notes)}):")
        for note in notes:
            colour = "red" if note.skipped_episode else "yellow"
            click.secho(f"  {printable(str(note))}", fg=colour)
    click.echo(
        f"imported {report.title!r} into {report.into}/: {len(report.episodes)} episode(s) in "
        f"{len(report.seasons)} season(s), {report.skipped} skipped"
    )
    if report.skipped:
        sys.exit(EXIT_EPISODES_SKIPPED)
    if notes:
        sys.exit(EXIT_FIELDS_LEFT_OUT)
