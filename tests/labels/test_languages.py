"""One label table for every output: the demo show built in English has no German label
word anywhere (feed notes, pages, cards, slides, clip tags, Markdown), the German demo
keeps its German words, and the tables themselves are complete."""

from __future__ import annotations

import datetime as dt
import html
import io
import re
import shutil
import string
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from pathlib import Path

import pytest
from mutagen.id3 import ID3
from pptx import Presentation

from podcast.build import BuildOptions, BuildResult, build
from podcast.cards import CardFrame
from podcast.labels import TABLES, Labels, primary_language, supported
from podcast.paths import card_path
from podcast.quotes.export import (
    cached_card,
    export_quotes,
    export_takeaways,
    quote_card,
    takeaway_sets,
)
from podcast.quotes.selection import all_quotes, quotes_markdown
from tests.conftest import REPO

NOW = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
SVG = "{http://www.w3.org/2000/svg}"

# Words of the German table that English does not share (checked below against the
# tables): the headings of the feed notes, the card and slide lines, the listings, the
# pages' navigation, the months the demo's dates fall in, and the German opening mark.
GERMAN_WORDS = (
    "Folge",
    "Folgen",
    "Staffel",
    "Staffeln",
    "Kapitel",
    "Zitat",
    "Zitate",
    "Zitaten",
    "Zu Gast",
    "Zum Mitnehmen",
    "Take-Aways",
    "Die Folge auf der Website",
    "mit",
    "und",
    "ab",
    "Moderation",
    "Abonnieren",
    "Kopieren",
    "Anhören",
    "Transkript",
    "Shownotes",
    "Lautheit",
    "Zitatkarte",
    "Hauptnavigation",
    "Neuere",
    "Ältere",
    "Januar",
    "Juni",
    "„",
)
CATALOG_TEXT = ("*.yaml", "*.vtt", "*.srt")


def _words(value: object) -> str:
    return " ".join(value) if isinstance(value, tuple) else str(value)


def pattern(word: str) -> re.Pattern[str]:
    """``word`` as a whole word (case-sensitive; a hyphenated slug is not a word)."""
    if not word[0].isalpha():
        return re.compile(re.escape(word))
    return re.compile(rf"(?<![\w-]){re.escape(word)}(?![\w-])")


def german_found(text: str) -> list[str]:
    """The German label words in ``text``, each with a little of its context."""
    found = []
    for word in GERMAN_WORDS:
        for match in pattern(word).finditer(text):
            found.append(text[max(0, match.start() - 30) : match.end() + 30])
    return found


# --- the tables -----------------------------------------------------------------------


def test_the_german_words_are_label_words_english_does_not_have():
    german = " ".join(_words(v) for v in TABLES["de"].values())
    english = " ".join(_words(v) for v in TABLES["en"].values())
    for word in GERMAN_WORDS:
        assert pattern(word).search(german), word
        assert not pattern(word).search(english), word


def test_german_and_english_are_complete_and_every_table_a_subset_of_english():
    assert set(TABLES["de"]) == set(TABLES["en"])
    for language, table in TABLES.items():
        assert set(table) <= set(TABLES["en"]), language


def placeholders(value: object) -> set[str]:
    if not isinstance(value, str):
        return set()
    return {name for _, name, _, _ in string.Formatter().parse(value) if name is not None}


def test_every_translation_has_the_placeholders_of_english():
    for language, table in TABLES.items():
        for key, value in table.items():
            assert placeholders(value) == placeholders(TABLES["en"][key]), (language, key)
        assert len(table.get("months", TABLES["en"]["months"])) == 12


def test_quotation_marks_per_language():
    assert Labels("de-DE").quoted("Kurz.") == "„Kurz.“"
    assert Labels("en").quoted("Short.") == "“Short.”"
    assert Labels("fr").quoted("Court.") == "«\u00a0Court.\u00a0»"
    # Marks already around the quote are replaced, inner ones kept.
    assert Labels("en").quoted(" „Fehler“ feiern “ ") == "“Fehler“ feiern”"


