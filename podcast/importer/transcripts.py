"""The transcript an imported episode keeps: WebVTT or SubRip as published, a
Podcast Index JSON transcript turned into WebVTT; other formats are noted."""

from __future__ import annotations

import json
from dataclasses import dataclass

from podcast.catalog.models import format_timestamp
from podcast.feed.ext.podcastindex import Transcript

VTT_TYPES = {"text/vtt", "text/webvtt"}
SRT_TYPES = {"application/x-subrip", "application/srt", "text/srt", "application/x-srt"}
JSON_TYPES = {"application/json", "application/json+transcript"}


@dataclass(frozen=True)
class Choice:
    link: Transcript
    suffix: str  # ".vtt" or ".srt" as saved
    convert_json: bool = False


def _kind(link: Transcript) -> str:
    path = link.url.split("?", 1)[0].lower()
    if link.type in VTT_TYPES or path.endswith(".vtt"):
        return "vtt"
    if link.type in SRT_TYPES or path.endswith(".srt"):
        return "srt"
    if link.type in JSON_TYPES or path.endswith(".json"):
        return "json"
    return "other"


def rank(links: tuple[Transcript, ...]) -> tuple[list[Choice], list[Transcript]]:
    """The transcripts the catalog can keep, best first (VTT, SRT, JSON), and the others."""
    order = ["vtt", "srt", "json"]
    usable = sorted(
        (link for link in links if _kind(link) in order), key=lambda link: order.index(_kind(link))
    )
    choices = [
        Choice(link, ".srt" if _kind(link) == "srt" else ".vtt", _kind(link) == "json")
        for link in usable
    ]
    return choices, [link for link in links if _kind(link) == "other"]


def json_to_vtt(data: bytes) -> bytes:
    """A JSON transcript (``segments`` with startTime, endTime, body, speaker) as WebVTT."""
    document = json.loads(data.decode("utf-8-sig"))
    segments = document.get("segments") if isinstance(document, dict) else None
    if not isinstance(segments, list) or not segments:
        raise ValueError('no "segments" in the JSON transcript')
    lines = ["WEBVTT", ""]
    for segment in segments:
        start, end = float(segment["startTime"]), float(segment["endTime"])
        body = " ".join(str(segment.get("body", "")).split())
        if not body:
            continue
        speaker = str(segment.get("speaker") or "").strip()
        lines.append(f"{format_timestamp(start)} --> {format_timestamp(max(end, start))}")
        lines.append(f"<v {speaker}>{body}" if speaker else body)
        lines.append("")
    return "\n".join(lines).encode("utf-8")
