"""`podcast quotes`: listing, filters, JSON, and the exports that need no audio work."""

from __future__ import annotations

import io
import json
import xml.etree.ElementTree as ET

import pytest
from click.testing import CliRunner
from markdown_it import MarkdownIt
from PIL import Image
from pptx import Presentation

from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from podcast.paths import episode_page_at
from podcast.quotes.selection import QuoteFilter, first_words, quotes_markdown, select_quotes
from tests.conftest import edit

ERIKA_QUOTE = """\
  - text: "Führung heißt: Verantwortung [teilen] – nicht abgeben."
    speaker: erika
    start: "00:00:05"
    end: "00:00:12.500"
    tags: [Führung]
"""


@pytest.fixture
def quotes_dir(catalog_dir):
    path = catalog_dir / "staffel-2" / "folge-15-weiter" / "episode.yaml"
    edit(path, "takeaways:\n", ERIKA_QUOTE + "takeaways:\n")
    return catalog_dir


def run(*args):
    result = CliRunner().invoke(cli, [*args], catch_exceptions=False)
    return result


def quotes_json(catalog, *args):
    result = run("quotes", "--catalog", str(catalog), "--json", *args)
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_filters_select_by_speaker_episode_season_tag_and_text(quotes_dir):
    everything = quotes_json(quotes_dir)
    assert [(q["episode"], q["speaker"]) for q in everything] == [
        (14, "Prof. Dr. Jutta Rump"),
        (15, "Prof. Dr. Jutta Rump"),
        (15, "Erika Mustermann"),
    ]
    assert len(quotes_json(quotes_dir, "--speaker", "Jutta Rump")) == 2
    assert len(quotes_json(quotes_dir, "--speaker", "jutta RUMP")) == 2
    assert [q["speaker"] for q in quotes_json(quotes_dir, "--speaker", "erika")] == [
        "Erika Mustermann"
    ]
    assert [q["episode"] for q in quotes_json(quotes_dir, "--episode", "14")] == [14]
    assert [q["episode"] for q in quotes_json(quotes_dir, "--episode", "folge-15")] == [15, 15]
    assert quotes_json(quotes_dir, "--season", "3") == []
    assert len(quotes_json(quotes_dir, "--season", "2")) == 3
    assert [q["index"] for q in quotes_json(quotes_dir, "--tag", "führung")] == [1]
    assert [q["speaker"] for q in quotes_json(quotes_dir, "--search", "BALANCE")] == [
        "Prof. Dr. Jutta Rump"
    ] * 2
    both = quotes_json(quotes_dir, "--speaker", "rump", "--episode", "15")
    assert [(q["episode"], q["index"]) for q in both] == [(15, 0)]


def test_json_record(quotes_dir):
    record = quotes_json(quotes_dir, "--tag", "Führung")[0]
    assert record == {
        "season": 2,
        "episode": 15,
        "episode_slug": "folge-15-weiter",
        "episode_title": "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!",
        "index": 1,
        "speaker": "Erika Mustermann",
        "start": "00:00:05.000",
        "end": "00:00:12.500",
        "start_seconds": 5.0,
        "end_seconds": 12.5,
        "text": "Führung heißt: Verantwortung [teilen] – nicht abgeben.",
        "tags": ["Führung"],
        "url": "https://cdn.example.org/show/episodes/folge-15-weiter/#t=00:05",
        "page": "https://cdn.example.org/show/episodes/folge-15-weiter/",
        "card": "cards/folge-15-weiter-2.png",
        "clip": "clips/folge-15-weiter-2.mp3",
    }


