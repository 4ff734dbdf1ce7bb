"""The one table of media types: what the feed announces and what servers send.

:func:`media_type` is the bare type a feed attribute names (``text/vtt``);
:func:`content_type` is the HTTP ``Content-Type`` a bucket or the preview
server sends for a published path (text types with their charset, the feed
as RSS, chapters JSON as ``application/json+chapters``).
"""

from __future__ import annotations

from podcast.paths import FEED_PATH

MEDIA_TYPES = {
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".mp4": "video/mp4",
    ".ogg": "audio/ogg",
    ".opus": "audio/opus",
    ".flac": "audio/flac",
    ".wav": "audio/wav",
    ".xml": "application/xml",
    ".rss": "application/rss+xml",
    ".html": "text/html",
    ".vtt": "text/vtt",
    ".srt": "application/x-subrip",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".png": "image/png",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".css": "text/css",
    ".js": "text/javascript",
    ".json": "application/json",
    ".txt": "text/plain",
    ".pdf": "application/pdf",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".woff2": "font/woff2",
}
#: types that are text and are sent with their charset
TEXT_TYPES = {
    "application/xml",
    "application/rss+xml",
    "text/html",
    "text/vtt",
    "text/css",
    "text/javascript",
    "text/plain",
}
#: suffixes of audio and video files (cached long, never rewritten)
MEDIA_SUFFIXES = frozenset({".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".opus", ".flac", ".wav"})
TRANSCRIPT_SUFFIXES = (".vtt", ".srt")
UNKNOWN = "application/octet-stream"


def suffix_of(name: str) -> str:
    """'.mp3' of 'audio/Folge.MP3'; '' without a suffix."""
    base = name.rsplit("/", 1)[-1].lower()
    return "." + base.rsplit(".", 1)[-1] if "." in base else ""


def media_type(name: str) -> str:
    """The bare media type of a file name, as a feed attribute names it."""
    return MEDIA_TYPES.get(suffix_of(name), UNKNOWN)


def content_type(relpath: str) -> str:
    """The HTTP Content-Type of a published path."""
    name = relpath.rsplit("/", 1)[-1].lower()
    if relpath == FEED_PATH:
        kind = MEDIA_TYPES[".rss"]
    elif name.endswith(".json") and ("chapters" in name or relpath.startswith("chapters/")):
        return "application/json+chapters"
    else:
        kind = media_type(name)
    return f"{kind}; charset=utf-8" if kind in TEXT_TYPES else kind
