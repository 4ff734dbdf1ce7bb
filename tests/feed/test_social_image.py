"""``podcast:image`` (purpose social): each episode's 16:9 image, drawn or given, checked."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import feedparser
import podcastparser
import pytest
from lxml import etree, html
from PIL import Image

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.feed.ext.podcastindex import PODCAST_NS
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NS = {"podcast": PODCAST_NS}
BASE = "https://cdn.example.org/show/"


def built(catalog: Path, out: Path, cache: Path) -> list:
    build(BuildOptions(catalog=catalog, output=out, cache=cache, now=NOW))
    return etree.parse(str(out / "feed.xml")).findall("channel/item")


def image_of(item) -> etree._Element:
    found = item.findall("podcast:image", NS)
    assert len(found) == 1
    return found[0]


def local(out: Path, url: str) -> Path:
    assert url.startswith(BASE), url
    return out / url.removeprefix(BASE)


def test_every_episode_gets_a_drawn_16_9_image_the_feed_describes(catalog_dir, tmp_path):
    out = tmp_path / "feed"
    items = built(catalog_dir, out, tmp_path / "cache")
    assert len(items) == 2
    for item in items:
        tag = image_of(item)
        assert tag.get("purpose") == "social"
        assert tag.get("aspect-ratio") == "16/9"
        assert tag.get("type") == "image/png"
        assert item.findtext("title") in tag.get("alt")
        path = local(out, tag.get("href"))
        with Image.open(path) as image:  # the attributes are the file's
            assert image.format == "PNG"
            assert (str(image.width), str(image.height)) == (tag.get("width"), tag.get("height"))
        # the page shares the same picture
        page = html.parse(str(out / "episodes" / path.parent.name / "index.html"))
        assert page.find('.//meta[@property="og:image"]').get("content") == tag.get("href")
        assert page.find('.//meta[@name="twitter:card"]').get("content") == "summary_large_image"
        relpath = tag.get("href").removeprefix(BASE)
        links = [a for a in page.iter("a") if (a.get("href") or "").endswith(relpath)]
        assert [a.text_content().strip() for a in links] == ["Bild für soziale Medien (16:9)"]
    hrefs = [image_of(i).get("href") for i in items]
    assert len(set(hrefs)) == 2
    # real clients' parsers still read the feed
    with (out / "feed.xml").open("rb") as stream:
        assert len(podcastparser.parse(BASE + "feed.xml", stream)["episodes"]) == 2
    assert not feedparser.parse((out / "feed.xml").read_bytes()).bozo


def test_the_drawn_image_gets_a_new_url_when_what_it_shows_changes(catalog_dir, tmp_path):
    out, cache = tmp_path / "feed", tmp_path / "cache"
    before = [image_of(i).get("href") for i in built(catalog_dir, out, cache)]
    again = [image_of(i).get("href") for i in built(catalog_dir, out, cache)]
    assert again == before  # same inputs: same names, same bytes
    episode = catalog_dir / "staffel-2" / "folge-15-weiter" / "episode.yaml"
    edit(episode, "summary: Eine Folge", "summary: Eine andere Folge")
    after = [image_of(i).get("href") for i in built(catalog_dir, out, cache)]
    assert after[0] != before[0]  # Folge 15 (newest first) shows its new summary
    assert after[1] == before[1]
    assert not local(out, before[0]).exists()  # the old one is gone from the build


def test_a_given_image_is_published_as_it_is(catalog_dir, tmp_path):
    folder = catalog_dir / "staffel-2" / "folge-14-positiv"
    Image.new("RGB", (1600, 900), (200, 40, 40)).save(folder / "social.jpg", quality=85)
    edit(
        folder / "episode.yaml",
        "takeaways:",
        "image:\n  file: social.jpg\n  alt: Stefanie Goy im Studio\ntakeaways:",
    )
    out = tmp_path / "feed"
    items = built(catalog_dir, out, tmp_path / "cache")
    tag = image_of(items[1])  # Folge 14
    assert tag.get("href").endswith(".jpg")
    assert (tag.get("width"), tag.get("height"), tag.get("type")) == ("1600", "900", "image/jpeg")
    assert tag.get("alt") == "Stefanie Goy im Studio"
    assert local(out, tag.get("href")).read_bytes() == (folder / "social.jpg").read_bytes()
    assert image_of(items[0]).get("type") == "image/png"  # Folge 15 still gets a drawn one


@pytest.mark.parametrize(
    ("size", "yaml", "message"),
    [
        ((1400, 1400), "image: social.png", "expected 16:9"),
        ((800, 450), "image: social.png", "expected 1200–3840 px wide"),
        (None, "image: fehlt.png", 'file "'),
        ((1920, 1080), "image:\n  file: social.png\n  alt: ''", "at least 1 character"),
    ],
)
def test_a_bad_image_names_file_line_and_field(catalog_dir, size, yaml, message):
    folder = catalog_dir / "staffel-2" / "folge-14-positiv"
    if size:
        Image.new("RGB", size, (0, 0, 0)).save(folder / "social.png")
    edit(folder / "episode.yaml", "takeaways:", yaml + "\ntakeaways:")
    _, problems = load_catalog(catalog_dir)
    errors = [p for p in problems.errors if p.field.startswith("image")]
    assert len(errors) == 1, [str(p) for p in problems.errors]
    assert str(errors[0].file).endswith("episode.yaml") and errors[0].line
    assert message in errors[0].message, errors[0].message
