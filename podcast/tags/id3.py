"""The tags stage: ID3 tags, cover art and chapters written into each episode's MP3.

Podcast apps, car stereos and file managers read the episode file itself, so
every published MP3 carries its title, show, numbers, date, description, the
podcast frames (PCST, TGID = the feed item's GUID, WFED = the feed URL), a
front cover and chapters (CHAP per chapter plus an ordered, top-level CTOC).

**ID3v2.3, not v2.4.** v2.3 is what the most players read well: Apple's own
podcast tooling wrote v2.2/v2.3 (the PCST/TGID/WFED frames come from there),
Windows' shell and Media Player, many car stereos and older Android readers
do not read v2.4 (syncsafe frame sizes, UTF-8), while every v2.4 reader also
reads v2.3.  The chapter addendum (CHAP/CTOC) is defined for both versions.
What v2.3 costs is handled here, never silently: there is no UTF-8, so text
that does not fit Latin-1 (e.g. „…“ or –) is written as UTF-16; the date is
written as TYER + TDAT (mutagen converts TDRC); several artists are joined
with "/" as the v2.3 spec says; URL frames are Latin-1 only, so non-ASCII
URLs are percent-encoded (the same URL, spelled as a URI).

**Language** is ISO 639-2 as ID3 requires; of its two German codes the
terminology code ``deu`` is written (not the bibliographic ``ger``): it is the
code ISO 639-3 and BCP 47 tooling also use, and the one the ISO 639-2 table
lists first for modern use.  A language with no ISO 639-2 code is a warning.

**Never touching the audio.** The audio stage's cached MP3 stays untagged
(as encoded).  This stage renders the tag to bytes and writes
``tag + the cached file's MPEG frames`` to ``<cache>/tagged/<slug>.<hash>.mp3``,
the hash covering the audio and the tag.  A metadata-only change therefore
renders a new tag onto the very same audio bytes, without re-encoding; an
unchanged episode reuses its tagged file, and the tag is deterministic (fixed
frame order, no padding, nothing time-based), so an unchanged build is
byte-identical and publishing sees no change.

The frames come from :data:`FRAMES`, one table of catalog field → frame;
every mutagen call goes through :class:`Id3` so that its errors name the file.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import struct
import threading
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import quote, urlsplit, urlunsplit

import mutagen
import mutagen.id3 as id3
import pycountry
from PIL import Image

from podcast.audio.encode import EncodedAudio
from podcast.catalog.models import Catalog, Chapter, EpisodeEntry, ShowEntry
from podcast.paths import episode_page
from podcast.problems import PodcastError, Problems

ID3_VERSION = 3
COVER_MAX_PX = 1400
COVER_QUALITY = 88
GENRE = "Podcast"
UNDETERMINED_LANGUAGE = "und"  # ISO 639-2 for "undetermined"


class PublishedIdentity(Protocol):
    """What the tags need of an episode's published identity (the build's EpisodeIdentity)."""

    @property
    def guid(self) -> str: ...

    @property
    def audio_relpath(self) -> str: ...


class TagError(PodcastError):
    """A tag could not be written; the message names the file and the frame."""


# --- the one door to mutagen ---------------------------------------------------


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


# --- what the frames are built from --------------------------------------------


@dataclass(frozen=True)
class TagSource:
    """Everything one episode's tag is made of."""

    show: ShowEntry
    episode: EpisodeEntry
    identity: PublishedIdentity
    duration: float  # of the encoded audio, in seconds
    language: str | None  # ISO 639-2, None if the show's language has no such code
    cover: bytes  # JPEG


Value = Any  # what a table row's getter returns; None means "nothing to write"
Builder = Callable[[Id3, str, Value], list[id3.Frame]]


def text_encoding(*texts: str) -> id3.Encoding:
    """Latin-1 when every text fits it (the widest support), else UTF-16 (v2.3 has no UTF-8)."""
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


@dataclass(frozen=True)
class FrameField:
    """One row of the table: which catalog field goes into which frame, and how."""

    field: str  # the catalog field, as a user would name it
    frame: str  # the ID3 frame id
    get: Callable[[TagSource], Value]
    build: Builder = text_frame


def _artists(s: TagSource) -> list[str]:
    return [person.name for person in s.episode.hosts] or [s.show.meta.author]


def _date(s: TagSource) -> str:
    return s.episode.published.astimezone(s.show.timezone).date().isoformat()


def _comment(s: TagSource) -> tuple[str, str]:
    text = s.episode.meta.description.strip() or s.episode.meta.summary
    return s.language or UNDETERMINED_LANGUAGE, text


def _chapters(s: TagSource) -> tuple[tuple[Chapter, ...], int] | None:
    chapters = s.episode.meta.chapters
    return (chapters, round(s.duration * 1000)) if chapters else None