def test_a_language_without_a_table_falls_back_to_english():
    assert primary_language("fr_CA") == "fr"
    assert supported("fr-CA") and supported("de") and not supported("it")
    assert Labels("it").language == "en"
    assert Labels("it").quoted("x") == "“x”"
    assert Labels("fr").season == "Saison"
    assert Labels("fr").subscribe == "Subscribe"  # French lacks the pages' controls
    assert Labels("fr").megabytes(18_340_000) == "18,3\u00a0Mo"
    assert Labels("de").listing(["A", "B", "C"]) == "A, B und C"
    assert Labels("en").listing(["A", "B"]) == "A and B"
    assert Labels("en").episode(14, "Title") == "Episode 14"
    assert Labels("de").episode(None, "Titel") == "Titel"


# --- the demo show, built ------------------------------------------------------------


def english_copy(tmp: Path) -> Path:
    """The demo catalog with ``language: en`` and without the German label words in its
    own (German) text, so that any German label word in the output comes from a label."""
    root = tmp / "episodes"
    shutil.copytree(REPO / "episodes", root)
    show = root / "show.yaml"
    text = show.read_text(encoding="utf-8")
    assert "\nlanguage: de\n" in text
    show.write_text(text.replace("\nlanguage: de\n", "\nlanguage: en\n"), encoding="utf-8")
    for glob in CATALOG_TEXT:
        for path in root.rglob(glob):
            text = path.read_text(encoding="utf-8")
            for mark in "„“”":
                text = text.replace(mark, "")
            for word in GERMAN_WORDS:
                text = pattern(word).sub("Lorem", text)
            path.write_text(text, encoding="utf-8")
            assert not german_found(text), path
    return root


@pytest.fixture(scope="module")
def english(tmp_path_factory) -> Built:
    return Built(english_copy(tmp_path_factory.mktemp("english")))


@pytest.fixture(scope="module")
def german(tmp_path_factory) -> Built:
    root = tmp_path_factory.mktemp("german") / "episodes"
    shutil.copytree(REPO / "episodes", root)
    return Built(root)


class Built:
    """The show built, and its quotes and takeaways exported as SVG, PPTX and Markdown."""

    def __init__(self, root: Path):
        self.output = root.parent / "feed"
        self.cache = root.parent / "cache"
        self.exports = root.parent / "exports"
        options = BuildOptions(catalog=root, output=self.output, cache=self.cache, now=NOW)
        self.result: BuildResult = build(options)
        catalog = self.result.catalog
        refs = all_quotes(self.result.episodes)
        sets = takeaway_sets(catalog)
        for fmt in ("svg", "pptx"):
            export_quotes(catalog, refs, fmt, self.exports / fmt, cache=self.cache)
            export_takeaways(catalog, sets, fmt, self.exports / fmt)
        self.markdown = quotes_markdown(catalog, refs)

    def feed(self) -> str:
        return html.unescape((self.output / "feed.xml").read_text(encoding="utf-8"))

    def pages(self) -> Iterator[tuple[Path, str]]:
        for path in sorted(self.output.rglob("*.html")):
            yield path, html.unescape(path.read_text(encoding="utf-8"))

    def svg_texts(self) -> Iterator[tuple[Path, str]]:
        for path in sorted((self.exports / "svg").glob("*.svg")):
            root = ET.parse(path).getroot()
            yield path, "\n".join("".join(t.itertext()) for t in root.iter(f"{SVG}text"))

    def pptx_texts(self) -> Iterator[tuple[Path, str]]:
        for path in sorted((self.exports / "pptx").glob("*.pptx")):
            deck = Presentation(io.BytesIO(path.read_bytes()))
            texts = []
            for slide in deck.slides:
                texts += [s.text_frame.text for s in slide.shapes if s.has_text_frame]
                texts.append(slide.notes_slide.notes_text_frame.text)
            yield path, "\n".join(texts)

    def clip_tags(self) -> Iterator[tuple[Path, ID3]]:
        clips = sorted((self.output / "clips").glob("*.mp3"))
        assert clips
        for path in clips:
            yield path, ID3(path)

    def png_layout_texts(self) -> Iterator[tuple[Path, str]]:
        """The text of each PNG card in the build, from the layout it was rendered from."""
        frame = CardFrame.for_show(self.result.catalog.show)
        for ref in all_quotes(self.result.episodes):
            layout = quote_card(self.result.catalog, ref, frame)
            png = self.output / card_path(ref.episode, ref.index)
            assert png.read_bytes() == cached_card(layout, self.cache).read_bytes()
            yield png, "\n".join(block.text for block in layout.texts())


