"""``podcast serve``: the published show for a podcast app on this machine or the local network.

The show's base_url (from the catalog, --base-url, or none with --as-is) is
replaced in feed and pages by the address the app used.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import click

from podcast.cli.common import CATALOG_OPTION
from podcast.problems import PodcastError

if TYPE_CHECKING:
    from podcast.serve import Published


def choose_published(
    directory: Path, catalog: Path, base_url: str | None, as_is: bool
) -> Published | None:
    """The URLs to replace in feed and pages, saying where they come from; never a guess."""
    from podcast.serve import Published, catalog_published

    if as_is:
        click.echo(f"serving {directory}/ as published: feed and pages keep their own URLs")
        return None
    if base_url:
        click.echo(f"serving {directory}/ with {base_url} (--base-url) replaced by this server")
        return Published(base_url)
    show = catalog / "show.yaml"
    if not show.is_file():
        raise PodcastError(
            f"{show}: not found, so it is unknown which base_url the files in {directory}/ carry. "
            "Run podcast serve in the project folder, or give --catalog FOLDER, "
            "--base-url URL, or --as-is (serve the production URLs unchanged)."
        )
    found = catalog_published(catalog)
    prefix = f" (and {found.analytics_prefix}…)" if found.analytics_prefix else ""
    click.echo(
        f"serving {directory}/ for the catalog {show}: {found.base_url}{prefix} "
        "is replaced by this server"
    )
    feed = directory / "feed.xml"
    if feed.is_file() and not any(url in feed.read_bytes() for url in found.replaced()):
        click.secho(
            f"warning: {feed} does not contain {found.base_url}: "
            "was it published from another catalog?",
            fg="yellow",
            err=True,
        )
    return found


@click.command()
@click.option(
    "--dir",
    "directory",
    type=click.Path(path_type=Path, file_okay=False),
    default=Path("public"),
    show_default=True,
    help="The published folder to serve.",
)
@CATALOG_OPTION
@click.option("--base-url", default=None, metavar="URL", help="Replace this URL instead.")
@click.option("--as-is", is_flag=True, help="Replace nothing: serve the production URLs.")
@click.option(
    "--lan",
    is_flag=True,
    help="Listen on every network interface, for a phone on the same network "
    "(default: this machine only).",
)
@click.option("--host", default=None, help="Listen on this address (instead of --lan).")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(0, 65535), help="0: any free."
)
def serve(
    directory: Path,
    catalog: Path,
    base_url: str | None,
    as_is: bool,
    lan: bool,
    host: str | None,
    port: int,
) -> None:
    """Serve the published show over HTTP (HEAD, byte ranges, ETags) for podcast apps.

    \b
    Feed and pages are served with the show's base_url replaced by the address
    the app used, so it can subscribe and download from this server. Only
    files inside the folder are served; folders are never listed.
    """
    from podcast.serve import make_server, reachable_addresses

    if not directory.is_dir():
        raise PodcastError(f"{directory}: not found (run podcast publish first)")
    published = choose_published(directory, catalog, base_url, as_is)
    bind = host or ("0.0.0.0" if lan else "127.0.0.1")
    try:
        server = make_server(
            directory,
            bind,
            port,
            base_url=published.base_url if published else None,
            analytics_prefix=published.analytics_prefix if published else None,
        )
    except OSError as error:
        raise PodcastError(f"cannot listen on {bind}:{port}: {error.strerror}") from error
    port = server.server_port
    click.echo("subscribe to:")
    for address in reachable_addresses(bind):
        note = "  (this machine only)" if address.startswith(("127.", "[::1]")) else ""
        click.echo(f"  http://{address}:{port}/feed.xml{note}")
    if host is None and not lan:
        click.echo("only this machine can connect; --lan lets a phone on your network subscribe")
    click.echo("Ctrl-C stops", nl=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        click.echo("stopped")
    finally:
        server.server_close()
