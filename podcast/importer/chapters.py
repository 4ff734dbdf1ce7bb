"""Chapters of an imported episode, from wherever the host put them.

In order of preference: Podlove Simple Chapters in the item (``psc:chapters``),
a Podcast Index JSON chapters file (``podcast:chapters``), or the ID3 ``CHAP``
frames of the downloaded MP3 (read with mutagen).  Each comes back as
:class:`ChapterMark` records, sorted by start, plus notes on what was left out.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import mutagen
import mutagen.id3

from podcast.catalog.models import parse_timestamp
from podcast.importer.feedread import PscChapter
from podcast.importer.values import parse_duration


@dataclass(frozen=True)
class ChapterMark:
    start: float  # seconds
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Chapters:
    marks: tuple[ChapterMark, ...]
    source: str  # "psc:chapters", "podcast:chapters", "ID3 CHAP" or "" for none
    notes: tuple[str, ...] = ()  # what was left out, and why


def _http(url: str | None) -> str | None:
    url = (url or "").strip()
    return url if url.startswith(("http://", "https://")) else None


def from_psc(chapters: tuple[PscChapter, ...]) -> Chapters:
    marks, notes = [], []
    for index, chapter in enumerate(chapters):
        start: float | None
        try:
            start = parse_timestamp(chapter.start)
        except ValueError:
            start = parse_duration(chapter.start)  # e.g. "75.5" or "1:02:03.25"
        if start is None:
            notes.append(f'psc:chapter {index + 1}: start "{chapter.start}" is not a time')
            continue
        if not chapter.title:
            notes.append(f"psc:chapter {index + 1}: no title")
            continue
        marks.append(ChapterMark(start, chapter.title, _http(chapter.href)))
    return Chapters(tuple(sorted(marks, key=lambda m: m.start)), "psc:chapters", tuple(notes))


def from_json(data: bytes) -> Chapters:
    """A Podcast Index JSON chapters file (``startTime`` in seconds)."""
    try:
        document = json.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        return Chapters((), "podcast:chapters", (f"the chapters file is not JSON ({error})",))
    entries = document.get("chapters") if isinstance(document, dict) else None
    if not isinstance(entries, list):
        return Chapters((), "podcast:chapters", ('the chapters file has no "chapters" list',))
    marks, notes = [], []
    for index, entry in enumerate(entries):
        if not isinstance(entry, dict):
            continue
        start, title = entry.get("startTime"), str(entry.get("title") or "").strip()
        if isinstance(start, bool) or not isinstance(start, int | float) or start < 0:
            notes.append(f"chapters[{index}]: startTime {start!r} is not a time")
            continue
        if entry.get("toc") is False:
            notes.append(f'chapters[{index}] "{title}": toc: false (not a chapter the catalog has)')
            continue
        if not title:
            notes.append(f"chapters[{index}]: no title")
            continue
        if entry.get("img"):
            notes.append(f'chapters[{index}] "{title}": chapter image not kept (img)')
        marks.append(ChapterMark(float(start), title, _http(entry.get("url"))))
    return Chapters(tuple(sorted(marks, key=lambda m: m.start)), "podcast:chapters", tuple(notes))


def from_id3(path: Path) -> Chapters:
    """The ``CHAP`` frames of an MP3 (start in milliseconds, title in ``TIT2``)."""
    try:
        tags = mutagen.id3.ID3(path)
    except mutagen.MutagenError:
        return Chapters((), "")
    marks, notes = [], []
    for frame in tags.getall("CHAP"):
        title_frames = [f for f in frame.sub_frames.values() if f.FrameID == "TIT2"]
        title = str(title_frames[0].text[0]).strip() if title_frames else ""
        if not title:
            notes.append(f"ID3 chapter {frame.element_id}: no title")
            continue
        links = [f.url for f in frame.sub_frames.values() if f.FrameID in {"WXXX", "WOAR"}]
        marks.append(
            ChapterMark(frame.start_time / 1000, title, _http(links[0] if links else None))
        )
    marks.sort(key=lambda m: m.start)
    return Chapters(tuple(marks), "ID3 CHAP" if marks else "", tuple(notes))