def tag_text(tags: ID3) -> str:
    return "\n".join(str(frame) for frame in tags.values() if hasattr(frame, "text"))


def test_english_feed_notes_have_no_german_label_word(english):
    feed = english.feed()
    assert german_found(feed) == []
    for heading in ("Guests", "Chapters", "Quotes", "Key takeaways"):
        assert f"<h3>{heading}</h3>" in feed
    assert "This episode on the website</a>" in feed
    quote = english.result.catalog.episodes[-1].meta.quotes[0].text
    assert f"<p>“{' '.join(quote.split())}”</p>" in feed


def test_english_pages_have_no_german_label_word(english):
    pages = list(english.pages())
    assert len(pages) >= 6  # index, season, three episodes, quotes
    for path, text in pages:
        assert german_found(text) == [], path
        assert '<html lang="en"' in text
    quotes_page = dict(pages)[english.output / "quotes" / "index.html"]
    quote = english.result.catalog.episodes[-1].meta.quotes[0].text
    assert f"<blockquote><p>“{' '.join(quote.split())}”</p>" in quotes_page


def test_english_cards_and_slides_have_no_german_label_word(english):
    svgs, decks, pngs = (
        list(english.svg_texts()),
        list(english.pptx_texts()),
        list(english.png_layout_texts()),
    )
    assert len(svgs) > len(pngs) >= 3 and len(decks) == 2
    for path, text in [*svgs, *decks, *pngs]:
        assert german_found(text) == [], path
    texts = "\n".join(text for _, text in [*svgs, *decks])
    assert "Episode 14 with Stefanie Goy" in texts
    assert "Key takeaways, season 2: Was braucht es für eine Kooperative Kommune?" in texts
    assert "“" in texts and "”" in texts


def test_english_clips_are_tagged_in_english(english):
    for path, tags in english.clip_tags():
        assert german_found(tag_text(tags)) == [], path
        title = str(tags["TIT2"])
        assert title.startswith("“") and title.endswith("”"), path
        [comment] = tags.getall("COMM")
        assert comment.lang == "eng" and str(tags["TLAN"]) == "eng"
        assert re.search(r"”[^”]* – .+, Episode \d+: ", str(comment)), str(comment)


def test_english_markdown_has_no_german_label_word(english):
    assert german_found(english.markdown) == []
    assert english.markdown.startswith("# Quotes – ")
    assert re.search(r"Episode 14: \[.+ – from 00:\d\d:\d\d\]\(https://", english.markdown)


def test_german_demo_keeps_its_german_words(german):
    feed = german.feed()
    for heading in ("Zu Gast", "Kapitel", "Zitate", "Zum Mitnehmen"):
        assert f"<h3>{heading}</h3>" in feed
    assert "Die Folge auf der Website</a>" in feed
    assert "<p>„" in feed
    texts = "\n".join(text for _, text in [*german.svg_texts(), *german.pptx_texts()])
    assert "Folge 14 mit Stefanie Goy" in texts
    assert "Key Take-Aways Staffel 2: Was braucht es für eine Kooperative Kommune?" in texts
    for _, tags in german.clip_tags():
        assert str(tags["TIT2"]).startswith("„") and str(tags["TIT2"]).endswith("“")
        [comment] = tags.getall("COMM")
        assert comment.lang == "deu" and str(tags["TLAN"]) == "deu"
        assert re.search(r"“[^“]* – .+, Folge \d+: ", str(comment)), str(comment)
    assert german.markdown.startswith("# Zitate – ")
    episode_page = (german.output / "episodes").glob("*/index.html")
    assert any('<h2 id="guests">Zu Gast</h2>' in p.read_text() for p in episode_page)