def test_table_in_english_for_an_english_show(quotes_dir):
    edit(quotes_dir / "show.yaml", "language: de", "language: en")
    result = CliRunner().invoke(
        cli, ["quotes", "--catalog", str(quotes_dir)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "3 quotes" in result.output and "Episode 15" in result.output
    assert "Speaker" in result.output and "Folge" not in result.output


def test_table_lists_episode_speaker_time_and_first_words(quotes_dir):
    result = CliRunner().invoke(
        cli, ["quotes", "--catalog", str(quotes_dir)], env={"COLUMNS": "200"}
    )
    assert result.exit_code == 0, result.output
    assert "3 Zitate" in result.output  # the summary in the show's language (de)
    assert "Sprecher:in" in result.output and "Speaker" not in result.output
    assert "Folge 15" in result.output and "Erika Mustermann" in result.output
    assert "00:00:05" in result.output
    assert "Führung heißt: Verantwortung [teilen]" in result.output  # not eaten as markup


def test_first_words_and_time_link():
    assert first_words("kurz") == "kurz"
    cut = first_words("Wenn ich mir etwas wünschen würde, dann mehr Selbstverantwortung", 30)
    assert cut == "Wenn ich mir etwas wünschen…"
    assert len(cut) <= 30


def test_episode_page_at_uses_media_fragment(catalog_dir):
    catalog, _ = load_catalog(catalog_dir)
    episode = catalog.episodes[0]
    assert episode_page_at(episode, 62.9) == f"episodes/{episode.slug}/#t=01:02"
    assert episode_page_at(episode, 3725) == f"episodes/{episode.slug}/#t=1:02:05"


def test_filter_object_directly(quotes_dir):
    catalog, _ = load_catalog(quotes_dir)
    refs = select_quotes(catalog, QuoteFilter(speaker="Mustermann", tag="FÜHRUNG"))
    assert [(r.episode.number, r.index) for r in refs] == [(15, 1)]


def test_export_markdown_links_to_the_time(quotes_dir, tmp_path):
    out = tmp_path / "md"
    result = run(
        "quotes", "export", "--catalog", str(quotes_dir), "--format", "md", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    text = (out / "quotes.md").read_text(encoding="utf-8")
    assert "> „Führung heißt: Verantwortung [teilen] – nicht abgeben.“" in text
    assert "> – Erika Mustermann (Moderatorin)" in text
    assert "(https://cdn.example.org/show/episodes/folge-15-weiter/#t=00:05)" in text
    assert "> – Prof. Dr. Jutta Rump (Professorin)" in text
    html = MarkdownIt().render(text)
    assert (
        '<a href="https://cdn.example.org/show/episodes/folge-14-positiv/#t=00:02">'
        "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)! – ab 00:00:02</a>"
    ) in html


def test_markdown_link_text_with_brackets(quotes_dir, tmp_path):
    path = quotes_dir / "staffel-2" / "folge-15-weiter" / "episode.yaml"
    edit(path, "title: Positiv irritierend", "title: Positiv [sehr] irritierend")
    catalog, _ = load_catalog(quotes_dir)
    text = quotes_markdown(catalog, select_quotes(catalog, QuoteFilter(episode="15")))
    html = MarkdownIt().render(text)
    assert ">Positiv [sehr] irritierend" in html
    assert 'href="https://cdn.example.org/show/episodes/folge-15-weiter/#t=00:05"' in html


def test_export_pptx_for_a_speaker(quotes_dir, tmp_path):
    out = tmp_path / "slides"
    result = run(
        "quotes", "export", "-c", str(quotes_dir), "--speaker", "Jutta Rump",
        "--format", "pptx", "--out", str(out),
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out / "quotes.pptx"))
    assert len(deck.slides) == 2
    catalog, _ = load_catalog(quotes_dir)
    wanted = catalog.episodes[0].meta.quotes[0].text
    for slide in deck.slides:
        texts = [s.text_frame.text for s in slide.shapes if s.has_text_frame]
        assert f"„{wanted}“" in texts
        assert "– Prof. Dr. Jutta Rump –" in texts
        notes = slide.notes_slide.notes_text_frame.text
        assert "00:00:02–00:00:18" in notes and "#t=00:02" in notes


def test_export_png_and_svg_cards(quotes_dir, tmp_path):
    for fmt in ("png", "svg"):
        out = tmp_path / fmt
        result = run(
            "quotes", "export", "-c", str(quotes_dir), "--episode", "15", "--format", fmt,
            "--size", "1080x1920", "--out", str(out),
        )  # fmt: skip
        assert result.exit_code == 0, result.output
        names = sorted(p.name for p in out.iterdir())
        assert names == [f"folge-15-weiter-1.{fmt}", f"folge-15-weiter-2.{fmt}"]
    image = Image.open(io.BytesIO((tmp_path / "png" / "folge-15-weiter-2.png").read_bytes()))
    assert image.size == (1080, 1920)
    root = ET.parse(tmp_path / "svg" / "folge-15-weiter-2.svg").getroot()
    assert root.get("height") == "1920"
    texts = [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]
    assert "– Erika Mustermann –" in texts


def test_export_with_no_match_is_an_error(quotes_dir, tmp_path):
    result = CliRunner().invoke(
        cli, ["quotes", "export", "-c", str(quotes_dir), "--speaker", "Niemand", "--out", "x"]
    )
    assert result.exit_code == 1
    assert "no quote matches the filters" in result.output


def test_takeaways_export(quotes_dir, tmp_path):
    out = tmp_path / "tk"
    result = run(
        "takeaways", "export", "-c", str(quotes_dir), "--format", "pptx", "--out", str(out)
    )
    assert result.exit_code == 0, result.output
    deck = Presentation(str(out / "takeaways.pptx"))
    assert len(deck.slides) == 3  # the season, episode 14 and 15
    texts = [s.text_frame.text for s in deck.slides[0].shapes if s.has_text_frame]
    assert "Key Take-Aways Staffel 2" in texts
    assert {"Handlungsmut", "Transparenz", "Offen reden."} <= set(texts)
    result = run("takeaways", "export", "-c", str(quotes_dir), "--episode", "14", "--out", str(out))
    assert result.exit_code == 0, result.output
    assert (out / "takeaways-folge-14-positiv.png").is_file()
    assert not (out / "takeaways-staffel-2.png").exists()


def test_markdown_in_the_show_language(quotes_dir):
    edit(quotes_dir / "show.yaml", "language: de", "language: en")
    catalog, _ = load_catalog(quotes_dir)
    text = quotes_markdown(catalog, select_quotes(catalog, QuoteFilter(episode="15")))
    assert text.startswith("# Quotes – Der Test-Podcast\n")
    assert "> “Führung heißt: Verantwortung [teilen] – nicht abgeben.”" in text
    assert "Episode 15: [Positiv irritierend" in text and "– from 00:00:05]" in text
    assert "\nTags: Führung\n" in text
    assert "Zitate" not in text and "Folge" not in text and "„" not in text
