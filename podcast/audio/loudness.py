"""Loudness measurement (ITU-R BS.1770-4 / EBU R128) of audio streamed through ffmpeg.

ffmpeg decodes to 32-bit float PCM on a pipe and applies the K-weighting (two biquads in
double precision, so the IIR filtering runs in the ffmpeg process, on another core), sending
every channel both unweighted and K-weighted; numpy computes, chunk by chunk:

* K-weighted energy of every 100 ms segment (the gating blocks are 4 segments,
  75 % overlap), from which integrated loudness (absolute −70 LUFS gate, relative
  −10 LU gate), short-term loudness (3 s) and loudness range (EBU Tech 3342) follow;
* the true peak, from 4× polyphase oversampling.  It is only computed for the
  segments that could beat the highest true peak found so far (a segment's true
  peak is at most its sample peak times the interpolator's gain bound), which keeps
  the cost of a true-peak scan close to that of a sample-peak scan.

Memory is one chunk of PCM plus a few floats per 100 ms: a 3-hour master needs a
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
CHUNK_SECONDS = 1.0
PIPE_SIZE = 1 << 20
# The meter's PCM comes as 16-bit integers, a quarter of full scale: half the bytes of float
# through the pipe, 12 dB of headroom for K-weighted and decoded overs, and a resolution
# (-84 dBFS) far under anything that counts (the gates are at -70 LUFS and below the loudness)
PIPE_SCALE = 0.25
# ffmpeg's filters and pipe writes work frame by frame: 16384 samples, not the demuxers'
# 1024 or so, cut its CPU time to a third (fewer frames, fewer and larger writes); 65536
# (1.5 s), fewer hand-overs between ffmpeg 7's threads too: the meter of a 30-min MP3 took
# 1.7 instead of 2.0 CPU s (either binary)
REFRAME = "asetnsamples=n=65536:p=0"
OVERSAMPLE = 4
TAPS_PER_PHASE = 32
# Intersample peaks more than 2 dB over the sample peak do not occur in band-limited audio
# (and not at all after the MP3 low-pass); segments further below the best are skipped.
TRUE_PEAK_SCREEN = 10 ** (2.0 / 20)


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
    """Feed float32 frames and their K-weighted twins in order; read :meth:`result`."""

    def __init__(self, rate: int, channels: int, band: bool = False) -> None:
        self.rate = rate
        self.channels = channels
        self.band = band  # fed a third, low-passed and K-weighted, copy of the frames
        self.band_energies: list[np.ndarray] = []
        self.pending_b = np.zeros((0, channels), dtype=np.float32)
        self.segment = max(1, round(rate * SEGMENT))
        self.pending = np.zeros((0, channels), dtype=np.float32)  # < one segment, unweighted
        self.pending_k = np.zeros((0, channels), dtype=np.float32)
        self.energies: list[np.ndarray] = []  # mean square per segment, summed over channels
        # per sub-block (a fifth of a segment): K-weighted energy and sample peak, from which
        # the effect of a peak limiter on the loudness is predicted (see predict_limited)
        self.sub = 5 if self.segment % 5 == 0 else 1
        self.sub_energy: list[np.ndarray] = []
        self.sub_peak: list[np.ndarray] = []
        self.frames = 0
        self.skip = (
            0  # frames still to drop (decoded only to settle the filters; see measure_split)
        )
        self.peaks_only = False
        self.sample_peak = 0.0
        self.true_peak = 0.0
        self.history = np.zeros((TAPS_PER_PHASE - 1, channels), dtype=np.float32)

    def feed(
        self, frames: np.ndarray, weighted: np.ndarray | None, banded: np.ndarray | None = None
    ) -> None:
        """``frames`` (n, channels) and the same frames K-weighted (see k_weighting_filter),
        and (``band`` meters) low-passed and K-weighted.

        Without ``weighted`` only the peaks are measured (the loudness comes out as NaN).
        """
        if self.skip:
            drop = min(self.skip, len(frames))
            self.history = np.concatenate([self.history, frames[:drop]])[-(TAPS_PER_PHASE - 1) :]
            self.skip -= drop
            frames = frames[drop:]
            weighted = None if weighted is None else weighted[drop:]
            banded = None if banded is None else banded[drop:]
        if not len(frames):
            return
        self.frames += len(frames)
        if weighted is None:
            self.peaks_only = True
        data = np.concatenate([self.pending, frames]) if len(self.pending) else frames
        if weighted is not None and len(self.pending_k):
            weighted = np.concatenate([self.pending_k, weighted])
        if banded is not None and len(self.pending_b):
            banded = np.concatenate([self.pending_b, banded])
        whole = len(data) // self.segment * self.segment
        size = self.segment // self.sub
        if whole and weighted is not None:
            # energies per sub-block (float32 sums of a few hundred squares: error < 1e-4),
            # added up in float64 to the 100 ms segments
            energy = self._sub_energy(weighted[:whole], size)
            self.energies.append(energy.reshape(-1, self.sub).sum(axis=1))
            if banded is not None:
                energy = self._sub_energy(banded[:whole], size)
                self.band_energies.append(energy.reshape(-1, self.sub).sum(axis=1))
            self.sub_energy.append(energy)
            self.sub_peak.append(np.abs(data[:whole]).reshape(-1, size * self.channels).max(axis=1))
        if whole:
            self._peaks(data[:whole])
        self.pending = data[whole:]
        if weighted is not None:
            self.pending_k = weighted[whole:]
        if banded is not None:
            self.pending_b = banded[whole:]

    def _sub_energy(self, weighted: np.ndarray, size: int) -> np.ndarray:
        sub = weighted.reshape(-1, size, self.channels)
        return np.einsum("ijk,ijk->i", sub, sub).astype(np.float64) / self.segment

    def _peaks(self, data: np.ndarray) -> None:
        """Sample and true peak of whole segments ``data`` (following ``self.history``)."""
        n_seg = len(data) // self.segment
        peaks = np.abs(data).reshape(n_seg, self.segment * self.channels).max(axis=1)
        self.sample_peak = max(self.sample_peak, float(peaks.max()))
        padded = np.concatenate([self.history, data])
        self.history = data[-(TAPS_PER_PHASE - 1) :]
        # Only segments whose sample peak is within TRUE_PEAK_SCREEN of the best true peak
        # so far are oversampled (loudest first, so the bar rises quickly).
        for i in np.argsort(peaks)[::-1]:
            if peaks[i] * TRUE_PEAK_SCREEN <= self.true_peak:
                break
            start = i * self.segment
            block = padded[start : start + self.segment + TAPS_PER_PHASE - 1]
            top = float(peaks[i])
            for c in range(self.channels):
                column = np.ascontiguousarray(block[:, c])
                for phase in interpolator():
                    top = max(top, float(np.abs(np.convolve(column, phase, "valid")).max()))
            self.true_peak = max(self.true_peak, top)

    def result(self) -> Loudness:
        if len(self.pending):
            tail = self.pending
            self._peaks_tail(tail)
        segments = np.concatenate(self.energies) if self.energies else np.zeros(0)
        return Loudness(
            integrated=math.nan if self.peaks_only else integrated(segments),
            lra=math.nan if self.peaks_only else loudness_range(segments),
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
        if len(self.pending):  # cannot happen when split on a segment boundary; peaks only
            self._peaks_tail(self.pending)
        later.energies = self.energies + later.energies
        later.band_energies = self.band_energies + later.band_energies
        later.sub_energy = self.sub_energy + later.sub_energy
        later.sub_peak = self.sub_peak + later.sub_peak
        later.frames += self.frames
        later.sample_peak = max(self.sample_peak, later.sample_peak)
        later.true_peak = max(self.true_peak, later.true_peak)
        later.peaks_only = self.peaks_only or later.peaks_only
        return later

    def _peaks_tail(self, tail: np.ndarray) -> None:
        # The last partial segment: padded with silence to a whole one for the peak scan.
        pad = np.zeros((self.segment - len(tail), self.channels), dtype=np.float32)
        self._peaks(np.concatenate([tail, pad]))


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
            f";[out]{REFRAME},aresample={rate},asplit[raw][k];[k]{k_weighting_filter(rate)},asplit[kw][b];"
            f"[b]{band_filter(band)}[kb];"
            f"[raw][kw][kb]join=inputs=3:{_JOIN3[channels]}[joined]"
        )
    elif loudness:
        graph += (
            f";[out]{REFRAME},aresample={rate},asplit[raw][k];[k]{k_weighting_filter(rate)}[kw];"
            f"[raw][kw]join=inputs=2:channel_layout={'stereo' if channels == 1 else 'quad'}"
            "[joined]"
        )
    else:
        graph += f";[out]{REFRAME},aresample={rate}[joined]"
    graph += f";[joined]volume={PIPE_SCALE}:precision=float[meter]"
    # (-nostdin: a piped MP3 is the source filter's, not the console's)
    command = [ffmpeg_exe(), "-hide_banner", "-v", "error", "-nostdin"]
    if piped:
        # The MP3 on stdin is read by a source filter in the graph itself, which ffmpeg's
        # lavfi input runs: no demuxer and decoder threads handing over every MP3 frame (ffmpeg
        # 7 and later: 10 futex calls a frame, more CPU than the decoding). Not -filter_complex:
        # ffmpeg sets that graph up twice, and the first set-up reads 64 kB of the pipe.
        source = f"amovie='{PIPED_MP3}':f=mp3,"
        graph = graph.replace("[0:a:0]", source, 1).replace("[meter]", "[out0]")
        command += ["-f", "lavfi", "-i", graph]
    else:
        command += [*inputs, "-filter_complex", graph, "-map", "[meter]"]
    return [*command, "-f", "s16le", "-acodec", "pcm_s16le", "-"]


def _run(
    command: list[str],
    meter: LoudnessMeter,
    loudness: bool,
    progress: Callable[[float], None] | None = None,
    stdin: IO[bytes] | None = None,
) -> None:
    """Run the ffmpeg ``command`` (s16le to stdout) and feed what it puts out to ``meter``."""
    channels, rate = meter.channels, meter.rate
    # each channel unweighted and K-weighted (and low-passed and K-weighted)
    copies = (3 if meter.band else 2) if loudness else 1
    width = copies * channels
    frame = 2 * width  # int16
    chunk = int(CHUNK_SECONDS * rate) * frame
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
        for data in whole_frames(process.stdout, chunk, frame):
            pcm = np.frombuffer(data, dtype=np.int16).reshape(-1, width)
            both = pcm.astype(np.float32) * np.float32(1 / (32768 * PIPE_SCALE))
            if loudness and meter.band:
                meter.feed(
                    np.ascontiguousarray(both[:, :channels]),
                    both[:, channels : 2 * channels],
                    both[:, 2 * channels :],
                )
            elif loudness:
                meter.feed(np.ascontiguousarray(both[:, :channels]), both[:, channels:])
            else:
                meter.feed(both, None)
            if progress:
                progress(meter.frames / rate)
        reader.join()
        process.wait()
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
    meter = LoudnessMeter(rate, channels, band=bool(band and loudness))
    _run(command, meter, loudness, progress, stdin)
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
            _run(command, meter, True, report)
        except FfmpegError as error:
            failures.append(error)

    other = threading.Thread(target=run, args=(commands[1], second))
    other.start()
    run(commands[0], first)
    other.join()
    if failures:
        raise failures[0]
    return first.then(second).result()
