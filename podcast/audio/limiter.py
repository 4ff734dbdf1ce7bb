"""A look-ahead true-peak limiter that touches only the peaks over its ceiling, in numpy.

For every frame the limiter knows the true peak around it (4× oversampled with the
meter's polyphase interpolator, computed only where the sample peak comes within
:data:`SCREEN` of the ceiling) and the gain that frame needs, ``min(1, ceiling/peak)``.
The gain curve is the running minimum of that need over ``[n − HOLD, n + LOOKAHEAD]``,
smoothed by two moving averages reaching ``LOOKAHEAD`` either side: it starts to fall
``LOOKAHEAD`` before a peak, is never above what any frame needs (so no peak passes
over the ceiling), holds ``HOLD`` after it and comes back within ``LOOKAHEAD``.  Where
no peak is near, the gain is exactly 1: the audio stays linear.  A peak far over the
ceiling (more than :data:`DEEP` dB) is held a little under it, as MP3 encoding adds most
to such transients.

The limiter counts what it did: the loudest reduction, and the frames turned down by
more than 1 dB (the share of the programme it touched audibly).
"""

from __future__ import annotations

import numpy as np

from podcast.audio.loudness import TAPS_PER_PHASE, interpolator

LOOKAHEAD = 0.005  # s: the gain reaches a peak's need this early
HOLD = 0.020  # s: and stays down this long after it (no ripple between close peaks)
SCREEN = 10 ** (3.0 / 20)  # true peaks are never more than 3 dB over the sample peaks here
AUDIBLE = 10 ** (-1.0 / 20)  # turned down by more than 1 dB
# Near a peak turned down by more than DEEP dB (within HOLD) the frames are held lower still,
# by DEEP_SLOPE dB per dB beyond it, at most DEEP_MOST dB: MP3 encoding adds most to such
# transients (claps, laughs).  In bench/master.py's 30-min master a clap the limiter took
# 7.2 dB off came out of LAME 0.5 dB over the limiter's ceiling, the speech peaks at the
# ceiling 0.4 dB under it (ffmpeg 5.1); a transient cut by 7 dB loses nothing audible by
# another half dB.
DEEP = 3.0
DEEP_SLOPE = 0.15
DEEP_MOST = 0.7
PAD = TAPS_PER_PHASE // 2 + 8  # frames: the interpolator's reach, and slack for its delay
REACH = TAPS_PER_PHASE // 2  # frames: true peaks are computed this near a candidate


