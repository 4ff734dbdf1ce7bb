"""Normalization measured on the final MP3 with ffmpeg's own ebur128 (not our meter)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

import podcast.ffmpeg
from podcast.audio.normalize import AudioError, LoudnessTarget, Source, normalize
from podcast.build import BuildOptions, build
from podcast.cli import cli
from podcast.ffmpeg import ffmpeg_exe, run_ffmpeg
from tests.build.test_pipeline import NOW

EBUR128 = ["-af", "ebur128=peak=true:framelog=verbose", "-f", "null", "-"]


def ebur128(path: Path) -> dict[str, float]:
    """Integrated loudness, LRA and true peak as ffmpeg's ebur128 filter measures them."""
    import subprocess

    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", str(path), *EBUR128],
        capture_output=True,
        check=True,
    )
    text = result.stderr.decode()
    summary = text[text.rindex("Summary:") :]
    return {
        "I": float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1)),
        "LRA": float(re.search(r"LRA:\s+(-?[\d.]+) LU", summary).group(1)),
        "TP": float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", summary).group(1)),
    }


def speechlike(
    path: Path,
    *,
    seconds: int,
    volume_db: float,
    channels: int = 2,
    rate: int = 44100,
    hot: bool = False,
    dynamics: bool = False,
) -> Path:
    """Amplitude-modulated pink noise (syllables); optionally loud bursts or loud/quiet halves."""
    expr = f"volume={volume_db}dB"
    if dynamics:  # second half 8 dB quieter
        expr += f",volume='if(gt(t,{seconds / 2}),0.4,1)':eval=frame"
    source = (
        f"anoisesrc=color=pink:sample_rate={rate}:duration={seconds}:seed=3,"
        "volume='0.6+0.4*sin(2*PI*4*t)':eval=frame," + expr
    )
    if hot:  # a click train riding on top: peaks near 0 dBFS
        source += (
            f"[a];aevalsrc='0.95*sin(2*PI*3000*t)*lt(mod(t,2),0.002)':s={rate}:d={seconds}[b];"
        )
        source += "[a][b]amix=inputs=2:normalize=0"
    run_ffmpeg(
        ["-y", "-f", "lavfi", "-i", source, "-ac", str(channels), "-c:a", "pcm_s16le", str(path)]
        if not hot
        else ["-y", "-filter_complex", source, "-ac", str(channels), "-c:a", "pcm_s16le",
              str(path)],
        file=path,
    )  # fmt: skip
    return path


def check(mp3: Path, target: float) -> dict[str, float]:
    measured = ebur128(mp3)
    assert abs(measured["I"] - target) <= 0.5, measured
    assert measured["TP"] <= -1.0, measured
    return measured


def test_quiet_stereo_reaches_target_linearly(tmp_path):
    master = speechlike(tmp_path / "quiet.wav", seconds=12, volume_db=-22)
    report = normalize(Source(master), tmp_path / "out.mp3", LoudnessTarget())
    measured = check(tmp_path / "out.mp3", -16.0)
    assert report.mode == "linear" and report.passes == 1
    assert abs(report.output.integrated - measured["I"]) <= 0.2
    assert report.gain > 5


def test_mono_master_gives_mono_mp3_at_mono_target(tmp_path):
    master = speechlike(tmp_path / "mono.wav", seconds=12, volume_db=-25, channels=1, rate=48000)
    normalize(
        Source(master), tmp_path / "out.mp3", LoudnessTarget(loudness=-19, channels=1, bitrate=64)
    )
    check(tmp_path / "out.mp3", -19.0)
    assert podcast.ffmpeg.probe(tmp_path / "out.mp3").channels == 1


def test_hot_input_is_limited_and_says_so(tmp_path):
    # claps on speech: the speech carries the loudness, the claps are 6 dB over the ceiling
    master = speechlike(tmp_path / "hot.wav", seconds=12, volume_db=-6, hot=True)
    report = normalize(Source(master), tmp_path / "out.mp3", LoudnessTarget())
    measured = check(tmp_path / "out.mp3", -16.0)
    assert report.mode == "limited" and report.limited_by > 0
    assert any("not reachable linearly" in note for note in report.notes)
    # what the limiter did, in seconds and % of the programme, and in words
    assert 0 < report.limited_seconds < 1.0
    share = 100 * report.limited_seconds / report.duration
    assert report.limited_share == pytest.approx(share, abs=0.1)
    assert f"{report.limited_share:.1f} % of the programme" in report.line()
    assert abs(report.output.lra - measured["LRA"]) <= 0.5


def test_report_states_what_the_mp3_measures(tmp_path):
    # the report's output I, LRA and TP are measured on the MP3 as it is written: they agree
    # with ffmpeg's ebur128 on the final file, whichever ffmpeg and LAME made it
    master = speechlike(tmp_path / "hot.wav", seconds=20, volume_db=-6, hot=True)
    report = normalize(Source(master), tmp_path / "out.mp3", LoudnessTarget())
    measured = check(tmp_path / "out.mp3", -16.0)
    assert report.mode == "limited"
    assert abs(report.output.integrated - measured["I"]) <= 0.2
    assert abs(report.output.lra - measured["LRA"]) <= 0.5
    assert abs(report.output.true_peak - measured["TP"]) <= 0.2
    assert abs(report.output.integrated - report.target) <= 0.2  # TOLERANCE, else a 2nd pass
    assert report.passes <= 2
    assert "measured on the MP3" in report.line()


