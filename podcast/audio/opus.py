"""The Opus alternate: each episode's normalized MP3 again, as a speech-tuned Ogg Opus file.

It is encoded from the **final MP3** (decoded), not from the master: the MP3 is already
normalized, limited and joined with the jingles, so the Opus carries exactly what the MP3
carries, its cache key is just the MP3's hash and the Opus settings (an unchanged MP3 is
never encoded again, whatever the audio stage's internals do), and the audio is measured
once, where it is published.  Opus (libopus ``-application voip`` at 32 kbit/s mono,
48 kbit/s stereo) cuts the band a little differently from LAME, which moves the integrated
loudness by a few tenths of a LU: the Opus is measured after the encode and, when it is off
the target by more than :data:`TOLERANCE`, encoded once more with the measured difference as
gain, so it lands at the target like the MP3.
"""

from __future__ import annotations

import base64
import hashlib
import json
import math
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mutagen.oggopus import OggOpus

from podcast.audio.loudness import measure
from podcast.audio.source import AudioError
from podcast.ffmpeg import ffmpeg_exe, last_error_line

OPUS_VERSION = "2"  # bump when the Opus encoding changes, so old cache entries are not reused
BITRATE = {1: 32, 2: 48}  # kbit/s by channel count: speech, transparent enough for voices
OPUS_RATE = 48000
TOLERANCE = 0.2  # LU; the Opus is corrected when further than this from the target
MIME = "audio/opus"


@dataclass(frozen=True)
class OpusAudio:
    """An episode's Opus alternate in the cache."""

    path: Path
    size: int
    duration: float
    sha256: str  # names its published URL
    sha384: str  # base64, for podcast:integrity (SRI)
    bitrate: int  # bit/s, nominal
    loudness: float  # integrated LUFS of the Opus file, measured
    cached: bool = False

    @property
    def integrity(self) -> str:
        """The Subresource Integrity value: ``sha384-<base64>``."""
        return f"sha384-{self.sha384}"


def sri_sha384(data: bytes) -> str:
    """The base64 sha384 of ``data`` as SRI writes it (without the ``sha384-``)."""
    return base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def opus_cache_key(mp3_sha256: str, channels: int, loudness: float) -> str:
    text = f"{OPUS_VERSION}:{mp3_sha256}:{channels}:{BITRATE[channels]}:{loudness:.2f}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def opus_command(mp3: Path, out: Path, channels: int, gain: float) -> list[str]:
    """ffmpeg: the MP3 decoded, ``gain`` dB applied, libopus in its speech mode, bit-exact Ogg
    (no random stream serial, no encoder string), so one ffmpeg gives the same bytes again."""
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(mp3),
        "-map", "0:a:0", "-map_metadata", "-1", "-vn",
        "-af", f"volume={gain:.3f}dB:precision=float", "-ac", str(channels),
        "-ar", str(OPUS_RATE), "-c:a", "libopus", "-b:a", f"{BITRATE[channels]}k",
        "-vbr", "constrained", "-application", "voip", "-frame_duration", "20",
        "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(out),
    ]  # fmt: skip


def _run(command: list[str], mp3: Path) -> None:
    done = subprocess.run(command, capture_output=True)
    if done.returncode != 0:
        raise AudioError(f"{mp3}: Opus encoding failed ({last_error_line(done.stderr)})")


def encode_opus(mp3: Path, mp3_sha256: str, channels: int, target: float, cache: Path) -> OpusAudio:
    """The Opus alternate of the normalized ``mp3`` at ``target`` LUFS, from the cache if there."""
    channels = 1 if channels == 1 else 2
    key = opus_cache_key(mp3_sha256, channels, target)
    out = cache / "audio" / "opus" / f"{key}.opus"
    meta = out.with_suffix(".json")
    if out.is_file() and meta.is_file():
        info = json.loads(meta.read_text())
        if out.stat().st_size == info["size"]:
            return OpusAudio(
                out,
                info["size"],
                info["duration"],
                info["sha256"],
                info["sha384"],
                info["bitrate"],
                info["loudness"],
                cached=True,
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two episodes with the same audio encode the same key at once
    handle, name = tempfile.mkstemp(suffix=".part.opus", dir=out.parent)
    os.close(handle)
    partial = Path(name)
    try:
        _run(opus_command(mp3, partial, channels, 0.0), mp3)
        loudness = measure(partial, channels).integrated
        if abs(loudness - target) > TOLERANCE and not math.isinf(loudness):
            _run(opus_command(mp3, partial, channels, target - loudness), mp3)
            loudness = measure(partial, channels).integrated
        data = partial.read_bytes()
        duration = OggOpus(partial).info.length  # type: ignore[attr-defined]  # Ogg Opus: info
        partial.replace(out)
    finally:
        partial.unlink(missing_ok=True)
    result = OpusAudio(
        out,
        len(data),
        duration,
        hashlib.sha256(data).hexdigest(),
        sri_sha384(data),
        BITRATE[channels] * 1000,
        round(loudness, 2),
    )
    meta.write_text(
        json.dumps(
            {
                "size": result.size,
                "duration": result.duration,
                "sha256": result.sha256,
                "sha384": result.sha384,
                "bitrate": result.bitrate,
                "loudness": result.loudness,
            }
        )
    )
    return result
