"""Transcripts in WebVTT, SubRip and Podcasting 2.0 JSON: parsed into cues, so they can be
checked, shown and searched for quotes."""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

TRANSCRIPT_SUFFIXES = (".vtt", ".srt", ".json")

_TIMING = re.compile(
    r"^\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})\s*-->\s*((?:\d+:)?\d{1,2}:\d{2}[.,]\d{3})"
)


class TranscriptError(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        super().__init__(message)


@dataclass(frozen=True)
class Cue:
    start: float
    end: float
    text: str
    speaker: str | None = None
    line: int | None = None  # of its timing line in the file


def _seconds(stamp: str) -> float:
    parts = stamp.replace(",", ".").split(":")
    seconds = float(parts[-1])
    minutes = int(parts[-2])
    hours = int(parts[0]) if len(parts) == 3 else 0
    return hours * 3600 + minutes * 60 + seconds


_VOICE = re.compile(r"^<v(?:\.[^ >]*)?\s+([^>]+)>(.*?)(?:</v>)?$", re.S)


def parse_transcript(path: Path) -> list[Cue]:
    """Cues of a .vtt, .srt or .json file; :class:`TranscriptError` names the bad line."""
    suffix = path.suffix.lower()
    if suffix not in TRANSCRIPT_SUFFIXES:
        raise TranscriptError(
            0, f'"{path.name}" is not a transcript (expected .vtt, .srt or .json)'
        )
    if suffix == ".json":
        return parse_json_transcript(path.read_text(encoding="utf-8-sig"))
    lines = path.read_text(encoding="utf-8-sig").splitlines()
    if suffix == ".vtt" and (not lines or not lines[0].startswith("WEBVTT")):
        raise TranscriptError(1, 'expected "WEBVTT" on the first line')
    cues: list[Cue] = []
    index = 1 if suffix == ".vtt" else 0
    while index < len(lines):
        line = lines[index]
        if "-->" not in line:
            index += 1
            continue
        match = _TIMING.match(line)
        if not match:
            raise TranscriptError(index + 1, f'"{line.strip()}" is not a cue timing')
        timing_line = index + 1
        start, end = _seconds(match.group(1)), _seconds(match.group(2))
        if end < start:
            raise TranscriptError(index + 1, f"cue ends before it starts ({line.strip()})")
        text_lines = []
        index += 1
        while index < len(lines) and lines[index].strip():
            text_lines.append(lines[index].strip())
            index += 1
        text = "\n".join(text_lines)
        speaker = None
        voice = _VOICE.match(text)
        if voice:
            speaker, text = voice.group(1).strip(), voice.group(2).strip()
        cues.append(Cue(start, end, text, speaker, timing_line))
    if not cues:
        raise TranscriptError(1, "no cues found")
    return cues


def _segment_time(segment: dict[str, Any], key: str, number: int) -> float:
    value = segment.get(key)
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise TranscriptError(
            0, f"segments[{number}].{key}: expected a time in seconds, found {value!r}"
        )
    if value < 0:
        raise TranscriptError(0, f"segments[{number}].{key}: {value} is negative")
    return float(value)


def parse_json_transcript(text: str) -> list[Cue]:
    """Cues of a Podcasting 2.0 JSON transcript: ``{"segments": [{"startTime", "endTime",
    "body", "speaker"}]}`` (segments often hold one word each)."""
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise TranscriptError(error.lineno, f"not JSON ({error.msg})") from None
    segments = data.get("segments") if isinstance(data, dict) else None
    if not isinstance(segments, list):
        raise TranscriptError(1, 'expected an object with a list "segments"')
    cues: list[Cue] = []
    for number, segment in enumerate(segments):
        if not isinstance(segment, dict):
            raise TranscriptError(0, f"segments[{number}]: expected an object")
        start = _segment_time(segment, "startTime", number)
        end = _segment_time(segment, "endTime", number)
        if end < start:
            raise TranscriptError(0, f"segments[{number}]: ends before it starts")
        body = segment.get("body")
        if not isinstance(body, str):
            raise TranscriptError(0, f'segments[{number}].body: expected text, found {body!r}')
        speaker = segment.get("speaker")
        cues.append(Cue(start, end, body.strip(), speaker if isinstance(speaker, str) else None))
    if not cues:
        raise TranscriptError(1, "no segments found")
    return cues
