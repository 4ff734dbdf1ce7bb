"""The speech leveler on a generated two-speaker dialogue, measured on the final MP3.

Each speaker's loudness is ffmpeg's ebur128 on the cut passages of their lines; the noise
floor is the mean square of the decoded MP3 in the pauses.  Speech is espeak-ng's when it is
installed, else a speech-like signal (voiced syllables at 4 Hz) made with numpy.
"""

from __future__ import annotations

import itertools
import math
import re
import shutil
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest
from click.testing import CliRunner

from podcast.audio.encode import encode_episode
from podcast.audio.leveler import Processing
from podcast.audio.normalize import LoudnessTarget, Source, normalize
from podcast.audio.report import LoudnessReport
from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from podcast.ffmpeg import ffmpeg_exe
from tests.conftest import edit

RATE = 44100
ROOM_TONE = -60.0  # dBFS RMS of the noise under the whole dialogue
SENTENCES = (
    "Die Jugendhilfeplanung in Halle an der Saale hat etwas ganz Neues ausprobiert. "
    "Wir haben mit der Verwaltung gesprochen, und die Antworten waren überraschend offen."
)


def _voice(name: str, speed: int, seed: int) -> np.ndarray:
    if shutil.which("espeak-ng"):
        wav = subprocess.run(
            ["espeak-ng", "-v", name, "-s", str(speed), "--stdout", SENTENCES],
            capture_output=True,
            check=True,
        ).stdout
        pcm = subprocess.run(
            [ffmpeg_exe(), "-v", "error", "-i", "-", "-ac", "1", "-ar", str(RATE), "-f", "f32le",
             "-"],
            input=wav, capture_output=True, check=True,
        ).stdout  # fmt: skip
        voice = np.frombuffer(pcm, dtype=np.float32).astype(np.float64)
    else:  # voiced syllables: harmonics of a wandering pitch under a 4 Hz envelope
        rng = np.random.default_rng(seed)
        t = np.arange(12 * RATE) / RATE
        pitch = 120 + 40 * seed + 20 * np.sin(2 * np.pi * 0.3 * t)
        phase = 2 * np.pi * np.cumsum(pitch) / RATE
        voice = sum(np.sin(k * phase) / k for k in range(1, 12))
        envelope = np.clip(np.sin(2 * np.pi * 4 * t + rng.uniform(0, 6)), 0, None) ** 2
        voice = voice * envelope * (rng.uniform(0.5, 1.0, len(t) // RATE + 1)[(t).astype(int)])
    voice /= np.max(np.abs(voice))
    voice = np.tanh(4 * voice) / np.tanh(4)  # a mastered voice's peaks (about 12 dB over RMS)
    return voice


def _write(path: Path, frames: np.ndarray) -> None:
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.round(np.clip(frames, -1, 1 - 2**-15) * 32767).astype("<i2").tobytes())


def dialogue(path: Path, guest_db: float, seconds: float = 24.0) -> list[tuple[int, float, float]]:
    """A stereo WAV: host at -23 LUFS, the guest ``guest_db`` under, 3.5-5 s turns with
    pauses of 0.7-1 s, room tone under it all.  Returns the lines (speaker, start, end)."""
    rng = np.random.default_rng(7)
    voices = []
    for (name, speed, seed), loudness in zip(
        [("de+m3", 160, 1), ("de+f2", 175, 2)], [-23.0, -23.0 - guest_db], strict=True
    ):
        voice = _voice(name, speed, seed)
        _write(path, np.stack([voice, 0.95 * voice], axis=1) * 0.1)
        voices.append(voice * 0.1 * 10 ** ((loudness - ebur128(path)["I"]) / 20))
    parts, lines, written, total = [], [], 0, int(seconds * RATE)
    while written < total:
        speaker = len(lines) % 2
        n = min(int(rng.uniform(3.5, 5.0) * RATE), total - written)
        start = int(rng.integers(0, len(voices[speaker])))
        line = voices[speaker][(np.arange(n) + start) % len(voices[speaker])]
        pause = min(int(rng.uniform(0.7, 1.0) * RATE), n)
        line[n - pause :] = 0.0
        lines.append((speaker, written / RATE, (written + n - pause) / RATE))
        parts.append(line)
        written += n
    mono = np.concatenate(parts)
    noise = rng.standard_normal((len(mono), 2)) * 10 ** (ROOM_TONE / 20)
    _write(path, np.stack([mono, 0.95 * mono], axis=1) + noise)
    return lines


def ebur128(path: Path, start: float | None = None, length: float = 0.0) -> dict[str, float]:
    window = [] if start is None else ["-ss", f"{start:.3f}", "-t", f"{length:.3f}"]
    text = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", *window, "-i", str(path),
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, check=True,
    ).stderr.decode()  # fmt: skip
    text = text[text.rindex("Summary:") :]
    return {
        "I": float(re.search(r"I:\s+(-?[\d.]+) LUFS", text).group(1)),
        "LRA": float(re.search(r"LRA:\s+(-?[\d.]+) LU", text).group(1)),
        "TP": float(re.search(r"Peak:\s+(-?[\d.]+) dBFS", text).group(1)),
    }


