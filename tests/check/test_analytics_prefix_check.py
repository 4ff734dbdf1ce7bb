"""``podcast check`` on a feed whose enclosures go through an analytics prefix (as OP3's)."""

from __future__ import annotations

import datetime as dt
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from click.testing import CliRunner

from podcast.build import BuildOptions, build
from podcast.cli import cli
from podcast.serve import make_server
from tests.conftest import edit


def prefix_server(wrong: bool) -> ThreadingHTTPServer:
    """/e/<host:port>/<path> answers 302 to http://<host:port>/<path> (or, ``wrong``, to /)."""

    class Redirect(BaseHTTPRequestHandler):
        def do_HEAD(self):
            target = "http://" + self.path.removeprefix("/e/")
            self.send_response(302)
            self.send_header("Location", target.rsplit("/", 2)[0] + "/" if wrong else target)
            self.end_headers()

        do_GET = do_HEAD

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Redirect)


@pytest.mark.parametrize("wrong", [False, True])
def test_prefixed_enclosures_must_lead_to_the_published_files(catalog_dir, tmp_path, wrong):
    public = tmp_path / "public"
    public.mkdir()
    show = make_server(public, "127.0.0.1", 0)  # the published folder, as it is
    prefix = prefix_server(wrong)
    for server in (show, prefix):
        threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    base = f"http://127.0.0.1:{show.server_port}"
    edit(catalog_dir / "show.yaml", "https://cdn.example.org/show", base)
    edit(
        catalog_dir / "show.yaml",
        "timezone:",
        f"analytics_prefix: http://127.0.0.1:{prefix.server_port}/e/\ntimezone:",
    )
    options = BuildOptions(
        catalog=catalog_dir,
        output=public,
        cache=tmp_path / "cache",
        now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    build(options)
    try:
        result = CliRunner().invoke(cli, ["check", "--url", f"{base}/feed.xml"])
    finally:
        for server in (show, prefix):
            server.shutdown()
            server.server_close()
    if wrong:
        assert result.exit_code == 1, result.output
        assert "behind an analytics prefix, but it leads to" in result.output
    else:
        assert result.exit_code == 0, result.output
        assert "redirected (302)" in result.output
