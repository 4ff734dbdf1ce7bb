"""Soundbite clips: each quote's audio cut from the encoded episode, faded and tagged.

Clips are cut from the episode's encoded MP3 (the one the feed publishes), so a
clip is exactly as loud as the episode.  ffmpeg seeks accurately to the quote's
start, takes ``end - start`` seconds, fades in and out briefly and encodes at the
show's bitrate; the tags stage's ID3 door (:class:`podcast.tags.mutagen_door.Id3`) writes
the tag as it writes the episodes' (title: the quote, shortened, in the show
language's quotation marks; artist: the speaker; album: the show; the comment in
the show's ISO 639-2 language).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from podcast.audio.encode import EncodedAudio
from podcast.catalog.models import AudioSettings, Catalog
from podcast.ffmpeg import run_ffmpeg
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


def cut_clip(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, out: Path) -> Path:
    """Write the quote's clip to ``out`` (an MP3), tagged."""
    settings = catalog.show.meta.audio
    start, duration = ref.quote.start, ref.duration
    fade = min(FADE, duration / 4)
    channels = 1 if ref.episode.audio.channels == 1 else 2  # as the audio stage encoded it
    bitrate = settings.bitrate_mono if channels == 1 else settings.bitrate_stereo
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.part.mp3")
    run_ffmpeg(
        [
            "-y",
            "-ss",
            f"{start:.3f}",
            "-t",
            f"{duration:.3f}",
            "-i",
            str(encoded.path),
            "-map",
            "0:a:0",
            "-map_metadata",
            "-1",
            "-af",
            f"afade=t=in:st=0:d={fade:.3f},afade=t=out:st={duration - fade:.3f}:d={fade:.3f}",
            "-c:a",
            "libmp3lame",
            "-b:a",
            f"{bitrate}k",
            "-write_xing",
            "1",
            str(tmp),
        ],
        file=ref.episode.audio_path,
    )
    tag_clip(catalog, ref, tmp)
    os.replace(tmp, out)
    return out


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


def cached_clip(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, cache: Path) -> Path:
    """The clip from ``cache/clips``, cut only when its quote or the episode audio changed."""
    meta = catalog.show.meta
    key = clip_key(ref, encoded, meta.audio, meta.title, meta.language)
    path = cache / "clips" / f"{key}.mp3"
    if not path.is_file():
        cut_clip(catalog, ref, encoded, path)
    return path
