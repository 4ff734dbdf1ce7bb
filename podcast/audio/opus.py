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

Lossy coding at these rates puts the peaks up to about a dB over the MP3's (measured: the demo's
stereo episode, -1.4 dBTP as MP3, 0.0 dBTP as Opus): the decoded MP3 goes through ffmpeg's
``alimiter`` at :data:`CODEC_HEADROOM` under the show's true-peak ceiling before libopus, so
the Opus's peaks, too, stay near the ceiling; the limiter touches only those few peaks.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from mutagen.oggopus import OggOpus

from podcast.audio.loudness import measure
from podcast.audio.source import AudioError
from podcast.ffmpeg import ffmpeg_exe, last_error_line

OPUS_VERSION = "3"  # bump when the Opus encoding changes, so old cache entries are not reused
BITRATE = {1: 32, 2: 48}  # kbit/s by channel count: speech, transparent enough for voices
OPUS_RATE = 48000
TOLERANCE = 0.2  # LU; the Opus is corrected when further than this from the target
MIME = "audio/opus"
CODEC_HEADROOM = 1.5  # dB under the true-peak ceiling that the Opus encoder is given


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
    true_peak: float  # dBTP of the Opus file, measured
    cached: bool = False

    @property
    def integrity(self) -> str:
        """The Subresource Integrity value: ``sha384-<base64>``."""
        return f"sha384-{self.sha384}"


def sri_sha384(data: bytes) -> str:
    """The base64 sha384 of ``data`` as SRI writes it (without the ``sha384-``)."""
    return base64.b64encode(hashlib.sha384(data).digest()).decode("ascii")


def opus_cache_key(mp3_sha256: str, channels: int, loudness: float, ceiling: float) -> str:
    text = f"{OPUS_VERSION}:{mp3_sha256}:{channels}:{BITRATE[channels]}:{loudness:.2f}"
    text += f":{ceiling:.2f}:{CODEC_HEADROOM}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def opus_command(mp3: Path, out: Path, channels: int, gain: float, ceiling: float) -> list[str]:
    """ffmpeg: the MP3 decoded, ``gain`` dB applied, peaks limited under ``ceiling`` dBTP by
    :data:`CODEC_HEADROOM`, libopus in its speech mode, bit-exact Ogg (no random stream serial,
    no encoder string), so one ffmpeg gives the same bytes again."""
    limit = 10 ** ((ceiling - CODEC_HEADROOM) / 20)
    chain = (
        f"volume={gain:.3f}dB:precision=float,aresample={OPUS_RATE},"
        f"alimiter=limit={limit:.4f}:attack=1:release=50:level=false:asc=0"
    )
    return [
        ffmpeg_exe(), "-hide_banner", "-nostdin", "-v", "error", "-y", "-i", str(mp3),
        "-map", "0:a:0", "-map_metadata", "-1", "-vn",
        "-af", chain, "-ac", str(channels),
        "-ar", str(OPUS_RATE), "-c:a", "libopus", "-b:a", f"{BITRATE[channels]}k",
        "-vbr", "constrained", "-application", "voip", "-frame_duration", "20",
        "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "ogg", str(out),
    ]  # fmt: skip


def _run(command: list[str], mp3: Path) -> None:
    done = subprocess.run(command, capture_output=True)
    if done.returncode != 0:
        raise AudioError(f"{mp3}: Opus encoding failed ({last_error_line(done.stderr)})")


def encode_opus(
    mp3: Path, mp3_sha256: str, channels: int, target: float, ceiling: float, cache: Path
) -> OpusAudio:
    """The Opus alternate of the normalized ``mp3`` at ``target`` LUFS with true peaks near
    ``ceiling`` dBTP, from the cache if there."""
    channels = 1 if channels == 1 else 2
    key = opus_cache_key(mp3_sha256, channels, target, ceiling)
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
                info["true_peak"],
                cached=True,
            )
    out.parent.mkdir(parents=True, exist_ok=True)
    # a name of its own: two episodes with the same audio encode the same key at once
    handle, name = tempfile.mkstemp(suffix=".part.opus", dir=out.parent)
    os.close(handle)
    partial = Path(name)
    try:
        _run(opus_command(mp3, partial, channels, 0.0, ceiling), mp3)
        measured = measure(partial, channels)
        if abs(measured.integrated - target) > TOLERANCE and not measured.silent:
            gain = target - measured.integrated
            _run(opus_command(mp3, partial, channels, gain, ceiling), mp3)
            measured = measure(partial, channels)
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
        round(measured.integrated, 2),
        round(measured.true_peak, 2),
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
                "true_peak": result.true_peak,
            }
        )
    )
    return result
