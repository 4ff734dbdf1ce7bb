"""Linear loudness normalization with a true-peak limit, in one encode pass.

1. **Measure** the master (BS.1770 integrated loudness, LRA, true peak) by streaming
   decoded PCM through :mod:`podcast.loudness` — much cheaper than ffmpeg's ebur128.
2. **Decide** one gain.  If the master at that gain stays under the true-peak ceiling
   the encode is purely linear.  If not, the target cannot be reached linearly, and the
   show's ``when_too_loud`` decides: ``limit`` (a look-ahead limiter on the peaks only;
   the gain is raised by what the limiter takes, predicted from the measurement) or
   ``lower`` (a smaller gain, the target is missed).  Either way the report says so.
3. **Encode** once: ``volume`` (+ low-pass and ``alimiter`` when limiting) → libmp3lame.
   MP3 encoding lowers integrated loudness by about 0.45 LU, which the gain includes.
4. **Verify** the MP3 (decoding an MP3 is cheap).  Only if it misses the true-peak
   ceiling or the loudness window is it encoded again, with the error corrected.

Intro and outro jingles are joined to the master inside the same ffmpeg graph
(concatenated, or cross-faded), so the whole episode is measured and normalized.
"""

from __future__ import annotations

import os
import subprocess
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

from podcast.ffmpeg import FfmpegError, ffmpeg_exe, last_error_line, probe
from podcast.loudness import Loudness, measure_command
from podcast.problems import PodcastError

MP3_LOSS = 0.45  # LU that MP3 encoding takes from integrated loudness (measured, 64–192 kbps)
PEAK_MARGIN = 1.5  # dB between the limiter's sample-peak limit and the true-peak ceiling
LOW_BITRATE_MARGIN = 2.0  # at 96 kbit/s and less, MP3 overshoots more
TOLERANCE = 0.4  # LU: a result further than this from the target is encoded again
OUTPUT_RATE = 44100
MIN_SAMPLE_RATE = 22050

Progress = Callable[[float], None]  # called with seconds of audio done in the current pass


class AudioError(PodcastError):
    """The audio cannot be normalized; the message names the file."""


@dataclass(frozen=True)
class Target:
    """What the output should be."""

    loudness: float = -16.0
    true_peak: float = -1.0
    bitrate: int = 128
    channels: int = 2
    when_too_loud: str = "limit"  # or "lower"


@dataclass(frozen=True)
class Source:
    """The audio to normalize: a master, optionally with intro/outro jingles."""

    master: Path
    intro: Path | None = None
    outro: Path | None = None
    crossfade: float = 0.0

    @property
    def files(self) -> list[Path]:
        return [p for p in (self.intro, self.master, self.outro) if p is not None]

    def input_args(self) -> list[str]:
        args: list[str] = []
        for path in self.files:
            args += ["-i", str(path)]
        return args

    def graph(self, channels: int, chain: str) -> tuple[list[str], int | None]:
        """ffmpeg arguments that produce ``[out]`` = joined source → ``chain``.

        Returns the args and the sample rate of the result (None: the master's own).
        """
        layout = "mono" if channels == 1 else "stereo"
        if len(self.files) == 1:
            prefix = f"aformat=channel_layouts={layout}"
            body = f"{prefix},{chain}" if chain else prefix
            return ["-af", body], None
        parts = []
        labels = []
        for i in range(len(self.files)):
            parts.append(
                f"[{i}:a:0]aresample={OUTPUT_RATE},"
                f"aformat=sample_fmts=flt:channel_layouts={layout}[s{i}]"
            )
            labels.append(f"[s{i}]")
        if self.crossfade > 0:
            current = labels[0]
            for i, label in enumerate(labels[1:], 1):
                parts.append(f"{current}{label}acrossfade=d={self.crossfade}:c1=tri:c2=tri[x{i}]")
                current = f"[x{i}]"
            joined = current
        else:
            parts.append(f"{''.join(labels)}concat=n={len(labels)}:v=0:a=1[joined]")
            joined = "[joined]"
        parts.append(f"{joined}{chain or 'anull'}[out]")
        return ["-filter_complex", ";".join(parts), "-map", "[out]"], OUTPUT_RATE


