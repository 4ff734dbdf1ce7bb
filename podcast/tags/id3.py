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
frame order, nothing time-based), so an unchanged build is byte-identical and
publishing sees no change.

**Nothing moves under a listener.** A download interrupted before an edit and
resumed (a Range request) after it must still get the same bytes at the same
offsets.  So the tag is padded to a fixed **region**: :data:`TAG_REGION`
(256 KiB) when an episode's file is first published, the cover scaled down
(:data:`COVER_STEPS`) until the tag fits it.  The region is recorded in the
published state; a later, metadata-only tag is padded to the same region, so
the file keeps its length and every audio byte its offset.  A tag that cannot
fit the published region (with the smallest cover) is marked ``refitted``: the
build then publishes the file under a new name (:mod:`podcast.build.identity`)
with a fresh region, as for new audio, and the bytes at the old URL never change.

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
from functools import cache
from pathlib import Path
from typing import Protocol

import mutagen
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
    audio_span,
    chapter_frames,
    comment_frame,
    cover_frame,
    flag_frame,
    iso639_2,
    padded,
    text_frame,
    uri,
    url_frame,
    write_tagged,
)
from podcast.writer import file_sha256

COVER_MAX_PX = 1400
#: Cover sizes tried, largest first, until the tag fits its region.
COVER_STEPS = (COVER_MAX_PX, 1000, 700, 500, 350, 250)
#: The ID3 region (header, frames and padding) of a file when it is first published.
TAG_REGION = 256 * 1024
#: A tag too large for TAG_REGION even with the smallest cover gets a region of
#: whole steps of this size, one step more than it needs.
REGION_STEP = 64 * 1024
COVER_QUALITY = 88
GENRE = "Podcast"


class PublishedIdentity(Protocol):
    """What the tags need of an episode's published identity (the build's EpisodeIdentity)."""

    @property
    def guid(self) -> str: ...

    @property
    def audio_relpath(self) -> str: ...

    @property
    def kept(self) -> bool:
        """Whether ``audio_relpath`` is a file already published (its bytes must not move)."""
        ...

    @property
    def tag_region(self) -> int | None:
        """The ID3 region of the published file, when the state recorded it."""
        ...

    @property
    def published_size(self) -> int | None:
        """The published file's length in bytes, when known (state or feed)."""
        ...


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


def cover_jpeg(path: Path, max_px: int = COVER_MAX_PX) -> bytes:
    """The artwork as a JPEG of at most ``max_px`` (:data:`COVER_MAX_PX`) px a side.

    A JPEG already small enough is embedded as it is; anything else is scaled
    down (Lanczos) and encoded once more, deterministically.
    """
    with Image.open(path) as image:
        if image.format == "JPEG" and max(image.size) <= max_px:
            return path.read_bytes()
        icc = image.info.get("icc_profile")
        picture = image.convert("RGB")
        picture.thumbnail((max_px, max_px), Image.Resampling.LANCZOS)
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=COVER_QUALITY, optimize=True, icc_profile=icc)
        return out.getvalue()


# --- the tagged file --------------------------------------------------------------


@dataclass(frozen=True)
class TaggedAudio:
    """An episode's tagged MP3 and the ID3 region in front of its audio."""

    audio: EncodedAudio  # the tagged file: path, duration, size, sha256
    region: int  # bytes of the padded ID3 region (header included)
    refitted: bool = False  # the tag did not fit the published file: it needs a new name


@dataclass(frozen=True)
class TagRequest:
    """One episode's tag as asked for: its key names the tagged file in the cache.

    The key covers everything the tag's bytes are made of (every frame's value, the
    artwork's content, the region asked for, the code that renders them), so a tagged
    file found under it is what rendering the tag again would write: it is not rendered.
    """

    slug: str
    key: str
    region: int | None  # the published region to fit (None: a fresh one)


def tag_request(
    source: TagSource, artwork_sha256: str, relpath: str, region: int | None
) -> TagRequest:
    """The request for ``source``'s tag (its cover is not looked at: ``artwork_sha256``)."""
    values = [
        (row.frame, repr(row.get(source))) for row in FRAMES if row.build is not cover_frame
    ]
    parts = [_code_version(), values, artwork_sha256, relpath, region, source.identity.kept]
    digest = hashlib.sha256(json.dumps(parts, ensure_ascii=False).encode())
    return TagRequest(source.episode.slug, digest.hexdigest()[:32], region)


@cache
def _code_version() -> str:
    """The tag code's and its libraries' versions: another one may render other bytes."""
    import PIL

    from podcast.tags import mutagen_door

    digest = hashlib.sha256(f"{mutagen.version_string} {PIL.__version__}".encode())
    for module in (__file__, mutagen_door.__file__):
        digest.update(Path(module).read_bytes())
    return digest.hexdigest()


def _requests_file(slug: str, cache: Path) -> Path:
    return cache / "tagged" / f"{slug}.requests.json"


