"""What editors take from the site: decks, takeaway slides, cards in three shapes, soundbites.

The demo catalog is built with every quote's start and end removed, so the times
come from the transcripts; the pages and decks are then checked as an editor
without the CLI would use them.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import shutil
from pathlib import Path

import pytest
from PIL import Image
from pptx import Presentation

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.paths import (
    ALL_QUOTES_DECK,
    ALL_TAKEAWAYS_DECK,
    CARD_SHAPES,
    card_path,
    clip_path,
    episode_deck_path,
    episode_page,
    page_file,
    season_deck_path,
    season_page,
    takeaways_path,
)
from tests.conftest import REPO

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
HREF = re.compile(r'href="((?:\.\./)*)([^"#?]+)"')


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    root = tmp_path_factory.mktemp("demo")
    catalog = root / "episodes"
    shutil.copytree(REPO / "episodes", catalog)
    for path in catalog.glob("*/*/episode.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^    (start|end): .*\n", "", text), encoding="utf-8")
    options = BuildOptions(
        catalog=catalog, output=root / "feed", cache=root / "cache", now=NOW, jobs=2
    )
    return build(options), options.output


def links(output: Path, page: str) -> set[str]:
    """The build paths a page links (relative links resolved against the site root)."""
    html = (output / page_file(page)).read_text(encoding="utf-8")
    return {target for _, target in HREF.findall(html)}


def slide_texts(path: Path) -> list[str]:
    deck = Presentation(str(path))
    return [
        "\n".join(shape.text_frame.text for shape in slide.shapes if shape.has_text_frame)
        for slide in deck.slides
    ]


def test_demo_without_times_builds_with_times_within_a_second(built):
    result, _ = built
    expected, _ = load_catalog(REPO / "episodes")
    assert expected is not None
    wanted = {
        (e.slug, i): (q.start, q.end) for e in expected.episodes for i, q in enumerate(e.quotes)
    }
    found = {(e.slug, i): (q.start, q.end) for e in result.episodes for i, q in enumerate(e.quotes)}
    assert len(found) == 4
    for key, (start, end) in found.items():
        assert abs(start - wanted[key][0]) <= 1.0 and abs(end - wanted[key][1]) <= 1.0, key


def test_quotes_page_links_every_deck_and_takeaway_slide(built):
    result, output = built
    season = result.catalog.seasons[0]
    quotes = links(output, "quotes/")
    assert {ALL_QUOTES_DECK, season_deck_path(season), ALL_TAKEAWAYS_DECK} <= quotes
    assert takeaways_path(season.slug, "pptx") in quotes
    assert takeaways_path(season.slug, "png") in quotes
    for episode in result.episodes:
        assert takeaways_path(episode.slug, "pptx") in quotes
        for index, _ in enumerate(episode.quotes):
            for shape in CARD_SHAPES:
                assert card_path(episode, index, shape=shape) in quotes
            assert f'src="../{clip_path(episode, index)}"' in (
                output / "quotes" / "index.html"
            ).read_text(encoding="utf-8")


def test_season_and_episode_pages_link_their_decks_and_cards(built):
    result, output = built
    season = result.catalog.seasons[0]
    season_links = links(output, season_page(season))
    assert season_deck_path(season) in season_links
    assert takeaways_path(season.slug, "pptx") in season_links
    assert takeaways_path(season.slug, "png") in season_links
    for episode in result.episodes:
        page = episode_page(episode)
        html = (output / page_file(page)).read_text(encoding="utf-8")
        assert episode_deck_path(episode) in links(output, page)
        assert takeaways_path(episode.slug, "png") in links(output, page)
        for index, _ in enumerate(episode.quotes):
            assert f'<img src="../../{card_path(episode, index)}"' in html


def test_every_linked_deck_opens_and_holds_its_quotes_exact_text(built):
    result, output = built
    season = result.catalog.seasons[0]
    oldest_first = sorted(result.episodes, key=lambda e: e.published)
    every = [q.text for e in oldest_first for q in e.quotes]
    decks = {ALL_QUOTES_DECK: every, season_deck_path(season): every}
    for episode in result.episodes:
        decks[episode_deck_path(episode)] = [q.text for q in episode.quotes]
    linked = set().union(*(links(output, p) for p in ("quotes/", season_page(season))))
    linked |= set().union(*(links(output, episode_page(e)) for e in result.episodes))
    for relpath, texts in decks.items():
        assert relpath in linked
        slides = slide_texts(output / relpath)
        assert len(slides) == len(texts), relpath
        for slide, text in zip(slides, texts, strict=True):
            assert text in slide, relpath
    takeaways = slide_texts(output / takeaways_path(season.slug, "pptx"))
    assert all(t.title in takeaways[0] for t in season.meta.takeaways)
    assert len(slide_texts(output / ALL_TAKEAWAYS_DECK)) == 1 + len(result.episodes)
    png = Image.open(io.BytesIO((output / takeaways_path(season.slug, "png")).read_bytes()))
    assert png.size == (1920, 1080)


def test_deck_notes_name_the_episode_and_time(built):
    _, output = built
    deck = Presentation(str(output / ALL_QUOTES_DECK))
    notes = [slide.notes_slide.notes_text_frame.text for slide in deck.slides]
    assert notes[0].startswith("Folge 11: Das 360° Festival 2022")
    assert "Prof. Dr. Jutta Rump, 00:00:18–00:00:40" in notes[0]


def test_clip_players_know_their_length_before_playing(built):
    _, output = built
    pages = [output / "quotes" / "index.html", *(output / "episodes").glob("*/index.html")]
    players = 0
    for path in pages:
        html = path.read_text(encoding="utf-8")
        assert 'preload="none"' not in html
        for tag in re.findall(r'<audio class="clip"[^>]*>', html):
            players += 1
            assert 'preload="metadata"' in tag
        assert len(re.findall(r'class="meta clip-length">\d+ s<', html)) == html.count(
            '<audio class="clip"'
        )
    assert players == 8  # four quotes, each on the quotes page and its episode page


def test_loudness_report_is_not_a_listener_download(built):
    result, output = built
    episode = result.episodes[0]
    html = (output / page_file(episode_page(episode))).read_text(encoding="utf-8")
    downloads = html.split('<ul class="downloads">', 1)[1].split("</ul>", 1)[0]
    assert "loudness/" not in downloads
    report = rf'href="\.\./\.\./loudness/{episode.slug}-[0-9a-f]{{8}}\.json" download>'
    assert re.search(report + "Lautheitsbericht", html)


def test_a_transcript_of_one_word_segments_is_shown_in_sentences():
    from podcast.catalog.transcript import Cue
    from podcast.site.pages import sentences

    words = [Cue(0, 1, "Hallo", "A"), Cue(1, 2, "Welt.", "A"), Cue(2, 3, "Neu", "B")]
    words += [Cue(3, 4, "hier", "B"), Cue(4, 9, "Ein Satz in einem Cue, ohne Punkt", "B")]
    shown = [(c.start, c.end, c.text, c.speaker) for c in sentences(words)]
    assert shown == [
        (0, 2, "Hallo Welt.", "A"),
        (2, 4, "Neu hier", "B"),
        (4, 9, "Ein Satz in einem Cue, ohne Punkt", "B"),  # a cue of many words stays a cue
    ]
