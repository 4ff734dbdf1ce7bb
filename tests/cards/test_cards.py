"""Quote cards and takeaway slides: one layout, drawn as PNG, SVG and PPTX."""

from __future__ import annotations

import io
import itertools
import xml.etree.ElementTree as ET

import pytest
from PIL import Image
from pptx import Presentation

from podcast.cards import (
    SIZES,
    CardFrame,
    TextBlock,
    matplotlib_font_dir,
    quote_layout,
    quote_notes,
    render_png,
    render_pptx,
    render_svg,
    takeaways_layout,
    takeaways_title,
)
from podcast.catalog.loader import load_catalog
from podcast.labels import Labels
from tests.conftest import edit

LONG_QUOTE = (
    "Neues Arbeiten bedeutet Stärken- und Talentorientierung, lebenslanges Lernen, vernetzt "
    "miteinander zu arbeiten, partizipative Teilhabe, agile Arbeitsmodelle, Sinnhaftigkeit, "
    "Transparenz und in Balance bleiben – und das heißt für die Verwaltung: Führungskräfte "
    "geben Verantwortung ab, Mitarbeiterinnen und Mitarbeiter übernehmen sie, und alle "
    "lernen gemeinsam, mit Fehlern offen umzugehen. „Fehler feiern“ ist dabei kein Spaß, "
    "sondern eine Übung in Großzügigkeit gegenüber sich selbst und anderen; wer das übt, "
    "traut sich mehr zu, fragt öfter nach und teilt Wissen, statt es zu horten. Genau "
    "darum geht es in einer kooperativen Kommune, die Übermorgen schon heute beginnt."
)


def load(catalog_dir):
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is not None, problems
    return catalog


@pytest.fixture
def long_catalog(catalog_dir):
    assert len(LONG_QUOTE) >= 600
    path = catalog_dir / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    old = "Neues Arbeiten bedeutet Stärken- und Talenterorientierung (...) in Balance bleiben."
    edit(path, old, f'"{LONG_QUOTE}"')
    return load(catalog_dir)


def long_layout(catalog, size):
    episode = next(e for e in catalog.episodes if e.number == 14)
    quote = episode.meta.quotes[0]
    assert quote.text == LONG_QUOTE
    return quote_layout(CardFrame.for_show(catalog.show, size), episode, quote.text, quote.speaker)


@pytest.mark.parametrize("size", list(SIZES))
def test_png_has_the_size(catalog_dir, size):
    catalog = load(catalog_dir)
    episode = catalog.episodes[0]
    quote = episode.meta.quotes[0]
    layout = quote_layout(CardFrame.for_show(catalog.show, size), episode, quote.text, "Jutta")
    image = Image.open(io.BytesIO(render_png(layout)))
    assert image.size == SIZES[size]
    assert image.format == "PNG"


@pytest.mark.parametrize("size", list(SIZES))
def test_longest_quote_fits_inside_the_card(long_catalog, size):
    layout = long_layout(long_catalog, size)
    width, height = SIZES[size]
    margin = layout.margin
    texts = layout.texts()
    assert {t.name for t in texts} >= {"heading", "title", "episode", "quote", "speaker"}
    for block in layout.blocks:
        assert block.box.inside(width, height, margin), (block.name, block.box)
    for block in texts:
        for ink in block.ink_boxes():
            assert ink.inside(width, height, margin), (block.name, ink)
    # Nothing cut: the wrapped lines are the whole quote, in „…“.
    quote = layout.text("quote")
    assert " ".join(quote.lines) == Labels("de").quoted(LONG_QUOTE) == f"„{LONG_QUOTE}“"
    # Text blocks do not overlap each other.
    boxes = sorted((t.box for t in texts if t.name != "heading"), key=lambda b: b.y)
    for upper, lower in itertools.pairwise(boxes):
        assert upper.bottom <= lower.y
    # The pixels agree: the margin band holds only the background colour ...
    image = Image.open(io.BytesIO(render_png(layout))).convert("RGB")
    background = Image.new("RGB", (1, 1), layout.background).getpixel((0, 0))
    bands = [
        (0, 0, width, margin),
        (0, height - margin, width, height),
        (0, 0, margin, height),
        (width - margin, 0, width, height),
    ]
    for band in bands:
        colours = image.crop(band).getcolors(maxcolors=4)
        assert colours is not None and [c for _, c in colours] == [background], band
    # ... and the quote is really drawn, in a real font (large glyphs, not a bitmap font).
    ink = quote.ink_boxes()[0]
    assert ink.h >= 0.6 * quote.size >= 12
    region = image.crop((ink.x, ink.y, ink.right, ink.bottom))
    assert len(region.getcolors(maxcolors=100_000)) > 10  # anti-aliased glyphs