def _cached_tagged(
    request: TagRequest, audio: EncodedAudio, cache: Path
) -> TaggedAudio | None:
    """The tagged file made for this request before (on this audio), if the cache has it."""
    try:
        known = json.loads(_requests_file(request.slug, cache).read_text())[request.key]
        out = cache / "tagged" / str(known["file"])
        if known["audio"] != audio.sha256 or out.stat().st_size != known["size"]:
            return None
        tagged = EncodedAudio(out, audio.duration, int(known["size"]), str(known["sha256"]))
        return TaggedAudio(tagged, int(known["region"]), bool(known["refitted"]))
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _tagged_file(
    request: TagRequest, tag: bytes, region: int, refitted: bool, audio: EncodedAudio, cache: Path
) -> TaggedAudio:
    """The file of ``tag`` on ``audio``, named by both (written unless it is there already),
    remembered as the answer to ``request``."""
    key = hashlib.sha256(audio.sha256.encode() + tag).hexdigest()[:20]
    folder = cache / "tagged"
    out = folder / f"{request.slug}.{key}.mp3"
    meta = out.with_suffix(".json")
    index = _requests_file(request.slug, cache)
    file = None
    try:
        info = json.loads(meta.read_text())
        if out.stat().st_size == info["size"]:
            file = EncodedAudio(out, audio.duration, info["size"], info["sha256"])
    except (OSError, ValueError, KeyError, TypeError):
        pass
    if file is None:
        folder.mkdir(parents=True, exist_ok=True)
        size, sha256 = write_tagged(audio.path, tag, out)
        meta.write_text(json.dumps({"size": size, "sha256": sha256}))
        file = EncodedAudio(out, audio.duration, size, sha256)
    # The requests answered by this file (a first publish and the next, whose tag has the
    # published region: the same bytes) stay; earlier tags of this episode are of no more use.
    try:
        requests = json.loads(index.read_text())
    except (OSError, ValueError):
        requests = {}
    answer = {"file": out.name, "audio": audio.sha256, "size": file.size}
    answer |= {"sha256": file.sha256, "region": region, "refitted": refitted}
    kept = {k: v for k, v in requests.items() if isinstance(v, dict) and v.get("file") == out.name}
    index.write_text(json.dumps({**kept, request.key: answer}, sort_keys=True))
    for old in folder.glob(f"{request.slug}.*"):
        if old not in (out, meta, index):
            old.unlink(missing_ok=True)
    return TaggedAudio(file, region, refitted)


def published_region(identity: PublishedIdentity, audio_length: int) -> int | None:
    """The ID3 region of the file published at ``identity.audio_relpath``, if it is known.

    The state records it; a state that does not (written before regions, or
    recovered from the feed) gives the file's length, and the region is what
    precedes the audio.  None when neither is known.
    """
    if identity.tag_region is not None:
        return identity.tag_region
    size = identity.published_size
    if size is not None and size - audio_length >= 10:
        return size - audio_length
    return None


def fitted_tag(
    source: Callable[[bytes], TagSource],
    covers: Callable[[int], bytes],
    relpath: str,
    region: int | None,
) -> tuple[bytes, int] | None:
    """The padded tag and its region, the cover scaled down until the tag fits.

    The cover is the largest of :data:`COVER_STEPS` with which the tag fits
    ``min(region, TAG_REGION)`` (else the smallest): a function of the metadata and
    the region only, so an unchanged episode is tagged with the same bytes again.
    ``region`` None: a first publish, in :data:`TAG_REGION` (or larger, in
    :data:`REGION_STEP` steps, for a tag that does not fit it even with the
    smallest cover).  A given ``region`` the tag does not fit: None.
    """
    tags = Id3(relpath)
    wanted = TAG_REGION if region is None else region
    limit = min(wanted, TAG_REGION)
    for max_px in COVER_STEPS:
        tag = tags.render(frames_for(source(covers(max_px)), tags))  # unpadded: rendered once
        if len(tag) <= limit:
            break  # else try a smaller cover; after the last, the smallest one it is
    if len(tag) <= wanted:
        return padded(tag, wanted), wanted
    if region is not None:
        return None
    grown = (len(tag) // REGION_STEP + 2) * REGION_STEP
    return padded(tag, grown), grown


def tag_all(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    encoded: Mapping[str, EncodedAudio],
    identities: Mapping[str, PublishedIdentity],
    cache: Path,
    problems: Problems,
) -> dict[str, TaggedAudio]:
    """Tag every episode's encoded MP3; slug → the tagged file (whose size the feed uses).

    A file already published (``identity.kept``) gets its tag in the region it was
    published with; when that cannot be (the tag does not fit, or the region is not
    known) the result is ``refitted``, tagged in a fresh region for a new file name.
    Values that cannot be written are added to ``problems`` as warnings.
    """
    show = catalog.show
    language = iso639_2(show.meta.language)  # None is a warning of `podcast validate`
    cover_cache: dict[tuple[Path, int], bytes] = {}
    artwork_hashes: dict[Path, str] = {}
    tagged = {}
    for episode in episodes:
        artwork = episode.artwork or show.artwork
        audio = encoded[episode.slug]
        identity = identities[episode.slug]

        def covers(max_px: int, artwork: Path = artwork) -> bytes:
            if (artwork, max_px) not in cover_cache:
                cover_cache[(artwork, max_px)] = cover_jpeg(artwork, max_px)
            return cover_cache[(artwork, max_px)]

        def source(cover: bytes, episode: EpisodeEntry = episode) -> TagSource:
            return TagSource(
                show=show,
                episode=episode,
                identity=identities[episode.slug],
                duration=encoded[episode.slug].duration,
                language=language,
                cover=cover,
            )

        relpath = identity.audio_relpath
        region = published_region(identity, audio_span(audio.path)[1]) if identity.kept else None
        if artwork not in artwork_hashes:
            artwork_hashes[artwork] = file_sha256(artwork)
        request = tag_request(source(b""), artwork_hashes[artwork], relpath, region)
        known = _cached_tagged(request, audio, cache)
        if known is not None:
            tagged[episode.slug] = known
            continue
        fitted = fitted_tag(source, covers, relpath, region) if region is not None else None
        refitted = identity.kept and fitted is None
        if fitted is None:
            fitted = fitted_tag(source, covers, relpath, None)
        assert fitted is not None  # a fresh region always fits
        tag, fitted_region = fitted
        tagged[episode.slug] = _tagged_file(request, tag, fitted_region, refitted, audio, cache)
    return tagged
