"""The BS.1770 meter (K-weighting in ffmpeg, gating and peaks in numpy) against known values."""

from __future__ import annotations

import math
import wave

import numpy as np
import pytest

from podcast.audio.loudness import interpolator, measure, measure_command, measure_split
from podcast.ffmpeg import run_ffmpeg
from tests.audio.test_normalize import ebur128, speechlike


def sine(path, *, channels: int, db: float, rate: int = 48000, seconds: int = 10):
    wave = f"{10 ** (db / 20)}*sin(2*PI*997*t)"
    expression = "|".join([wave] * channels)  # the same sine in every channel, full level
    run_ffmpeg(
        ["-y", "-f", "lavfi", "-i", f"aevalsrc={expression}:s={rate}:d={seconds}",
         "-c:a", "pcm_f32le", str(path)]
    )  # fmt: skip
    return path


@pytest.mark.parametrize(("channels", "expected"), [(2, -20.0), (1, -23.01)])
def test_sine_reads_as_the_standard_says(tmp_path, channels, expected):
    # BS.1770: a 997 Hz sine at -20 dBFS in both channels is -20 LUFS; in one channel -23.01
    result = measure(sine(tmp_path / "s.wav", channels=channels, db=-20.0))
    assert result.integrated == pytest.approx(expected, abs=0.03)
    assert result.sample_peak == pytest.approx(-20.0, abs=0.01)
    assert result.true_peak == pytest.approx(-20.0, abs=0.05)


@pytest.mark.parametrize("rate", [44100, 48000])
def test_meter_agrees_with_ffmpeg_ebur128(tmp_path, rate):
    master = speechlike(tmp_path / "m.wav", seconds=30, volume_db=-20, rate=rate, dynamics=True)
    ours, theirs = measure(master), ebur128(master)
    assert ours.integrated == pytest.approx(theirs["I"], abs=0.1)
    assert ours.lra == pytest.approx(theirs["LRA"], abs=0.3)
    assert ours.true_peak == pytest.approx(theirs["TP"], abs=0.3)


def test_peaks_only_measures_the_same_peaks_without_loudness(tmp_path):
    master = speechlike(tmp_path / "hot.wav", seconds=12, volume_db=-20, hot=True)
    full = measure(master)
    graph = "[0:a:0]aformat=channel_layouts=stereo[out]"
    peaks = measure_command(["-i", str(master)], graph, 44100, 2, loudness=False)
    assert math.isnan(peaks.integrated)
    assert peaks.true_peak == full.true_peak and peaks.sample_peak == full.sample_peak
    assert peaks.duration == full.duration


@pytest.mark.parametrize(("channels", "rate"), [(2, 44100), (1, 48000)])
def test_two_halves_in_parallel_give_the_one_pass_result(tmp_path, channels, rate):
    master = speechlike(
        tmp_path / "m.wav", seconds=25, volume_db=-20, channels=channels, rate=rate, hot=True
    )
    whole = measure(master)
    frames = round(whole.duration * rate) + 333  # the split needs no exact length
    halves = measure_split(master, channels, rate, frames)
    assert halves.integrated == pytest.approx(whole.integrated, abs=0.05)
    assert halves.lra == pytest.approx(whole.lra, abs=0.05)
    assert halves.true_peak == pytest.approx(whole.true_peak, abs=0.01)
    assert halves.sample_peak == whole.sample_peak
    assert halves.duration == whole.duration
    assert len(halves.short_term) == len(whole.short_term)
    assert len(halves.sub_energy) == len(whole.sub_energy)


def test_an_intersample_peak_at_the_end_of_a_block_is_found(tmp_path):
    # Two loud samples side by side in the last frames of a 100 ms segment, quiet noise
    # after them: the interpolated peak between them (about 2 dB over the samples) lies
    # where only the next block's oversampling window reaches, a block whose own samples
    # are quiet.  The meter must find it all the same: the true peak of oversampling all of it.
    rate = 44100
    rng = np.random.default_rng(7)
    samples = np.rint(rng.standard_normal(3 * rate) * 20) * 4  # multiples of 4: exact in the meter
    at = 2 * round(rate * 0.1) - 6
    samples[at : at + 2] = 24000
    path = tmp_path / "peak.wav"
    with wave.open(str(path), "wb") as out:
        out.setnchannels(1)
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(samples.astype("<i2").tobytes())
    x = samples / 32768
    everywhere = max(float(np.abs(np.convolve(x, phase)).max()) for phase in interpolator())
    assert 20 * math.log10(everywhere) > 20 * math.log10(24000 / 32768) + 1.5
    assert measure(path).true_peak == pytest.approx(20 * math.log10(everywhere), abs=0.01)
