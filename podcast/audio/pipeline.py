"""One encode pass, measured while it runs: decoder → gain → limiter → LAME → file + meter.

Four processes work at once, each on what it does best:

* an ffmpeg **decoder** joins the source (jingles), low-passes it as LAME will and puts out
  float PCM at the MP3's rate;
* this process applies the gain (times the speech leveler's gain curve if there is one,
  :mod:`podcast.audio.leveler`) and runs the true-peak **limiter** (numpy,
  :mod:`podcast.audio.limiter`) on it and writes the result to
* the ffmpeg **encoder** (libmp3lame), whose tee muxer writes the MP3 to the file and,
  packet for packet, to a pipe that
* a second ffmpeg **decodes for the meter** (:mod:`podcast.audio.loudness`, in a thread
  here): the MP3's integrated loudness, LRA and true peak are measured on the encoded
  stream as it is written, not predicted and not in a second pass over the file.
"""

from __future__ import annotations

import re
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import IO

import numpy as np

from podcast.audio.leveler import GainCurve
from podcast.audio.limiter import PeakLimiter
from podcast.audio.loudness import (
    REFRAME,
    Loudness,
    band_filter,
    layout,
    measure_command,
    whole_frames,
    widen_pipe,
)
from podcast.audio.source import OUTPUT_RATE, AudioError, Source
from podcast.ffmpeg import FfmpegError, ffmpeg_exe, last_error_line
from podcast.progress import PassProgress

CHUNK_SECONDS = 1.0
# LAME's own low-pass by bit rate (lame.c, optimum_bandwidth), set explicitly so that every
# LAME build cuts the same band, and applied before the limiter too: the peaks the limiter
# holds under the ceiling are then the peaks of what LAME encodes
CUTOFF = {32: 5500, 48: 7500, 56: 10000, 64: 11000, 80: 13500, 96: 15100, 112: 15600}
WIDE_CUTOFF = 17000  # 128 kbit/s and more
# The MP3 in whole I/O buffers (32 kB), not packet by packet: ffmpeg flushes its output after
# every packet by default, which for 30 minutes of MP3 is 69,000 writes to the file and as many
# wake-ups of the meter reading the pipe (sys time in both, and CPU the encoder loses)
MP3_SLAVE = "f=mp3:flush_packets=0"


def cutoff(bitrate: int) -> int:
    """The low-pass frequency (Hz) for an MP3 of ``bitrate`` kbit/s."""
    for top, frequency in sorted(CUTOFF.items()):
        if bitrate <= top:
            return frequency
    return WIDE_CUTOFF


@dataclass(frozen=True)
class EncodePlan:
    gain: float  # dB, applied before the limiter
    ceiling: float | None  # dBTP the limiter holds the true peaks to; None: no limiter
    channels: int
    bitrate: int
    prefilter: str = ""  # ffmpeg clean-up filters before the gain (podcast.audio.leveler)
    levels: GainCurve | None = None  # the speech leveler's gain, applied before the limiter


@dataclass(frozen=True)
class EncodeResult:
    loudness: Loudness  # of the MP3, measured as it was written
    limited_by: float  # dB, the loudest peak's reduction
    limited_seconds: float  # turned down by more than 1 dB


def tee_escape(path: Path) -> str:
    """``path`` escaped for a slave of ffmpeg's tee muxer."""
    return re.sub(r"([\\'|\[\]:=,;])", r"\\\1", str(path))


def _decoder_command(source: Source, plan: EncodePlan) -> list[str]:
    band = cutoff(plan.bitrate)
    chain = f"{REFRAME},{band_filter(band)}"  # (encode_pass applies the gain)
    if plan.prefilter:
        chain = f"{plan.prefilter},{chain}"
    graph, _rate = source.graph(plan.channels, chain)
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", *source.input_args(),
        "-filter_complex", graph, "-map", "[out]", "-ac", str(plan.channels),
        "-ar", str(OUTPUT_RATE), "-f", "f32le", "-acodec", "pcm_f32le", "-",
    ]  # fmt: skip


