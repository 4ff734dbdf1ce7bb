"""Soundbite clips: each quote's audio cut from the encoded episode, faded and tagged.

Clips are cut from the episode's encoded MP3 (the one the feed publishes), so a
clip is exactly as loud as the episode.  ffmpeg seeks accurately to the quote's
start, takes ``end - start`` seconds, fades in and out briefly and encodes at the
show's bitrate; mutagen writes the ID3 tags (title: the quote, shortened;
artist: the speaker; album: the show).
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from mutagen.id3 import COMM, ID3, TALB, TIT2, TPE1, TRCK, TYER

from podcast.audio.encode import EncodedAudio
from podcast.catalog.models import AudioSettings, Catalog
from podcast.ffmpeg import probe, run_ffmpeg
from podcast.quotes.selection import QuoteRef, episode_label, first_words

CLIP_VERSION = "1"
FADE = 0.15  # seconds of fade in and fade out (at most a quarter of the clip)


def clip_key(ref: QuoteRef, encoded: EncodedAudio, settings: AudioSettings, show: str) -> str:
    digest = hashlib.sha256(CLIP_VERSION.encode())
    for part in (
        encoded.sha256,
        repr((ref.quote.start, ref.quote.end, ref.quote.text, ref.quote.speaker)),
        repr((ref.episode.title, ref.episode.number, show)),
        settings.model_dump_json(),
    ):
        digest.update(part.encode())
    return digest.hexdigest()[:32]


def cut_clip(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, out: Path) -> Path:
    """Write the quote's clip to ``out`` (an MP3), tagged."""
    settings = catalog.show.meta.audio
    start, duration = ref.quote.start, ref.duration
    fade = min(FADE, duration / 4)
    channels = probe(encoded.path).channels
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
    episode = ref.episode
    tags = ID3()
    tags.add(TIT2(encoding=3, text=f"„{first_words(ref.quote.text, 80)}“"))
    tags.add(TPE1(encoding=3, text=ref.quote.speaker))
    tags.add(TALB(encoding=3, text=catalog.show.meta.title))
    tags.add(TRCK(encoding=3, text=str(ref.index + 1)))
    tags.add(TYER(encoding=3, text=str(episode.published.year)))
    tags.add(
        COMM(
            encoding=3,
            lang="deu",
            desc="",
            text=f"„{ref.quote.text}“ – {ref.quote.speaker}, "
            f"{episode_label(episode)}: {episode.title}",
        )
    )
    tags.save(path, v2_version=3)


def cached_clip(catalog: Catalog, ref: QuoteRef, encoded: EncodedAudio, cache: Path) -> Path:
    """The clip from ``cache/clips``, cut only when its quote or the episode audio changed."""
    key = clip_key(ref, encoded, catalog.show.meta.audio, catalog.show.meta.title)
    path = cache / "clips" / f"{key}.mp3"
    if not path.is_file():
        cut_clip(catalog, ref, encoded, path)
    return path
