"""The speech leveler's gain curve (podcast.audio.leveler), on measured synthetic programmes.

Each programme is written as a WAV and measured by the real meter; the curve comes from that
measurement, and the levelled programme is made by applying the curve sample by sample.
"""

from __future__ import annotations

import math
import wave
from pathlib import Path

import numpy as np
import pytest

from podcast.audio.leveler import GainCurve, levelled, speech_gain
from podcast.audio.loudness import Loudness, measure

RATE = 44100


def _speech(seconds: float, level_db: float, rng: np.random.Generator) -> np.ndarray:
    """Speech-like: a buzz in 4 Hz syllables, its RMS at about ``level_db`` dBFS."""
    t = np.arange(int(seconds * RATE)) / RATE
    phase = 2 * np.pi * np.cumsum(140 * (1 + 0.1 * np.sin(2 * np.pi * 0.5 * t))) / RATE
    tone = sum(np.sin(k * phase) / k for k in range(1, 20))
    syllables = np.abs(np.sin(2 * np.pi * 2 * t + rng.uniform(0, 3))) ** 2
    voice = tone * syllables
    return voice / np.sqrt(np.mean(voice**2)) * 10 ** (level_db / 20)


def _room(seconds: float, level_db: float, rng: np.random.Generator) -> np.ndarray:
    return rng.standard_normal(int(seconds * RATE)) * 10 ** (level_db / 20)


def _write(path: Path, mono: np.ndarray) -> None:
    frames = np.stack([mono, mono], axis=1)
    with wave.open(str(path), "wb") as out:
        out.setnchannels(2)
        out.setsampwidth(2)
        out.setframerate(RATE)
        out.writeframes(np.round(np.clip(frames, -1, 1 - 2**-15) * 32767).astype("<i2").tobytes())


def _measured(path: Path, mono: np.ndarray) -> Loudness:
    _write(path, mono)
    return measure(path)


def test_levelled_loudness_is_that_of_the_levelled_audio(tmp_path: Path) -> None:
    """The loudness and peaks predicted from the energies × gain² are those measured on the
    audio after the gain (no second measurement pass is needed)."""
    rng = np.random.default_rng(3)
    mono = np.concatenate(
        [_speech(4, -20, rng), _speech(4, -32, rng), _room(1, -60, rng), _speech(5, -22, rng),
         _speech(4, -34, rng)]
    )  # fmt: skip
    mono += _room(len(mono) / RATE, -60, rng)
    measured = _measured(tmp_path / "master.wav", mono)
    curve = speech_gain(measured, -16.0, -1.0)
    predicted = levelled(measured, curve)
    after = _measured(tmp_path / "levelled.wav", mono * curve.at(0, len(mono), RATE))
    assert abs(predicted.integrated - after.integrated) < 0.1
    assert abs(predicted.sample_peak - after.sample_peak) < 0.3
    # and the leveler did something: the programme is more even than before
    assert after.lra < measured.lra - 4


def test_gain_turns_before_a_louder_speaker(tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    mono = np.concatenate([_speech(6, -34, rng), _speech(6, -22, rng)])
    curve = speech_gain(_measured(tmp_path / "master.wav", mono), -16.0, -1.0)
    quiet, onset, loud = (20 * math.log10(g) for g in curve.at_times(np.array([2.0, 6.0, 9.0])))
    assert quiet - loud > 10  # the quiet speaker is raised against the loud one
    # look-ahead: at the loud speaker's first syllable the gain is down already
    assert onset - loud < 1.0


def test_pauses_are_not_raised_to_speech_level(tmp_path: Path) -> None:
    """Room tone in a 6 s pause gets no more gain than the speech around it, not the +20 dB
    that would bring it to the programme's loudness."""
    rng = np.random.default_rng(5)
    mono = np.concatenate([_speech(5, -24, rng), _room(6, -60, rng), _speech(5, -24, rng)])
    curve = speech_gain(_measured(tmp_path / "master.wav", mono), -16.0, -1.0)
    gains = 20 * np.log10(curve.at_times(np.arange(0.5, 16, 0.5)))
    speech = 20 * math.log10(float(curve.at_times(np.array([2.5]))[0]))
    assert float(gains.max()) < speech + 1.0
    assert abs(speech) < 3.0  # even speech stays about where it was


def test_gain_in_chunks_is_the_gain_at_those_times() -> None:
    """The encode pass asks for the gain chunk by chunk, at the MP3's rate, whatever the
    master's: the same values as the curve at those times, held beyond its ends."""
    curve = GainCurve(0.2, np.random.default_rng(6).uniform(0.3, 3.0, 50))
    for rate in (44100, 48000):
        whole = curve.at_times((np.arange(12 * rate) + 0.5) / rate)
        chunks = np.concatenate([curve.at(first, rate // 3, rate) for first in
                                 range(0, 12 * rate, rate // 3)])  # fmt: skip
        np.testing.assert_allclose(chunks, whole, rtol=1e-5)
    assert curve.at(20 * 44100, 10, 44100) == pytest.approx([curve.gains[-1]] * 10)
