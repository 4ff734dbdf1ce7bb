"""A second build of an unchanged show renders, encodes and writes nothing."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import podcast.audio.encode
import podcast.audio.plot
import podcast.quotes.clips
import podcast.quotes.decks
import podcast.tags.id3
from podcast.build import BuildOptions, build

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)


def stamps(folder: Path) -> dict[Path, tuple[int, int]]:
    """Every file below ``folder`` with its mtime (ns) and inode: a rewrite changes them."""
    return {p: (p.stat().st_mtime_ns, p.stat().st_ino) for p in folder.rglob("*") if p.is_file()}


def test_unchanged_build_renders_and_writes_nothing(catalog_dir, tmp_path, monkeypatch):
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    first = build(options)
    assert first.episodes and list((tmp_path / "cache" / "cards").iterdir())
    output, cache = stamps(options.output), stamps(options.cache)

    def fail(*args, **kwargs):
        raise AssertionError("made again although nothing changed")

    monkeypatch.setattr(podcast.audio.encode, "encode", fail)
    monkeypatch.setattr(podcast.audio.plot, "draw_plot", fail)
    monkeypatch.setattr(podcast.quotes.clips, "cut_clip", fail)
    monkeypatch.setattr(podcast.quotes.clips, "cut_clips", fail)
    monkeypatch.setattr(podcast.quotes.decks, "render_png", fail)
    monkeypatch.setattr(podcast.quotes.decks, "render_pptx", fail)
    monkeypatch.setattr(podcast.tags.id3, "fitted_tag", fail)
    build(options)
    assert stamps(options.output) == output
    assert stamps(options.cache) == cache


def test_cards_are_kept_when_the_catalog_is_named_relatively(catalog_dir, tmp_path, monkeypatch):
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    build(options)

    def fail(*args, **kwargs):
        raise AssertionError("rendered again for a relative --catalog")

    monkeypatch.setattr(podcast.quotes.decks, "render_png", fail)
    monkeypatch.setattr(podcast.quotes.decks, "render_pptx", fail)
    monkeypatch.chdir(catalog_dir.parent)
    relative = BuildOptions(
        catalog=Path(catalog_dir.name), output=options.output, cache=options.cache, now=NOW
    )
    build(relative)
