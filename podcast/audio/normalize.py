"""Linear loudness normalization with a true-peak limit, in one encode pass.

1. **Measure** the master (BS.1770 integrated loudness, LRA, true peak) by streaming
   decoded PCM through :mod:`podcast.audio.loudness` — much cheaper than ffmpeg's ebur128;
   a long PCM/FLAC master in two halves on two cores.
2. **Decide** one gain.  If the master at that gain stays under the true-peak ceiling
   the encode is purely linear.  If not, the target cannot be reached linearly, and the
   show's ``when_too_loud`` decides: ``limit`` (a look-ahead limiter on the peaks only;
   the gain is raised by what the limiter takes, predicted from the measurement) or
   ``lower`` (a smaller gain, the target is missed).  Either way the report says so.
3. **Encode** once: ``volume`` (+ low-pass and ``alimiter`` when limiting) → libmp3lame.
   MP3 encoding lowers integrated loudness by about 0.45 LU, which the gain includes.
4. **Check** the MP3 *while it is encoded*: ffmpeg's tee muxer writes it to the file and
   to a pipe, which a second ffmpeg decodes for the meter on the other core, so the check
   costs almost no wall time.  The true peak is measured on the whole MP3; the loudness
   (I, LRA, short-term) is predicted from the master's segment energies, the gain and the
   limiter model (within 0.1–0.3 LU; ``full_check`` measures it on the MP3 as well).
   Only an MP3 over the true-peak ceiling (or, with ``full_check``, outside the loudness
   window) is encoded again, with the error corrected.

Intro and outro jingles are joined to the master inside the same ffmpeg graph
(concatenated, or cross-faded), so the whole episode is measured and normalized.
"""

from __future__ import annotations

import os
import re
import subprocess
import threading
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from podcast.audio.loudness import (
    Loudness,
    integrated,
    layout,
    loudness_range,
    measure_command,
    measure_split,
    short_term,
)
from podcast.ffmpeg import FfmpegError, ffmpeg_exe, last_error_line, probe
from podcast.problems import PodcastError
from podcast.progress import PassProgress

MP3_LOSS = 0.45  # LU that MP3 encoding takes from integrated loudness (measured, 64–192 kbps)
PEAK_MARGIN = 1.5  # dB between the limiter's sample-peak limit and the true-peak ceiling
LOW_BITRATE_MARGIN = 2.0  # at 96 kbit/s and less, MP3 overshoots more
TOLERANCE = 0.4  # LU: a result further than this from the target is encoded again
OUTPUT_RATE = 44100
MIN_SAMPLE_RATE = 22050
SPLIT_MINIMUM = 60.0  # s: longer masters are measured in two halves in parallel


class AudioError(PodcastError):
    """The audio cannot be normalized; the message names the file."""


@dataclass(frozen=True)
class LoudnessTarget:
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

    def graph(self, channels: int, chain: str) -> tuple[str, int | None]:
        """An ffmpeg filter graph that puts out ``[out]`` = joined source → ``chain``.

        Returns the graph and the sample rate of the result (None: the master's own).
        """
        shape = f"aformat=channel_layouts={layout(channels)}"
        if len(self.files) == 1:
            return f"[0:a:0]{shape}{',' + chain if chain else ''}[out]", None
        parts = []
        labels = []
        for i in range(len(self.files)):
            parts.append(
                f"[{i}:a:0]aresample={OUTPUT_RATE},aformat=sample_fmts=flt:channel_layouts={layout(channels)}[s{i}]"
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
        return ";".join(parts), OUTPUT_RATE


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
    # output I/LRA: "predicted" from the input measurement (±0.1 LU for speech, ±0.3 with
    # heavy limiting) or "measured" on the MP3; the output true peak is always measured
    output_loudness: str = "measured"
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
            f"out {o.integrated:6.1f} LUFS LRA {o.lra:4.1f} TP {o.true_peak:5.1f} dBTP"
            f"{' (I, LRA predicted)' if self.output_loudness == 'predicted' else ''}, "
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
    source: Source,
    channels: int,
    progress: PassProgress | None = None,
    rate: int | None = None,
) -> Loudness:
    """The loudness of the (joined) source.  A long PCM or FLAC master on its own, at its own
    rate, is measured in two halves in parallel (seeking in those formats is sample-exact)."""
    graph, joined_rate = source.graph(channels, "")
    info = probe(source.master)
    rate = joined_rate or rate or info.sample_rate
    splittable = info.codec.startswith("pcm_") or info.codec == "flac"
    alone = len(source.files) == 1 and rate == info.sample_rate
    try:
        if alone and splittable and info.duration >= SPLIT_MINIMUM:
            frames = round(info.duration * rate)
            return measure_split(source.master, channels, rate, frames, progress)
        return measure_command(source.input_args(), graph, rate, channels, progress=progress)
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


def _tee_escape(path: Path) -> str:
    """``path`` escaped for a slave of ffmpeg's tee muxer."""
    return re.sub(r"([\\'|\[\]:=,;])", r"\\\1", str(path))


