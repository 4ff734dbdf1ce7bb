"""Round trip: a host's feed imported with `podcast import`, the catalog published, and the
new feed compared with the old one as a podcast app sees it (GUIDs, titles, instants,
durations ±1 s, chapter starts ±1 ms, transcripts, the channel's podcast:guid)."""

from __future__ import annotations

import datetime as dt
import threading
import urllib.request
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from podcast.feed.ext.podcastindex import podcast_guid
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from podcast.serve import make_server
from tests.conftest import REPO
from tests.importer.facts import FeedFacts, differences, read_facts
from tests.importer.hostserver import HostServer
from tests.importer.shapes import castopod, libsyn, podlove
from tests.importer.shapes_more import anchor, buzzsprout, podigee

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SHAPES = {
    "podlove": podlove,
    "castopod": castopod,
    "libsyn": libsyn,
    "anchor": anchor,
    "buzzsprout": buzzsprout,
    "podigee": podigee,
}
FEED_PAGES = {"podlove": ("/feed/mp3/", "/feed/mp3/?paged=2")}
# what each import must say about what it could not map (besides the skipped episodes)
EXPECTED_NOTES = {
    "podlove": [
        'item 1 "FS003 Der dritte Streich": podcast:transcript: application/json copy not kept',
        "channel: itunes:block: not imported",
    ],
    "castopod": [
        "channel: itunes:image: transparency on white, PNG saved as JPEG",
        "quotes: a soundbite does not say who speaks: 1 quote(s) given to Ada Guest",
    ],
    "libsyn": [
        'item 2 "Episode 11: Old Hand-Made Item": guid: no <guid>: took the enclosure URL',
        "channel: guid: no podcast:guid: wrote",
    ],
    "anchor": [
        "2 item(s) (1, 3): enclosure length: not the size of the file",
        'item 1 "Ep. 3 – Spotify era": itunes:image: enlarged from 1000 to 1400 px',
    ],
    "buzzsprout": [
        "podcast:soundbite at 00:00:02.000: has no text",
        "podcast:transcript: text/html: not a format the catalog takes",
    ],
    "podigee": ["channel: googleplay:author: not imported"],
}


def http_get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read()


def published_get(public: Path, base_url: str):
    def get(url: str) -> bytes:
        assert url.startswith(base_url + "/"), url
        return (public / url.removeprefix(base_url + "/")).read_bytes()

    return get


def import_and_publish(feed_url: str, work: Path, base_url: str) -> tuple[object, Path]:
    """`podcast import` as a user runs it, then validate and publish the catalog."""
    catalog = work / "catalog"
    result = CliRunner().invoke(
        cli, ["import", feed_url, "--into", str(catalog), "--base-url", base_url]
    )
    print(f"$ podcast import {feed_url} --into catalog --base-url {base_url}")
    print(result.output)
    print(f"exit code {result.exit_code}")
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    loaded, problems = load_catalog(catalog)
    assert not problems.errors, [str(p) for p in problems.errors]
    assert loaded is not None
    options = BuildOptions(
        catalog=catalog, output=work / "feed", cache=work / "cache", now=NOW, jobs=2
    )
    build(options)
    publish(options.output, LocalDestination(work / "public"))
    return result, work / "public"


def merged(pages: list[FeedFacts]) -> FeedFacts:
    items = {k: v for page in pages for k, v in page.items.items()}
    return FeedFacts(pages[0].podcast_guid, items)


@pytest.mark.parametrize("shape", SHAPES)
def test_host_feed_survives_import_and_publish(shape, tmp_path):
    with HostServer() as server:
        host = SHAPES[shape](tmp_path, server.base)
        server.serve(host.site)
        feed_url = server.base + host.feed_path
        base_url = f"https://new.example.org/{shape}"
        result, public = import_and_publish(feed_url, tmp_path, base_url)

        broken = [e for e in host.episodes if e.broken]
        assert result.exit_code == (3 if broken else 2)  # 2: some fields noted, all episodes in
        for episode in broken:
            assert f'"{episode.title}"' in result.output and "skipped" in result.output
        assert f"{len(host.good)} episode(s)" in result.output
        for expected in EXPECTED_NOTES[shape]:
            assert expected in result.output

        if shape == "castopod":  # the host's picture now lives in the catalog
            assert (tmp_path / "catalog" / "people" / "jo-host.jpg").is_file()
        if shape == "buzzsprout":  # its first enclosure broke off half-way: resumed
            assert any(r and r != "bytes=0-" for _, r in host.site.requests)
        skip = {e.guid for e in broken}
        pages = FEED_PAGES.get(shape, (host.feed_path,))
        before = merged(
            [read_facts(http_get(server.base + p), http_get, tmp_path, skip) for p in pages]
        )
    after = read_facts(
        (public / "feed.xml").read_bytes(), published_get(public, base_url), tmp_path
    )
    diff = differences(before, after)
    print(f"round-trip diff for {shape}: {diff or 'none'}")
    assert diff == []
    assert len(after.items) == len(host.good)
    # every item's <guid> exactly, and the one without a <guid> under its enclosure URL
    assert set(after.items) == {e.guid or _enclosure_url(before, e.title) for e in host.good}
    # the channel keeps its podcast:guid; a feed without one gets the spec's UUID of its URL
    assert after.podcast_guid == (host.podcast_guid or podcast_guid(feed_url))
    assert all(item.chapters or not e.chapters for e, item in _pairs(host, after))
    assert all(item.transcript or not e.cues for e, item in _pairs(host, after))


def _pairs(host, facts):
    by_title = {item.title: item for item in facts.items.values()}
    return [(e, by_title[e.title]) for e in host.good]


def _enclosure_url(facts: FeedFacts, title: str) -> str:
    return next(guid for guid, item in facts.items.items() if item.title == title)


def test_our_own_demo_feed_survives_import_and_publish(tmp_path, monkeypatch):
    """The demo show as `make publish` publishes it, served, imported, published again."""
    monkeypatch.setenv("PODCAST_SERVE_QUIET", "1")
    demo = tmp_path / "demo"
    options = BuildOptions(
        catalog=REPO / "episodes", output=demo / "feed", cache=demo / "cache", now=NOW
    )
    original = build(options)
    publish(options.output, LocalDestination(demo / "public"))
    server = make_server(demo / "public", "127.0.0.1", 0, base_url=original.catalog.show.url(""))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        feed_url = f"http://127.0.0.1:{server.server_port}/feed.xml"
        base_url = "https://new.example.org/kommune"
        result, public = import_and_publish(feed_url, tmp_path / "moved", base_url)
        assert result.exit_code in (0, 2)
        before = read_facts(http_get(feed_url), http_get, tmp_path)
    finally:
        server.shutdown()
        server.server_close()
    after = read_facts(
        (public / "feed.xml").read_bytes(), published_get(public, base_url), tmp_path
    )
    diff = differences(before, after)
    print(f"round-trip diff for the demo feed: {diff or 'none'}")
    assert diff == []
    assert len(after.items) == len(original.episodes) == 3
    assert after.podcast_guid == before.podcast_guid is not None
    assert all(item.chapters and item.transcript for item in after.items.values())
    # show notes come back as the Markdown they were written in, without the sections
    # (guests, chapters, quotes, page link) the feed adds to them
    imported = load_catalog(tmp_path / "moved" / "catalog")[0]
    by_title = {e.title: e.meta for e in original.catalog.episodes}
    for episode in imported.episodes:
        written = by_title[episode.title]
        assert (episode.meta.description, episode.meta.summary) == (
            written.description,
            written.summary,
        )
        assert episode.meta.chapters == written.chapters
