"""``analytics_prefix:``: enclosures in the feed go through it; everything else keeps real URLs."""

from __future__ import annotations

import datetime as dt
import json

import podcastparser
from lxml import etree

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from podcast.publish.plan import feed_enclosures
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
PREFIX = "https://op3.dev/e/"


def test_prefixed_enclosures_and_real_urls_everywhere_else(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "timezone:", f"analytics_prefix: {PREFIX}\ntimezone:")
    out = tmp_path / "feed"
    build(BuildOptions(catalog=catalog_dir, output=out, cache=tmp_path / "cache", now=NOW))
    feed = (out / "feed.xml").read_bytes()
    urls = [e.get("url") for e in etree.fromstring(feed).iter("enclosure")]
    assert len(urls) == 2
    for url in urls:
        assert url.startswith(PREFIX + "cdn.example.org/show/audio/"), url
        assert (out / url.removeprefix(PREFIX + "cdn.example.org/show/")).is_file()
    # The published state and the pages keep the real URLs.
    state = (out / "podcast-state.json").read_text()
    assert "op3.dev" not in state
    assert not any("op3.dev" in p.read_text() for p in out.rglob("*.html"))
    assert "op3.dev" not in json.dumps([p.read_text() for p in out.rglob("*.json")])
    # The publisher still finds every enclosure in the target (it checks them before the feed).
    assert set(feed_enclosures(feed)) == {
        u.removeprefix(PREFIX + "cdn.example.org/show/") for u in urls
    }
    report = publish(out, LocalDestination(tmp_path / "public"))
    assert report.uploads > 0 and (tmp_path / "public" / "feed.xml").is_file()
    parsed = podcastparser.parse(
        "https://cdn.example.org/show/feed.xml", (out / "feed.xml").open("rb")
    )
    assert all(e["enclosures"][0]["url"].startswith(PREFIX) for e in parsed["episodes"])


def test_a_prefix_with_a_query_is_refused(catalog_dir):
    edit(catalog_dir / "show.yaml", "timezone:", "analytics_prefix: https://x.org/e?a=1\ntimezone:")
    _, problems = load_catalog(catalog_dir)
    (error,) = [p for p in problems.errors if p.field == "analytics_prefix"]
    assert "without query" in error.message and error.line
