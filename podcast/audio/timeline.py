"""Times in the published episode when the show prepends an intro.

Chapters, quotes and transcripts are written against the master.  With an
intro jingle (``audio.intro`` in show.yaml) the master starts later in the
published MP3: at the intro's length less the crossfade.  This stage moves
every time by that offset, so tags, feed, pages, cards and clips all point at
the right moment of the file listeners get.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

from podcast.catalog.media import probe_audio
from podcast.catalog.models import Catalog, EpisodeEntry, format_timestamp
from podcast.writer import file_sha256

_STAMP = re.compile(r"(?:(\d+):)?(\d{1,2}):(\d{2})([.,])(\d{3})")


def master_offset(catalog: Catalog) -> float:
    """Seconds from the start of the published audio to the start of the master."""
    settings = catalog.show.meta.audio
    if settings.intro is None:
        return 0.0
    intro = probe_audio(catalog.show.root / settings.intro).duration
    return max(0.0, intro - settings.crossfade)


def _shift_stamp(match: re.Match[str], offset: float) -> str:
    hours, minutes, seconds, separator, millis = match.groups()
    total = int(hours or 0) * 3600 + int(minutes) * 60 + int(seconds) + int(millis) / 1000
    return format_timestamp(total + offset).replace(".", separator)


def shift_json_transcript(text: str, offset: float) -> str:
    """Every segment of a Podcasting 2.0 JSON transcript moved by ``offset`` seconds."""
    data = json.loads(text)
    for segment in data.get("segments", []):
        for key in ("startTime", "endTime"):
            segment[key] = round(segment[key] + offset, 3)
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def shift_transcript(text: str, offset: float) -> str:
    """Every cue timing of a VTT/SRT text moved by ``offset`` seconds."""
    lines = []
    for line in text.splitlines(keepends=True):
        if "-->" in line:
            line = _STAMP.sub(lambda m: _shift_stamp(m, offset), line)
        lines.append(line)
    return "".join(lines)


def shift_episode(episode: EpisodeEntry, offset: float, cache: Path) -> EpisodeEntry:
    """The episode with chapters, quotes and transcript moved ``offset`` seconds later."""
    meta = episode.meta
    chapters = tuple(c.model_copy(update={"start": c.start + offset}) for c in meta.chapters)
    quotes = tuple(
        q.model_copy(update={"start": q.start + offset, "end": q.end + offset})
        for q in episode.quotes
    )
    transcript = episode.transcript
    if transcript is not None:
        key = f"{file_sha256(transcript)[:16]}-{offset:.3f}"
        shifted = cache / "transcripts" / f"{key}{transcript.suffix.lower()}"
        if not shifted.is_file():
            shifted.parent.mkdir(parents=True, exist_ok=True)
            text = transcript.read_text(encoding="utf-8-sig")
            json_file = transcript.suffix.lower() == ".json"
            shift = shift_json_transcript if json_file else shift_transcript
            shifted.write_text(shift(text, offset), encoding="utf-8")
        transcript = shifted
    return episode.model_copy(
        update={
            "meta": meta.model_copy(update={"chapters": chapters, "quotes": quotes}),
            "transcript": transcript,
        }
    )


def on_published_timeline(catalog: Catalog, cache: Path) -> Catalog:
    """The catalog with every episode's times on the published audio (same without an intro)."""
    offset = master_offset(catalog)
    if offset == 0:
        return catalog
    episodes = tuple(shift_episode(e, offset, cache) for e in catalog.episodes)
    return catalog.model_copy(update={"episodes": episodes})
