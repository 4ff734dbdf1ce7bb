"""The one door to mutagen: every ID3 frame and tag of the project is made here.

:class:`Id3` builds frames, renders them as an ID3v2.3 tag (no padding, the
chapters in time order) and writes a tag in front of an MP3's audio; every
error names the file.  The frame builders (:func:`text_frame`,
:func:`comment_frame`, …) choose the text encoding v2.3 allows (Latin-1 where
the text fits it, else UTF-16) and spell URLs as URIs.  :mod:`podcast.tags.id3`
(the episodes) and :mod:`podcast.quotes.clips` (the soundbites) both tag through it.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import threading
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

import mutagen
import mutagen.id3 as id3

# the language code is the catalog's (`podcast validate` warns when it has none)
from podcast.catalog import UNDETERMINED_LANGUAGE as UNDETERMINED_LANGUAGE
from podcast.catalog import iso639_2 as iso639_2
from podcast.problems import PodcastError

ID3_VERSION = 3


class TagError(PodcastError):
    """A tag could not be written; the message names the file and the frame."""


class WFED(id3.TextFrame):
    """The podcast's feed URL, as Apple writes it: a text frame (with an encoding byte).

    mutagen declares WFED a URL frame (no encoding byte); TagLib and iTunes read
    it as the text frame Apple writes, so it is written that way.
    """


OWN_FRAMES: dict[str, type[id3.Frame]] = {"WFED": WFED}


class Id3:
    """Every mutagen call of this stage, each naming ``file`` in its error."""

    def __init__(self, file: str):
        self.file = file

    @contextmanager
    def _errors(self, what: str) -> Iterator[None]:
        try:
            yield
        except (mutagen.MutagenError, ValueError, TypeError, struct.error, OverflowError) as err:
            raise TagError(f"{self.file}: {what}: {err}") from err

    def frame(self, frame_id: str, **values: Any) -> id3.Frame:
        """An ID3 frame of class ``frame_id`` (TIT2, CHAP, …) with ``values``."""
        frame_class = OWN_FRAMES.get(frame_id) or getattr(id3, frame_id, None)
        if not (isinstance(frame_class, type) and issubclass(frame_class, id3.Frame)):
            raise TagError(f"{self.file}: {frame_id}: not an ID3 frame")
        with self._errors(frame_id):
            return frame_class(**values)

    def render(self, frames: Sequence[id3.Frame]) -> bytes:
        """The complete ID3v2.3 tag (header and frames, no padding) as bytes."""
        with self._errors(f"writing the ID3v2.{ID3_VERSION} tag"):
            tag = id3.ID3()
            for frame in frames:
                tag.add(frame)
            tag.update_to_v23()  # TDRC → TYER + TDAT, also inside the chapters
            out = io.BytesIO()
            tag.save(out, v1=0, v2_version=ID3_VERSION, v23_sep="/", padding=lambda _: 0)
        return _chapters_in_order(out.getvalue())

    def write(self, path: Path, frames: Sequence[id3.Frame]) -> None:
        """Put ``frames`` (rendered as :meth:`render`) in place of ``path``'s ID3 tag."""
        write_tagged(path, self.render(frames), path)


def _chapters_in_order(tag: bytes) -> bytes:
    """Put the CHAP frames in the order of their element ids (chp001, chp002, …).

    mutagen orders frames by size, and readers such as ffmpeg list chapters in
    the order of the frames, not of the CTOC; so the chapters are put in time
    order where the first of them was.  Frame sizes and so the header stay the same.
    """
    header, frames = tag[:10], []
    offset = 10
    while offset + 10 <= len(tag) and tag[offset : offset + 4].strip(b"\0"):
        size = struct.unpack(">I", tag[offset + 4 : offset + 8])[0]
        frames.append(tag[offset : offset + 10 + size])
        offset += 10 + size
    chapters = [f for f in frames if f.startswith(b"CHAP")]
    if not chapters:
        return tag
    first = frames.index(chapters[0])
    others = [f for f in frames if not f.startswith(b"CHAP")]
    ordered = sorted(chapters, key=lambda f: f[10 : f.index(b"\0", 10)])
    return b"".join([header, *others[:first], *ordered, *others[first:], tag[offset:]])


# --- frames -------------------------------------------------------------------

Value = Any  # what a frame builder is given (a table row's value in podcast.tags.id3)
Builder = Callable[[Id3, str, Value], list[id3.Frame]]


def text_encoding(*texts: str) -> int:
    """Latin-1 when every text fits it (the widest support), else UTF-16 (v2.3 has no UTF-8):
    a value of :class:`mutagen.id3.Encoding`."""
    try:
        for text in texts:
            text.encode("latin-1")
    except UnicodeEncodeError:
        return id3.Encoding.UTF16
    return id3.Encoding.LATIN1


