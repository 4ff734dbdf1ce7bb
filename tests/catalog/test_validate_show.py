"""What used to fail only at build time is now found by loading the catalog (`podcast validate`)."""

from __future__ import annotations

import shutil

import pytest

from podcast.cards.layout import CardFrame
from podcast.cards.style import matplotlib_font_dir
from podcast.catalog import load_catalog
from podcast.problems import PodcastError
from tests.conftest import edit

SHOW = "episodes/show.yaml"


def problems_of(catalog_dir, field):
    catalog, problems = load_catalog(catalog_dir)
    return catalog, [p for p in problems if p.field == field]


def add_cards(catalog_dir, text):
    edit(catalog_dir / "show.yaml", "timezone:", f"cards:\n{text}\ntimezone:")


def test_a_missing_card_font_is_an_error_with_file_line_and_field(catalog_dir):
    add_cards(catalog_dir, "  font: missing.ttf")
    catalog, [problem] = problems_of(catalog_dir, "cards.font")
    assert catalog is None
    assert (problem.file, problem.line, problem.severity) == (SHOW, 16, "error")
    assert 'font file "missing.ttf" not found' in problem.message
    assert "expected a .ttf/.otf file" in problem.message


def test_a_card_font_that_does_not_load_is_an_error(catalog_dir):
    (catalog_dir / "broken.ttf").write_bytes(b"this is not a font at all")
    add_cards(catalog_dir, "  font: broken.ttf")
    catalog, [problem] = problems_of(catalog_dir, "cards.font")
    assert catalog is None
    assert problem.line == 16
    assert '"broken.ttf" is not a font' in problem.message


def test_a_card_font_that_loads_is_fine_and_cards_use_it(catalog_dir):
    shutil.copy(matplotlib_font_dir() / "DejaVuSerif.ttf", catalog_dir / "serif.ttf")
    add_cards(catalog_dir, "  font: serif.ttf")
    catalog, problems = problems_of(catalog_dir, "cards.font")
    assert catalog is not None and problems == []
    assert CardFrame.for_show(catalog.show).fonts.regular.family == "DejaVu Serif"


@pytest.mark.parametrize("key", ["background", "foreground", "accent"])
def test_a_bad_card_colour_is_an_error_with_file_line_and_field(catalog_dir, key):
    add_cards(catalog_dir, f"  {key}: nope")
    catalog, [problem] = problems_of(catalog_dir, f"cards.{key}")
    assert catalog is None
    assert (problem.file, problem.line) == (SHOW, 16)
    assert problem.message.startswith('"nope" is not a colour (expected e.g. #1d3557')


def test_css_colours_the_cards_accept_are_accepted(catalog_dir):
    add_cards(catalog_dir, "  background: navy\n  foreground: rgb(250, 250, 250)\n  accent: '#abc'")
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is not None, problems.sorted()
    colours = CardFrame.for_show(catalog.show).colours
    assert (colours.background, colours.foreground, colours.accent) == (
        "#000080",
        "#fafafa",
        "#aabbcc",
    )


def test_cards_name_the_field_when_given_an_unchecked_style(catalog_dir):
    """The cards stage parses the same way: a style that skipped validation still gets a message."""
    catalog, _ = load_catalog(catalog_dir)
    assert catalog is not None
    cards = catalog.show.meta.cards.model_construct(accent="nope")
    show = catalog.show.model_copy(
        update={"meta": catalog.show.meta.model_copy(update={"cards": cards})}
    )
    with pytest.raises(PodcastError, match=r'cards\.accent: "nope" is not a colour'):
        CardFrame.for_show(show)
    cards = cards.model_construct(font="missing.ttf")
    show = show.model_copy(update={"meta": show.meta.model_copy(update={"cards": cards})})
    with pytest.raises(PodcastError, match=r'cards\.font: font file "missing.ttf" not found'):
        CardFrame.for_show(show)


def test_a_language_without_labels_is_a_warning(catalog_dir):
    edit(catalog_dir / "show.yaml", "language: de", "language: nl")
    catalog, [problem] = problems_of(catalog_dir, "language")
    assert catalog is not None  # a warning only
    assert (problem.file, problem.line, problem.severity) == (SHOW, 4, "warning")
    assert problem.message == (
        '"nl" has no labels of its own: pages, feed notes and cards fall back to English'
    )


def test_a_language_without_iso639_2_code_is_one_warning_before_the_build(catalog_dir):
    edit(catalog_dir / "show.yaml", "language: de", "language: qx")
    catalog, [problem] = problems_of(catalog_dir, "language")
    assert catalog is not None
    assert (problem.line, problem.severity) == (4, "warning")
    assert problem.message.startswith(
        '"qx" has no ISO 639-2 code: the MP3s get no TLAN frame and their comment says "und"'
    )
    assert "fall back to English" in problem.message


@pytest.mark.parametrize("language", ["de", "de-AT", "en", "en-GB"])
def test_languages_with_labels_and_code_get_no_warning(catalog_dir, language):
    edit(catalog_dir / "show.yaml", "language: de", f"language: {language}")
    catalog, problems = problems_of(catalog_dir, "language")
    assert catalog is not None and problems == []
