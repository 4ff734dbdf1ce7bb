"""`podcast import` as a user meets it: the folder it refuses, --no-audio, a local feed
file, what it lists, and moving on with new_feed_url."""

from __future__ import annotations

import datetime as dt

import feedparser
import pytest
from click.testing import CliRunner
from ruamel.yaml import YAML

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from tests.importer.hosts import artwork, mp3
from tests.importer.hostserver import HostServer

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


def feed(base: str, items: str, self_link: bool = True) -> bytes:
    link = f'<atom:link rel="self" href="{base}/show/feed.xml"/>' if self_link else ""
    return f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:atom="http://www.w3.org/2005/Atom"
 xmlns:podcast="https://podcastindex.org/namespace/1.0"><channel>{link}
<podcast:person img="{base}/kim.png">Kim</podcast:person>
<podcast:person role="guest" img="{base}/gone.jpg">Gus</podcast:person>
<title>Small Show</title><link>https://small.example.org/</link><description>Small.</description>
<language>EN-us</language><itunes:author>Kim</itunes:author>
<itunes:owner><itunes:email>kim@example.org</itunes:email></itunes:owner>
<itunes:category text="Arts"/><itunes:category text="Made Up Category"/>
<itunes:image href="{base}/cover.jpg"/>{items}</channel></rss>""".encode()


def item(base: str, n: int, *, date: str | None = None, number: str | None = None) -> str:
    pub = date if date is not None else f"Mon, 0{n} Jan 2024 10:00:00 +0000"
    episode = f"<itunes:episode>{number or n}</itunes:episode>"
    return f"""<item><title>Folge {n}</title><guid>small-{n}</guid><pubDate>{pub}</pubDate>