FRAMES: tuple[FrameField, ...] = (
    FrameField("episode title", "TIT2", lambda s: s.episode.title),
    FrameField("episode hosts, else show author", "TPE1", _artists),
    FrameField("show title", "TALB", lambda s: s.show.meta.title),
    FrameField("show author", "TPE2", lambda s: s.show.meta.author),
    FrameField("episode number", "TRCK", lambda s: s.episode.number),
    FrameField("season number", "TPOS", lambda s: s.episode.season.number),
    FrameField("episode date (show time zone)", "TDRC", _date),  # v2.3: TYER + TDAT
    FrameField("genre", "TCON", lambda s: GENRE),
    FrameField("episode description, else summary", "COMM", _comment, comment_frame),
    FrameField("episode summary", "TIT3", lambda s: s.episode.meta.summary),
    FrameField("show language (ISO 639-2)", "TLAN", lambda s: s.language),
    FrameField("show copyright", "TCOP", lambda s: s.show.meta.copyright),
    FrameField("show owner", "TPUB", lambda s: s.show.meta.owner.name),
    FrameField(
        "episode page URL", "WOAF", lambda s: s.show.url(episode_page(s.episode)), url_frame
    ),
    FrameField("podcast flag", "PCST", lambda s: 1, flag_frame),
    FrameField("episode GUID (the feed item's guid)", "TGID", lambda s: s.identity.guid),
    FrameField("feed URL", "WFED", lambda s: uri(s.show.feed_url)),  # text frame, see WFED
    FrameField("episode artwork, else show artwork", "APIC", lambda s: s.cover, cover_frame),
    FrameField(
        "episode chapters",
        "CHAP",
        _chapters,
        chapter_frames,
    ),
)


def frames_for(source: TagSource, tags: Id3) -> list[id3.Frame]:
    """All frames of one episode, row by row of :data:`FRAMES`."""
    frames: list[id3.Frame] = []
    for row in FRAMES:
        value = row.get(source)
        if value is None or value == "":
            continue  # the catalog has no value for this field
        frames.extend(row.build(tags, row.frame, value))
    return frames


# --- language and cover ----------------------------------------------------------


def iso639_2(language: str) -> str | None:
    """``de``/``de-AT`` → ``deu``; a three-letter code is kept if ISO 639-2 knows it."""
    code = language.split("-")[0].lower()
    found = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    )
    return getattr(found, "alpha_3", None)


def cover_jpeg(path: Path) -> bytes:
    """The artwork as a JPEG of at most :data:`COVER_MAX_PX` px a side.

    A JPEG already small enough is embedded as it is; anything else is scaled
    down (Lanczos) and encoded once more, deterministically.
    """
    with Image.open(path) as image:
        if image.format == "JPEG" and max(image.size) <= COVER_MAX_PX:
            return path.read_bytes()
        icc = image.info.get("icc_profile")
        picture = image.convert("RGB")
        picture.thumbnail((COVER_MAX_PX, COVER_MAX_PX), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=COVER_QUALITY, optimize=True, icc_profile=icc)
        return out.getvalue()


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


def tag_episode(source: TagSource, audio: EncodedAudio, cache: Path, relpath: str) -> EncodedAudio:
    """The tagged MP3 of one episode, from the cache when tag and audio are unchanged."""
    tags = Id3(relpath)
    tag = tags.render(frames_for(source, tags))
    key = hashlib.sha256(audio.sha256.encode() + tag).hexdigest()[:20]
    folder = cache / "tagged"
    out = folder / f"{source.episode.slug}.{key}.mp3"
    meta = out.with_suffix(".json")
    if out.is_file() and meta.is_file():
        info = json.loads(meta.read_text())
        if out.stat().st_size == info["size"]:
            return EncodedAudio(out, audio.duration, info["size"], info["sha256"])
    folder.mkdir(parents=True, exist_ok=True)
    size, sha256 = write_tagged(audio.path, tag, out)
    meta.write_text(json.dumps({"size": size, "sha256": sha256}))
    # Earlier tags of this episode are of no more use.
    for old in folder.glob(f"{source.episode.slug}.*"):
        if old not in (out, meta):
            old.unlink(missing_ok=True)
    return EncodedAudio(out, audio.duration, size, sha256)


def tag_all(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    encoded: Mapping[str, EncodedAudio],
    identities: Mapping[str, PublishedIdentity],
    cache: Path,
    problems: Problems,
) -> dict[str, EncodedAudio]:
    """Tag every episode's encoded MP3; slug → the tagged file (whose size the feed uses).

    Values that cannot be written are added to ``problems`` as warnings.
    """
    show = catalog.show
    language = iso639_2(show.meta.language)
    if language is None:
        problems.warn(
            show.root / "show.yaml",
            None,
            "language",
            f'"{show.meta.language}" has no ISO 639-2 code: the MP3s get no TLAN frame '
            f'and their comment says "{UNDETERMINED_LANGUAGE}"',
        )
    covers: dict[Path, bytes] = {}
    tagged = {}
    for episode in episodes:
        artwork = episode.artwork or show.artwork
        if artwork not in covers:
            covers[artwork] = cover_jpeg(artwork)
        source = TagSource(
            show=show,
            episode=episode,
            identity=identities[episode.slug],
            duration=encoded[episode.slug].duration,
            language=language,
            cover=covers[artwork],
        )
        relpath = identities[episode.slug].audio_relpath
        tagged[episode.slug] = tag_episode(source, encoded[episode.slug], cache, relpath)
    return tagged
