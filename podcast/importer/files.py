"""Where an import puts its files: the staging folder it is written in, the masters' names."""

from __future__ import annotations

import re
import shutil
import urllib.parse
from pathlib import Path

from podcast.catalog.media import AUDIO_SUFFIXES
from podcast.catalog.names import slugify
from podcast.problems import PodcastError

SUFFIX_OF_TYPE = {
    "audio/mpeg": ".mp3",
    "audio/mp3": ".mp3",
    "audio/x-mp3": ".mp3",
    "audio/mp4": ".m4a",
    "audio/x-m4a": ".m4a",
    "audio/m4a": ".m4a",
    "audio/ogg": ".ogg",
    "audio/opus": ".opus",
    "audio/flac": ".flac",
    "audio/x-flac": ".flac",
    "audio/wav": ".wav",
    "audio/x-wav": ".wav",
}
NOT_AUDIO = re.compile(r"^(text/|application/(xhtml|xml|json|rss|atom))")


class ImportFailed(PodcastError):
    """The import cannot start: a folder that is not empty, a feed that cannot be read."""


def staging_folder(into: Path) -> Path:
    """Where an import is written until it is complete (then renamed to ``into``)."""
    return into.parent / f".{into.name}.importing"


def fresh_folder(folder: Path) -> None:
    """``folder``, empty but for partial downloads an interrupted import left in it."""
    folder.mkdir(parents=True, exist_ok=True)
    for path in folder.iterdir():
        if path.is_dir():
            shutil.rmtree(path)
        elif not path.name.endswith(".part"):
            path.unlink()


def prune(root: Path, written: list[str], folders: set[str]) -> None:
    """Remove what an interrupted earlier run wrote that this run did not (``written``:
    episode folders, ``folders``: other top-level folders this run wrote)."""
    keep = set(written) | {path.split("/", 1)[0] for path in written} | folders
    for path in sorted(root.glob("*/*")) + sorted(root.glob("*")):
        if path.is_dir() and path.relative_to(root).as_posix() not in keep:
            shutil.rmtree(path)


def check_target(into: Path) -> None:
    if into.exists() and (not into.is_dir() or any(into.iterdir())):
        raise ImportFailed(
            f"{into} is not empty (expected a new or empty folder; the import writes a whole "
            "catalog and never mixes with an existing one)"
        )


def master_name(url: str, content_type: str | None, declared: str | None) -> str | None:
    path = urllib.parse.urlsplit(url).path
    stem, _, suffix = urllib.parse.unquote(path.rsplit("/", 1)[-1]).rpartition(".")
    suffix = "." + suffix.lower() if stem else ""
    if suffix not in AUDIO_SUFFIXES:
        suffix = SUFFIX_OF_TYPE.get((content_type or "").lower()) or SUFFIX_OF_TYPE.get(
            (declared or "").lower(), ""
        )
        stem = stem or path.rsplit("/", 1)[-1]
    if not suffix:
        return None
    safe = re.sub(r"[^a-z0-9._-]+", "-", slugify(stem) if stem else "master").strip("-.")
    return (safe or "master") + suffix
