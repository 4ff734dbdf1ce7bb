"""The speech leveler (a look-ahead gain curve in numpy) and optional clean-up (ffmpeg filters).

The leveler evens out speakers (a guest on a call 8-12 dB under the host) so that the
linear loudness normalization after it has one programme level to work with.  It has the
semantics of ffmpeg's ``dynaudnorm=f=200:g=15:p=0.9:m=10:r=0.1:t=0.003`` (the filter it
replaces, see below), computed from what the measurement pass has anyway:

* per 200 ms **frame**, the K-weighted energy and the sample peak of the decoded PCM
  (the meter's 20 ms sub-blocks, :class:`podcast.audio.loudness.Loudness`); each speech
  frame's gain aims its loudness at the programme's integrated loudness (speakers
  matched by loudness, not by peaks), at most :data:`MAX_GAIN` dB up;
* a **peak constraint**: no frame's sample peak is raised over the MP3's true-peak ceiling
  at the normalization's gain (:data:`PEAK_ROOM`; dynaudnorm's p=0.9), so the true-peak
  limiter after it has no more to do than without the leveler;
* a **threshold**: frames under :data:`THRESHOLD` (peak) or more than :data:`GATE` LU
  under the programme (room tone, breaths, digital silence) have no gain of their own:
  they are not raised to a speech level;
* **look-ahead**: a minimum filter over :data:`WINDOW` frames (3 s) of the speech frames'
  gains (a pause takes the lower of the speakers around it; one longer than the window
  holds the gain before it), then a Gaussian over as many; the gain turns down *before* a
  louder speaker starts and comes back slowly, so there is no pumping on onsets.

The loudness of the levelled programme follows from the same K-weighted energies × gain²
(:func:`levelled`): no second measurement pass.  The gain is applied per sample (linear
interpolation between frame centres) to the decoded PCM in the encode pass, in numpy, just
before the true-peak limiter (:mod:`podcast.audio.pipeline`).  The MP3 is measured as it is
written and one corrective encode remains the safety net if its loudness is off.

Why not the ffmpeg filter any more.  ``dynaudnorm`` run in the decoder made the leveler
cost far more with some ffmpeg builds than with others, and a filter whose gain depends on
what came before also forced the source to be measured twice (master and levelled, in one
pass each).  Wall time of ``podcast normalize --leveler speech`` against a plain MP3 encode by
the same binary (``bench/normalize.py --leveler speech --minutes 60``: 60-min stereo masters of
bench/master.py, medians of 3 alternating runs, 2 cores shared with other agents' work)::

    leveler                     guest   ffmpeg 5.1 (Debian)   ffmpeg 9 (imageio wheel)
    dynaudnorm in the decoder           0.75-0.82×            1.72-1.87×  (earlier figures)
    this gain curve              8 dB   1.29×                 1.28×  (PEAK_ROOM 3 dB)
                                12 dB   1.06×                 1.35×
    normalize without leveler    8 dB   1.26×                 1.42×
                                12 dB   1.16×                 1.31×

The leveler now costs about what normalization without it does (within the noise of a shared
machine): the gain curve and the levelled loudness take 0.02 s of CPU for an hour of audio,
and applying the gain (interpolated per sample) about 1.3 s in the encode pass, against
some 30 s of LAME's.  Every one of those runs needed one encode (see the README's table).

Figures that chose the settings (dynaudnorm alone, ffmpeg 5.1, on a 60 s espeak-ng
dialogue with 5-8 s turns and room tone at -60 dBFS RMS; speaker difference by ffmpeg's
ebur128 on each speaker's cut passages, LRA, the rise of the pauses' noise floor less the
programme's rise in loudness); the gain curve keeps f=200 ms and g=15 frames::

    master                               guest  diff in  diff out  LRA in  LRA out  floor
    dynaudnorm f=200:g=15:r=0.1:t=0.003  -0 dB     -0.3       0.1     3.3      2.7  +0.6
                                          8 dB      7.7       0.7     9.5      3.3  +0.3
                                         12 dB     11.7       1.1    13.4      3.9  +0.9
    dynaudnorm f=200:g=21 (6 s window)    8 dB      7.7       1.6     9.5      4.6  -0.1
    dynaudnorm f=300:g=11 t=0.01         12 dB     11.7       1.5    13.4      4.9  +0.8
    speechnorm e=4:r=0.0005:l=1           8 dB      7.7      -0.1     9.5      2.7  +9.8
    speechnorm e=8:c=2 (stronger)         8 dB      7.7      -0.4     9.5      2.4 +12.6

``speechnorm`` evens speakers as well, but it works per half-cycle and raises the room tone
in every pause by 10-13 dB.  A 3 s window follows speaker turns of a few seconds, and on
masters whose speakers are even already it follows the sentences too and can widen the LRA
a little: the leveler is for uneven speakers, and off by default.

Clean-up, each off by default: ``highpass`` (Hz, a 2-pole high-pass for rumble) and
``denoise: light`` (``afftdn`` with 10 dB of reduction at a -50 dB noise floor: a light
broadband reduction for a constant hiss).  These stay ffmpeg filters in the decoder.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

from podcast.audio.bs1770 import integrated
from podcast.audio.loudness import SEGMENT, Loudness, db

LIGHT_DENOISE = "afftdn=nr=10:nf=-50"
LEVELERS = ("off", "speech")
DENOISERS = ("off", "light")

FRAME = 0.2  # s: the leveler's frames (dynaudnorm f=200)
WINDOW = 15  # frames: minimum filter and Gaussian (dynaudnorm g=15: 3 s)
MAX_GAIN = 20.0  # dB: at most this much up (dynaudnorm m=10)
THRESHOLD = 0.003  # frames whose sample peak is under this (-50 dBFS) are not speech (t=0.003)
GATE = 20.0  # LU: frames this far under the programme's loudness are not speech either
# dB over the ceiling a frame's sample peak may be raised to.  0: the leveler leaves peaks to
# the limiter only where they were over already.  (3 dB, tried first, cost nothing in the
# speakers' difference but made the limiter turn peaks down by 3.5 dB instead of 0.7 on a
# 10-min master with the guest 12 dB under, and on the 60-min one LAME's overshoot on one of
# the many peaks held at the ceiling forced the corrective encode with ffmpeg 5.1)
PEAK_ROOM = 0.0


@dataclass(frozen=True)
class GainCurve:
    """The leveler's gain: ``gains[k]`` (linear) at ``(k + 0.5) * step`` seconds."""

    step: float
    gains: np.ndarray = field(repr=False, compare=False)

    def at(self, first: int, count: int, rate: int) -> np.ndarray:
        """The gain (float32) for the ``count`` samples from sample ``first`` at ``rate`` Hz."""
        # positions in frames, relative to the first centre used (float32 holds them exactly
        # enough: a chunk spans a few frames); only those centres are searched
        start = (first + 0.5) / rate / self.step - 0.5
        low = max(0, min(int(start), len(self.gains) - 1))
        high = min(len(self.gains), int(start + count / rate / self.step) + 2)
        positions = np.arange(count, dtype=np.float32) * np.float32(1 / (rate * self.step))
        positions += np.float32(start - low)
        frames = np.arange(high - low, dtype=np.float32)
        return np.interp(positions, frames, self.gains[low:high]).astype(np.float32)

    def at_times(self, times: np.ndarray) -> np.ndarray:
        """The gain at ``times`` (s): linear between frame centres, held beyond the ends."""
        centres = (np.arange(len(self.gains)) + 0.5) * self.step
        return np.interp(times, centres, self.gains)

    @property
    def range_db(self) -> tuple[float, float]:
        """The lowest and highest gain, dB."""
        low, high = float(self.gains.min()), float(self.gains.max())
        return 20 * math.log10(low), 20 * math.log10(high)


