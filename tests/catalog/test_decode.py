"""Masters decoded to the end once: a cut-short, too-short or silent master is an error."""

from __future__ import annotations

import threading

import pytest

import podcast.catalog.decode
from podcast.catalog.loader import load_catalog
from podcast.ffmpeg import run_ffmpeg
from tests.conftest import make_tone

FOLGE = "staffel-2/folge-14-positiv"


def master_problems(catalog_dir):
    _, problems = load_catalog(catalog_dir)
    return [p for p in problems.errors if p.field == "audio"]


def test_a_flac_cut_short_is_refused_though_its_header_says_more(catalog_dir, tmp_path):
    whole = tmp_path / "whole.flac"
    make_tone(whole, seconds=61.0, channels=2, rate=44100)
    master = catalog_dir / FOLGE / "master.flac"
    master.write_bytes(whole.read_bytes()[: whole.stat().st_size * 3 // 10])
    (problem,) = master_problems(catalog_dir)
    assert str(problem.file).endswith(f"{FOLGE}/episode.yaml") and problem.line == 4
    assert "but its header says 61.0 s" in problem.message and "cut short" in problem.message


def test_a_tone_of_a_third_of_a_second_is_too_short_not_silent(catalog_dir):
    make_tone(catalog_dir / FOLGE / "master.flac", seconds=0.3)
    (problem,) = master_problems(catalog_dir)
    assert "is 0.3 s long" in problem.message and "silence" not in problem.message


@pytest.mark.parametrize(("volume", "words"), [("0", "expected speech"), ("-70dB", "dBFS")])
def test_a_silent_master_is_refused(catalog_dir, volume, words):
    master = catalog_dir / FOLGE / "master.flac"
    source = ["-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050:duration=20"]
    run_ffmpeg(["-y", *source, "-af", f"volume={volume}", str(master)], file=master)
    (problem,) = master_problems(catalog_dir)
    assert "is silent or nearly so" in problem.message and words in problem.message


def test_each_master_is_decoded_once_until_it_changes(catalog_dir, monkeypatch):
    calls = []
    real = podcast.catalog.decode.decode

    def counting(path, info):
        calls.append(path.parent.name)
        return real(path, info)

    monkeypatch.setattr(podcast.catalog.decode, "decode", counting)
    assert not master_problems(catalog_dir)
    assert sorted(calls) == ["folge-14-positiv", "folge-15-weiter"]
    assert not master_problems(catalog_dir)  # a second run: from the cache
    assert len(calls) == 2
    make_tone(catalog_dir / FOLGE / "master.flac", seconds=19.0)  # changed: decoded again
    assert not master_problems(catalog_dir)
    assert calls[2:] == ["folge-14-positiv"]


def test_masters_decode_at_once_and_each_problem_names_its_episode(catalog_dir, monkeypatch):
    """The masters are decoded in parallel while the catalog loads; a broken one still
    gives no catalog, and every problem names its own episode's file and line."""
    running, most = [], []
    real = podcast.catalog.decode.decode

    def overlapping(path, info):
        running.append(path)
        most.append(len(running))
        try:
            threading.Event().wait(0.3)  # long enough for the other to start
            return real(path, info)
        finally:
            running.remove(path)

    monkeypatch.setattr(podcast.catalog.decode, "decode", overlapping)
    monkeypatch.setattr(podcast.catalog.decode.os, "cpu_count", lambda: 2)
    for folge in (FOLGE, "staffel-2/folge-15-weiter"):
        make_tone(catalog_dir / folge / "master.flac", seconds=0.3)
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is None and max(most) == 2
    errors = [p for p in problems.errors if p.field == "audio"]
    assert [str(p.file).split("/")[-2] for p in errors] == ["folge-14-positiv", "folge-15-weiter"]
    assert all(p.line == 4 and "is 0.3 s long" in p.message for p in errors)
