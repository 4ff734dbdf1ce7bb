"""The limiter touches only the peaks: a dialogue keeps the level difference of its speakers."""

from __future__ import annotations

import math
import re
import subprocess
import wave
from pathlib import Path

import numpy as np
import pytest

from podcast.audio.limiter import PeakLimiter, moving_average, running_min, true_peaks
from podcast.audio.loudness import _firwin_kaiser, measure
from podcast.audio.normalize import LoudnessTarget, Source, normalize
from podcast.ffmpeg import ffmpeg_exe
from tests.audio.test_normalize import ebur128

RATE = 44100
TURN = 4.0  # seconds


def _voice(n: int, f0: float, rng: np.random.Generator) -> np.ndarray:
    """A voiced buzz (harmonics of ``f0``, a little intonation) in syllables."""
    t = np.arange(n) / RATE
    phase = 2 * np.pi * np.cumsum(f0 * (1 + 0.08 * np.sin(2 * np.pi * 0.7 * t))) / RATE
    tone = sum(np.sin(k * phase) / k for k in range(1, 30))
    loudness = np.repeat(rng.uniform(0.3, 1.0, n // RATE * 3 + 3), RATE // 3 + 1)[:n]
    return tone * np.abs(np.sin(2 * np.pi * 2.2 * t)) ** 1.5 * loudness


def dialogue(path: Path, turns: int = 6) -> list[tuple[int, float, float]]:
    """Host about -18 LUFS, guest 8 LU quieter, plosives (8 ms bursts) making the master's
    true peak about -3 dBTP: -16 LUFS needs some 4.5 dB of gain and 2-3 dB off the peaks.
    Returns the turns as (speaker, start, end)."""
    rng = np.random.default_rng(5)
    n = int(TURN * RATE)
    parts = []
    for k in range(turns):
        x = _voice(n, 120 if k % 2 == 0 else 140, rng)
        for at in rng.uniform(0.2, TURN - 0.2, 5):
            i = int(at * RATE)
            x[i : i + 350] += np.convolve(rng.uniform(-2.6, 2.6, 350), np.ones(8) / 8, "same")
        parts.append(x * (0.276 if k % 2 == 0 else 0.276 * 10 ** (-9.4 / 20)))
    data = np.concatenate(parts)
    ints = np.round(np.clip(np.stack([data, data], 1), -1, 1) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(ints.tobytes())
    return [(k % 2, k * TURN, (k + 1) * TURN) for k in range(turns)]


def turn_loudness(path: Path, start: float, length: float) -> float:
    """ffmpeg's ebur128 integrated loudness of ``length`` seconds from ``start``."""
    text = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-ss", str(start), "-t", str(length),
         "-i", str(path), "-af", "ebur128", "-f", "null", "-"],
        capture_output=True, check=True,
    ).stderr.decode()  # fmt: skip
    return float(re.search(r"I:\s+(-?[\d.]+) LUFS", text[text.rindex("Summary:") :]).group(1))


def speakers(path: Path, turns: list[tuple[int, float, float]]) -> tuple[float, float]:
    """Host's and guest's loudness: the energy mean over their turns (edges left out)."""
    energy: dict[int, list[float]] = {0: [], 1: []}
    for speaker, start, end in turns:
        energy[speaker].append(10 ** (turn_loudness(path, start + 0.5, end - start - 1) / 10))
    host, guest = (10 * math.log10(sum(e) / len(e)) for e in (energy[0], energy[1]))
    return host, guest


def test_dialogue_keeps_its_speakers_apart(tmp_path):
    master, mp3 = tmp_path / "dialogue.wav", tmp_path / "dialogue.mp3"
    turns = dialogue(master)
    host, guest = speakers(master, turns)
    assert host - guest == pytest.approx(8.0, abs=0.3)
    report = normalize(Source(master), mp3, LoudnessTarget())
    assert report.mode == "limited" and report.limited_by >= 1.0
    measured = ebur128(mp3)
    assert abs(measured["I"] + 16) <= 0.5
    assert -1.5 <= measured["TP"] <= -1.0  # at the ceiling: no headroom thrown away
    host_out, guest_out = speakers(mp3, turns)
    assert abs((host_out - guest_out) - (host - guest)) <= 1.0
    assert abs(report.output.integrated - measured["I"]) <= 0.2


def _limit(frames: np.ndarray, ceiling_db: float, chunk: int = 30000) -> tuple:
    limiter = PeakLimiter(RATE, frames.shape[1], ceiling_db)
    out = [limiter.process(frames[i : i + chunk]) for i in range(0, len(frames), chunk)]
    return np.concatenate([*out, limiter.finish()]), limiter


def test_limiter_holds_true_peaks_and_leaves_the_rest_alone(tmp_path):
    t = np.arange(5 * RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    tone[2 * RATE : 2 * RATE + 4000] *= 3.5  # 0.9 s before and after stay far under
    # intersample peaks: a sine at a quarter of the rate, sampled off its crests: its sample
    # peaks are at -3 dBFS, under the ceiling, its true peak at 0 dBTP, over it
    tone[4 * RATE : 4 * RATE + 2000] = np.sin(2 * np.pi * 11025 * t[:2000] + np.pi / 4)
    frames = np.stack([tone, tone * 0.5], axis=1).astype(np.float32)
    out, limiter = _limit(frames, -1.0)
    assert out.shape == frames.shape  # nothing lost, nothing delayed
    np.testing.assert_array_equal(out[: RATE + 40000], frames[: RATE + 40000])
    np.testing.assert_array_equal(out[3 * RATE : 4 * RATE - 500], frames[3 * RATE : 4 * RATE - 500])
    path = tmp_path / "limited.wav"
    subprocess.run(
        [ffmpeg_exe(), "-v", "error", "-y", "-f", "f32le", "-ar", str(RATE), "-ac", "2",
         "-i", "-", "-c:a", "pcm_f32le", str(path)],
        input=out.tobytes(), check=True,
    )  # fmt: skip
    assert measure(path).true_peak <= -1.0 + 0.05
    # the sine's sample peaks (under the ceiling) are turned down for its true peak: by 0.8 dB
    # (4x oversampling finds a crest between samples to 0.17 dB at a quarter of the rate)
    assert np.abs(out[4 * RATE + 500 : 4 * RATE + 1500]).max() < 0.707 * 10 ** (-0.75 / 20)
    assert limiter.limited_by == pytest.approx(20 * math.log10(1.05 / 10 ** (-1 / 20)), abs=0.3)
    assert 0.05 < limiter.limited_seconds < 0.3


def test_limiter_without_ceiling_passes_frames_unchanged():
    frames = np.random.default_rng(1).uniform(-1, 1, (10000, 2)).astype(np.float32)
    out, limiter = _limit(frames, None)  # type: ignore[arg-type]
    np.testing.assert_array_equal(out, frames)
    assert limiter.limited_by == 0 and limiter.limited_seconds == 0


def test_running_min_and_moving_average_match_the_definitions():
    values = np.random.default_rng(2).uniform(0, 1, 500)
    expected = [values[max(0, i - 7) : i + 4].min() for i in range(500)]
    np.testing.assert_array_equal(running_min(values, 7, 3), expected)
    padded = np.concatenate([[values[0]] * 5, values, [values[-1]] * 5])
    expected = [padded[i : i + 11].mean() for i in range(500)]
    np.testing.assert_allclose(moving_average(values, 5), expected)


def test_true_peaks_match_full_oversampling_wherever_a_peak_could_be_over():
    """Oversampling only the frames near a hot one gives, for every frame that can come over
    the ceiling, the true peak of a 4x oversampling of every frame (band-limited audio, as
    the limiter is given: low-passed at LAME's 17 kHz)."""
    rng = np.random.default_rng(7)
    noise = rng.normal(0, 0.15, (20000, 2)) * np.repeat(rng.uniform(0, 3, 40), 500)[:, None]
    band = _firwin_kaiser(101, 17000 / (RATE / 2), 8.0)
    frames = np.stack([np.convolve(noise[:, c], band, "same") for c in range(2)], axis=1)
    # and bursts of a tone near the band's top, whose samples can all miss its peaks
    tone = np.sin(2 * np.pi * 16500 / RATE * np.arange(20000) + 0.3)
    frames += (tone * (np.arange(20000) % 2500 < 200))[:, None] * [0.45, 0.2]
    frames = frames.astype(np.float32)
    sample = np.abs(frames).max(axis=1)
    threshold = 0.5
    everywhere = true_peaks(frames, sample, -1.0)  # every frame oversampled
    screened = true_peaks(frames, sample, threshold)
    hot = sample > threshold
    assert 0.001 < hot.mean() < 0.2  # some frames are candidates, most are not
    ceiling = threshold * 10 ** (3.0 / 20)
    assert (everywhere > ceiling).any()  # some true peaks are over the ceiling
    np.testing.assert_array_equal(
        np.minimum(1.0, ceiling / screened), np.minimum(1.0, ceiling / everywhere)
    )
    assert (everywhere > sample).any()  # intersample peaks exist and were found


def test_a_peak_far_over_the_ceiling_is_held_a_little_under_it():
    """Cut by 2.6 dB: held at the ceiling; cut by 7.4 dB: 0.15 dB lower per dB beyond 3 dB
    (MP3 encoding adds most to such transients), at most 0.7 dB."""
    t = np.arange(4 * RATE) / RATE
    tone = 0.3 * np.sin(2 * np.pi * 440 * t)
    tone[1 * RATE : int(1.5 * RATE)] *= 4  # +1.6 dBFS: 2.6 dB over a -1 dBTP ceiling
    tone[2 * RATE : int(2.5 * RATE)] *= 7  # +6.4 dBFS: 7.4 dB over it
    frames = np.stack([tone, tone], axis=1).astype(np.float32)
    out, limiter = _limit(frames, -1.0)
    moderate = 20 * math.log10(np.abs(out[RATE : int(1.5 * RATE)]).max())
    deep = 20 * math.log10(np.abs(out[2 * RATE : int(2.5 * RATE)]).max())
    assert moderate == pytest.approx(-1.0, abs=0.05)
    assert deep == pytest.approx(-1.0 - 0.15 * (7.4 - 3.0), abs=0.05)
    np.testing.assert_array_equal(out[: RATE - 2000], frames[: RATE - 2000])  # the rest alone
    assert limiter.limited_by == pytest.approx(20 * math.log10(2.1) - deep, abs=0.05)
