"""Soundbite clips: cut from the encoded episode, as long as the quote, tagged."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from click.testing import CliRunner
from mutagen.id3 import ID3
from mutagen.mp3 import MP3

from podcast.audio.encode import encode_episode
from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from podcast.ffmpeg import FfmpegError, probe, run_ffmpeg
from podcast.quotes.clips import cached_clip, cached_clips, cut_clip
from podcast.quotes.selection import all_quotes
from tests.conftest import edit


def test_clip_lasts_end_minus_start_and_is_tagged(catalog_dir, tmp_path):
    path = catalog_dir / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    edit(path, 'start: "00:00:02"', 'start: "00:00:01.250"')
    edit(path, 'end: "00:00:18"', 'end: "00:00:17.750"')
    catalog, _ = load_catalog(catalog_dir)
    ref = next(r for r in all_quotes(catalog.episodes) if r.episode.number == 14)
    assert ref.duration == 16.5
    encoded = encode_episode(ref.episode, catalog.show.meta.audio, tmp_path / "cache")
    clip = cached_clip(catalog, ref, encoded, tmp_path / "cache")
    assert abs(probe(clip).duration - 16.5) <= 0.05  # what a player plays (decoded length)
    assert abs(MP3(clip).info.length - 16.5) <= 0.08  # mutagen counts whole frames and padding
    tags = ID3(clip)
    assert str(tags["TPE1"]) == "Prof. Dr. Jutta Rump"
    assert str(tags["TALB"]) == "Der Test-Podcast"
    assert str(tags["TIT2"]).startswith("„Neues Arbeiten bedeutet")
    assert str(tags["TIT2"]).endswith("“")
    assert len(str(tags["TIT2"])) <= 82
    assert ref.quote.text in str(tags.getall("COMM")[0])
    # Cached: asking again does not cut again.
    before = clip.stat().st_mtime_ns
    assert cached_clip(catalog, ref, encoded, tmp_path / "cache") == clip
    assert clip.stat().st_mtime_ns == before


def test_clip_fades_in_and_out(catalog_dir, tmp_path):
    catalog, _ = load_catalog(catalog_dir)
    ref = all_quotes(catalog.episodes)[0]
    encoded = encode_episode(ref.episode, catalog.show.meta.audio, tmp_path / "cache")
    clip = cached_clip(catalog, ref, encoded, tmp_path / "cache")
    rate = 8000
    clip_samples = decode(clip, rate)
    middle = level(clip_samples[7 * rate : 8 * rate])
    assert level(clip_samples[: rate // 50]) < middle - 6  # fading in
    assert level(clip_samples[-rate // 50 :]) < middle - 6  # fading out
    episode = decode(encoded.path, rate)
    assert abs(level(episode[9 * rate : 10 * rate]) - middle) < 0.5  # as loud as the episode


def decode(path, rate):
    raw = run_ffmpeg(["-i", str(path), "-f", "s16le", "-ac", "1", "-ar", str(rate), "-"]).stdout
    return np.frombuffer(raw, dtype=np.int16).astype(np.float64) / 32768


def level(samples) -> float:
    """RMS level in dBFS."""
    return 20 * math.log10(max(float(np.sqrt(np.mean(samples**2))), 1e-9))


def test_export_mp3_clips(catalog_dir, tmp_path):
    out = tmp_path / "clips"
    result = CliRunner().invoke(
        cli,
        ["quotes", "export", "-c", str(catalog_dir), "--episode", "15", "--format", "mp3",
         "--out", str(out)],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert sorted(p.name for p in out.iterdir()) == ["folge-15-weiter-1.mp3"]
    assert abs(probe(out / "folge-15-weiter-1.mp3").duration - 16.0) <= 0.05
    assert (catalog_dir.parent / ".cache" / "clips").is_dir()


def test_clip_tags_are_in_the_show_language(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "language: de", "language: en-GB")
    catalog, _ = load_catalog(catalog_dir)
    ref = next(r for r in all_quotes(catalog.episodes) if r.episode.number == 14)
    encoded = encode_episode(ref.episode, catalog.show.meta.audio, tmp_path / "cache")
    tags = ID3(cached_clip(catalog, ref, encoded, tmp_path / "cache"))
    assert str(tags["TIT2"]).startswith("“Neues Arbeiten bedeutet")
    assert str(tags["TIT2"]).endswith("”")
    assert str(tags["TLAN"]) == "eng"
    [comment] = tags.getall("COMM")
    assert comment.lang == "eng"
    assert str(comment) == (
        f"“{ref.quote.text}” – Prof. Dr. Jutta Rump, Episode 14: {ref.episode.title}"
    )
    assert tags.version == (2, 3, 0)  # written through the tags stage's door, as v2.3


def test_clips_cut_together_have_the_bytes_of_clips_cut_alone(catalog_dir, tmp_path):
    catalog, _ = load_catalog(catalog_dir)
    refs = all_quotes(catalog.episodes)[:3]
    assert len({r.episode.slug for r in refs}) > 1  # several episodes' audio in one process
    settings = catalog.show.meta.audio
    encoded = {
        r.episode.slug: encode_episode(r.episode, settings, tmp_path / "cache") for r in refs
    }
    together = cached_clips(catalog, refs, encoded, tmp_path / "cache", jobs=1)
    assert len(together) == len(refs) and all(p.is_file() for p in together)
    for ref, clip in zip(refs, together, strict=True):
        alone = cut_clip(catalog, ref, encoded[ref.episode.slug], tmp_path / "alone.mp3")
        assert alone.read_bytes() == clip.read_bytes()
    # cached: asking again cuts nothing
    before = [p.stat().st_mtime_ns for p in together]
    assert cached_clips(catalog, refs, encoded, tmp_path / "cache", jobs=2) == together
    assert [p.stat().st_mtime_ns for p in together] == before


def test_a_clip_that_cannot_be_cut_names_its_episode(catalog_dir, tmp_path):
    catalog, _ = load_catalog(catalog_dir)
    refs = all_quotes(catalog.episodes)[:2]
    settings = catalog.show.meta.audio
    encoded = {
        r.episode.slug: encode_episode(r.episode, settings, tmp_path / "cache") for r in refs
    }
    broken = tmp_path / "broken.mp3"
    broken.write_bytes(b"not audio at all" * 100)
    bad = refs[1]
    assert refs[0].episode.slug != bad.episode.slug  # the error must name the right one
    encoded[bad.episode.slug] = replace(encoded[bad.episode.slug], path=broken)
    with pytest.raises(FfmpegError) as error:
        cached_clips(catalog, refs, encoded, tmp_path / "cache", jobs=1)
    assert str(bad.episode.audio_path) in str(error.value)
    assert not list((tmp_path / "cache" / "clips").glob("*.part.mp3"))  # no half-written clip
