"""Feeds shaped like those of six podcast hosts, written from what their public feeds
look like (namespaces, GUID formats, date, duration and explicit spellings, where they
put chapters and transcripts, tracking redirects in front of the audio), served by
:class:`~tests.importer.hostserver.HostServer` with small generated MP3s."""

from __future__ import annotations

import datetime as dt
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

import mutagen.id3 as id3
from PIL import Image

from podcast.ffmpeg import run_ffmpeg
from tests.importer.hostserver import Site

ITUNES = 'xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"'
PODCAST = 'xmlns:podcast="https://podcastindex.org/namespace/1.0"'
PODCAST_LEGACY = (
    'xmlns:podcast="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md"'
)
ATOM = 'xmlns:atom="http://www.w3.org/2005/Atom"'
CONTENT = 'xmlns:content="http://purl.org/rss/1.0/modules/content/"'
PSC = 'xmlns:psc="http://podlove.org/simple-chapters"'


@dataclass(frozen=True)
class Ep:
    key: str
    title: str
    guid: str | None
    pub_date: str  # as the host writes it
    seconds: int
    season: int | None = None
    number: int | None = None
    chapters: tuple[tuple[float, str, str | None], ...] = ()
    cues: tuple[tuple[float, float, str], ...] = ()
    soundbites: tuple[tuple[float, float, str], ...] = ()
    notes_html: str = (
        "<p>Show notes with a <a href='https://example.org/link?a=1&amp;b=2'>link</a>.</p>"
    )
    broken: str | None = None  # "404" or "html": the enclosure does not give audio


@dataclass
class Host:
    name: str
    feed_path: str
    episodes: tuple[Ep, ...]
    podcast_guid: str | None
    site: Site = field(default_factory=Site)
    feed_pages: dict[str, str] = field(default_factory=dict)  # path → XML

    @property
    def good(self) -> tuple[Ep, ...]:
        return tuple(e for e in self.episodes if not e.broken)


def mp3(path: Path, seconds: int, frequency: int) -> bytes:
    run_ffmpeg(
        [
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency={frequency}:sample_rate=44100:duration={seconds}",
            "-af",
            "volume=0.3",
            "-ac",
            "1",
            "-b:a",
            "64k",
            str(path),
        ],
        file=path,
    )
    return path.read_bytes()


def with_id3_chapters(path: Path, chapters) -> bytes:
    tags = id3.ID3()
    ids = []
    for index, (start, title, _) in enumerate(chapters):
        end = chapters[index + 1][0] if index + 1 < len(chapters) else start + 1
        ids.append(f"ch{index}")
        chapter = id3.CHAP(
            element_id=f"ch{index}",
            start_time=int(start * 1000),
            end_time=int(end * 1000),
            sub_frames=[id3.TIT2(text=[title])],
        )
        tags.add(chapter)
    tags.add(
        id3.CTOC(
            element_id="toc",
            flags=id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED,
            child_element_ids=ids,
            sub_frames=[],
        )
    )
    tags.save(path, v2_version=3)
    return path.read_bytes()


def artwork(size: int, fmt: str = "JPEG", mode: str = "RGB") -> bytes:
    out = io.BytesIO()
    Image.new(mode, (size, size), (200, 80, 40) if mode == "RGB" else (200, 80, 40, 255)).save(
        out, fmt
    )
    return out.getvalue()


def vtt(cues) -> bytes:
    lines = ["WEBVTT", ""]
    for start, end, text in cues:
        lines += [f"{_ts(start)} --> {_ts(end)}", text, ""]
    return "\n".join(lines).encode()


def srt(cues) -> bytes:
    lines = []
    for n, (start, end, text) in enumerate(cues, 1):
        lines += [
            str(n),
            f"{_ts(start).replace('.', ',')} --> {_ts(end).replace('.', ',')}",
            text,
            "",
        ]
    return "\n".join(lines).encode()


def json_transcript(cues) -> bytes:
    segments = [{"speaker": "Host", "startTime": s, "endTime": e, "body": t} for s, e, t in cues]
    return json.dumps({"version": "1.0.0", "segments": segments}).encode()


def json_chapters(chapters) -> bytes:
    items = [{"startTime": s, "title": t, **({"url": u} if u else {})} for s, t, u in chapters]
    return json.dumps({"version": "1.2.0", "chapters": items}).encode()


def _ts(seconds: float) -> str:
    ms = round(seconds * 1000)
    return f"{ms // 3_600_000:02d}:{ms // 60_000 % 60:02d}:{ms // 1000 % 60:02d}.{ms % 1000:03d}"


def _hms(seconds: int) -> str:
    return f"{seconds // 3600:02d}:{seconds // 60 % 60:02d}:{seconds % 60:02d}"


def psc(chapters) -> str:
    marks = "".join(
        f'<psc:chapter start="{_ts(s)}" title={quoteattr(t)}'
        + (f" href={quoteattr(u)}" if u else "")
        + "/>"
        for s, t, u in chapters
    )
    return f'<psc:chapters version="1.2">{marks}</psc:chapters>' if chapters else ""


CUES = ((0.0, 1.5, "Hallo und willkommen."), (1.5, 3.25, "Heute geht es um Kommunen & Planung."))


def serve_audio(host: Host, work: Path, ep: Ep, path: str, frequency: int, id3_chapters=False):
    """Put the episode's MP3 (or its breakage) at ``path``; its size for the enclosure."""
    if ep.broken == "404":
        return 123_456
    if ep.broken == "html":
        host.site.files[path] = (
            b"<html><body>This episode is no longer available</body></html>",
            "text/html; charset=utf-8",
        )
        return 4_321
    file = work / f"{host.name}-{ep.key}.mp3"
    data = mp3(file, ep.seconds, frequency)
    if id3_chapters:
        data = with_id3_chapters(file, ep.chapters)
    host.site.files[path] = (data, "audio/mpeg")
    return len(data)


def channel_art(host: Host, path: str, data: bytes, kind: str = "image/jpeg") -> None:
    host.site.files[path] = (data, kind)


def rfc822(year, month, day, hour, offset: str) -> str:
    moment = dt.datetime(year, month, day, hour)
    return moment.strftime("%a, %d %b %Y %H:%M:%S ") + offset


def item_date(ep: Ep) -> str:
    return escape(ep.pub_date)
