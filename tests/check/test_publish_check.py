"""``podcast publish --check``: the upload, then the check of the show as listeners fetch it."""

from __future__ import annotations

import shutil
import threading

from click.testing import CliRunner

from podcast.cli import cli
from podcast.serve import make_server
from tests.conftest import edit


def test_publish_then_check_passes_and_names_what_the_cdn_lacks(catalog_dir, tmp_path, monkeypatch):
    monkeypatch.setenv("PODCAST_SERVE_QUIET", "1")
    public, cdn = tmp_path / "public", tmp_path / "cdn"
    cdn.mkdir()
    server = make_server(cdn, "127.0.0.1", 0)  # what listeners reach: a mirror of public/
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{server.server_port}"
    edit(catalog_dir / "show.yaml", "https://cdn.example.org/show", base)
    args = ["publish", "-c", str(catalog_dir), "-o", str(tmp_path / "feed"), "--to", str(public)]
    try:
        dry = CliRunner().invoke(cli, [*args, "--check", "--quiet", "--dry-run"])
        assert dry.exit_code == 0 and "checking" not in dry.output  # nothing published yet
        first = CliRunner().invoke(cli, [*args, "--quiet"])
        assert first.exit_code == 0, first.output
        shutil.copytree(public, cdn, dirs_exist_ok=True)
        good = CliRunner().invoke(cli, [*args, "--check", "--quiet"])
        mp3 = next((cdn / "audio").glob("*.mp3"))
        mp3.unlink()  # the mirror lost a file the feed names
        bad = CliRunner().invoke(cli, [*args, "--check", "--quiet"])
    finally:
        server.shutdown()
        server.server_close()
    assert good.exit_code == 0, good.output
    assert f"checking {base}/feed.xml" in good.output and "OK: " in good.output
    assert bad.exit_code == 1, bad.output
    assert f"FAIL {base}/audio/{mp3.name}: answered 404" in bad.output