def test_short_quote_is_large_and_long_quote_shrinks(catalog_dir, long_catalog):
    short = load(catalog_dir)
    episode = short.episodes[0]
    frame = CardFrame.for_show(short.show)
    small = quote_layout(frame, episode, "Kurz und gut.", "Erika").text("quote")
    large = long_layout(long_catalog, "1920x1080").text("quote")
    assert small.size > large.size
    assert small.lines == ("„Kurz und gut.“",)


def test_cards_use_dejavu_from_matplotlib(catalog_dir):
    catalog = load(catalog_dir)
    layout = quote_layout(CardFrame.for_show(catalog.show), catalog.episodes[0], "Über Maß", "Ö")
    for block in layout.texts():
        assert block.face.path.parent == matplotlib_font_dir()
        assert block.face.path.is_file()
        assert block.face.family == "DejaVu Sans"


def test_card_shows_heading_episode_and_speaker(catalog_dir):
    catalog = load(catalog_dir)
    episode = next(e for e in catalog.episodes if e.number == 14)
    layout = quote_layout(CardFrame.for_show(catalog.show), episode, "Text", "Prof. Dr. Jutta Rump")
    assert layout.text("heading").text == "DER TEST-PODCAST"
    assert layout.text("title").text == episode.title
    assert layout.text("episode").text == "Folge 14 mit Prof. Dr. Jutta Rump, Professorin"
    assert layout.text("speaker").text == "– Prof. Dr. Jutta Rump –"


def test_card_style_from_show_yaml(catalog_dir):
    edit(
        catalog_dir / "show.yaml",
        "timezone:",
        'cards:\n  background: "#ffffff"\n  foreground: "#111111"\n  accent: "#aa0000"\n'
        "  heading: Kommunen-Podcast\ntimezone:",
    )
    catalog = load(catalog_dir)
    layout = quote_layout(CardFrame.for_show(catalog.show), catalog.episodes[0], "Text", "E")
    assert layout.background == "#ffffff"
    assert layout.text("quote").colour == "#111111"
    assert layout.text("speaker").colour == "#aa0000"
    assert layout.text("heading").text == "Kommunen-Podcast"
    image = Image.open(io.BytesIO(render_png(layout))).convert("RGB")
    assert image.getpixel((2, 2)) == (255, 255, 255)


def test_svg_is_xml_with_the_quote_as_text(long_catalog):
    layout = long_layout(long_catalog, "1080x1080")
    svg = render_svg(layout)
    root = ET.fromstring(svg)
    assert root.get("width") == "1080"
    ns = "{http://www.w3.org/2000/svg}"
    texts = [t.text for t in root.iter(f"{ns}text")]
    assert " ".join(texts[-len(layout.text("quote").lines) - 1 : -1]) == f"„{LONG_QUOTE}“"
    families = {g.get("font-family") for g in root.iter(f"{ns}g")}
    assert families == {"DejaVu Sans, sans-serif"}
    assert root.find(f"{ns}image") is not None  # the artwork, embedded


def test_svg_escapes_markup(catalog_dir):
    catalog = load(catalog_dir)
    layout = quote_layout(CardFrame.for_show(catalog.show), catalog.episodes[0], "a < b & c", "X")
    root = ET.fromstring(render_svg(layout))
    assert "„a < b & c“" in [t.text for t in root.iter("{http://www.w3.org/2000/svg}text")]


