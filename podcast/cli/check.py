"""``podcast check``: the published show as apps and platforms fetch it."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click

if TYPE_CHECKING:
    from podcast.check.report import CheckReport
    from podcast.check.run import CheckOptions


def print_report(report: CheckReport) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from podcast.check.report import Level

    colours = {Level.ERROR: "red", Level.WARNING: "yellow", Level.OK: "green"}
    console = Console(width=max(Console().width, 120))
    rules = Table(title="Platforms", title_justify="left")
    for column in ("", "Platform", "Rule", "Detail"):
        rules.add_column(column, overflow="fold")
    for rule in report.sorted_rules():
        rules.add_row(
            f"[{colours[rule.level]}]{rule.level.word}[/]",
            ", ".join(rule.platforms),
            escape(rule.rule),
            escape(rule.message),
        )
    files = Table(title="Files", title_justify="left")
    for column in ("", "Item", "URL", "Detail"):
        files.add_column(column, overflow="fold")
    for item in report.sorted_items():
        files.add_row(
            f"[{colours[item.level]}]{item.level.word}[/]",
            escape(item.label),
            escape(item.url),
            escape(item.detail),
        )
    if report.rules:
        console.print(rules)
    console.print(files)


@click.command("check")
@click.option("--url", default=None, help="The feed to check (default: the catalog's base_url).")
@click.option(
    "--catalog",
    "-c",
    type=click.Path(path_type=Path),
    default=Path("episodes"),
    show_default=True,
    help="The catalog folder (with show.yaml) whose feed is checked.",
)
@click.option("--timeout", default=10.0, show_default=True, help="Seconds per connection.")
@click.option(
    "--connections",
    default=2,
    show_default=True,
    type=click.IntRange(1, 16),
    help="Requests to one host at a time.",
)
def check(url: str | None, catalog: Path, timeout: float, connections: int) -> None:
    """Check the published show as podcast apps and platforms fetch it.

    \b
    The feed (status, Content-Type, redirects, https, CORS), then every
    enclosure, transcript, chapters file and image: HEAD, a Range request,
    length and type against the feed; then Apple's, Spotify's and YouTube's
    rules on the feed. Exits 1 when a listener or a platform would hit a failure.
    """
    from podcast.check.run import CheckOptions, catalog_feed_url

    if not run_check(url or catalog_feed_url(catalog), CheckOptions(timeout, connections)):
        sys.exit(1)


def run_check(feed_url: str, options: CheckOptions) -> bool:
    """Check the show at ``feed_url``, print the tables and failures; True when it passes."""
    from podcast.check.report import Level
    from podcast.check.run import check_show

    click.echo(f"checking {feed_url}")
    report = check_show(feed_url, options)
    print_report(report)
    errors, warnings = report.count(Level.ERROR), report.count(Level.WARNING)
    files = len(report.items)
    for item in report.sorted_items():
        if item.level is Level.ERROR:
            click.secho(f"FAIL {item.url}: {item.detail}", fg="red", err=True)
    for rule in report.sorted_rules():
        if rule.level is Level.ERROR:
            click.secho(
                f"FAIL {', '.join(rule.platforms)}: {rule.rule}: {rule.message}", fg="red", err=True
            )
    if report.failed:
        click.secho(
            f"{errors} failure(s), {warnings} warning(s) in {files} file(s) and the feed rules: "
            "listeners or platforms hit the failures",
            fg="red",
            err=True,
        )
        return False
    click.echo(f"OK: {files} file(s) and the feed rules, {warnings} warning(s)")
    return True
