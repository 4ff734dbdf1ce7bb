"""Quote videos: the card, the soundbite, a progress bar and the words as captions, as MP4.

Per quote and shape (16:9, 9:16): :func:`quote_captions` takes the words said in
the soundbite from the transcript (lines of a few words, timed by the words'
times; without a transcript the quote's words are spread over the clip), the
cards stage draws one still frame per caption (:mod:`podcast.cards.video_frames`),
and ffmpeg shows each for its time, slides the progress bar along the bottom and
muxes the soundbite: H.264 (still-image tuned, so a minute stays far below 10 MB)
and AAC, ``faststart`` for the web.  Videos are cached like cards and clips.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from podcast.cards import CardFrame, CardLayout
from podcast.cards.video_frames import BAR_HEIGHT, VIDEO_SIZES, video_frames
from podcast.catalog.align import SpokenWord, spoken_words
from podcast.catalog.transcript import parse_transcript
from podcast.ffmpeg import run_ffmpeg
from podcast.quotes.decks import cached_card
from podcast.quotes.selection import QuoteRef

VIDEO_VERSION = "1"  # bump when a change to frames or encoding changes the videos
FPS = 15  # still frames: the progress bar is the only motion
CAPTION_WORDS = 7  # at most this many words on screen
CAPTION_CHARS = 44  # … and about this many characters
PAUSE = 0.7  # a silence this long starts a new caption


@dataclass(frozen=True)
class Caption:
    start: float  # seconds from the start of the soundbite
    end: float
    text: str


def _distinct(words: Sequence[SpokenWord]) -> list[SpokenWord]:
    """The transcript's words once each (a word folded into two tokens comes twice)."""
    out: list[SpokenWord] = []
    for word in words:
        if not out or (word.shown, word.start) != (out[-1].shown, out[-1].start):
            out.append(word)
    return out


def _spread(text: str, duration: float) -> list[SpokenWord]:
    """The quote's own words spread over the clip by characters (no transcript)."""
    words = text.split()
    total = sum(len(w) + 1 for w in words) or 1
    out, position = [], 0
    for word in words:
        start = duration * position / total
        position += len(word) + 1
        out.append(SpokenWord(word, word, start, duration * position / total))
    return out


def quote_captions(ref: QuoteRef, language: str) -> list[Caption]:
    """The words of the soundbite in lines of a few words, timed from its start."""
    quote, episode = ref.quote, ref.episode
    if episode.transcript is not None:
        words = [
            SpokenWord(w.text, w.shown, w.start - quote.start, w.end - quote.start)
            for w in _distinct(spoken_words(parse_transcript(episode.transcript), language))
            if quote.start <= (w.start + w.end) / 2 <= quote.end
        ]
    else:
        words = []
    if not words:
        words = _spread(quote.text, ref.duration)
    captions: list[Caption] = []
    line: list[SpokenWord] = []
    for word in words:
        if line and (
            len(line) >= CAPTION_WORDS
            or len(" ".join(w.shown for w in (*line, word))) > CAPTION_CHARS
            or word.start - line[-1].end > PAUSE
            or line[-1].shown.endswith((".", "?", "!", "…", ":"))
        ):
            captions.append(Caption(line[0].start, line[-1].end, " ".join(w.shown for w in line)))
            line = []
        line.append(word)
    if line:
        captions.append(Caption(line[0].start, line[-1].end, " ".join(w.shown for w in line)))
    return captions


def _timeline(captions: Sequence[Caption], duration: float) -> list[tuple[int, float]]:
    """(frame index, seconds) in order: the blank frame is ``len(captions)``."""
    blank = len(captions)
    shown: list[tuple[int, float]] = []
    now = 0.0
    for index, caption in enumerate(captions):
        start = min(max(caption.start, now), duration)
        if start - now > 0.04:
            shown.append((blank, start - now))
            now = start
        following = captions[index + 1].start if index + 1 < len(captions) else duration
        end = min(max(following, caption.end), duration)
        if end - now > 0.04:
            shown.append((index, end - now))
            now = end
    if duration - now > 0.04 or not shown:
        shown.append((blank, max(duration - now, 0.04)))
    return shown


def video_key(card_fingerprint: str, clip: Path, shape: str, captions: Sequence[Caption]) -> str:
    digest = hashlib.sha256(VIDEO_VERSION.encode())
    for part in (card_fingerprint, clip.name, shape, repr(tuple(captions))):
        digest.update(part.encode())
    return digest.hexdigest()[:32]


def render_video(
    card_png: bytes,
    frame: CardFrame,
    shape: str,
    captions: Sequence[Caption],
    clip: Path,
    duration: float,
    out: Path,
) -> Path:
    """Write the MP4 of one quote in one shape to ``out``."""
    frames = video_frames(card_png, frame, shape, [c.text for c in captions])
    width, height = VIDEO_SIZES[shape]
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = out.with_name(f"{out.stem}.{os.getpid()}.part.mp4")
    with tempfile.TemporaryDirectory(prefix="podcast-video-") as folder:
        names = []
        for index, data in enumerate(frames):
            path = Path(folder) / f"frame-{index}.png"
            path.write_bytes(data)
            names.append(path)
        entries = []
        for index, seconds in _timeline(captions, duration):
            entries += [f"file '{names[index]}'", f"duration {seconds:.3f}"]
        entries.append(entries[-2])  # the concat demuxer takes the last duration from here
        listing = Path(folder) / "frames.txt"
        listing.write_text("\n".join(entries) + "\n", encoding="utf-8")
        bar = (
            f"[0:v]fps={FPS},format=yuv420p[stills];"
            f"color=c={frame.colours.accent}:s={width}x{BAR_HEIGHT}:r={FPS}[bar];"
            f"[stills][bar]overlay=x='-w+w*t/{duration:.3f}':y={height - BAR_HEIGHT}"
            ":shortest=1[video]"
        )
        # fmt: off
        args = [
            "-y",
            "-f", "concat", "-safe", "0", "-i", str(listing),
            "-i", str(clip),
            "-filter_complex", bar,
            "-map", "[video]", "-map", "1:a:0",
            "-c:v", "libx264", "-preset", "superfast", "-tune", "stillimage",
            "-crf", "28", "-g", str(FPS * 4), "-r", str(FPS),
            "-c:a", "aac", "-b:a", "128k",
            "-t", f"{duration:.3f}",
            "-movflags", "+faststart",
            "-map_metadata", "-1",
            str(tmp),
        ]
        # fmt: on
        run_ffmpeg(args, file=clip)
    os.replace(tmp, out)
    return out


def cached_video(
    layout: CardLayout,
    frame: CardFrame,
    ref: QuoteRef,
    clip: Path,
    shape: str,
    cache: Path,
    language: str,
) -> Path:
    """The quote's video from ``cache/videos``, rendered when the card (``layout``, the 1:1
    card), the clip or the captions changed."""
    captions = quote_captions(ref, language)
    key = video_key(layout.fingerprint(), clip, shape, captions)
    path = cache / "videos" / f"{key}.mp4"
    if not path.is_file():
        card = cached_card(layout, cache).read_bytes()
        render_video(card, frame, shape, captions, clip, ref.duration, path)
    return path
