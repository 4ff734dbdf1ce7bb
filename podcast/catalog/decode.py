"""Masters decoded to the end, once: what a header claims is not what a file holds.

A FLAC cut short in a copy still says 61 s in its header, and mutagen and ffmpeg's
probe believe it; only decoding to the end finds the 28 s that are there.  So
validate decodes every master once (ffmpeg's ``volumedetect`` counts the samples and
finds the peak) and refuses one

- whose decodable length differs from its header's (cut short or damaged),
- that is too short to be measured (BS.1770 gates 400 ms blocks), or
- that is silent or nearly so (its peak under −60 dBFS).

The result is remembered by path, size, mtime and inode in
``<cache>/catalog/decoded.json``, so a master is decoded again only when it changed.
The masters to decode are decoded while the catalog goes on loading, one per core
(:meth:`DecodeCheck.later`); their problems are added when it has loaded
(:meth:`DecodeCheck.finish`).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from podcast.catalog.models import AudioInfo
from podcast.ffmpeg import FfmpegError, run_ffmpeg
from podcast.stamps import StampedCache

VERSION = 1
MIN_SECONDS = 1.0  # shorter cannot be measured: BS.1770 needs 400 ms blocks, 3 s windows
SILENT_PEAK = -60.0  # dBFS: a peak under this is no programme
LENGTH_TOLERANCE = 0.5  # s, or 1 % of the length if that is more
_SAMPLES = re.compile(rb"n_samples: (\d+)")
_PEAK = re.compile(rb"max_volume: (-?[\d.]+|-inf) dB")


@dataclass(frozen=True)
class Decoded:
    seconds: float  # of audio that decodes
    peak_db: float  # sample peak, dBFS (-inf for digital silence)


def decode(path: Path, info: AudioInfo) -> Decoded:
    """Decode ``path`` to the end: how long it really is, and its peak."""
    result = run_ffmpeg(
        ["-nostats", "-i", str(path), "-map", "0:a:0", "-af", "volumedetect", "-f", "null", "-"],
        file=path,
    )
    samples = max((int(n) for n in _SAMPLES.findall(result.stderr)), default=0)
    peaks = [float(p) for p in _PEAK.findall(result.stderr)]
    channels = max(1, info.channels)
    return Decoded(samples / channels / info.sample_rate, max(peaks, default=float("-inf")))


class DecodeCheck:
    """Decodes masters for the catalog, remembering what it found under ``cache``."""

    def __init__(self, cache: Path | None) -> None:
        self.cache = StampedCache(cache / "catalog" / "decoded.json", VERSION) if cache else None
        self.pool: ThreadPoolExecutor | None = None
        self.pending: list[tuple[Future[str | None], Callable[[str], None]]] = []

    def later(self, path: Path, info: AudioInfo, report: Callable[[str], None]) -> None:
        """Check the master in the background (ffmpeg processes, one per core); what is
        wrong with it goes to ``report`` in :meth:`finish`."""
        if self.pool is None:
            self.pool = ThreadPoolExecutor(max_workers=os.cpu_count() or 1)
        self.pending.append((self.pool.submit(self.problem, path, info), report))

    def finish(self) -> None:
        """Wait for the checks :meth:`later` started; report their problems in that order."""
        for future, report in self.pending:
            message = future.result()
            if message is not None:
                report(message)
        self.pending = []
        if self.pool is not None:
            self.pool.shutdown()
            self.pool = None

    def _decoded(self, path: Path, info: AudioInfo) -> Decoded:
        if self.cache is None:
            return decode(path, info)
        value = self.cache.get(path, lambda p: vars(decode(p, info)))
        return Decoded(float(value["seconds"]), float(value["peak_db"]))

    def problem(self, path: Path, info: AudioInfo) -> str | None:
        """What is wrong with the master's decoded audio, or None."""
        try:
            decoded = self._decoded(path, info)
        except FfmpegError as error:
            return f'"{path.name}" does not decode to the end ({error})'
        tolerance = max(LENGTH_TOLERANCE, 0.01 * info.duration)
        if abs(decoded.seconds - info.duration) > tolerance:
            return (
                f'"{path.name}" decodes to {decoded.seconds:.1f} s of audio, but its header '
                f"says {info.duration:.1f} s (expected the whole recording: the file is cut "
                "short or damaged; export or copy it again)"
            )
        if decoded.seconds < MIN_SECONDS:
            return (
                f'"{path.name}" is {decoded.seconds:.1f} s long (expected a recording of at '
                f"least {MIN_SECONDS:.0f} s: shorter cannot be measured for loudness)"
            )
        if decoded.peak_db < SILENT_PEAK:
            peak = "no signal at all" if decoded.peak_db == float("-inf") else (
                f"its peak is {decoded.peak_db:.1f} dBFS"
            )
            return f'"{path.name}" is silent or nearly so ({peak}; expected speech or music)'
        return None

    def save(self) -> None:
        if self.cache is not None:
            self.cache.save()
