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
every mutagen call goes through :class:`~podcast.tags.mutagen_door.Id3` (in
:mod:`podcast.tags.mutagen_door`, which the clips use too) so that its errors
name the file.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import mutagen.id3 as id3
from PIL import Image

from podcast.audio.encode import EncodedAudio
from podcast.catalog.models import Catalog, Chapter, EpisodeEntry, ShowEntry
from podcast.paths import episode_page
from podcast.problems import Problems
from podcast.tags.mutagen_door import (
    UNDETERMINED_LANGUAGE,
    Builder,
    Id3,
    Value,
    chapter_frames,
    comment_frame,
    cover_frame,
    flag_frame,
    iso639_2,
    text_frame,
    uri,
    url_frame,
    write_tagged,
)

COVER_MAX_PX = 1400
COVER_QUALITY = 88
GENRE = "Podcast"


class PublishedIdentity(Protocol):
    """What the tags need of an episode's published identity (the build's EpisodeIdentity)."""

    @property
    def guid(self) -> str: ...

    @property
    def audio_relpath(self) -> str: ...


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


# --- cover ------------------------------------------------------------------------


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


# --- the tagged file --------------------------------------------------------------


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
    language = iso639_2(show.meta.language)  # None is a warning of `podcast validate`
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
