"""The audio stage: each episode's master encoded to MP3, cached by content.

The cache key is a hash of the master's bytes and the audio settings, so an
unchanged episode is never encoded twice and a metadata-only change does no
audio work.
"""

from __future__ import annotations

import hashlib
import json
import os
import threading
from collections.abc import Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

from mutagen.mp3 import MP3

from podcast.ffmpeg import run_ffmpeg
from podcast.models import AudioSettings, EpisodeEntry
from podcast.writer import file_sha256


@dataclass(frozen=True)
class EncodedAudio:
    """An encoded episode in the cache."""

    path: Path
    duration: float
    size: int
    sha256: str  # of the encoded file (before any tags): names its published URL
    master_sha256: str = ""  # of the master: matches a renamed episode to its published self


def cache_key(
    master: Path, settings: AudioSettings, channels: int, master_sha256: str | None = None
) -> str:
    digest = hashlib.sha256()
    digest.update((master_sha256 or file_sha256(master)).encode())
    digest.update(settings.model_dump_json().encode())
    digest.update(str(channels).encode())
    return digest.hexdigest()[:32]


def encode(master: Path, out: Path, settings: AudioSettings, channels: int) -> None:
    """Encode ``master`` to an MP3 at ``out`` (stereo or mono, per the show's bitrates)."""
    mono = channels == 1
    bitrate = settings.bitrate_mono if mono else settings.bitrate_stereo
    # Unique per writer: two episodes may share a master, and so a cache entry.
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.{threading.get_ident()}.part.mp3")
    run_ffmpeg(
        [
            "-y",
            "-i",
            str(master),
            "-map",
            "0:a:0",
            "-map_metadata",
            "-1",
            "-ac",
            "1" if mono else "2",
            "-ar",
            "44100",
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate}k",
            "-write_xing",
            "1",
            str(tmp),
        ],
        file=master,
    )
    os.replace(tmp, out)


def encode_episode(entry: EpisodeEntry, settings: AudioSettings, cache: Path) -> EncodedAudio:
    channels = 1 if entry.audio.channels == 1 else 2
    master_sha256 = file_sha256(entry.audio_path)
    key = cache_key(entry.audio_path, settings, channels, master_sha256)
    out = cache / "audio" / f"{key}.mp3"
    meta = out.with_suffix(".json")
    if out.is_file() and meta.is_file():
        info = json.loads(meta.read_text())
        size = out.stat().st_size
        return EncodedAudio(out, info["duration"], size, info["sha256"], master_sha256)
    out.parent.mkdir(parents=True, exist_ok=True)
    encode(entry.audio_path, out, settings, channels)
    result = EncodedAudio(
        out, MP3(out).info.length, out.stat().st_size, file_sha256(out), master_sha256
    )
    meta.write_text(json.dumps({"duration": result.duration, "sha256": result.sha256}))
    return result


def encode_all(
    episodes: Sequence[EpisodeEntry], settings: AudioSettings, cache: Path, jobs: int
) -> dict[str, EncodedAudio]:
    """Encode every episode, ``jobs`` at a time; keyed by slug."""
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        results = pool.map(lambda e: (e.slug, encode_episode(e, settings, cache)), episodes)
        return dict(results)