def speaker_difference(path: Path, lines: list[tuple[int, float, float]]) -> float:
    """Host less guest: each speaker's loudness the energy mean of their lines' (inner
    parts') integrated loudness, by ebur128 on the cut passages."""
    energy: dict[int, list[float]] = {0: [], 1: []}
    for speaker, start, end in lines:
        if end - start > 2.0:
            energy[speaker].append(10 ** (ebur128(path, start + 0.3, end - start - 0.6)["I"] / 10))
    host, guest = (10 * math.log10(float(np.mean(energy[s]))) for s in (0, 1))
    return host - guest


def pause_floor(path: Path, lines: list[tuple[int, float, float]]) -> float:
    """dBFS: mean square of the decoded audio in the pauses between lines."""
    pcm = subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-i", str(path), "-ac", "2", "-ar", str(RATE),
         "-f", "f32le", "-"],
        capture_output=True, check=True,
    ).stdout  # fmt: skip
    frames = np.frombuffer(pcm, dtype=np.float32).reshape(-1, 2)
    squares = []
    for (_, _, end), (_, start, _) in itertools.pairwise(lines):
        pause = frames[int((end + 0.15) * RATE) : int((start - 0.1) * RATE)]
        if len(pause) > 0.2 * RATE:
            squares.append(float(np.mean(pause.astype(np.float64) ** 2)))
    return 10 * math.log10(float(np.mean(squares)))


def level(master: Path, out: Path, leveler: str) -> LoudnessReport:
    target = LoudnessTarget(processing=Processing(leveler=leveler))
    return normalize(Source(master), out, target)


@pytest.mark.parametrize("guest_db", [8.0, 12.0])
def test_leveler_evens_out_a_quiet_guest(tmp_path: Path, guest_db: float) -> None:
    master = tmp_path / "master.wav"
    lines = dialogue(master, guest_db)
    before = speaker_difference(master, lines)
    assert abs(before - guest_db) < 1.0  # the master is as made
    plain = level(master, tmp_path / "plain.mp3", "off")
    levelled = level(master, tmp_path / "levelled.mp3", "speech")
    # without the leveler the normalization is linear: the difference is kept
    assert plain.mode == "linear"
    assert abs(speaker_difference(tmp_path / "plain.mp3", lines) - before) < 1.0
    out = ebur128(tmp_path / "levelled.mp3")
    assert abs(speaker_difference(tmp_path / "levelled.mp3", lines)) <= 2.0
    assert out["LRA"] <= 6.0
    assert abs(out["I"] + 16.0) <= 0.5
    assert out["TP"] <= -1.0
    # the pauses rise by no more than the programme did, plus 6 dB
    programme = out["I"] - ebur128(master)["I"]
    raised = pause_floor(tmp_path / "levelled.mp3", lines) - pause_floor(master, lines)
    assert raised - programme <= 6.0
    # the report: measured on the master and the MP3, the leveler named
    assert levelled.processing.startswith("speech leveler")
    assert levelled.input.lra == pytest.approx(ebur128(master)["LRA"], abs=1.0)
    assert levelled.output.lra == pytest.approx(out["LRA"], abs=1.0)
    assert levelled.speech_spread_output < levelled.speech_spread_input
    assert levelled.noise_floor_raised <= 6.0
    assert plain.processing == "" and plain.input.lra == levelled.input.lra


