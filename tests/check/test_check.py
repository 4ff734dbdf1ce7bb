"""``podcast check`` against a real build served by ``podcast serve`` on loopback, with faults."""

from __future__ import annotations

import datetime as dt
import shutil
import socket
import threading
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from podcast.build import BuildOptions, build
from podcast.check.assets import transport_findings
from podcast.check.http import Reply
from podcast.check.report import Level
from podcast.check.run import CheckOptions, check_show
from podcast.cli import cli
from podcast.serve import PreviewHandler, PreviewServer, Published
from tests.conftest import EPISODE_YAML, SEASON_YAML, SHOW_YAML, edit

BASE = "https://cdn.example.org/show"


@pytest.fixture(scope="module")
def built(tmp_path_factory, tone_master, artwork_file) -> Path:
    """The test catalog of conftest, built once (two episodes with chapters)."""
    root = tmp_path_factory.mktemp("show")
    season = root / "episodes" / "staffel-2"
    season.mkdir(parents=True)
    (root / "episodes" / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    shutil.copy(artwork_file, root / "episodes" / "artwork.jpg")
    (season / "season.yaml").write_text(SEASON_YAML, encoding="utf-8")
    for number, date in ((14, "2023-03-01"), (15, "2023-04-01")):
        episode = season / f"folge-{number}"
        episode.mkdir()
        (episode / "episode.yaml").write_text(
            EPISODE_YAML.format(number=number, date=date), encoding="utf-8"
        )
        shutil.copy(tone_master, episode / "master.flac")
    options = BuildOptions(
        catalog=root / "episodes",
        output=root / "feed",
        cache=root / "cache",
        now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    build(options)
    return root


@pytest.fixture(autouse=True)
def quiet_server(monkeypatch):
    monkeypatch.setenv("PODCAST_SERVE_QUIET", "1")


@pytest.fixture
def published(built, tmp_path) -> Path:
    return shutil.copytree(built / "feed", tmp_path / "public")


class WrongTypeHandler(PreviewHandler):
    """Serves MP3s as application/octet-stream, as a misconfigured bucket does."""

    def resource(self):
        found = super().resource()
        if found is not None and found.path.suffix == ".mp3":
            return replace(found, content_type="application/octet-stream")
        return found


class NoRangesHandler(PreviewHandler):
    """Answers every Range request with the whole file, as simple servers do."""

    def send_resource(self, resource, send_body):
        del self.headers["Range"]
        super().send_resource(resource, send_body)


class CountingHandler(PreviewHandler):
    """Records how many requests wait for their answer at once (none is answered while counted)."""

    lock = threading.Lock()
    active = 0
    most = 0

    def respond(self, send_body):
        with self.lock:
            type(self).active += 1
            type(self).most = max(type(self).most, type(self).active)
        time.sleep(0.02)
        with self.lock:
            type(self).active -= 1
        super().respond(send_body)


class MovedFeedHandler(PreviewHandler):
    """The feed's old address answers with a temporary redirect to the new one."""

    def resource(self):
        if self.path != "/old-feed.xml":
            return super().resource()
        self.send_response(302)
        self.send_header("Location", "/feed.xml")
        self.send_header("Content-Length", "0")
        self.end_headers()
        return None


def serve(folder: Path, handler=PreviewHandler):
    server = PreviewServer(
        ("127.0.0.1", 0),
        partial(handler, root=folder.resolve(), published=Published(BASE)),
        socket.AF_INET,
    )
    threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True).start()
    return server


@pytest.fixture
def served(published):
    servers = []

    def start(handler=PreviewHandler) -> str:
        servers.append(serve(published, handler))
        return f"http://127.0.0.1:{servers[-1].server_port}/feed.xml"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def by_label(report) -> dict[str, object]:
    return {item.label: item for item in report.items}


def test_the_published_show_passes(served):
    url = served()
    report = check_show(url)
    assert not report.failed
    labels = [item.label for item in report.items]
    assert labels[:2] == ["feed", "show artwork"]
    assert sum(label.startswith("enclosure: ") for label in labels) == 2
    assert sum(label.startswith("chapters: ") for label in labels) == 2
    assert all(item.level is Level.OK for item in report.items), [
        (i.label, i.detail) for i in report.items if i.level is not Level.OK
    ]
    assert all(rule.level is Level.OK for rule in report.rules)
    enclosure = next(i for i in report.items if i.label.startswith("enclosure"))
    assert enclosure.summary.startswith("206, ") and enclosure.summary.endswith(", audio/mpeg")
    result = CliRunner().invoke(cli, ["check", "--url", url])
    assert result.exit_code == 0, result.output
    assert "OK: 8 file(s) and the feed rules, 0 warning(s)" in result.output


def test_a_missing_object_is_named_and_fails(served, published):
    mp3 = sorted((published / "audio").glob("*.mp3"))[0]
    mp3.unlink()
    url = served()
    report = check_show(url)
    assert report.failed
    failed = [item for item in report.items if item.level is Level.ERROR]
    assert [item.url.rsplit("/", 1)[1] for item in failed] == [mp3.name]
    assert failed[0].detail == "answered 404, expected 200"
    result = CliRunner().invoke(cli, ["check", "--url", url])
    assert result.exit_code == 1
    files = result.output[result.output.index("Files") :]
    assert files.index("FAIL") < files.index(" ok ")  # failures first
    assert f"FAIL {url.removesuffix('feed.xml')}audio/{mp3.name}: answered 404" in result.output
    assert "Traceback" not in result.output


def test_a_wrong_content_type_is_named(served):
    report = check_show(served(WrongTypeHandler))
    failed = [(item.label, item.detail) for item in report.items if item.level is Level.ERROR]
    assert len(failed) == 2 and all(label.startswith("enclosure: ") for label, _ in failed)
    assert {detail for _, detail in failed} == {
        "Content-Type application/octet-stream, expected audio/mpeg"
    }


def test_a_server_without_ranges_is_named(served):
    report = check_show(served(NoRangesHandler))
    levels = {item.label.split(":")[0]: item.level for item in report.items}
    assert levels == {
        "feed": Level.OK,
        "show artwork": Level.WARNING,
        "enclosure": Level.ERROR,
        "chapters": Level.WARNING,
        "social image": Level.WARNING,
    }
    enclosure = next(i for i in report.items if i.label.startswith("enclosure"))
    assert enclosure.detail == "ignores Range (200, not 206): apps cannot seek or resume"


def test_length_against_the_feed(served, published):
    mp3 = sorted((published / "audio").glob("*.mp3"))[0]
    size = mp3.stat().st_size
    with mp3.open("ab") as handle:
        handle.write(b"\0" * 10)
    report = check_show(served())
    failed = [item for item in report.items if item.level is Level.ERROR]
    assert [item.detail for item in failed] == [
        f"the feed says {size:,} bytes, the server has {size + 10:,}"
    ]


def test_platform_rules_on_the_feed(served, published):
    feed = published / "feed.xml"
    text = feed.read_text(encoding="utf-8")
    guids = [part.split("</guid>")[0] for part in text.split("<guid")[1:]]
    assert len(guids) == 2
    text = text.replace(guids[1], guids[0])  # the same GUID twice
    text = text.replace("<itunes:email>erika@example.org</itunes:email>", "")
    text = text.replace("<title>Positiv irritierend", "<title>Folge 14: Positiv irritierend")
    feed.write_text(text, encoding="utf-8")
    Image.new("CMYK", (1200, 1000)).save(published / "artwork.jpg")
    report = check_show(served())
    failed = {(rule.platforms, rule.rule): rule for rule in report.rules if rule.level < Level.OK}
    assert failed[(("Spotify", "YouTube"), "owner e-mail")].level is Level.ERROR
    assert failed[(("Apple Podcasts",), "owner e-mail")].level is Level.WARNING
    artwork = failed[(("Apple Podcasts",), "artwork 1400–3000 px, square, RGB")]
    assert artwork.message == (
        "1200×1000 is not square; 1200 px wide, expected 1400–3000; colour mode CMYK, expected RGB"
    )
    assert (
        "the same GUID in several episodes"
        in failed[(("Apple Podcasts", "Spotify", "YouTube"), "distinct GUIDs")].message
    )
    numbered = failed[(("Apple Podcasts",), "titles without episode numbers")]
    assert numbered.level is Level.WARNING and "Folge 14: Positiv" in numbered.message
    assert len(failed) == 6  # and nothing else: square artwork for Spotify/YouTube too
    assert report.failed


def test_http_urls_are_refused_unless_on_this_machine():
    plain = Reply("http://cdn.example.org/a.mp3", 200)
    assert [f.message for f in transport_findings(plain.url, plain)] == [
        "http:// URL: Apple, Spotify and browsers want https"
    ]
    local = Reply("http://127.0.0.1:8000/a.mp3", 200)
    assert transport_findings(local.url, local) == []
    down = Reply(
        "http://cdn.example.org/a.mp3", 200, redirects=((301, "https://cdn.example.org/a.mp3"),)
    )
    messages = [f.message for f in transport_findings("https://cdn.example.org/a.mp3", down)]
    assert messages == ["redirected from https to http (http://cdn.example.org/a.mp3)"]


def test_an_unreachable_feed_fails_without_traceback():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed when the block ends: nobody listens there
    result = CliRunner().invoke(
        cli, ["check", "--url", f"http://127.0.0.1:{port}/feed.xml", "--timeout", "2"]
    )
    assert result.exit_code == 1
    assert "cannot be fetched: connection refused" in result.output
    assert "Traceback" not in result.output


def test_few_connections_per_host(served):
    CountingHandler.most = 0
    report = check_show(served(CountingHandler), CheckOptions(per_host=2, workers=8))
    assert not report.failed
    assert CountingHandler.most == 2


def test_without_url_the_catalogs_feed_is_checked(served, built, tmp_path):
    url = served()
    catalog = shutil.copytree(built / "episodes", tmp_path / "episodes")
    edit(catalog / "show.yaml", f"base_url: {BASE}", f"base_url: {url.removesuffix('/feed.xml')}")
    result = CliRunner().invoke(cli, ["check", "--catalog", str(catalog)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"checking {url}\n")


def test_a_temporary_feed_redirect_is_a_warning(served):
    url = served(MovedFeedHandler)
    report = check_show(url.replace("/feed.xml", "/old-feed.xml"))
    assert not report.failed
    feed = report.items[0]
    assert (feed.label, feed.level) == ("feed", Level.WARNING)
    assert feed.detail == "temporary redirect: apps keep asking the old URL every time"


def test_a_url_no_client_can_request_is_named(served, published):
    feed = published / "feed.xml"
    text = feed.read_text(encoding="utf-8")
    first = text.index(".mp3", text.index("<enclosure"))
    feed.write_text(text[:first] + " copy" + text[first:], encoding="utf-8")
    report = check_show(served())
    failed = [item for item in report.items if item.level is Level.ERROR]
    assert len(failed) == 1 and failed[0].url.endswith(" copy.mp3")
    assert failed[0].detail.startswith("not a URL a client can request")