def _encoder_command(out: Path, plan: EncodePlan) -> list[str]:
    return [
        ffmpeg_exe(), "-hide_banner", "-v", "error", "-y",
        "-f", "s16le", "-ar", str(OUTPUT_RATE), "-ac", str(plan.channels), "-i", "pipe:0",
        "-map", "0:a", "-map_metadata", "-1", "-c:a", "libmp3lame", "-b:a", f"{plan.bitrate}k",
        "-cutoff", str(cutoff(plan.bitrate)),
        "-f", "tee", f"[{MP3_SLAVE}]{tee_escape(out)}|[{MP3_SLAVE}]pipe:1",
    ]  # fmt: skip


def _pcm16(frames: np.ndarray) -> bytes:
    """Limited frames (under the ceiling) as 16-bit PCM: what LAME takes from a 16-bit WAV,
    and half the bytes of float through the pipe."""
    return np.rint(np.clip(frames, -1.0, 32767 / 32768) * 32768).astype("<i2").tobytes()


def _drain(stream: IO[bytes], into: list[bytes]) -> threading.Thread:
    thread = threading.Thread(target=lambda: into.append(stream.read()), daemon=True)
    thread.start()
    return thread


def encode_pass(
    source: Source,
    out: Path,
    plan: EncodePlan,
    progress: PassProgress | None = None,
) -> EncodeResult:
    """Encode ``source`` with ``plan`` into the MP3 ``out``; the MP3 measured as it is written."""
    channels = plan.channels
    limiter = PeakLimiter(OUTPUT_RATE, channels, plan.ceiling)
    scale = np.float32(10 ** (plan.gain / 20))
    frame = 4 * channels
    chunk = int(CHUNK_SECONDS * OUTPUT_RATE) * frame
    pipe = subprocess.PIPE
    decoder = subprocess.Popen(_decoder_command(source, plan), stdout=pipe, stderr=pipe)
    encoder = subprocess.Popen(_encoder_command(out, plan), stdin=pipe, stdout=pipe, stderr=pipe)
    assert decoder.stdout and decoder.stderr and encoder.stdin and encoder.stdout
    assert encoder.stderr
    widen_pipe(decoder.stdout)
    widen_pipe(encoder.stdin)
    widen_pipe(encoder.stdout)
    decoder_errors: list[bytes] = []
    encoder_errors: list[bytes] = []
    drains = [_drain(decoder.stderr, decoder_errors), _drain(encoder.stderr, encoder_errors)]
    measured: list[Loudness] = []
    meter_errors: list[str] = []

    def meter() -> None:
        try:
            measured.append(
                measure_command(
                    [],  # (the MP3 on stdin)
                    f"[0:a:0]aformat=channel_layouts={layout(channels)}[out]",
                    OUTPUT_RATE,
                    channels,
                    stdin=encoder.stdout,
                )
            )
        except FfmpegError as error:
            meter_errors.append(str(error))

    metering = threading.Thread(target=meter, daemon=True)
    metering.start()
    broken = False
    decoded = 0  # frames read from the decoder
    try:
        for data in whole_frames(decoder.stdout, chunk, frame):
            frames = np.frombuffer(data, dtype=np.float32).reshape(-1, channels)
            if plan.levels is not None:
                gain = plan.levels.at(decoded, len(frames), OUTPUT_RATE) * scale  # float32
                frames = frames * gain[:, None]
            else:
                frames = frames * scale
            decoded += len(frames)
            encoder.stdin.write(_pcm16(limiter.process(frames)))
            if progress:
                progress(limiter.frames / OUTPUT_RATE)
        encoder.stdin.write(_pcm16(limiter.finish()))
    except BrokenPipeError:
        broken = True  # the encoder stopped; its error says why
    finally:
        decoder.stdout.close()
        try:
            encoder.stdin.close()
        except BrokenPipeError:
            broken = True
        decoder.wait()
        encoder.wait()
        metering.join()
        encoder.stdout.close()
        for thread in drains:
            thread.join()
    if decoder.returncode != 0 and not broken:
        message = last_error_line(b"".join(decoder_errors))
        raise AudioError(f"{source.master}: does not decode ({message})")
    if encoder.returncode != 0 or broken or meter_errors or not measured:
        reason = last_error_line(b"".join(encoder_errors))
        if encoder.returncode == 0 and meter_errors:
            reason = f"the MP3 does not decode: {meter_errors[0]}"
        raise AudioError(f"{source.master}: encoding failed ({reason})")
    return EncodeResult(measured[0], limiter.limited_by, limiter.limited_seconds)