def _encode_and_measure(
    source: Source,
    out: Path,
    target: LoudnessTarget,
    chain: str,
    rate: int,
    progress: PassProgress | None,
    loudness: bool = False,
) -> Loudness:
    """Encode ``source`` through ``chain`` into the MP3 ``out`` and measure the MP3
    (its peaks; with ``loudness`` everything).

    The encoder's tee muxer writes the MP3 to ``out`` and, packet for packet, to a pipe
    that a second ffmpeg decodes for the meter: the output is verified *while* it is
    encoded (on another core), not in a second pass over the file.
    """
    graph, _rate = source.graph(target.channels, chain)
    command = [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y",
        *source.input_args(), "-filter_complex", graph, "-map", "[out]",
        "-map_metadata", "-1", "-ac", str(target.channels), "-ar", str(rate),
        "-c:a", "libmp3lame", "-b:a", f"{target.bitrate}k",
        "-f", "tee", f"[f=mp3]{_tee_escape(out)}|[f=mp3]pipe:1",
    ]  # fmt: skip
    with subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE) as encoder:
        assert encoder.stdout is not None and encoder.stderr is not None
        errors: list[bytes] = []
        reader = threading.Thread(target=lambda: errors.append(encoder.stderr.read()))
        reader.start()
        try:
            result: Loudness | None = measure_command(
                ["-f", "mp3", "-i", "pipe:0"],
                f"[0:a:0]aformat=channel_layouts={layout(target.channels)}[out]",
                rate,
                target.channels,
                progress=progress,
                stdin=encoder.stdout,
                loudness=loudness,
            )
        except FfmpegError:
            result = None
        finally:
            encoder.stdout.close()
        reader.join()
        encoder.wait()
    if encoder.returncode != 0 or result is None:
        message = last_error_line(b"".join(errors))
        raise AudioError(f"{source.master}: encoding failed ({message})")
    return result


def peak_margin(target: LoudnessTarget) -> float:
    return LOW_BITRATE_MARGIN if target.bitrate <= 96 else PEAK_MARGIN


def plan_gain(
    measured: Loudness, target: LoudnessTarget
) -> tuple[float, float | None, str, list[str]]:
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
    gain = _gain_for(measured, goal, gain, limit)
    return gain, limit, "limited", [reason + "; peaks limited (show setting when_too_loud: limit)"]


def predict_output(measured: Loudness, gain: float, limit: float | None) -> Loudness:
    """The MP3's loudness, predicted from the input's segment energies, the gain, the limiter
    model (Loudness.segments_after) and MP3_LOSS: within about 0.1 LU of a measurement
    (0.3 LU with heavy limiting).
    Its peaks are the input's (the MP3's true peak is measured while encoding)."""
    if not len(measured.sub_energy):
        return replace(measured, integrated=measured.integrated + gain - MP3_LOSS)
    segments = measured.segments_after(gain - MP3_LOSS, None if limit is None else limit - MP3_LOSS)
    return replace(
        measured,
        integrated=integrated(segments),
        lra=loudness_range(segments),
        short_term=short_term(segments),
    )


def _gain_for(measured: Loudness, goal: float, gain: float, limit: float) -> float:
    """The gain that reaches ``goal`` (before MP3 loss) with the limiter at ``limit``."""
    for _ in range(4):  # the limiter takes some loudness: raise the gain by what it takes
        gain += goal - measured.predict_limited(gain, limit)
    return gain


def normalize(
    source: Source,
    out: Path,
    target: LoudnessTarget,
    progress: Callable[[str, float, float], None] | None = None,
    full_check: bool = False,
) -> LoudnessReport:
    """Normalize ``source`` into the MP3 ``out``; return the loudness report.

    The MP3's true peak is always measured (decoded while it is encoded).  Its loudness is
    predicted from the measurement of the input (within about 0.1–0.3 LU); ``full_check``
    measures it on the MP3 too, and encodes again if it is off by more than TOLERANCE.
    """
    check_source(source)

    def phase(name: str, total: float) -> PassProgress | None:
        if progress is None:
            return None
        return lambda done: progress(name, done, total)

    infos = [probe(p) for p in source.files]
    expected = sum(info.duration for info in infos)
    measured = measure_source(source, target.channels, phase("measure", expected))
    name = source.master
    if measured.duration <= 0:
        raise AudioError(f"{name}: has no audio (zero length)")
    if measured.silent:
        raise AudioError(f"{name}: contains only silence (nothing to normalize)")
    gain, limit, mode, notes = plan_gain(measured, target)
    goal = target.loudness + MP3_LOSS
    encode_progress = phase("encode", expected)
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.{threading.get_ident()}.part.mp3")
    passes = 0
    try:
        while True:
            passes += 1
            chain = _limit_chain(gain, limit)
            checked = _encode_and_measure(
                source, tmp, target, chain, OUTPUT_RATE, encode_progress, loudness=full_check
            )
            result = checked if full_check else predict_output(measured, gain, limit)
            result = replace(result, true_peak=checked.true_peak, sample_peak=checked.sample_peak)
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
                if mode == "limited" and not full_check:
                    gain = _gain_for(measured, goal, gain, limit)
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
        output_loudness="measured" if full_check else "predicted",
        notes=tuple(notes),
        short_term_input=measured.short_term,
        short_term_output=result.short_term,
    )