def _sub_length(measured: Loudness) -> float:
    """Seconds per sub-block of the meter (a fifth of its 100 ms segment, in whole samples)."""
    rate = measured.sample_rate
    return round(rate * SEGMENT) / measured.sub_per_segment / rate


def _frames(values: np.ndarray, per_frame: int, reduce: str) -> np.ndarray:
    n = -(-len(values) // per_frame) * per_frame
    padded = np.zeros(n)
    padded[: len(values)] = values
    blocks = padded.reshape(-1, per_frame)
    return blocks.max(axis=1) if reduce == "max" else blocks.mean(axis=1)


def _gaussian(values: np.ndarray, width: int) -> np.ndarray:
    """A Gaussian smoothing over ``width`` values (dynaudnorm's sigma), the ends repeated."""
    sigma = (width / 2 - 1) / 3 + 1 / 3
    half = width // 2
    kernel = np.exp(-0.5 * (np.arange(-half, half + 1) / sigma) ** 2)
    kernel /= kernel.sum()
    padded = np.pad(values, half, mode="edge")
    return np.convolve(padded, kernel, mode="valid")


def _hold(values: np.ndarray) -> np.ndarray:
    """NaNs replaced by the last value before them (at the start: the first after; all NaN:
    0 dB)."""
    known = ~np.isnan(values)
    if not known.any():
        return np.zeros_like(values)
    index = np.where(known, np.arange(len(values)), 0)
    np.maximum.accumulate(index, out=index)
    held = values[index]
    held[: int(np.argmax(known))] = values[int(np.argmax(known))]
    return held


def _smoothed(need: np.ndarray, speech: np.ndarray) -> np.ndarray:
    """The gain (linear) per frame from each speech frame's need (dB): the lowest need of the
    speech within the window (pauses have no say; a pause further than that from speech
    holds the gain before it), then a Gaussian over the window."""
    half = WINDOW // 2
    votes = np.pad(np.where(speech, need, np.inf), half, constant_values=np.inf)
    lowest = sliding_window_view(votes, WINDOW).min(axis=1)
    lowest = _hold(np.where(np.isinf(lowest), np.nan, lowest))
    return _gaussian(10 ** (lowest / 20), WINDOW)


def speech_gain(measured: Loudness, target: float, ceiling: float) -> GainCurve:
    """The leveler's gain curve for the measured source, whose loudness the normalization
    will bring to ``target`` LUFS under a ``ceiling`` dBTP true-peak limit."""
    energy, peak = measured.sub_energy, measured.sub_peak
    if not len(energy) or measured.silent:
        return GainCurve(FRAME, np.ones(1))
    sub_length = _sub_length(measured)
    per_frame = max(1, round(FRAME / sub_length))
    step = per_frame * sub_length
    # each sub-block's energy is its share of a segment's mean square (see report.noise_floor)
    frame_energy = _frames(energy, per_frame, "mean") * measured.sub_per_segment
    frame_peak = _frames(peak, per_frame, "max")
    with np.errstate(divide="ignore"):
        loud = -0.691 + 10 * np.log10(frame_energy)
        peak_db = 20 * np.log10(frame_peak)
    programme = measured.band_integrated
    if math.isnan(programme):
        programme = measured.integrated
    speech = (frame_peak >= THRESHOLD) & (loud > programme - GATE)
    need = np.minimum(programme - loud, MAX_GAIN)
    curve = GainCurve(step, _smoothed(need, speech))
    for _ in range(2):
        # the peak constraint at the normalization's gain after this leveler (the minimum
        # filter leaves the levelled programme some dB under the source: the gain makes
        # up for it), recomputed once as the constraint lowers the levelled loudness a little
        gain = target - levelled(measured, curve).integrated
        capped = np.minimum(need, ceiling + PEAK_ROOM - (peak_db + gain))
        curve = GainCurve(step, _smoothed(capped, speech))
    return curve


def levelled(measured: Loudness, curve: GainCurve) -> Loudness:
    """What the measurement would have found on the source after the leveler: the
    K-weighted energies × gain², the sample peaks × gain (the true peak by its margin over
    the sample peak in the source).  The basis of the normalization's gain and limiter."""
    energy, peak = measured.sub_energy, measured.sub_peak
    if not len(energy):
        return measured
    gain = curve.at_times((np.arange(len(energy)) + 0.5) * _sub_length(measured))
    energy = energy * gain**2
    peak = peak * gain
    n = len(energy) // measured.sub_per_segment * measured.sub_per_segment
    loudness = integrated(energy[:n].reshape(-1, measured.sub_per_segment).sum(axis=1))
    sample_peak = db(float(peak.max()))
    return replace(
        measured,
        integrated=loudness,
        band_integrated=loudness,
        sample_peak=sample_peak,
        true_peak=sample_peak + (measured.true_peak - measured.sample_peak),
        sub_energy=energy,
        sub_peak=peak,
    )


@dataclass(frozen=True)
class Processing:
    """What is done to the source before loudness normalization (all off by default)."""

    leveler: str = "off"  # "off" or "speech"
    highpass: int = 0  # Hz; 0: none
    denoise: str = "off"  # "off" or "light"

    def __post_init__(self) -> None:
        if self.leveler not in LEVELERS:
            raise ValueError(f"leveler: expected one of {LEVELERS}, found {self.leveler!r}")
        if self.denoise not in DENOISERS:
            raise ValueError(f"denoise: expected one of {DENOISERS}, found {self.denoise!r}")
        if self.highpass < 0:
            raise ValueError(f"highpass: expected a frequency in Hz, found {self.highpass}")

    @property
    def active(self) -> bool:
        return self.levelled or self.chain != ""

    @property
    def levelled(self) -> bool:
        return self.leveler == "speech"

    @property
    def chain(self) -> str:
        """The clean-up's ffmpeg filters, comma-separated ("" when none is on).  They run in
        the decoder before everything else, so the leveler does not raise rumble or hiss."""
        filters = []
        if self.highpass:
            filters.append(f"highpass=f={self.highpass}:p=2")
        if self.denoise == "light":
            filters.append(LIGHT_DENOISE)
        return ",".join(filters)

    def describe(self) -> str:
        """In words, for the report ("" when nothing is on)."""
        parts = []
        if self.leveler == "speech":
            parts.append("speech leveler")
        if self.highpass:
            parts.append(f"high-pass at {self.highpass} Hz")
        if self.denoise == "light":
            parts.append("light noise reduction (afftdn)")
        return ", ".join(parts)
