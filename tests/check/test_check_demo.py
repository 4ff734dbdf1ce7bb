"""``podcast check`` on the demo show in episodes/, built and served by ``podcast serve``."""

from __future__ import annotations

import datetime as dt
import threading

from click.testing import CliRunner

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from podcast.serve import make_server
from tests.conftest import REPO


def test_the_demo_passes_through_podcast_serve(tmp_path, monkeypatch):
    monkeypatch.setenv("PODCAST_SERVE_QUIET", "1")
    options = BuildOptions(
        catalog=REPO / "episodes",
        output=tmp_path / "feed",
        cache=tmp_path / "cache",
        now=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )
    result = build(options)
    catalog, _ = load_catalog(REPO / "episodes", probe_media=False)
    assert catalog is not None
    server = make_server(options.output, "127.0.0.1", 0, catalog.show.meta.base_url)
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_port}/feed.xml"
        outcome = CliRunner().invoke(cli, ["check", "--url", url])
    finally:
        server.shutdown()
        server.server_close()
    assert outcome.exit_code == 0, outcome.output
    episodes = len(result.episodes)
    assert f"{episodes} episode(s)" in outcome.output
    # the feed, the artwork, and per episode its MP3, Opus alternate (show.yaml: audio.opus),
    # transcript, chapters and social image (podcast:image)
    assert result.catalog.show.meta.audio.opus
    assert f"OK: {2 + 5 * episodes} file(s) and the feed rules, 0 warning(s)" in outcome.output
