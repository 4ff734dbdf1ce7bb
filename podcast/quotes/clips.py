"""Soundbite clips: each quote's audio cut from the encoded episode, faded and tagged.

Clips are cut from the episode's encoded MP3 (the one the feed publishes), so a
clip is exactly as loud as the episode.  ffmpeg seeks accurately to the quote's
start, takes ``end - start`` seconds, fades in and out briefly and encodes at the
show's bitrate; the tags stage's ID3 door (:class:`podcast.tags.mutagen_door.Id3`) writes
the tag as it writes the episodes' (title: the quote, shortened, in the show
language's quotation marks; artist: the speaker; album: the show; the comment in
the show's ISO 639-2 language).  The clips a build needs are cut many to one
ffmpeg process (:func:`cached_clips`): the same bytes, without a process start-up each.
"""

from __future__ import annotations

import hashlib
import os
import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from podcast.audio.encode import EncodedAudio
from podcast.catalog.models import AudioSettings, Catalog
from podcast.ffmpeg import FfmpegError, run_ffmpeg
from podcast.labels import Labels
from podcast.paths import clip_path
from podcast.quotes.selection import QuoteRef, episode_label, first_words
from podcast.tags.mutagen_door import (
    UNDETERMINED_LANGUAGE,
    Id3,
    comment_frame,
    iso639_2,
    text_frame,
)

CLIP_VERSION = "2"  # bump when a change to cutting or tagging changes the clips
FADE = 0.15  # seconds of fade in and fade out (at most a quarter of the clip)
BATCH = 25  # clips cut by one ffmpeg process at most (each an open input and encoder)


def clip_key(
    ref: QuoteRef, encoded: EncodedAudio, settings: AudioSettings, show: str, language: str
) -> str:
    digest = hashlib.sha256(CLIP_VERSION.encode())
    for part in (
        encoded.sha256,
        repr((ref.quote.start, ref.quote.end, ref.quote.text, ref.quote.speaker)),
        repr((ref.episode.title, ref.episode.number, show, language)),
        settings.model_dump_json(),
    ):
        digest.update(part.encode())
    return digest.hexdigest()[:32]


def _clip_args(
    catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, index: int, tmp: Path
) -> tuple[list[str], list[str]]:
    """ffmpeg's input options for the clip (its input number ``index``) and its output's."""
    settings = catalog.show.meta.audio
    start, duration = ref.quote.start, ref.duration
    fade = min(FADE, duration / 4)
    channels = 1 if ref.episode.audio.channels == 1 else 2  # as the audio stage encoded it
    bitrate = settings.bitrate_mono if channels == 1 else settings.bitrate_stereo
    fades = f"afade=t=in:st=0:d={fade:.3f},afade=t=out:st={duration - fade:.3f}:d={fade:.3f}"
    inputs = ["-ss", f"{start:.3f}", "-t", f"{duration:.3f}", "-i", str(encoded.path)]
    outputs = ["-map", f"{index}:a:0", "-map_metadata", "-1", "-af", fades]
    outputs += ["-c:a", "libmp3lame", "-b:a", f"{bitrate}k", "-write_xing", "1", str(tmp)]
    return inputs, outputs


def cut_clip(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, out: Path) -> Path:
    """Write the quote's clip to ``out`` (an MP3), tagged."""
    cut_clips(catalog, [(ref, encoded, out)])
    return out


def cut_clips(catalog: Catalog, clips: Sequence[tuple[QuoteRef, EncodedAudio, Path]]) -> None:
    """Write each quote's clip to its path (an MP3), tagged: all cut by one ffmpeg process.

    One process for many clips spares each its start-up (a distribution's ffmpeg loads
    about a hundred libraries, ~0.05 s); each output has its own encoder, so every clip
    comes out with the bytes it has when cut alone. If the process fails, each clip is
    cut alone, so that the error names the episode whose audio it was.
    """
    if not clips:
        return
    inputs: list[str] = []
    outputs: list[str] = []
    tmps = []
    for index, (ref, encoded, out) in enumerate(clips):
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = out.with_name(f"{out.stem}.{os.getpid()}.{threading.get_ident()}.part.mp3")
        clip_in, clip_out = _clip_args(catalog, ref, encoded, index, tmp)
        inputs += clip_in
        outputs += clip_out
        tmps.append(tmp)
    try:
        run_ffmpeg(["-y", *inputs, *outputs], file=clips[0][0].episode.audio_path)
    except FfmpegError:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)
        if len(clips) == 1:
            raise
        for clip in clips:
            cut_clips(catalog, [clip])
        return
    for (ref, _, out), tmp in zip(clips, tmps, strict=True):
        tag_clip(catalog, ref, tmp)
        os.replace(tmp, out)


def tag_clip(catalog: Catalog, ref: QuoteRef, path: Path) -> None:
    """The clip's ID3 tag, in the show's language, written through the tags stage's door."""
    show, episode, quote = catalog.show.meta, ref.episode, ref.quote
    labels = Labels(show.language)
    language = iso639_2(show.language)
    comment = (
        f"{labels.quoted(quote.text)} – {quote.speaker}, "
        f"{episode_label(episode, labels)}: {episode.title}"
    )
    tags = Id3(clip_path(episode, ref.index))
    fields = (
        ("TIT2", labels.quoted(first_words(quote.text, 80))),
        ("TPE1", quote.speaker),
        ("TALB", show.title),
        ("TRCK", ref.index + 1),
        ("TYER", episode.published.year),
        ("TLAN", language),
    )
    frames = [
        frame
        for frame_id, value in fields
        if value is not None
        for frame in text_frame(tags, frame_id, value)
    ]
    frames += comment_frame(tags, "COMM", (language or UNDETERMINED_LANGUAGE, comment))
    tags.write(path, frames)


def clip_cache_path(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, cache: Path) -> Path:
    """Where the clip lies in ``cache/clips``: named by its quote and the episode audio."""
    meta = catalog.show.meta
    key = clip_key(ref, encoded, meta.audio, meta.title, meta.language)
    return cache / "clips" / f"{key}.mp3"


def cached_clip(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, cache: Path) -> Path:
    """The clip from ``cache/clips``, cut only when its quote or the episode audio changed."""
    return cached_clips(catalog, [ref], {ref.episode.slug: encoded}, cache)[0]


def cached_clips(
    catalog: Catalog,
    refs: Sequence[QuoteRef],
    encoded: Mapping[str, EncodedAudio],
    cache: Path,
    jobs: int = 1,
) -> list[Path]:
    """Each quote's clip from ``cache/clips`` (as :func:`cached_clip`); those not there yet
    are cut ``jobs`` ffmpeg processes at a time, each cutting up to ``BATCH`` clips."""
    paths = [clip_cache_path(catalog, r, encoded[r.episode.slug], cache) for r in refs]
    missing = list({p: (r, encoded[r.episode.slug], p) for r, p in zip(refs, paths, strict=True)
                    if not p.is_file()}.values())  # fmt: skip
    if missing:
        count = max(1, min(jobs, len(missing)), -(-len(missing) // BATCH))
        batches = [missing[start::count] for start in range(count)]
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            list(pool.map(lambda batch: cut_clips(catalog, batch), batches))
    return paths