@dataclass(frozen=True)
class Summary:
    integrated: float
    lra: float
    true_peak: float

    @classmethod
    def of(cls, loudness: Loudness) -> Summary:
        return cls(
            round(loudness.integrated, 2), round(loudness.lra, 2), round(loudness.true_peak, 2)
        )


@dataclass(frozen=True)
class LoudnessReport:
    """What normalization did to one file; written as JSON into the build."""

    file: str
    target: float
    true_peak_limit: float
    input: Summary
    output: Summary
    gain: float  # dB applied
    mode: str  # "linear", "limited" (peaks limited to reach the target) or "lowered"
    limited_by: float  # dB the loudest peak was reduced by the limiter (0: none)
    passes: int  # encodes needed (1 normally)
    duration: float
    notes: tuple[str, ...] = ()
    short_term_input: tuple[float, ...] = field(default=(), repr=False)
    short_term_output: tuple[float, ...] = field(default=(), repr=False)

    @property
    def on_target(self) -> bool:
        return abs(self.output.integrated - self.target) <= 0.5

    def to_json(self) -> dict:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict) -> LoudnessReport:
        data = dict(data)
        data["input"] = Summary(**data["input"])
        data["output"] = Summary(**data["output"])
        for key in ("notes", "short_term_input", "short_term_output"):
            data[key] = tuple(data.get(key, ()))
        return cls(**data)

    def line(self) -> str:
        i, o = self.input, self.output
        text = (
            f"in {i.integrated:6.1f} LUFS LRA {i.lra:4.1f} TP {i.true_peak:5.1f} → "
            f"out {o.integrated:6.1f} LUFS LRA {o.lra:4.1f} TP {o.true_peak:5.1f} dBTP, "
            f"gain {self.gain:+.1f} dB, {self.mode}"
        )
        if self.limited_by > 0:
            text += f" (peaks −{self.limited_by:.1f} dB)"
        return text


def check_source(source: Source) -> None:
    """Clear errors for audio that cannot be normalized, naming the file."""
    for path in source.files:
        if not path.is_file():
            raise AudioError(f"{path}: not found")
        if path.stat().st_size == 0:
            raise AudioError(f"{path}: empty file (0 bytes)")
        try:
            info = probe(path)
        except FfmpegError:
            raise AudioError(
                f"{path}: not readable as audio (corrupt or unsupported format)"
            ) from None
        if info.sample_rate < MIN_SAMPLE_RATE:
            raise AudioError(
                f"{path}: sampled at {info.sample_rate} Hz (expected at least {MIN_SAMPLE_RATE} Hz)"
            )


def measure_source(
    source: Source, channels: int, progress: Progress | None = None, chain: str = ""
) -> Loudness:
    args, rate = source.graph(channels, chain)
    if rate is None:
        rate = probe(source.master).sample_rate
    try:
        return measure_command([*source.input_args(), *args], rate, channels, progress=progress)
    except FfmpegError as error:
        raise AudioError(f"{source.master}: does not decode ({error})") from None


def _limit_chain(gain: float, limit: float | None) -> str:
    chain = f"volume={gain:.3f}dB:precision=float"
    if limit is not None:
        # The low-pass takes what MP3 drops anyway (LAME cuts ~16-17 kHz), so the peaks the
        # limiter sees are the peaks the MP3 will have; sample peaks then ≈ true peaks.
        chain += (
            ",lowpass=f=16000:p=2"
            f",alimiter=limit={10 ** (limit / 20):.5f}:level=0:latency=1:attack=5:release=50"
        )
    return chain


def _encode(
    source: Source,
    out: Path,
    target: Target,
    chain: str,
    duration: float,
    progress: Progress | None,
) -> None:
    args, _rate = source.graph(target.channels, chain)
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
        *source.input_args(), *args,
        "-map_metadata", "-1", "-ac", str(target.channels), "-ar", str(OUTPUT_RATE),
        "-c:a", "libmp3lame", "-b:a", f"{target.bitrate}k", "-write_xing", "1",
        "-progress", "pipe:1", "-nostats", "-f", "mp3", str(out),
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as process:
        assert process.stdout is not None and process.stderr is not None
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(process.stderr.read()))
        reader.start()
        for line in process.stdout:
            if progress and line.startswith(b"out_time_us=") and line[12:].strip().isdigit():
                progress(min(duration, int(line[12:]) / 1e6))
        reader.join()
        process.wait()
    if process.returncode != 0:
        raise AudioError(f"{source.master}: encoding failed ({last_error_line(b''.join(errors))})")


