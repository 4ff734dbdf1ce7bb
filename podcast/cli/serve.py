"""``podcast serve``: the published show over HTTP, for podcast apps on the network."""

from __future__ import annotations

from pathlib import Path

import click

from podcast.cli.common import CATALOG_OPTION
from podcast.problems import PodcastError


@click.command()
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
        from podcast.catalog.models import ShowFile
        from podcast.catalog.yamlsource import YamlSource

        base_url = ShowFile.model_validate(YamlSource.read(catalog / "show.yaml").data).base_url
    server = make_server(directory, host, port, base_url)
    shown = host if host not in ("0.0.0.0", "") else socket.gethostbyname(socket.gethostname())
    click.echo(f"serving {directory}/ at http://{shown}:{server.server_port}/")
    click.echo(f"subscribe to http://{shown}:{server.server_port}/feed.xml (Ctrl-C stops)")
    try:
        server.serve_forever()
    finally:
        server.server_close()
