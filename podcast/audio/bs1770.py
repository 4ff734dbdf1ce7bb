"""The definitions of ITU-R BS.1770-4 / EBU R128 that the meter applies.

The K-weighting (a high-shelf and the RLB high-pass, as biquads at any sample rate, run by
ffmpeg in double precision) and what follows from the K-weighted energy of every 100 ms
segment: integrated loudness (gating blocks of 4 segments, 75 % overlap; absolute −70
LUFS gate, relative −10 LU gate), short-term loudness (3 s) and loudness range (EBU Tech
3342: 3 s windows, relative −20 LU gate, 10th to 95th percentile).
"""

from __future__ import annotations

import math

import numpy as np

ABSOLUTE_GATE = -70.0


def _k_weighting(rate: int) -> tuple[tuple[float, ...], tuple[float, ...]]:
    """The BS.1770 K-weighting at ``rate``: (b0, b1, b2, a0, a1, a2) of shelf and RLB high-pass."""
    f0, gain, q = 1681.974450955533, 3.999843853973347, 0.7071752369554196
    k = math.tan(math.pi * f0 / rate)
    vh = 10 ** (gain / 20)
    vb = vh**0.4996667741545416
    a0 = 1 + k / q + k * k
    shelf = (
        (vh + vb * k / q + k * k) / a0,
        2 * (k * k - vh) / a0,
        (vh - vb * k / q + k * k) / a0,
        1.0,
        2 * (k * k - 1) / a0,
        (1 - k / q + k * k) / a0,
    )
    f0, q = 38.13547087602444, 0.5003270373238773
    k = math.tan(math.pi * f0 / rate)
    a0 = 1 + k / q + k * k
    highpass = (1.0, -2.0, 1.0, 1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0)
    return shelf, highpass


def k_weighting_filter(rate: int) -> str:
    """The K-weighting as an ffmpeg filter chain (double precision)."""
    stages = []
    for b0, b1, b2, a0, a1, a2 in _k_weighting(rate):
        stages.append(
            f"biquad=b0={b0!r}:b1={b1!r}:b2={b2!r}:a0={a0!r}:a1={a1!r}:a2={a2!r}:precision=f64"
        )
    return ",".join(stages)


def _lufs(energy: np.ndarray | float) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return -0.691 + 10 * np.log10(energy)


def _windows(segments: np.ndarray, size: int) -> np.ndarray:
    """Mean energy of every run of ``size`` segments (hop: one segment)."""
    if len(segments) < size:
        return np.zeros(0)
    sums = np.cumsum(np.concatenate([[0.0], segments]))
    return (sums[size:] - sums[:-size]) / size


def integrated(segments: np.ndarray) -> float:
    blocks = _windows(segments, 4)
    blocks = blocks[_lufs(blocks) > ABSOLUTE_GATE]
    if not len(blocks):
        return -math.inf
    relative = _lufs(float(blocks.mean())) - 10
    gated = blocks[_lufs(blocks) > relative]
    return float(_lufs(float(gated.mean())))


def loudness_range(segments: np.ndarray) -> float:
    loud = _lufs(_windows(segments, 30))
    loud = loud[loud > ABSOLUTE_GATE]
    if not len(loud):
        return 0.0
    relative = _lufs(float(np.mean(10 ** ((loud + 0.691) / 10)))) - 20
    loud = loud[loud > relative]
    if not len(loud):
        return 0.0
    low, high = np.percentile(loud, [10, 95])
    return float(high - low)


def short_term(segments: np.ndarray) -> tuple[float, ...]:
    """Short-term loudness once per second (window ending at each second), −70 floor."""
    loud = _lufs(_windows(segments, 30))[::10]
    return tuple(round(max(float(v), ABSOLUTE_GATE), 2) for v in loud)