def test_pptx_one_slide_per_card_with_editable_text_and_notes(long_catalog):
    episode = next(e for e in long_catalog.episodes if e.number == 14)
    frame = CardFrame.for_show(long_catalog.show)
    layouts = [
        quote_layout(frame, episode, LONG_QUOTE, "Prof. Dr. Jutta Rump", "Folge 14, 00:00:02"),
        quote_layout(frame, episode, "Kurz.", "Erika Mustermann", "zweite"),
    ]
    deck = Presentation(io.BytesIO(render_pptx(layouts)))
    assert len(deck.slides) == 2
    assert (deck.slide_width, deck.slide_height) == (1920 * 6350, 1080 * 6350)
    first = deck.slides[0]
    texts = [s.text_frame.text for s in first.shapes if s.has_text_frame]
    assert f"„{LONG_QUOTE}“" in texts
    assert "– Prof. Dr. Jutta Rump –" in texts
    assert episode.title in texts
    assert first.notes_slide.notes_text_frame.text == "Folge 14, 00:00:02"
    quote_shape = next(s for s in first.shapes if s.name == "quote")
    box = layouts[0].text("quote").box
    assert abs(quote_shape.top - box.y * 6350) < 6350
    assert quote_shape.text_frame.paragraphs[0].runs[0].font.name == "DejaVu Sans"
    assert [s.name for s in first.shapes if s.shape_type == 13] == ["artwork"]  # a picture


def test_takeaways_grid_fits(catalog_dir):
    catalog = load(catalog_dir)
    season = catalog.seasons[0]
    items = [(f"Punkt {n} mit Überlänge", "Erklärung " * n) for n in range(1, 10)]
    for size in SIZES:
        layout = takeaways_layout(CardFrame.for_show(catalog.show, size), "Key", items)
        width, height = SIZES[size]
        for block in layout.blocks:
            assert block.box.inside(width, height, layout.margin), (size, block.name)
        names = [b.text for b in layout.texts() if b.name.startswith("takeaway")]
        assert names[0] == "Punkt 1 mit Überlänge" and len(names) == 18
        for block in layout.texts():
            assert isinstance(block, TextBlock)
            for ink in block.ink_boxes():
                assert ink.inside(width, height, layout.margin)
    assert takeaways_title(Labels("de"), season, None) == "Key Take-Aways Staffel 2"
    episode = next(e for e in catalog.episodes if e.number == 14)
    assert (
        takeaways_title(Labels("de"), None, episode) == f"Key Take-Aways Folge 14: {episode.title}"
    )


def test_cards_and_slide_titles_in_the_show_language(catalog_dir):
    edit(catalog_dir / "show.yaml", "language: de", "language: en")
    catalog = load(catalog_dir)
    episode = next(e for e in catalog.episodes if e.number == 14)
    frame = CardFrame.for_show(catalog.show)
    layout = quote_layout(frame, episode, "„Short“", "Prof. Dr. Jutta Rump")
    assert layout.text("episode").text == "Episode 14 with Prof. Dr. Jutta Rump, Professorin"
    assert layout.text("quote").text == "“Short”"
    assert takeaways_title(frame.labels, catalog.seasons[0], None) == "Key takeaways: Staffel 2"
    assert takeaways_title(frame.labels, None, episode) == (
        f"Key takeaways, episode 14: {episode.title}"
    )
    notes = quote_notes(frame.labels, episode, "Erika", 2, 18, "https://example.org/")
    assert notes == f"Episode 14: {episode.title}\nErika, 00:00:02–00:00:18\nhttps://example.org/"


def test_french_cards_use_guillemets(catalog_dir):
    edit(catalog_dir / "show.yaml", "language: de", "language: fr")
    catalog = load(catalog_dir)
    layout = quote_layout(CardFrame.for_show(catalog.show), catalog.episodes[0], "Court.", "E")
    assert layout.text("quote").text == "«\u00a0Court.\u00a0»"
    assert layout.text("episode").text.startswith("Épisode 15 avec ")