<enclosure url="{base}/audio/{n}.mp3?x=1" type="audio/mpeg" length="1"/>{episode}</item>"""


@pytest.fixture
def server(tmp_path):
    with HostServer() as running:
        running.site.files["/cover.jpg"] = (artwork(1400), "image/jpeg")
        running.site.files["/kim.png"] = (artwork(200, "PNG"), "image/png")
        data = mp3(tmp_path / "tone.mp3", 3, 440)
        for n in range(1, 5):
            running.site.files[f"/audio/{n}.mp3"] = (data, "audio/mpeg")
        yield running


def run(*args: str):
    return CliRunner().invoke(cli, ["import", *args])


def test_refuses_a_folder_that_is_not_empty(tmp_path, server):
    (tmp_path / "catalog").mkdir()
    (tmp_path / "catalog" / "notes.txt").write_text("mine")
    server.site.files["/show/feed.xml"] = (feed(server.base, ""), "application/rss+xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "catalog"))
    assert result.exit_code == 1
    assert "is not empty" in result.output
    assert [p.name for p in (tmp_path / "catalog").iterdir()] == ["notes.txt"]


def test_what_cannot_be_mapped_is_listed_and_the_rest_imported(tmp_path, server):
    items = (
        item(server.base, 1)
        + item(server.base, 2, number="1")  # the same number twice in a season
        + item(server.base, 3, date="sometime last week")
        + item(server.base, 4, number="4.5")
    )
    server.site.files["/show/feed.xml"] = (feed(server.base, items), "application/rss+xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "c"))
    assert result.exit_code == 3, result.output
    assert 'item 3 "Folge 3": pubDate: "sometime last week" is not a date and time' in result.output
    assert 'item 2 "Folge 2": itunes:episode: 1 is already' in result.output
    assert 'item 4 "Folge 4": itunes:episode: "4.5" is not an episode number' in result.output
    assert "itunes:category" in result.output and "Made Up Category" in result.output
    assert "base_url: " in result.output  # derived from the feed's self link: said so
    assert "3 episode(s) in 1 season(s), 1 skipped" in result.output
    show = YAML(typ="safe").load(tmp_path / "c" / "show.yaml")
    assert show["base_url"] == server.base + "/show"
    assert show["language"] == "en-US" and show["categories"] == ["Arts"]
    assert show["owner"] == {"name": "Kim", "email": "kim@example.org"}
    # pictures are downloaded, so they outlive the old host; one that is gone is named
    assert show["hosts"] == ["kim"]
    assert show["people"] == {
        "kim": {"name": "Kim", "image": "people/kim.png"},
        "gus": {"name": "Gus"},
    }
    assert (tmp_path / "c" / "people" / "kim.png").read_bytes() == server.site.files["/kim.png"][0]
    assert f"people: Gus: podcast:person img: {server.base}/gone.jpg: HTTP 404" in result.output
    catalog, problems = load_catalog(tmp_path / "c")
    assert catalog is not None and not problems.errors
    assert sorted(e.meta.guid for e in catalog.episodes) == ["small-1", "small-2", "small-4"]
    [first] = [e for e in catalog.episodes if e.meta.guid == "small-1"]
    assert first.meta.audio == "1.mp3" and (first.folder / "1.mp3").stat().st_size > 1000
    assert first.meta.date == dt.datetime(2024, 1, 1, 10, tzinfo=dt.UTC)


def test_no_audio_writes_the_catalog_without_masters(tmp_path, server):
    server.site.files["/show/feed.xml"] = (feed(server.base, item(server.base, 1)), "text/xml")
    result = run(
        server.base + "/show/feed.xml",
        "--into",
        str(tmp_path / "c"),
        "--no-audio",
        "--base-url",
        "https://new.example.org/",
    )
    assert result.exit_code == 2, result.output
    assert not [r for r, _ in server.site.requests if r.startswith("/audio/")]
    [episode_yaml] = (tmp_path / "c").rglob("episode.yaml")
    episode = YAML(typ="safe").load(episode_yaml)
    assert episode["audio"] == "1.mp3" and not (episode_yaml.parent / "1.mp3").exists()
    assert YAML(typ="safe").load(tmp_path / "c" / "show.yaml")["base_url"] == (
        "https://new.example.org"
    )


def test_a_local_feed_file_needs_a_base_url_without_a_self_link(tmp_path, server):
    path = tmp_path / "feed.xml"
    path.write_bytes(feed(server.base, item(server.base, 1), self_link=False))
    result = run(str(path), "--into", str(tmp_path / "c"))
    assert result.exit_code == 1 and "give --base-url" in result.output
    result = run(str(path), "--into", str(tmp_path / "c"), "--base-url", "https://n.example.org")
    assert result.exit_code == 2, result.output
    assert "1 episode(s)" in result.output


def test_moving_out_new_feed_url_keeps_the_feed_complete(tmp_path, server):
    """The imported show moved on again: new_feed_url in show.yaml, everything else intact."""
    server.site.files["/show/feed.xml"] = (
        feed(server.base, item(server.base, 1) + item(server.base, 2)),
        "text/xml",
    )
    catalog = tmp_path / "c"
    assert (
        run(
            server.base + "/show/feed.xml",
            "--into",
            str(catalog),
            "--base-url",
            "https://old.example.org/show",
        ).exit_code
        == 2
    )
    show_yaml = catalog / "show.yaml"
    show_yaml.write_text(
        show_yaml.read_text(encoding="utf-8")
        + "new_feed_url: https://elsewhere.example.net/feed.rss\n",
        encoding="utf-8",
    )
    build(
        BuildOptions(
            catalog=catalog, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
        )
    )
    xml = (tmp_path / "feed" / "feed.xml").read_bytes()
    assert (
        b"<itunes:new-feed-url>https://elsewhere.example.net/feed.rss</itunes:new-feed-url>" in xml
    )
    parsed = feedparser.parse(xml)
    assert not parsed.bozo
    assert [e.id for e in parsed.entries] == ["small-2", "small-1"]
    assert all(
        e.enclosures[0].href.startswith("https://old.example.org/show/") for e in parsed.entries
    )
    assert parsed.feed.title == "Small Show"


def test_an_interrupted_import_leaves_no_catalog_and_resumes_its_download(
    tmp_path, server, monkeypatch
):
    from podcast.importer import fetch
    from podcast.importer.files import staging_folder
    from podcast.importer.run import ImportOptions, import_show

    monkeypatch.setattr(fetch, "CHUNK", 4096)
    server.site.files["/show/feed.xml"] = (feed(server.base, item(server.base, 1)), "text/xml")
    options = ImportOptions(server.base + "/show/feed.xml", tmp_path / "c")

    def stop(done: int, total: int | None) -> None:
        raise KeyboardInterrupt  # as Ctrl-C during the first download

    with pytest.raises(KeyboardInterrupt):
        import_show(options, progress=stop)
    assert not (tmp_path / "c").exists()
    [part] = staging_folder(tmp_path / "c").rglob("*.part")
    assert part.stat().st_size == 4096
    report = import_show(options)
    assert report.resumed and not staging_folder(tmp_path / "c").exists()
    audio_requests = [r for r in server.site.requests if r[0].startswith("/audio/")]
    assert audio_requests == [("/audio/1.mp3?x=1", None), ("/audio/1.mp3?x=1", "bytes=4096-")]
    [master] = (tmp_path / "c").rglob("1.mp3")
    assert master.read_bytes() == server.site.files["/audio/1.mp3"][0]
    assert not list((tmp_path / "c").rglob("*.part"))


def test_a_guid_twice_in_the_feed_is_imported_once(tmp_path, server):
    twice = item(server.base, 1) + item(server.base, 2).replace("small-2", "small-1")
    server.site.files["/show/feed.xml"] = (feed(server.base, twice), "text/xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "c"))
    assert result.exit_code == 3
    assert 'item 2 "Folge 2": guid: "small-1" is also the guid of item 1' in result.output
    assert len(list((tmp_path / "c").rglob("episode.yaml"))) == 1


def test_a_base_url_must_be_a_url_and_an_unwritable_folder_is_an_error(tmp_path, server):
    server.site.files["/show/feed.xml"] = (feed(server.base, item(server.base, 1)), "text/xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "c"), "--base-url", "x")
    assert result.exit_code == 1 and '--base-url "x" is not an http(s) URL' in result.output
    (tmp_path / "file").write_text("not a folder")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "file" / "c"))
    assert result.exit_code == 1 and "cannot be written" in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_relative_urls_in_a_hand_written_feed_are_taken_from_the_feed_address(tmp_path, server):
    relative = item(server.base, 1).replace(f"{server.base}/audio/", "../audio/")
    body = feed(server.base, relative).replace(
        f'href="{server.base}/cover.jpg"'.encode(), b'href="/cover.jpg"'
    )
    server.site.files["/show/feed.xml"] = (body, "text/xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "c"))
    assert "1 episode(s)" in result.output and "0 skipped" in result.output, result.output
    assert (tmp_path / "c" / "artwork.jpg").is_file()
    assert ("/audio/1.mp3?x=1", None) in server.site.requests


def test_a_feed_from_the_web_cannot_make_the_import_read_local_files(tmp_path, server):
    secret = tmp_path / "secret.mp3"
    secret.write_bytes(server.site.files["/audio/1.mp3"][0])
    local = item(server.base, 1).replace(f"{server.base}/audio/1.mp3?x=1", secret.as_uri())
    server.site.files["/show/feed.xml"] = (feed(server.base, local), "text/xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "c"))
    assert result.exit_code == 3
    assert f"{secret.as_uri()}: not an http(s) URL" in result.output


def test_text_the_catalog_refuses_and_numbers_out_of_range_are_noted(tmp_path, server):
    odd = (
        item(server.base, 1, number="0")
        .replace("<title>Folge 1</title>", "<title>Folge&#133; 1</title>")
        .replace("</item>", "<itunes:season>0</itunes:season></item>")
    )
    server.site.files["/show/feed.xml"] = (feed(server.base, odd), "text/xml")
    result = run(server.base + "/show/feed.xml", "--into", str(tmp_path / "c"))
    assert result.exit_code == 2, result.output
    assert '"0" is not an episode number (1–99999): left out' in result.output
    assert '"0" is not a season number (1–99999): put in season 1' in result.output
    assert 'item 1 "Folge 1": episode.yaml: 2 control character(s) left out' in result.output
    catalog, problems = load_catalog(tmp_path / "c")
    assert catalog is not None and not problems.errors
    [episode] = catalog.episodes
    assert (episode.title, episode.number, episode.season.number) == ("Folge 1", None, 1)