def running_min(values: np.ndarray, before: int, after: int) -> np.ndarray:
    """``out[n] = min(values[n - before : n + after + 1])`` (van Herk / Gil-Werman, O(n))."""
    width = before + after + 1
    n = len(values)
    size = -(-(n + width - 1) // width) * width
    padded = np.ones(size, dtype=values.dtype)  # a gain of 1 outside: nothing to limit there
    padded[before : before + n] = values
    blocks = padded.reshape(-1, width)
    forward = np.minimum.accumulate(blocks, axis=1).ravel()
    backward = np.minimum.accumulate(blocks[:, ::-1], axis=1)[:, ::-1].ravel()
    end = np.minimum(np.arange(n) + width - 1, size - 1)
    return np.minimum(backward[:n], forward[end])


def moving_average(values: np.ndarray, half: int) -> np.ndarray:
    """Mean over ``[n - half, n + half]``, the ends repeated."""
    padded = np.concatenate([np.full(half, values[0]), values, np.full(half, values[-1])])
    sums = np.concatenate([[0.0], np.cumsum(padded, dtype=np.float64)])
    return (sums[2 * half + 1 :] - sums[: -(2 * half + 1)]) / (2 * half + 1)


def candidate_runs(hot: np.ndarray, n: int) -> tuple[np.ndarray, np.ndarray]:
    """The frames within :data:`REACH` of a ``hot`` one (sorted frame numbers, of ``n``), as
    runs ``[starts[i], ends[i])``."""
    starts = np.maximum(hot - REACH, 0)
    ends = np.minimum(hot + REACH + 1, n)
    first = np.flatnonzero(np.concatenate([[True], starts[1:] > ends[:-1]]))
    last = np.concatenate([first[1:] - 1, [len(hot) - 1]])
    return starts[first], ends[last]


def true_peaks(frames: np.ndarray, sample: np.ndarray, threshold: float) -> np.ndarray:
    """Per frame, the largest of its sample peak and the interpolated ones next to it; only
    computed for the frames within :data:`REACH` of one whose ``sample`` exceeds
    ``threshold`` (elsewhere: ``sample``)."""
    peaks = sample.copy()
    hot = np.flatnonzero(sample > threshold)
    if not len(hot):
        return peaks
    # a frame is a candidate if a hot one is within the interpolator's reach (its true peak
    # depends on the samples there); candidates come in runs, each oversampled by convolution
    n = len(sample)
    half = TAPS_PER_PHASE // 2
    columns = []
    for channel in range(frames.shape[1]):
        column = np.zeros(n + TAPS_PER_PHASE, dtype=np.float32)
        column[half : half + n] = frames[:, channel]
        columns.append(column)
    phases = interpolator()
    for start, end in zip(*(runs.tolist() for runs in candidate_runs(hot, n)), strict=True):
        top = peaks[start:end]
        for column in columns:
            # the window of frame i is [i - half, i + half): valid output i - start
            window = column[start : end + TAPS_PER_PHASE - 1]
            for phase in phases:
                np.maximum(top, np.abs(np.convolve(window, phase, "valid")), out=top)
    return peaks


class PeakLimiter:
    """Feed float32 frames in order to :meth:`process`; call :meth:`finish` at the end.

    The output is delayed: each call returns the frames whose look-ahead is complete.
    ``ceiling_db`` None: no limiting (the frames pass unchanged).
    """

    def __init__(self, rate: int, channels: int, ceiling_db: float | None) -> None:
        self.channels = channels
        self.ceiling = None if ceiling_db is None else 10 ** (ceiling_db / 20)
        self.ahead = max(2, round(LOOKAHEAD * rate))
        self.hold = max(self.ahead, round(HOLD * rate))
        self.past = self.hold + self.ahead + 2 * PAD
        self.future = 2 * self.ahead + 2 * PAD
        self.context = np.zeros((0, channels), dtype=np.float32)  # frames already put out
        self.pending = np.zeros((0, channels), dtype=np.float32)  # frames not yet put out
        self.rate = rate
        self.frames = 0
        self.limited_frames = 0  # turned down by more than 1 dB
        self.lowest_gain = 1.0

    @property
    def limited_by(self) -> float:
        """dB the loudest peak was turned down by."""
        return max(0.0, float(-20 * np.log10(self.lowest_gain)))

    @property
    def limited_seconds(self) -> float:
        return self.limited_frames / self.rate

    def process(self, frames: np.ndarray) -> np.ndarray:
        if self.ceiling is None:
            self.frames += len(frames)
            return frames
        pending = np.concatenate([self.pending, frames]) if len(self.pending) else frames
        ready = len(pending) - self.future
        if ready <= 0:
            self.pending = pending
            return np.zeros((0, self.channels), dtype=np.float32)
        buffer = np.concatenate([self.context, pending]) if len(self.context) else pending
        start = len(self.context)
        gain = self._gain(buffer)
        out = pending[:ready]
        if gain is not None:
            part = gain[start : start + ready]
            out = (out * part[:, None]).astype(np.float32)
            self.limited_frames += int(np.count_nonzero(part < AUDIBLE))
            self.lowest_gain = min(self.lowest_gain, float(part.min()))
        self.frames += ready
        self.context = buffer[max(0, start + ready - self.past) : start + ready]
        self.pending = pending[ready:]
        return out

    def finish(self) -> np.ndarray:
        """The frames still held back (their look-ahead is silence)."""
        if self.ceiling is None:
            return np.zeros((0, self.channels), dtype=np.float32)
        held = len(self.pending)
        out = self.process(np.zeros((self.future, self.channels), dtype=np.float32))
        self.pending = np.zeros((0, self.channels), dtype=np.float32)
        return out[:held]

    def _gain(self, buffer: np.ndarray) -> np.ndarray | None:
        """The gain per frame of ``buffer``; None where it is 1 throughout."""
        assert self.ceiling is not None
        sample = np.abs(buffer[:, 0])  # per frame, the largest channel (column by column:
        for channel in range(1, self.channels):  # numpy's max over a short axis is slow)
            np.maximum(sample, np.abs(buffer[:, channel]), out=sample)
        if not len(sample) or float(sample.max()) * SCREEN <= self.ceiling:
            return None
        peaks = true_peaks(buffer, sample, self.ceiling / SCREEN)
        over = np.flatnonzero(peaks > self.ceiling)
        if not len(over):
            return None
        # the gain is 1 farther than ``reach`` from every frame over the ceiling: it is
        # computed between the first and last of those only, and that far around them
        slack = 4  # the interpolated peaks' position is known to a frame or two
        half = self.ahead // 2
        reach = self.hold + self.ahead + 2 * slack + 2 * half + 1
        low, high = max(0, int(over[0]) - reach), min(len(peaks), int(over[-1]) + reach + 1)
        top = np.maximum(peaks[low:high], 1e-12)
        need = np.minimum(1.0, self.ceiling / top)
        # around a peak far over the ceiling (within HOLD) every frame is held lower still
        deepest = running_min(need, self.hold, self.hold)
        deep = deepest < 10 ** (-DEEP / 20)
        if deep.any():
            beyond = -20 * np.log10(deepest[deep]) - DEEP
            lower = 10 ** (-np.minimum(DEEP_MOST, DEEP_SLOPE * beyond) / 20)
            need[deep] = np.minimum(need[deep], self.ceiling * lower / top[deep])
        held = running_min(need, self.hold + slack, self.ahead + slack)
        gain = np.ones(len(peaks))
        gain[low:high] = moving_average(moving_average(held, half), half)
        return gain