def test_too_hot_mp3_is_caught_and_encoded_again_once(tmp_path, monkeypatch):
    # with the limiter aiming over the ceiling, the first MP3 is too hot: the true-peak
    # measurement on the MP3 must catch it and encode once more, lower, and no more than once
    monkeypatch.setattr("podcast.audio.normalize.PEAK_ALLOWANCE", -0.6)
    monkeypatch.setattr("podcast.audio.limiter.DEEP_MOST", 0.0)  # the clicks too
    master = speechlike(tmp_path / "hot.wav", seconds=12, volume_db=-6, hot=True)
    report = normalize(Source(master), tmp_path / "out.mp3", LoudnessTarget())
    assert report.passes == 2
    assert any(note.startswith("first encode measured") for note in report.notes)
    measured = check(tmp_path / "out.mp3", -16.0)
    assert abs(report.output.true_peak - measured["TP"]) <= 0.2


def test_hot_input_lowered_when_the_show_says_so(tmp_path):
    master = speechlike(tmp_path / "hot.wav", seconds=12, volume_db=-6, hot=True)
    report = normalize(Source(master), tmp_path / "o.mp3", LoudnessTarget(when_too_loud="lower"))
    measured = ebur128(tmp_path / "o.mp3")
    assert report.mode == "lowered" and measured["I"] < -16.5 and measured["TP"] <= -1.0
    assert report.limited_by == 0 and report.limited_seconds == 0  # linear: nothing limited
    assert report.lowered_by == pytest.approx(-16 - measured["I"], abs=0.2)
    assert f"{report.lowered_by:.1f} LU under" in report.line()


def test_loudness_range_is_kept(tmp_path):
    master = speechlike(tmp_path / "dyn.wav", seconds=30, volume_db=-20, dynamics=True)
    normalize(Source(master), tmp_path / "out.mp3", LoudnessTarget())
    before, after = ebur128(master), check(tmp_path / "out.mp3", -16.0)
    assert before["LRA"] > 5
    assert abs(after["LRA"] - before["LRA"]) <= 1.0


@pytest.mark.parametrize("kind", ["silence", "empty", "corrupt"])
def test_bad_audio_names_the_file(tmp_path, kind):
    master = tmp_path / f"bad-{kind}.wav"
    if kind == "silence":
        run_ffmpeg(["-y", "-f", "lavfi", "-i", "anullsrc=r=44100:cl=stereo", "-t", "3",
                    str(master)])  # fmt: skip
    elif kind == "empty":
        master.write_bytes(b"")
    else:
        master.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunkjunkjunk" * 10)
    with pytest.raises(AudioError, match=re.escape(str(master))) as error:
        normalize(Source(master), tmp_path / "out.mp3", LoudnessTarget())
    expected = {"silence": "only silence", "empty": "empty", "corrupt": "not readable"}[kind]
    assert expected in str(error.value)
    assert not (tmp_path / "out.mp3").exists()


def test_normalize_cli_end_to_end(tmp_path):
    master = speechlike(tmp_path / "m.wav", seconds=10, volume_db=-22)
    out, report = tmp_path / "out.mp3", tmp_path / "r.json"
    result = CliRunner().invoke(
        cli, ["normalize", str(master), "-o", str(out), "--target", "-18", "--json", str(report)]
    )
    assert result.exit_code == 0, result.output
    assert "LUFS" in result.output
    check(out, -18.0)
    assert json.loads(report.read_text())["target"] == -18.0


def test_normalize_cli_bad_file_is_an_error_not_a_traceback(tmp_path):
    bad = tmp_path / "leer.wav"
    bad.write_bytes(b"")
    result = CliRunner().invoke(cli, ["normalize", str(bad), "-o", str(tmp_path / "o.mp3")])
    assert result.exit_code == 1
    assert "leer.wav" in result.output and "Traceback" not in result.output


def test_build_normalizes_writes_report_and_caches(catalog_dir, tmp_path, monkeypatch):
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    result = build(options)
    slug = "folge-14-positiv"
    # content-addressed names (loudness/<slug>-<hash8>.json, see podcast.paths)
    [report_file] = options.output.glob(f"loudness/{slug}-????????.json")
    [png_file] = options.output.glob(f"loudness/{slug}-????????.png")
    report = json.loads(report_file.read_text())
    assert report["target"] == -19.0  # the fixture master is mono
    png = png_file.read_bytes()
    assert png.startswith(b"\x89PNG")
    check(options.output / result.media[slug].relpath, -19.0)
    assert not result.audio[slug].cached

    calls = []
    real_popen = __import__("subprocess").Popen

    def spy(*args, **kwargs):
        calls.append(args)
        return real_popen(*args, **kwargs)

    monkeypatch.setattr("subprocess.Popen", spy)
    again = build(options)
    assert all(a.cached for a in again.audio.values())
    assert not calls, "a cache hit ran ffmpeg"


def test_audio_and_catalog_ask_the_same_lowest_sample_rate() -> None:
    """podcast.audio.source keeps its own copy (importing the catalog would load pydantic)."""
    from podcast.audio.source import MIN_SAMPLE_RATE
    from podcast.catalog.assets import MIN_SAMPLE_RATE as CATALOG_MINIMUM

    assert MIN_SAMPLE_RATE == CATALOG_MINIMUM
