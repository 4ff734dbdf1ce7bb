"""Reading what the catalog's media files are: audio masters and artwork.

Audio is probed through mutagen, which reads headers only and is fast enough
for catalogs of thousands of episodes; formats mutagen does not know fall
back to ffmpeg's banner.
"""

from __future__ import annotations

from pathlib import Path

import mutagen
from PIL import Image, UnidentifiedImageError

from podcast.catalog.models import AudioInfo
from podcast.ffmpeg import FfmpegError, probe

AUDIO_SUFFIXES = {".wav", ".flac", ".aif", ".aiff", ".mp3", ".m4a", ".ogg", ".opus"}
IMAGE_FORMATS = {"JPEG", "PNG"}


class MediaError(Exception):
    """A media file is not what it should be; the message says what was found."""


def probe_audio(path: Path) -> AudioInfo:
    """Duration, channels, sample rate and codec of an audio master."""
    if path.suffix.lower() not in AUDIO_SUFFIXES:
        raise MediaError(
            f'"{path.name}" is not a supported audio format '
            f"(expected one of {', '.join(sorted(AUDIO_SUFFIXES))})"
        )
    try:
        info = mutagen.File(path)
    except mutagen.MutagenError:
        info = None  # let ffmpeg have a go: it reads more than mutagen does
    if info is not None and getattr(info.info, "length", 0):
        codec = type(info).__name__.lower()
        channels = getattr(info.info, "channels", 0) or 0
        rate = getattr(info.info, "sample_rate", 0) or 0
        if channels and rate:
            return AudioInfo(
                duration=float(info.info.length), channels=channels, sample_rate=rate, codec=codec
            )
    try:
        stream = probe(path)
    except FfmpegError:
        raise MediaError(f'"{path.name}" does not decode as audio') from None
    if stream.duration <= 0:
        raise MediaError(f'"{path.name}" has no audio (duration 0)')
    return AudioInfo(
        duration=stream.duration,
        channels=stream.channels,
        sample_rate=stream.sample_rate,
        codec=stream.codec,
    )


def check_artwork(path: Path, min_px: int = 1400, max_px: int = 3000) -> tuple[int, int]:
    """Artwork must be JPEG or PNG, RGB, square, ``min_px``–``max_px`` wide."""
    try:
        with Image.open(path) as image:
            fmt, mode, size = image.format, image.mode, image.size
    except (UnidentifiedImageError, OSError):
        raise MediaError(f'"{path.name}" is not an image (expected JPEG or PNG)') from None
    if fmt not in IMAGE_FORMATS:
        raise MediaError(f'"{path.name}" is {fmt} (expected JPEG or PNG)')
    if mode not in {"RGB"}:
        raise MediaError(f'"{path.name}" has colour mode {mode} (expected RGB)')
    width, height = size
    if width != height:
        raise MediaError(f'"{path.name}" is {width}×{height} px (expected square)')
    if not min_px <= width <= max_px:
        raise MediaError(f'"{path.name}" is {width}×{height} px (expected {min_px}–{max_px} px)')
    return size
