"""Reading what the catalog's media files are: audio masters and artwork.

Audio is probed through mutagen, which reads headers only and is fast enough
for catalogs of thousands of episodes; formats mutagen does not know fall
back to ffmpeg's banner.
"""

from __future__ import annotations

import struct
import warnings
from pathlib import Path
from typing import BinaryIO

import mutagen
from PIL import Image, UnidentifiedImageError

from podcast.catalog.models import AudioInfo
from podcast.ffmpeg import FfmpegError, probe

AUDIO_SUFFIXES = {".wav", ".flac", ".aif", ".aiff", ".mp3", ".m4a", ".ogg", ".opus"}
IMAGE_FORMATS = {"JPEG", "PNG"}
IMAGE_SUFFIXES = {".jpg": "JPEG", ".jpeg": "JPEG", ".png": "PNG"}
MAX_IMAGE_PIXELS = 25_000_000  # person images; PIL itself refuses 178 million


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
    if info is not None and getattr(info.info, "length", None):
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


def _png_size(head: bytes) -> tuple[int, int] | None:
    if len(head) >= 24 and head[12:16] == b"IHDR":
        width, height = struct.unpack(">II", head[16:24])
        return width, height
    return None


_SOF_MARKERS = {0xC0, 0xC1, 0xC2, 0xC3, 0xC5, 0xC6, 0xC7, 0xC9, 0xCA, 0xCB, 0xCD, 0xCE, 0xCF}


def _jpeg_size(handle: BinaryIO) -> tuple[int, int] | None:
    """Width and height from a JPEG's frame header, walking its segments (no decoding)."""
    handle.seek(2)
    for _ in range(10_000):  # segments before the frame header: a few, never thousands
        byte = handle.read(1)
        while byte == b"\xff":
            byte = handle.read(1)  # fill bytes
        if not byte:
            return None
        marker = byte[0]
        if marker in (0x01, *range(0xD0, 0xD8)):
            continue  # markers without a length
        length_bytes = handle.read(2)
        if len(length_bytes) < 2:
            return None
        length = struct.unpack(">H", length_bytes)[0]
        if marker in _SOF_MARKERS:
            frame = handle.read(5)
            if len(frame) < 5:
                return None
            height, width = struct.unpack(">HH", frame[1:5])
            return width, height
        if length < 2:
            return None
        handle.seek(length - 2, 1)
        if handle.read(1) != b"\xff":
            return None
        handle.seek(-1, 1)
    return None


def image_header(path: Path) -> tuple[str, int, int]:
    """(format, width, height) of a JPEG or PNG, read from its header before any decoding.

    Decoding an image that says it has 20000×20000 px takes gigabytes (PIL refuses it with
    an exception), so the size is known, and bounded, before PIL sees the file.
    """
    size: tuple[int, int] | None
    fmt: str | None
    with path.open("rb") as handle:
        head = handle.read(32)
        if head.startswith(b"\x89PNG\r\n\x1a\n"):
            size, fmt = _png_size(head), "PNG"
        elif head.startswith(b"\xff\xd8\xff"):
            size, fmt = _jpeg_size(handle), "JPEG"
        else:
            size, fmt = None, _other_format(path)
    if size is None or fmt is None:
        if fmt in IMAGE_FORMATS or fmt is None:
            raise MediaError(f'"{path.name}" is not an image (expected JPEG or PNG)')
        raise MediaError(f'"{path.name}" is {fmt} (expected JPEG or PNG)')
    return fmt, *size


def _other_format(path: Path) -> str | None:
    """What PIL calls a file that is neither JPEG nor PNG (GIF, WEBP, …), or None."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(path) as image:
                return image.format
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError):
        return None


def check_image(path: Path, max_pixels: int = MAX_IMAGE_PIXELS) -> tuple[str, int, int]:
    """A JPEG or PNG whose name says which, of at most ``max_pixels`` px, that PIL opens."""
    fmt, width, height = image_header(path)
    suffix = path.suffix.lower()
    named = IMAGE_SUFFIXES.get(suffix)
    if named is None:
        raise MediaError(
            f'"{path.name}" has the suffix "{suffix}" (expected .jpg, .jpeg or .png: the '
            "published copy keeps it, and apps take the image type from it)"
        )
    if named != fmt:
        raise MediaError(
            f'"{path.name}" is a {fmt} image (expected a {named} image, as its name says)'
        )
    if width * height > max_pixels or not width or not height:
        raise MediaError(
            f'"{path.name}" is {width}×{height} px (expected at most {max_pixels:,} pixels, '
            "e.g. 5000×5000)"
        )
    try:
        with Image.open(path) as image:
            image.verify()  # a PNG's chunks and checksums, without decoding its pixels
    except (UnidentifiedImageError, OSError, SyntaxError):
        raise MediaError(
            f'"{path.name}" is not a whole {fmt} image (it is cut short or damaged)'
        ) from None
    return fmt, width, height


def check_artwork(path: Path, min_px: int = 1400, max_px: int = 3000) -> tuple[int, int]:
    """Artwork must be JPEG or PNG, RGB, square, ``min_px``–``max_px`` wide."""
    _, width, height = image_header(path)
    if width != height:
        raise MediaError(f'"{path.name}" is {width}×{height} px (expected square)')
    if not min_px <= width <= max_px:
        raise MediaError(f'"{path.name}" is {width}×{height} px (expected {min_px}–{max_px} px)')
    check_image(path, max_px * max_px)
    try:
        with Image.open(path) as image:
            mode = image.mode
    except (UnidentifiedImageError, OSError):
        raise MediaError(f'"{path.name}" is not an image (expected JPEG or PNG)') from None
    if mode not in {"RGB"}:
        raise MediaError(f'"{path.name}" has colour mode {mode} (expected RGB)')
    return width, height


#: a social image (``podcast:image purpose="social"``): 16:9 to within 1 %, 1200–3840 px wide
SOCIAL_MIN_WIDTH, SOCIAL_MAX_WIDTH = 1200, 3840


def check_social_image(path: Path) -> tuple[str, int, int]:
    """A 16:9 JPEG or PNG, 1200–3840 px wide (posts show it at 1200×675 and more)."""
    _, width, height = image_header(path)
    if abs(width * 9 - height * 16) > 0.01 * width * 9:
        raise MediaError(
            f'"{path.name}" is {width}×{height} px (expected 16:9, e.g. 1920×1080)'
        )
    if not SOCIAL_MIN_WIDTH <= width <= SOCIAL_MAX_WIDTH:
        raise MediaError(
            f'"{path.name}" is {width}×{height} px (expected {SOCIAL_MIN_WIDTH}–'
            f"{SOCIAL_MAX_WIDTH} px wide)"
        )
    return check_image(path, SOCIAL_MAX_WIDTH * SOCIAL_MAX_WIDTH)
