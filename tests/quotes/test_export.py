"""The build's cards stage: PNG cards and clips in the build, re-rendered only on change."""

from __future__ import annotations

import datetime as dt
import io

from PIL import Image

from podcast.build import BuildOptions, build
from podcast.ffmpeg import probe
from podcast.paths import CARD_SHAPES
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def run_build(catalog_dir, tmp_path):
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    build(options)
    return options


def cached_cards(options):
    return {p.name: p.stat().st_mtime_ns for p in (options.cache / "cards").iterdir()}


def test_build_writes_cards_and_clips_before_the_pages(catalog_dir, tmp_path):
    options = run_build(catalog_dir, tmp_path)
    for slug in ("folge-14-positiv", "folge-15-weiter"):
        card = options.output / "cards" / f"{slug}-1.png"
        assert Image.open(io.BytesIO(card.read_bytes())).size == (1920, 1080)
        clip = options.output / "clips" / f"{slug}-1.mp3"
        assert abs(probe(clip).duration - 16.0) <= 0.05
        for shape, size in (("1x1", (1080, 1080)), ("9x16", (1080, 1920))):
            card = options.output / "cards" / f"{slug}-1-{shape}.png"
            assert Image.open(io.BytesIO(card.read_bytes())).size == size
    assert len(cached_cards(options)) == 2 * len(CARD_SHAPES)  # two quotes, every shape


def test_cards_are_rendered_again_only_when_their_inputs_change(catalog_dir, tmp_path):
    options = run_build(catalog_dir, tmp_path)
    first = cached_cards(options)
    card14 = options.output / "cards" / "folge-14-positiv-1.png"
    before = card14.read_bytes()

    run_build(catalog_dir, tmp_path)  # nothing changed: nothing rendered
    assert cached_cards(options) == first

    episode = catalog_dir / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    edit(episode, "in Balance bleiben.", "in Balance bleiben!")  # the quote
    run_build(catalog_dir, tmp_path)
    second = cached_cards(options)
    assert len(set(second) - set(first)) == len(CARD_SHAPES)  # one quote, every shape
    assert card14.read_bytes() != before
    assert (options.output / "cards" / "folge-15-weiter-1.png").is_file()

    edit(episode, "title: Positiv irritierend", "title: Ganz positiv irritierend")  # the title
    run_build(catalog_dir, tmp_path)
    third = cached_cards(options)
    assert len(set(third) - set(second)) == len(CARD_SHAPES)

    edit(catalog_dir / "show.yaml", "timezone:", 'cards:\n  accent: "#00aa00"\ntimezone:')
    run_build(catalog_dir, tmp_path)  # the style: every card
    assert len(set(cached_cards(options)) - set(third)) == 2 * len(CARD_SHAPES)
    assert len(list((options.output / "cards").iterdir())) == 2 * len(CARD_SHAPES)


def test_decks_stay_the_same_files_until_their_slides_change(catalog_dir, tmp_path):
    options = run_build(catalog_dir, tmp_path)
    decks = options.output / "decks"
    names = sorted(p.name for p in decks.iterdir())
    assert names == [
        "quotes-folge-14-positiv.pptx",
        "quotes-folge-15-weiter.pptx",
        "quotes-staffel-2.pptx",
        "quotes.pptx",
        "takeaways-folge-14-positiv.png",
        "takeaways-folge-14-positiv.pptx",
        "takeaways-folge-15-weiter.png",
        "takeaways-folge-15-weiter.pptx",
        "takeaways-staffel-2.png",
        "takeaways-staffel-2.pptx",
        "takeaways.pptx",
    ]
    before = {name: (decks / name).read_bytes() for name in names}
    run_build(catalog_dir, tmp_path)  # nothing changed: the same bytes (a PPTX holds times)
    assert {name: (decks / name).read_bytes() for name in names} == before
    episode = catalog_dir / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    edit(episode, "in Balance bleiben.", "in Balance bleiben!")
    run_build(catalog_dir, tmp_path)
    changed = {name for name in names if (decks / name).read_bytes() != before[name]}
    assert changed == {"quotes-folge-14-positiv.pptx", "quotes-staffel-2.pptx", "quotes.pptx"}
