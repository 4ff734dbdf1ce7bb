"""Loudness measurement (ITU-R BS.1770-4 / EBU R128) of audio streamed through ffmpeg.

ffmpeg decodes and applies the K-weighting (two biquads in double precision, so the IIR
filtering runs in the ffmpeg process, on another core), sending every channel both unweighted
and K-weighted as 16-bit PCM in planar frames (each channel's samples side by side); numpy
computes, frame by frame:

* K-weighted energy of every 100 ms segment (the gating blocks are 4 segments,
  75 % overlap), from which integrated loudness (absolute −70 LUFS gate, relative
  −10 LU gate), short-term loudness (3 s) and loudness range (EBU Tech 3342) follow;
* the true peak, from 4× polyphase oversampling.  It is only computed for the
  20 ms sub-blocks that could beat the highest true peak found so far (a sub-block's true
  peak is at most its sample peak times the interpolator's gain bound), which keeps
  the cost of a true-peak scan close to that of a sample-peak scan.

Memory is one frame of PCM plus a few floats per 100 ms: a 3-hour master needs a
few MB.  Nothing here holds a whole file.
"""

from __future__ import annotations

import contextlib
import fcntl
import math
import subprocess
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import IO

import numpy as np

from podcast.audio.bs1770 import integrated, k_weighting_filter, loudness_range, short_term
from podcast.ffmpeg import FfmpegError, ffmpeg_exe, last_error_line

SEGMENT = 0.1  # seconds; gating blocks are 4 segments, short-term windows 30
PIPE_SIZE = 1 << 20
# The meter's PCM comes as 16-bit integers, a quarter of full scale: half the bytes of float
# through the pipe, 12 dB of headroom for K-weighted and decoded overs, and a resolution
# (-84 dBFS) far under anything that counts (the gates are at -70 LUFS and below the loudness)
PIPE_SCALE = 0.25
# ffmpeg's filters and pipe writes work frame by frame: 16384 samples, not the demuxers'
# 1024 or so, cut its CPU time to a third (fewer frames, fewer and larger writes); 65536
# (1.5 s), fewer hand-overs between ffmpeg 7's threads too: the meter of a 30-min MP3 took
# 1.7 instead of 2.0 CPU s (either binary)
FRAME = 65536
REFRAME = f"asetnsamples=n={FRAME}:p=0"
OVERSAMPLE = 4
TAPS_PER_PHASE = 32
# Intersample peaks more than 2 dB over the sample peak do not occur in band-limited audio
# (and not at all after the MP3 low-pass); sub-blocks further below the best are skipped.
TRUE_PEAK_SCREEN = 10 ** (2.0 / 20)
_UNSCALE = np.float32(1 / (32768 * PIPE_SCALE))  # the meter's PCM, back to full scale


@dataclass(frozen=True)
class Loudness:
    """What a measurement found; loudness values in LUFS, peaks in dBTP/dBFS."""

    integrated: float
    lra: float
    true_peak: float
    sample_peak: float
    duration: float
    channels: int
    sample_rate: int
    short_term: tuple[float, ...]  # short-term loudness (3 s window), one value per second
    sub_energy: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros(0))
    sub_peak: np.ndarray = field(repr=False, compare=False, default_factory=lambda: np.zeros(0))
    sub_per_segment: int = 1
    # integrated loudness of the audio low-passed at the MP3's band (``band`` measurements;
    # sub_energy is then of that audio too): what the encoder is given, the basis of its gain
    band_integrated: float = math.nan

    @property
    def silent(self) -> bool:
        return math.isinf(self.integrated)

    def segments_after(self, gain_db: float, limit_db: float | None) -> np.ndarray:
        """Energy per 100 ms segment after ``gain_db`` and a peak limiter at ``limit_db`` (dBFS).

        A model, not a simulation: each 20 ms sub-block is turned down by what its
        sample peak, or the previous sub-block's, exceeds the limit (the limiter of
        podcast.audio.limiter holds its gain down for 20 ms after a peak).
        """
        energy = self.sub_energy * 10 ** (gain_db / 10)
        if limit_db is not None:
            over = np.maximum(self.sub_peak * 10 ** ((gain_db - limit_db) / 20), 1.0)
            if len(over) > 1:
                over[1:] = np.maximum(over[1:], over[:-1])
            energy = energy / over**2
        n = len(energy) // self.sub_per_segment * self.sub_per_segment
        return energy[:n].reshape(-1, self.sub_per_segment).sum(axis=1)

    def predict_limited(self, gain_db: float, limit_db: float) -> float:
        """Integrated loudness after ``gain_db`` and a peak limiter at ``limit_db`` (dBFS)."""
        if not len(self.sub_peak):
            return self.integrated + gain_db
        return integrated(self.segments_after(gain_db, limit_db))