def uri(url: str) -> str:
    """``url`` as ASCII (IDNA host, percent-encoded path): URL frames are Latin-1 only."""
    parts = urlsplit(url)
    netloc = parts.netloc
    if not netloc.isascii() and parts.hostname:
        host = parts.hostname
        netloc = netloc.lower().replace(host, host.encode("idna").decode("ascii"))
    safe = "/:@!$&'()*+,;=-._~%"
    return urlunsplit(
        (
            parts.scheme,
            netloc,
            quote(parts.path, safe=safe),
            quote(parts.query, safe=safe + "?"),
            quote(parts.fragment, safe=safe + "?"),
        )
    )


def text_frame(tags: Id3, frame_id: str, value: Value) -> list[id3.Frame]:
    texts = [str(v) for v in value] if isinstance(value, list | tuple) else [str(value)]
    return [tags.frame(frame_id, encoding=text_encoding(*texts), text=texts)]


def url_frame(tags: Id3, frame_id: str, value: Value) -> list[id3.Frame]:
    return [tags.frame(frame_id, url=uri(value))]


def comment_frame(tags: Id3, frame_id: str, value: Value) -> list[id3.Frame]:
    language, text = value
    return [tags.frame(frame_id, encoding=text_encoding(text), lang=language, desc="", text=[text])]


def flag_frame(tags: Id3, frame_id: str, value: Value) -> list[id3.Frame]:
    return [tags.frame(frame_id, value=int(value))]


def cover_frame(tags: Id3, frame_id: str, value: Value) -> list[id3.Frame]:
    return [
        tags.frame(
            frame_id,
            encoding=id3.Encoding.LATIN1,
            mime="image/jpeg",
            type=id3.PictureType.COVER_FRONT,
            desc="",
            data=value,
        )
    ]


def chapter_frames(tags: Id3, frame_id: str, value: Value) -> list[id3.Frame]:
    """One CHAP per chapter (TIT2, and WXXX when it has a URL) and a CTOC listing them."""
    chapters, duration_ms = value
    starts = [round(c.start * 1000) for c in chapters]
    ends = [*starts[1:], duration_ms]
    ids = [f"chp{index:03d}" for index in range(1, len(chapters) + 1)]
    frames = []
    for element_id, chapter, start, end in zip(ids, chapters, starts, ends, strict=True):
        if start >= end:
            raise TagError(
                f"{tags.file}: CHAP {chapter.title!r}: starts at {start} ms, "
                f"not before the end of the audio ({duration_ms} ms)"
            )
        sub_frames = text_frame(tags, "TIT2", chapter.title)
        if chapter.url:
            url = uri(chapter.url)
            sub_frames.append(tags.frame("WXXX", encoding=id3.Encoding.LATIN1, desc="", url=url))
        frames.append(
            tags.frame(
                frame_id,
                element_id=element_id,
                start_time=start,
                end_time=end,
                sub_frames=sub_frames,
            )
        )
    flags = id3.CTOCFlags.TOP_LEVEL | id3.CTOCFlags.ORDERED
    toc = tags.frame("CTOC", element_id="toc", flags=flags, child_element_ids=ids, sub_frames=[])
    return [*frames, toc]


# --- the audio stream and the tagged file ---------------------------------------


def audio_span(path: Path) -> tuple[int, int]:
    """(offset, length) of the MPEG audio in ``path``: after its ID3v2 tag, before an ID3v1 tag."""
    size = path.stat().st_size
    with path.open("rb") as handle:
        head = handle.read(10)
        start = 0
        if len(head) == 10 and head[:3] == b"ID3":
            syncsafe = head[6:10]
            start = 10 + (syncsafe[0] << 21 | syncsafe[1] << 14 | syncsafe[2] << 7 | syncsafe[3])
            if head[5] & 0x10:  # footer present
                start += 10
        end = size
        if size - start >= 128:
            handle.seek(size - 128)
            if handle.read(3) == b"TAG":
                end = size - 128
    return start, end - start


def write_tagged(source: Path, tag: bytes, out: Path) -> tuple[int, str]:
    """Write ``tag`` followed by ``source``'s audio bytes to ``out``; (size, sha256)."""
    start, length = audio_span(source)
    digest = hashlib.sha256(tag)
    tmp = out.with_name(f"{out.name}.{os.getpid()}.{threading.get_ident()}.part")
    with source.open("rb") as src, tmp.open("wb") as dst:
        dst.write(tag)
        src.seek(start)
        remaining = length
        while remaining:
            block = src.read(min(remaining, 1 << 20))
            if not block:
                raise TagError(f"{source}: ended early while copying its audio")
            digest.update(block)
            dst.write(block)
            remaining -= len(block)
    os.replace(tmp, out)
    return len(tag) + length, digest.hexdigest()
