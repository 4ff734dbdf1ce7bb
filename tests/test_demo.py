"""The demo show in episodes/ end to end: what `make publish` gives a listener."""

from __future__ import annotations

import datetime as dt
import io
import urllib.request

import feedparser
import podcastparser
import pytest

from podcast.build import BuildOptions, build
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from podcast.publish.s3 import S3Destination
from tests.conftest import REPO
from tests.s3server import s3, s3_server  # noqa: F401 (fixtures)

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)


@pytest.fixture(scope="module")
def published(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    options = BuildOptions(
        catalog=REPO / "episodes", output=root / "feed", cache=root / "cache", now=NOW
    )
    result = build(options)
    publish(options.output, LocalDestination(root / "public"))
    return root / "public", result


def test_demo_feed_has_every_published_episode(published):
    public, result = published
    feed = (public / "feed.xml").read_bytes()
    parsed = feedparser.parse(feed)
    assert parsed.bozo == 0
    assert parsed.feed.title == "Der Kommunen-Podcast. Rebellion im Aktenschrank"
    titles = [e.title for e in parsed.entries]
    assert "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!" in titles
    assert "Das 360° Festival 2022: „Ich kam frustriert und ging inspiriert“" in titles
    assert not any("Fehler feiern" in t for t in titles)  # the draft stays out
    with (public / "feed.xml").open("rb") as handle:
        gpodder = podcastparser.parse(result.catalog.show.feed_url, handle)
    assert [e["title"] for e in gpodder["episodes"]] == titles
    for episode in gpodder["episodes"]:
        [enclosure] = episode["enclosures"]
        relpath = enclosure["url"].removeprefix(result.catalog.show.url(""))
        assert (public / relpath).stat().st_size == enclosure["file_size"]
        assert episode["total_time"] > 30


def test_demo_has_one_mp3_and_one_page_per_published_episode(published):
    public, result = published
    assert len(result.episodes) == 3
    assert len(list(public.rglob("*.mp3"))) >= 3
    for episode in result.episodes:
        page = public / "episodes" / episode.slug / "index.html"
        assert episode.title in page.read_text(encoding="utf-8")


def test_demo_quotes_keep_their_exact_wording(published):
    _, result = published
    quotes = {q.text for e in result.catalog.episodes for q in e.meta.quotes}
    assert (
        "Zunächst habe ich mich [so] vorgestellt, (...) dass ich eine Lernende bin und das "
        "Wissen von den Expert:innen vor Ort benötige." in quotes
    )
    assert any("Talenterorientierung" in q for q in quotes)
    season = result.catalog.seasons[0]
    assert [t.title for t in season.meta.takeaways] == [
        "Handlungsmut",
        "Transparenz",
        "Kommunikation",
        "Haltung der Führungskräfte",
        "Gemeinsame Erfahrungen",
        "Vertrauen",
        "Positives Menschenbild und Augenhöhe",
        "Lernende Haltung",
        "Zeit",
    ]


def test_demo_published_to_s3_is_read_by_podcast_apps_over_http(published, s3):  # noqa: F811
    proxy, client, bucket = s3
    public, result = published
    build_dir = public.parent / "feed"
    first = publish(build_dir, S3Destination.from_url(f"s3://{bucket}/kommunen"))
    assert first.uploads == len([p for p in build_dir.rglob("*") if p.is_file()])
    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "kommunen/feed.xml"}
    )
    with urllib.request.urlopen(url) as response:
        feed = response.read()
    assert feedparser.parse(feed).bozo == 0
    episodes = podcastparser.parse(result.catalog.show.feed_url, io.BytesIO(feed))["episodes"]
    assert len(episodes) == len(result.episodes) == 3
    for episode in episodes:
        [enclosure] = episode["enclosures"]
        key = "kommunen/" + enclosure["url"].removeprefix(result.catalog.show.url(""))
        head = client.head_object(Bucket=bucket, Key=key)
        assert head["ContentLength"] == enclosure["file_size"]
        assert head["ContentType"] == "audio/mpeg"
    proxy.reset()
    again = publish(build_dir, S3Destination.from_url(f"s3://{bucket}/kommunen"))
    assert again.changes == () and proxy.put_bytes() == 0