def db(value: float) -> float:
    return 20 * math.log10(value) if value > 0 else -math.inf


def _firwin_kaiser(numtaps: int, cutoff: float, beta: float) -> np.ndarray:
    """A low-pass FIR (``cutoff`` relative to Nyquist), Kaiser window, unity gain at DC."""
    n = np.arange(numtaps) - (numtaps - 1) / 2
    taps = cutoff * np.sinc(cutoff * n) * np.kaiser(numtaps, beta)
    return taps / taps.sum()


@cache
def interpolator() -> tuple[np.ndarray, ...]:
    """The 4× interpolation filter split into its polyphase components."""
    taps = _firwin_kaiser(OVERSAMPLE * TAPS_PER_PHASE, 1.0 / OVERSAMPLE, 10.0)
    taps = (taps * OVERSAMPLE).astype(np.float32)
    return tuple(np.ascontiguousarray(taps[k::OVERSAMPLE]) for k in range(OVERSAMPLE))


class LoudnessMeter:
    """Feed the meter's PCM (see :func:`_run`) in order; read :meth:`result`.

    The PCM comes as planes of 16-bit samples at :data:`PIPE_SCALE` of full scale, one row
    per plane: each channel unweighted; then (``loudness``) each channel K-weighted; then
    (``band``) each channel low-passed at the MP3's band and K-weighted.  Every plane's
    samples are contiguous, so the sums and peaks below run over contiguous memory.
    """

    def __init__(self, rate: int, channels: int, band: bool = False, loudness: bool = True) -> None:
        self.rate = rate
        self.channels = channels
        self.loudness = loudness
        self.band = band and loudness  # fed a third, low-passed and K-weighted, copy
        self.planes = channels * ((3 if self.band else 2) if loudness else 1)
        self.segment = max(1, round(rate * SEGMENT))
        self.pending = np.zeros((self.planes, 0), dtype=np.int16)  # < one segment
        self.energies: list[np.ndarray] = []  # mean square per segment, summed over channels
        self.band_energies: list[np.ndarray] = []
        # per sub-block (a fifth of a segment): K-weighted energy and sample peak, from which
        # the effect of a peak limiter on the loudness is predicted (see predict_limited)
        self.sub = 5 if self.segment % 5 == 0 else 1
        self.sub_energy: list[np.ndarray] = []
        self.sub_peak: list[np.ndarray] = []
        self.frames = 0
        self.skip = 0  # frames still to drop (decoded only to settle the filters; measure_split)
        self.sample_peak = 0.0
        self.true_peak = 0.0
        self.last_peak = 0.0  # the sample peak of the last sub-block before the frames to come
        # the last frames before the ones to come, unweighted, as float (the interpolator's)
        self.history = np.zeros((channels, TAPS_PER_PHASE - 1), dtype=np.float32)

    def feed(self, planes: np.ndarray) -> None:
        """The next frames: int16 ``planes`` of shape (:attr:`planes`, frames)."""
        if self.skip:
            drop = min(self.skip, planes.shape[1])
            dropped = planes[: self.channels, :drop].astype(np.float32) * _UNSCALE
            self.history = np.concatenate([self.history, dropped], axis=1)[:, 1 - TAPS_PER_PHASE :]
            if drop:
                last = dropped[:, -(self.segment // self.sub) :]
                self.last_peak = float(np.abs(last).max())
            self.skip -= drop
            planes = planes[:, drop:]
        if not planes.shape[1]:
            return
        self.frames += planes.shape[1]
        data = np.concatenate([self.pending, planes], axis=1) if self.pending.shape[1] else planes
        whole = data.shape[1] // self.segment * self.segment
        self.pending = data[:, whole:]
        if not whole:
            return
        data = data[:, :whole]
        channels, size = self.channels, self.segment // self.sub
        raw = data[:channels].reshape(channels, -1, size)  # (channel, sub-block, frame)
        top = np.maximum(raw.max(axis=2).astype(np.int32), -raw.min(axis=2).astype(np.int32))
        sub_peak = (top.max(axis=0) * _UNSCALE).astype(np.float32)
        if self.loudness:
            energy = self._sub_energy(data[channels : 2 * channels], size)
            self.energies.append(energy.reshape(-1, self.sub).sum(axis=1))
            if self.band:
                energy = self._sub_energy(data[2 * channels :], size)
                self.band_energies.append(energy.reshape(-1, self.sub).sum(axis=1))
            self.sub_energy.append(energy)
            self.sub_peak.append(sub_peak)
        self._peaks(data[:channels], sub_peak)

    def _sub_energy(self, weighted: np.ndarray, size: int) -> np.ndarray:
        """Mean square per sub-block of a segment, summed over channels (float32 sums of a few
        hundred squares of integers: error < 1e-4; added up in float64)."""
        energy = np.zeros(weighted.shape[1] // size)
        for plane in weighted:
            values = plane.astype(np.float32).reshape(-1, size)
            energy += np.einsum("ij,ij->i", values, values)
        return energy * (float(_UNSCALE) ** 2 / self.segment)

    def _peaks(self, raw: np.ndarray, peaks: np.ndarray) -> None:
        """Sample and true peak of ``raw`` (int16, channel by frame, after :attr:`history`),
        whose sub-blocks' sample peaks are ``peaks``."""
        self.sample_peak = max(self.sample_peak, float(peaks.max()))
        reach = TAPS_PER_PHASE - 1
        size = raw.shape[1] // len(peaks)
        # The interpolator is a window of TAPS_PER_PHASE frames: oversampling the frames from
        # ``reach`` before a sub-block to its end gives the intersample values from half a
        # window before it to half a window before its end, so those near the previous
        # sub-block's peak too: a window is screened by the louder of the two.
        screen = np.maximum(peaks, np.concatenate([[self.last_peak], peaks[:-1]]))
        self.last_peak = float(peaks[-1])
        # Only windows whose sample peak is within TRUE_PEAK_SCREEN of the best true peak so
        # far are oversampled (loudest first, so the bar rises quickly).
        for i in np.argsort(screen)[::-1]:
            if screen[i] * TRUE_PEAK_SCREEN <= self.true_peak:
                break
            start = i * size
            block = raw[:, max(0, start - reach) : start + size].astype(np.float32)
            block *= _UNSCALE
            if start < reach:
                block = np.concatenate([self.history[:, start:], block], axis=1)
            best = float(peaks[i])
            for column in block:
                for phase in interpolator():
                    best = max(best, float(np.abs(np.convolve(column, phase, "valid")).max()))
            self.true_peak = max(self.true_peak, best)
        tail = raw[:, -reach:].astype(np.float32) * _UNSCALE
        if tail.shape[1] < reach:
            tail = np.concatenate([self.history, tail], axis=1)[:, -reach:]
        self.history = tail

    def result(self) -> Loudness:
        if self.pending.shape[1]:
            self._peaks_tail()
        segments = np.concatenate(self.energies) if self.energies else np.zeros(0)
        return Loudness(
            integrated=integrated(segments) if self.loudness else math.nan,
            lra=loudness_range(segments) if self.loudness else math.nan,
            true_peak=db(self.true_peak),
            sample_peak=db(self.sample_peak),
            duration=self.frames / self.rate,
            channels=self.channels,
            sample_rate=self.rate,
            short_term=short_term(segments),
            sub_energy=np.concatenate(self.sub_energy) if self.sub_energy else np.zeros(0),
            sub_peak=np.concatenate(self.sub_peak) if self.sub_peak else np.zeros(0),
            sub_per_segment=self.sub,
            band_integrated=integrated(np.concatenate(self.band_energies))
            if self.band_energies
            else math.nan,
        )

    def then(self, later: LoudnessMeter) -> LoudnessMeter:
        """This meter's audio followed by ``later``'s (which started on a segment boundary)."""
        if self.pending.shape[1]:  # cannot happen when split on a segment boundary
            self._peaks_tail()
        later.energies = self.energies + later.energies
        later.band_energies = self.band_energies + later.band_energies
        later.sub_energy = self.sub_energy + later.sub_energy
        later.sub_peak = self.sub_peak + later.sub_peak
        later.frames += self.frames
        later.sample_peak = max(self.sample_peak, later.sample_peak)
        later.true_peak = max(self.true_peak, later.true_peak)
        return later

    def _peaks_tail(self) -> None:
        # The last partial segment: padded with silence to a whole one for the peak scan.
        tail = self.pending[: self.channels]
        raw = np.zeros((self.channels, self.segment), dtype=np.int16)
        raw[:, : tail.shape[1]] = tail
        top = np.maximum(raw.max(axis=1).astype(np.int32), -raw.min(axis=1).astype(np.int32))
        self._peaks(raw, np.array([top.max() * _UNSCALE]))
        self.pending = self.pending[:, :0]


def measure(path: Path, channels: int | None = None) -> Loudness:
    """Measure the audio file ``path`` (mixed to ``channels`` if given)."""
    from podcast.ffmpeg import probe

    info = probe(path)
    channels = channels or info.channels
    graph = f"[0:a:0]aformat=channel_layouts={layout(channels)}[out]"
    return measure_command(["-i", str(path)], graph, info.sample_rate, channels)


def layout(channels: int) -> str:
    return "mono" if channels == 1 else "stereo"


def widen_pipe(pipe: IO[bytes]) -> None:
    """Let ffmpeg run up to 1 MB ahead of the meter (Linux; the default pipe holds 64 kB),
    so that decoding and metering overlap instead of taking turns."""
    with contextlib.suppress(OSError):
        fcntl.fcntl(pipe.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), PIPE_SIZE)


def whole_frames(pipe: IO[bytes], chunk: int, frame: int) -> Iterator[memoryview]:
    """What ``pipe`` puts out, about ``chunk`` bytes at a time, cut at whole frames of
    ``frame`` bytes (a partial frame at the very end is dropped); views, not copies."""
    leftover = b""
    while data := pipe.read(chunk):
        data = leftover + data
        usable = len(data) // frame * frame
        leftover = data[usable:]
        yield memoryview(data)[:usable]


def band_filter(band: int) -> str:
    """The low-pass that stands for the MP3 encoder's (the encoder is given audio through it
    too, see podcast.audio.pipeline)."""
    return f"lowpass=f={band}"


PIPED_MP3 = r"pipe\:0"  # stdin, as a source filter's file name (its colon escaped)

# three copies of the frames side by side, channel for channel in this order
_JOIN3 = {
    1: "channel_layout=3.0:map=0.0-FL|1.0-FR|2.0-FC",
    2: "channel_layout=6.0:map=0.0-FL|0.1-FR|1.0-FC|1.1-BC|2.0-SL|2.1-SR",
}


def _meter_command(
    inputs: list[str],
    graph: str,
    rate: int,
    channels: int,
    loudness: bool,
    piped: bool,
    band: int | None = None,
) -> list[str]:
    if loudness and band:
        # K-weighting and low-pass commute: the band copy is the K-weighted one low-passed
        graph += (
            f";[out]aresample={rate},{REFRAME},asplit[raw][k];[k]{k_weighting_filter(rate)},asplit[kw][b];"
            f"[b]{band_filter(band)}[kb];"
            f"[raw][kw][kb]join=inputs=3:{_JOIN3[channels]}[joined]"
        )
    elif loudness:
        graph += (
            f";[out]aresample={rate},{REFRAME},asplit[raw][k];[k]{k_weighting_filter(rate)}[kw];"
            f"[raw][kw]join=inputs=2:channel_layout={'stereo' if channels == 1 else 'quad'}"
            "[joined]"
        )
    else:
        graph += f";[out]aresample={rate},{REFRAME}[joined]"
    # planar frames of exactly FRAME samples (the last one shorter): see _run
    graph += f";[joined]volume={PIPE_SCALE}:precision=float,{REFRAME}[meter]"
    # (-nostdin: a piped MP3 is the source filter's, not the console's)
    command = [ffmpeg_exe(), "-hide_banner", "-v", "error", "-nostdin"]
    if piped:
        # The MP3 on stdin is read by a source filter in the graph itself, which ffmpeg's
        # lavfi input runs: no demuxer and decoder threads handing over every MP3 frame (ffmpeg
        # 7 and later: 10 futex calls a frame, more CPU than the decoding). Not -filter_complex:
        # ffmpeg sets that graph up twice, and the first set-up reads 64 kB of the pipe.
        source = f"amovie='{PIPED_MP3}':f=mp3,"
        graph = graph.replace("[0:a:0]", source, 1).replace("[meter]", "[out0]")
        command += ["-f", "lavfi", "-i", graph, "-map", "0:a"]
    else:
        command += [*inputs, "-filter_complex", graph, "-map", "[meter]"]
    # (the data muxer: ffmpeg 7's s16le muxer takes no planar PCM)
    return [*command, "-f", "data", "-acodec", "pcm_s16le_planar", "-"]


def _run(
    command: list[str],
    meter: LoudnessMeter,
    progress: Callable[[float], None] | None = None,
    stdin: IO[bytes] | None = None,
) -> None:
    """Run the ffmpeg ``command`` (see _meter_command) and feed what it puts out to ``meter``.

    Its PCM comes in planar frames of :data:`FRAME` samples, the last one shorter: every
    read of one frame's bytes is one frame, its planes side by side.
    """
    planes = meter.planes
    size = FRAME * planes * 2  # int16
    with subprocess.Popen(
        command,
        stdin=stdin if stdin is not None else subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    ) as process:
        assert process.stdout is not None and process.stderr is not None
        widen_pipe(process.stdout)
        errors: list[bytes] = []
        stderr = process.stderr
        reader = threading.Thread(target=lambda: errors.append(stderr.read()))
        reader.start()
        last = False  # a short frame came: the next read must find the end
        out_of_step = False
        while data := process.stdout.read(size):
            if last or len(data) % (2 * planes):
                out_of_step = True
                break
            last = len(data) < size
            meter.feed(np.frombuffer(data, dtype=np.int16).reshape(planes, -1))
            if progress:
                progress(meter.frames / meter.rate)
        if out_of_step:
            process.kill()
        reader.join()
        process.wait()
    if out_of_step:
        raise FfmpegError("the meter's PCM did not come in whole frames")
    if process.returncode != 0:
        raise FfmpegError(last_error_line(b"".join(errors)))


def measure_command(
    inputs: list[str],
    graph: str,
    rate: int,
    channels: int,
    progress: Callable[[float], None] | None = None,
    stdin: IO[bytes] | None = None,
    loudness: bool = True,
    band: int | None = None,
) -> Loudness:
    """Measure what the ffmpeg filter ``graph`` on ``inputs`` puts out as ``[out]``.

    ``loudness=False``: only the sample and true peak (no K-weighting; much cheaper).

    ``[out]`` is resampled to ``rate`` Hz and has ``channels`` channels.  ``stdin``: a
    pipe with an MP3 stream, e.g. the encoder's, so that the MP3 is measured while it is
    being written; ``graph`` then reads it as ``[0:a:0]`` and ``inputs`` are not used.
    ``band``: also measure the audio low-passed at ``band`` Hz (``Loudness.band_integrated``).
    """
    command = _meter_command(inputs, graph, rate, channels, loudness, stdin is not None, band)
    meter = LoudnessMeter(rate, channels, band=bool(band), loudness=loudness)
    _run(command, meter, progress, stdin)
    return meter.result()


SPLIT_WARMUP = 1.0  # s decoded before the second half's start, to settle the K-weighting


def measure_split(
    path: Path,
    channels: int,
    rate: int,
    frames: int,
    progress: Callable[[float], None] | None = None,
    band: int | None = None,
) -> Loudness:
    """Measure the file ``path`` (``frames`` frames at its own ``rate``) in two halves at once.

    Two ffmpeg decoders and two meters run in parallel (two cores).  The halves meet on a
    100 ms segment boundary; the second starts :data:`SPLIT_WARMUP` early so that the
    K-weighting filters and the true-peak interpolator have settled (those frames are only
    decoded, not counted).  Segment energies and peaks then join exactly: the result is that
    of one pass (see tests/test_loudness.py).
    """
    shape = f"aformat=channel_layouts={layout(channels)}"
    segment = max(1, round(rate * SEGMENT))
    split = frames // 2 // segment * segment
    warmup = min(split, int(SPLIT_WARMUP * rate))
    first = LoudnessMeter(rate, channels, band=bool(band))
    second = LoudnessMeter(rate, channels, band=bool(band))
    second.skip = warmup
    commands = [
        _meter_command(
            ["-i", str(path)], f"[0:a:0]atrim=end_sample={split},{shape}[out]", rate, channels,
            True, False, band,
        ),
        _meter_command(
            ["-ss", f"{(split - warmup) / rate:.6f}", "-i", str(path)], f"[0:a:0]{shape}[out]",
            rate, channels, True, False, band,
        ),
    ]  # fmt: skip
    lock = threading.Lock()

    def report(_done: float) -> None:
        if progress:
            with lock:
                progress((first.frames + second.frames) / rate)

    failures: list[FfmpegError] = []

    def run(command: list[str], meter: LoudnessMeter) -> None:
        try:
            _run(command, meter, report)
        except FfmpegError as error:
            failures.append(error)

    other = threading.Thread(target=run, args=(commands[1], second))
    other.start()
    run(commands[0], first)
    other.join()
    if failures:
        raise failures[0]
    return first.then(second).result()