def test_even_speakers_are_left_nearly_as_they_were(tmp_path: Path) -> None:
    master = tmp_path / "master.wav"
    lines = dialogue(master, 0.0)
    level(master, tmp_path / "plain.mp3", "off")
    level(master, tmp_path / "levelled.mp3", "speech")
    plain, levelled = tmp_path / "plain.mp3", tmp_path / "levelled.mp3"
    difference = speaker_difference(levelled, lines) - speaker_difference(plain, lines)
    assert abs(difference) < 1.0
    assert abs(ebur128(levelled)["LRA"] - ebur128(plain)["LRA"]) < 1.0


def test_processing_chain_and_bad_values() -> None:
    assert Processing().chain == "" and not Processing().active
    # the leveler is numpy in the encode pass, not an ffmpeg filter; the clean-up is
    assert Processing("speech").chain == "" and Processing("speech").active
    chain = Processing("speech", 80, "light").chain
    assert chain.startswith("highpass=f=80") and chain.endswith("afftdn=nr=10:nf=-50")
    with pytest.raises(ValueError, match="leveler"):
        Processing(leveler="loud")
    with pytest.raises(ValueError, match="highpass"):
        Processing(highpass=-5)


def test_every_filter_exists_in_this_ffmpeg(tmp_path: Path) -> None:
    """The whole chain runs in the ffmpeg in use (the system's 5.1 or the wheel's)."""
    chain = Processing("speech", 80, "light").chain
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-f", "lavfi", "-i", "sine=f=440:d=1", "-af", chain,
         "-f", "null", "-"],
        check=True, capture_output=True,
    )  # fmt: skip


def test_cli_levels_and_reports(tmp_path: Path) -> None:
    master = tmp_path / "master.wav"
    dialogue(master, 10.0, seconds=12.0)
    out = tmp_path / "out.mp3"
    result = CliRunner().invoke(
        cli, ["normalize", str(master), "-o", str(out), "--leveler", "speech", "--highpass",
              "80", "-q"],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "speech leveler, high-pass at 80 Hz" in result.output
    assert "speech spread" in result.output and "noise floor" in result.output
    bad = CliRunner().invoke(cli, ["normalize", str(master), "-o", str(out), "--leveler", "x"])
    assert bad.exit_code == 2 and "--leveler" in bad.output


def test_show_setting_and_episode_override(catalog_dir: Path, tmp_path: Path) -> None:
    """show.yaml's audio.leveler (an unquoted ``off`` is YAML's false), overridden by one
    episode.yaml: that episode's report names the leveler, the other's does not."""
    edit(catalog_dir / "show.yaml", "timezone:", "audio: {leveler: off, highpass: 60}\ntimezone:")
    episode = catalog_dir / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    edit(episode, "audio: master.flac", "audio: master.flac\nleveler: speech")
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is not None, problems
    settings = catalog.show.meta.audio
    assert settings.leveler == "off" and settings.highpass == 60
    reports = {
        e.number: encode_episode(e, settings, tmp_path / "cache").report for e in catalog.episodes
    }
    assert reports[14] is not None and reports[15] is not None
    assert reports[14].processing == "speech leveler, high-pass at 60 Hz"
    assert reports[15].processing == "high-pass at 60 Hz"


def test_bad_leveler_in_show_yaml_is_named(catalog_dir: Path) -> None:
    edit(catalog_dir / "show.yaml", "timezone:", "audio: {leveler: loud}\ntimezone:")
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is None
    assert "leveler" in str(problems) and "loud" in str(problems)
