"""The catalog end to end: build, feed read by real podcast parsers, local publish."""

from __future__ import annotations

import datetime as dt
import re

import feedparser
import podcastparser
import pytest

from podcast.build import BuildOptions, build
from podcast.ffmpeg import probe
from podcast.problems import CatalogError
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


@pytest.fixture
def built(catalog_dir, tmp_path):
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    return options, build(options)


def test_feed_is_read_by_feedparser_and_podcastparser(built):
    options, _result = built
    feed_path = options.output / "feed.xml"
    parsed = feedparser.parse(feed_path.read_bytes())
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    assert parsed.feed.title == "Der Test-Podcast"
    with feed_path.open("rb") as handle:
        gpodder = podcastparser.parse("https://cdn.example.org/show/feed.xml", handle)
    assert [e.title for e in parsed.entries] == [e["title"] for e in gpodder["episodes"]]
    assert len(gpodder["episodes"]) == 2
    for entry, episode in zip(parsed.entries, gpodder["episodes"], strict=True):
        [enclosure] = entry.enclosures
        assert episode["enclosures"][0]["url"] == enclosure.href
        relpath = enclosure.href.removeprefix("https://cdn.example.org/show/")
        mp3 = options.output / relpath
        assert int(enclosure.length) == mp3.stat().st_size == episode["enclosures"][0]["file_size"]
        assert episode["total_time"] == round(probe(mp3).duration)
        assert abs(episode["total_time"] - 20) <= 1
    assert parsed.entries[0].itunes_episode == "15"  # newest first


def test_one_mp3_and_one_page_per_published_episode(built):
    options, _result = built
    files = sorted(p.relative_to(options.output).as_posix() for p in options.output.rglob("*"))
    mp3s = [f for f in files if f.endswith(".mp3") and not f.startswith("clips/")]
    assert len(mp3s) == 2
    assert re.fullmatch(r"audio/folge-14-positiv-[0-9a-f]{8}\.mp3", mp3s[0])
    assert re.fullmatch(r"audio/folge-15-weiter-[0-9a-f]{8}\.mp3", mp3s[1])
    pages = [f for f in files if f.endswith("index.html")]
    assert pages == [
        "episodes/folge-14-positiv/index.html",
        "episodes/folge-15-weiter/index.html",
        "index.html",
        "quotes/index.html",
        "seasons/staffel-2/index.html",
    ]
    page = (options.output / "episodes/folge-14-positiv/index.html").read_text()
    assert "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!" in page
    assert '<html lang="de"' in page
    mp3 = probe(options.output / mp3s[0])
    assert mp3.codec == "mp3"


def test_drafts_and_future_episodes_are_left_out(catalog_dir, tmp_path):
    edit(
        catalog_dir / "staffel-2/folge-14-positiv/episode.yaml",
        "number: 14",
        "number: 14\ndraft: true",
    )
    edit(catalog_dir / "staffel-2/folge-15-weiter/episode.yaml", "2023-04-01", "2030-04-01")
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "c", now=NOW
    )
    result = build(options)
    assert result.episodes == ()
    parsed = feedparser.parse((options.output / "feed.xml").read_bytes())
    assert parsed.entries == []
    assert not (options.output / "audio").exists()


def test_second_build_reuses_encoded_audio(built, monkeypatch):
    options, _ = built
    import podcast.audio.encode

    def fail(*args, **kwargs):
        raise AssertionError("encoded again")

    monkeypatch.setattr(podcast.audio.encode, "encode", fail)
    result = build(options)
    assert len(result.episodes) == 2


def test_build_with_errors_writes_nothing(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "language: de", "language: Deutsch")
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "c", now=NOW
    )
    with pytest.raises(CatalogError):
        build(options)
    assert not options.output.exists()


def test_local_publish_copies_only_changes_and_feed_last(built, tmp_path):
    options, _ = built
    target = LocalDestination(tmp_path / "public")
    first = publish(options.output, target)
    assert first.changes[-1].relpath == "feed.xml"
    assert {c.relpath for c in first.changes} == {
        p.relative_to(options.output).as_posix() for p in options.output.rglob("*") if p.is_file()
    }
    again = publish(options.output, target)
    assert again.changes == ()
    assert again.unchanged == len(first.changes)
    (tmp_path / "public" / "stale.txt").write_text("old")
    dry = publish(options.output, target, prune=True, dry_run=True)
    assert [(c.action, c.relpath) for c in dry.changes] == [("delete", "stale.txt")]
    assert (tmp_path / "public" / "stale.txt").exists()
    publish(options.output, target, prune=True)
    assert not (tmp_path / "public" / "stale.txt").exists()


def test_rebuilding_an_unchanged_show_later_gives_identical_files(built):
    options, _ = built
    before = {p: p.read_bytes() for p in options.output.rglob("*") if p.is_file()}
    later = BuildOptions(
        catalog=options.catalog,
        output=options.output,
        cache=options.cache,
        now=NOW + dt.timedelta(days=3),
        jobs=2,
    )
    build(later)
    after = {p: p.read_bytes() for p in options.output.rglob("*") if p.is_file()}
    assert after.keys() == before.keys()
    assert [p.name for p in after if after[p] != before[p]] == []
