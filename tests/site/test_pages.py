"""The site stage without a browser: what is linked, theme overrides, escaping, labels."""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from podcast.build import BuildOptions, build
from podcast.labels import Labels
from podcast.paths import card_path, chapters_path, transcript_path
from podcast.site.pages import css_color, json_ld, render_site
from podcast.templating import initials, render_markdown
from podcast.writer import Writer

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
VTT = "WEBVTT\n\n00:00:01.000 --> 00:00:03.000\n<v Erika Mustermann>Hallo & willkommen.\n"


@pytest.fixture
def built(catalog_dir, tmp_path):
    (catalog_dir / "staffel-2/folge-14-positiv/transcript.vtt").write_text(VTT, encoding="utf-8")
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    return options, build(options)


def test_downloads_and_cards_are_linked_only_when_the_build_has_them(built, tmp_path):
    _options, result = built
    newer, older = result.episodes  # 15, 14
    writer = Writer(tmp_path / "out")
    audio = result.media[older.slug].relpath
    transcript, chapters = transcript_path(audio, ".vtt"), chapters_path(audio)
    for relpath in (transcript, chapters, card_path(older, 0)):
        writer.write_text(relpath, "x", "another stage")
    render_site(result.catalog, result.episodes, result.media, writer, NOW)

    page14 = (tmp_path / "out/episodes/folge-14-positiv/index.html").read_text()
    page15 = (tmp_path / "out/episodes/folge-15-weiter/index.html").read_text()
    assert f'href="../../{transcript}" download>Transkript (VTT)' in page14
    assert f'href="../../{chapters}" download>Kapitel (JSON)' in page14
    assert ".vtt" not in page15 and ".json" not in page15
    audio15 = result.media[newer.slug].relpath
    assert f'href="../../{audio15}" download>Audio (MP3, ' in page15
    # the transcript itself is on the page, escaped, with a seek button
    assert "loudness/" not in page14  # this writer has no loudness reports
    assert "Hallo &amp; willkommen." in page14
    assert 'data-seek="1"' in page14

    quotes = (tmp_path / "out/quotes/index.html").read_text()
    assert quotes.count("<img") - quotes.count('class="brand"') == 1
    assert 'src="../cards/folge-14-positiv-1.png"' in quotes
    assert "cards/folge-15-weiter-1.png" not in quotes


def test_season_page_lists_takeaways_and_episodes(built):
    options, _ = built
    page = (options.output / "seasons/staffel-2/index.html").read_text()
    assert '<h2 id="takeaways">Key Take-Aways</h2>' in page
    assert "<li>Handlungsmut</li>" in page
    assert "<strong>Transparenz</strong><span>Offen reden.</span>" in page
    assert page.count('href="../../episodes/folge-1') == 2
    ld = json.loads(page.split('<script type="application/ld+json">')[1].split("</script>")[0])
    assert ld["@type"] == "PodcastSeason"
    assert ld["partOfSeries"]["@type"] == "PodcastSeries"
    assert ld["partOfSeries"]["webFeed"] == "https://cdn.example.org/show/feed.xml"


def test_every_page_has_feed_link_meta_and_assets(built):
    options, _ = built
    pages = sorted(options.output.rglob("index.html"))
    assert len(pages) == 5
    for path in pages:
        html = path.read_text()
        assert '<html lang="de"' in html
        assert (
            '<link rel="alternate" type="application/rss+xml" title="Der Test-Podcast" '
            'href="https://cdn.example.org/show/feed.xml">'
        ) in html
        for meta in ("og:title", "og:description", "og:image", "twitter:title", "twitter:image"):
            assert f'property="{meta}"' in html or f'name="{meta}"' in html, (path, meta)
        assert "assets/style.css?v=" in html and "assets/player.js?v=" in html
        assert "http://" not in html.replace("https://", "")  # nothing from elsewhere
    episode = (options.output / "episodes/folge-14-positiv/index.html").read_text()
    assert '<meta property="og:audio" content="https://cdn.example.org/show/audio/' in episode
    # the build's loudness plot and report are linked from the episode page
    # under content-addressed names (a changed report gets a new name, see podcast.paths)
    assert re.search(r'src="\.\./\.\./loudness/folge-14-positiv-[0-9a-f]{8}\.png"', episode)
    assert re.search(
        r'href="\.\./\.\./loudness/folge-14-positiv-[0-9a-f]{8}\.json" download>Lautheitsbericht',
        episode,
    )
    assert (options.output / "assets/player.js").is_file()


def test_a_theme_folder_overrides_templates_and_assets(catalog_dir, tmp_path):
    theme = catalog_dir / "theme"
    (theme / "assets").mkdir(parents=True)
    (theme / "episode.html").write_text(
        '{% extends "base.html" %}{% block main %}<p id="mine">{{ episode.title }}</p>'
        "{% endblock %}",
        encoding="utf-8",
    )
    (theme / "assets/style.css").write_text("body { color: rebeccapurple; }", encoding="utf-8")
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW
    )
    build(options)
    episode = (options.output / "episodes/folge-14-positiv/index.html").read_text()
    assert '<p id="mine">Positiv irritierend' in episode
    assert '<link rel="alternate" type="application/rss+xml"' in episode  # base from the package
    assert "Kapitel" not in (options.output / "episodes/folge-15-weiter/index.html").read_text()
    assert '<h2 id="latest">' in (options.output / "index.html").read_text()
    assert (options.output / "assets/style.css").read_text() == "body { color: rebeccapurple; }"


def test_json_ld_cannot_end_its_script_element():
    hostile = '</script><script>alert(1)</script><!-- & "'
    text = str(json_ld({"name": hostile}))
    assert "<" not in text and ">" not in text
    assert json.loads(text) == {"name": hostile}


def test_markdown_raw_html_is_text_and_links_are_safe():
    html = str(render_markdown("<script>alert(1)</script> [x](javascript:alert(1)) **fett**"))
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert 'href="javascript' not in html and "<a" not in html
    assert "<strong>fett</strong>" in html


def test_card_colours_must_be_colours():
    assert css_color("#0d3645", "#000") == "#0d3645"
    assert css_color("rebeccapurple", "#000") == "rebeccapurple"
    assert css_color("red; background: url(https://evil.example/)", "#000") == "#000"


def test_labels_fall_back_to_english_and_format_dates():
    assert Labels("de-DE").copy == "Kopieren"
    assert Labels("fr").copy == "Copy"
    assert Labels("de").date(dt.date(2023, 3, 1)) == "1. März 2023"
    assert Labels("en").date(dt.date(2023, 3, 1)) == "March 1, 2023"
    assert Labels("de").megabytes(18_340_000) == "18,3 MB"
    assert Labels("de").count("quote_count", 1) == "1 Zitat"
    assert Labels("de").count("quote_count", 3) == "3 Zitate"
    assert initials("Prof. Dr. Jutta Rump") == "JR"
    assert initials("Eve") == "E"
