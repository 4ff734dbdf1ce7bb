"""Finding and running ffmpeg.

``$PODCAST_FFMPEG`` names the binary; else the system's ffmpeg is used when it is on
PATH; otherwise the binary that the imageio-ffmpeg wheel ships.  Nothing in the audio
code depends on one ffmpeg or LAME version: the output is measured, not predicted.
Nothing here needs ffprobe: what ffprobe would tell is read from ffmpeg's own banner
(``ffmpeg -i FILE``).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from podcast.problems import PodcastError


class FfmpegError(PodcastError):
    """ffmpeg failed on a file; the message names the file and ffmpeg's reason."""


@cache
def ffmpeg_exe() -> str:
    """Path of the ffmpeg binary: ``$PODCAST_FFMPEG``, PATH, or imageio-ffmpeg's."""
    override = os.environ.get("PODCAST_FFMPEG")
    if override:
        return override
    found = shutil.which("ffmpeg")
    if found:
        return found
    try:
        import imageio_ffmpeg
    except ImportError as error:  # pragma: no cover - it is a dependency
        raise PodcastError("ffmpeg not found: install ffmpeg or imageio-ffmpeg") from error
    return imageio_ffmpeg.get_ffmpeg_exe()


def run_ffmpeg(
    args: list[str], *, file: Path | str | None = None, input_bytes: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run ffmpeg with ``args``; on failure raise :class:`FfmpegError` naming ``file``."""
    command = [ffmpeg_exe(), "-hide_banner", "-nostdin", *args]
    if input_bytes is not None:
        command.remove("-nostdin")
    result = subprocess.run(command, input=input_bytes, capture_output=True, check=False)
    if result.returncode != 0:
        raise FfmpegError(f"{file or 'ffmpeg'}: {last_error_line(result.stderr)}")
    return result


def last_error_line(stderr: bytes) -> str:
    lines = [line.strip() for line in stderr.decode("utf-8", "replace").splitlines()]
    lines = [line for line in lines if line and not line.startswith(("Press [q]", "frame="))]
    return lines[-1] if lines else "ffmpeg failed"


@dataclass(frozen=True)
class StreamInfo:
    duration: float
    channels: int
    sample_rate: int
    codec: str


_DURATION = re.compile(r"Duration: (\d+):(\d\d):(\d\d(?:\.\d+)?)")
_AUDIO = re.compile(r"Stream #\S+.*?: Audio: (\w+).*?, (\d+) Hz, ([^,]+)")


def _channels(layout: str) -> int:
    layout = layout.strip()
    named = {"mono": 1, "stereo": 2, "2.1": 3, "quad": 4, "5.0": 5, "5.1": 6, "7.1": 8}
    if layout in named:
        return named[layout]
    match = re.match(r"(\d+) channels", layout)
    return int(match.group(1)) if match else 2


def probe(path: Path) -> StreamInfo:
    """Duration, channels, rate and codec of the first audio stream, from ffmpeg's banner.

    Remembered per file (path, size, modification time): a file is probed once per run.
    """
    try:
        stat = Path(path).stat()
    except OSError:
        return _probe.__wrapped__(str(path), -1, -1)  # ffmpeg says what is wrong
    return _probe(str(path), stat.st_size, stat.st_mtime_ns)


@lru_cache(maxsize=256)
def _probe(path: str, _size: int, _mtime_ns: int) -> StreamInfo:
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostdin", "-i", path],
        capture_output=True,
        check=False,
    )
    text = result.stderr.decode("utf-8", "replace")
    audio = _AUDIO.search(text)
    duration = _DURATION.search(text)
    if audio is None:
        raise FfmpegError(f"{path}: no audio stream found ({last_error_line(result.stderr)})")
    seconds = 0.0
    if duration:
        hours, minutes, secs = duration.groups()
        seconds = int(hours) * 3600 + int(minutes) * 60 + float(secs)
    return StreamInfo(seconds, _channels(audio.group(3)), int(audio.group(2)), audio.group(1))