def peak_margin(target: Target) -> float:
    return LOW_BITRATE_MARGIN if target.bitrate <= 96 else PEAK_MARGIN


def plan_gain(measured: Loudness, target: Target) -> tuple[float, float | None, str, list[str]]:
    """The gain (dB), the limiter's limit (dBFS, None for none), the mode, and notes."""
    goal = target.loudness + MP3_LOSS
    gain = goal - measured.integrated
    limit = target.true_peak - peak_margin(target)
    if measured.true_peak + gain <= limit:
        return gain, None, "linear", []
    over = measured.true_peak + gain - limit
    reason = (
        f"{target.loudness:.1f} LUFS is not reachable linearly: the input's true peak "
        f"{measured.true_peak:.1f} dBTP at {gain:+.1f} dB gain would be {over:.1f} dB over "
        f"the {limit:.1f} dBFS limit"
    )
    if target.when_too_loud == "lower":
        gain = limit - measured.true_peak
        return gain, None, "lowered", [reason + f"; target lowered (gain {gain:+.1f} dB)"]
    for _ in range(4):  # the limiter takes some loudness: raise the gain by what it takes
        predicted = measured.predict_limited(gain, limit)
        gain += goal - predicted
    return gain, limit, "limited", [reason + "; peaks limited (show setting when_too_loud: limit)"]


def normalize(
    source: Source,
    out: Path,
    target: Target,
    progress: Callable[[str, float, float], None] | None = None,
) -> LoudnessReport:
    """Normalize ``source`` into the MP3 ``out``; return the loudness report."""
    check_source(source)

    def phase(name: str, total: float) -> Progress | None:
        if progress is None:
            return None
        return lambda done: progress(name, done, total)

    expected = sum(probe(p).duration for p in source.files)
    measured = measure_source(source, target.channels, phase("measure", expected))
    name = source.master
    if measured.duration <= 0:
        raise AudioError(f"{name}: has no audio (zero length)")
    if measured.silent:
        raise AudioError(f"{name}: contains only silence (nothing to normalize)")
    gain, limit, mode, notes = plan_gain(measured, target)
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.{threading.get_ident()}.part.mp3")
    passes = 0
    result = measured
    try:
        while True:
            passes += 1
            chain = _limit_chain(gain, limit)
            _encode(source, tmp, target, chain, measured.duration, phase("encode", expected))
            result = measure_command(
                ["-i", str(tmp), "-ac", str(target.channels)], OUTPUT_RATE, target.channels
            )
            peak_over = result.true_peak - target.true_peak
            miss = target.loudness - result.integrated
            loud_ok = mode == "lowered" or abs(miss) <= TOLERANCE
            if (peak_over <= 0 and loud_ok) or passes == 3:
                break
            notes.append(
                f"pass {passes}: {result.integrated:.2f} LUFS, {result.true_peak:.2f} dBTP; "
                "encoded again with the error corrected"
            )
            if mode != "lowered":
                gain += miss
            if peak_over > 0:
                if limit is None:
                    limit = target.true_peak - peak_margin(target)
                    mode = "limited" if mode == "linear" else mode
                limit -= peak_over + 0.2
        if result.true_peak > target.true_peak:
            raise AudioError(
                f"{name}: true peak {result.true_peak:.2f} dBTP after encoding is over the "
                f"{target.true_peak:.1f} dBTP ceiling even after {passes} passes"
            )
        if not loud_ok:
            notes.append(f"output {result.integrated:.2f} LUFS misses the target")
        os.replace(tmp, out)
    finally:
        tmp.unlink(missing_ok=True)
    limited_by = 0.0
    if limit is not None:
        limited_by = max(0.0, round(measured.true_peak + gain - limit, 2))
    return LoudnessReport(
        file=str(source.master.name),
        target=target.loudness,
        true_peak_limit=target.true_peak,
        input=Summary.of(measured),
        output=Summary.of(result),
        gain=round(gain, 2),
        mode=mode,
        limited_by=limited_by,
        passes=passes,
        duration=round(result.duration, 3),
        notes=tuple(notes),
        short_term_input=measured.short_term,
        short_term_output=result.short_term,
    )
