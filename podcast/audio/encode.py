"""The audio stage: each episode's master normalized and encoded to MP3, cached by content.

The cache key is a hash of the master's bytes (and the jingles') and the audio
settings, so an unchanged episode is never encoded twice and a metadata-only
change does no audio work.  Next to each cached MP3 lie its loudness report
(JSON) and plot (PNG), so a cache hit has them too.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from mutagen.mp3 import MP3

from podcast.audio.hashes import HashCache
from podcast.audio.leveler import Processing
from podcast.audio.normalize import LoudnessTarget, normalize
from podcast.audio.opus import OpusAudio, encode_opus
from podcast.audio.report import LoudnessReport
from podcast.audio.source import Source
from podcast.catalog.models import AudioSettings, EpisodeEntry
from podcast.ffmpeg import StreamInfo
from podcast.problems import PodcastError
from podcast.progress import AudioProgress, PhaseProgress
from podcast.writer import file_sha256

CACHE_VERSION = "4"  # bump when the processing changes, so old cache entries are not reused


@dataclass(frozen=True)
class EncodedAudio:
    """An encoded episode in the cache."""

    path: Path
    duration: float
    size: int
    sha256: str  # of the encoded file (before any tags): names its published URL
    master_sha256: str = ""  # of the master: matches a renamed episode to its published self
    report: LoudnessReport | None = None  # None for derived files (tagged copies)
    plot: Path | None = None
    cached: bool = False
    opus: OpusAudio | None = None  # the Opus alternate, with ``audio: {opus: true}``


def episode_source(entry: EpisodeEntry, settings: AudioSettings, root: Path | None) -> Source:
    """The master with the show's jingles (paths relative to the catalog root)."""
    root = root or Path.cwd()

    def jingle(value: str | None, field: str) -> Path | None:
        if value is None:
            return None
        path = (root / value).resolve()
        if not path.is_file():
            raise PodcastError(f"{root / 'show.yaml'}: audio.{field}: file {value!r} not found")
        return path

    return Source(
        master=entry.audio_path,
        intro=jingle(settings.intro, "intro"),
        outro=jingle(settings.outro, "outro"),
        crossfade=settings.crossfade,
    )


def episode_target(settings: AudioSettings, channels: int) -> LoudnessTarget:
    mono = channels == 1
    return LoudnessTarget(
        loudness=settings.loudness_mono if mono else settings.loudness,
        true_peak=settings.true_peak,
        bitrate=settings.bitrate_mono if mono else settings.bitrate_stereo,
        channels=1 if mono else 2,
        when_too_loud=settings.when_too_loud,
        processing=Processing(settings.leveler, settings.highpass, settings.denoise),
    )


def encode(
    source: Source,
    out: Path,
    target: LoudnessTarget,
    progress: PhaseProgress | None = None,
    known: Mapping[Path, StreamInfo] | None = None,
) -> LoudnessReport:
    """Normalize and encode ``source`` to ``out``: the stage's only audio work."""
    return normalize(source, out, target, progress, known)


def cache_key(
    source: Source,
    settings: AudioSettings,
    channels: int,
    master_sha256: str | None = None,
    sha256: Callable[[Path], str] = file_sha256,
) -> str:
    """Hash of the master (and jingles), the settings and the channel count."""
    digest = hashlib.sha256(CACHE_VERSION.encode())
    for path in source.files:
        known = master_sha256 if path == source.master else None
        digest.update((known or sha256(path)).encode())
    # the Opus alternate is made from the MP3 (podcast.audio.opus): not part of the MP3's key
    digest.update(settings.model_dump_json(exclude={"opus"}).encode())
    digest.update(str(channels).encode())
    return digest.hexdigest()[:32]


def encode_episode(
    entry: EpisodeEntry,
    settings: AudioSettings,
    cache: Path,
    root: Path | None = None,
    progress: AudioProgress | None = None,
    hashes: HashCache | None = None,
) -> EncodedAudio:
    """The episode's MP3 from the cache, else normalized and encoded into it.

    Masters are hashed through ``hashes`` (remembered by path, size, mtime and inode: an
    unchanged master is not read); without it, a HashCache of ``cache`` is used and saved.
    """
    if hashes is None:
        own = HashCache(cache)
        try:
            return encode_episode(entry, settings, cache, root, progress, own)
        finally:
            own.save()
    if entry.meta.leveler is not None:  # the episode's own setting
        settings = settings.model_copy(update={"leveler": entry.meta.leveler})
    channels = 1 if entry.audio.channels == 1 else 2
    master_sha256 = hashes.sha256(entry.audio_path)
    source = episode_source(entry, settings, root)
    key = cache_key(source, settings, channels, master_sha256, hashes.sha256)
    out = cache / "audio" / f"{key}.mp3"
    meta = out.with_suffix(".json")
    plot = out.with_suffix(".png")
    if out.is_file() and meta.is_file() and plot.is_file():
        info = json.loads(meta.read_text())
        report = LoudnessReport.from_json(info["loudness"])
        size = out.stat().st_size
        return EncodedAudio(
            out, info["duration"], size, info["sha256"], master_sha256, report, plot, cached=True
        )
    out.parent.mkdir(parents=True, exist_ok=True)

    def step(phase: str, done: float, total: float) -> None:
        if progress is not None:
            progress(entry.slug, phase, done, total)

    # the catalog probed and checked the master already (entry.audio): not again
    audio = entry.audio
    known = {
        entry.audio_path: StreamInfo(
            audio.duration, audio.channels, audio.sample_rate, audio.codec.lower()
        )
    }
    report = encode(source, out, episode_target(settings, channels), step, known)
    from podcast.audio.plot import draw_plot

    plot.write_bytes(draw_plot(report, entry.meta.title))
    result = EncodedAudio(
        out,
        MP3(out).info.length,  # type: ignore[attr-defined]  # mutagen: an MP3 has info
        out.stat().st_size,
        file_sha256(out),
        master_sha256,
        report,
        plot,
    )
    meta.write_text(
        json.dumps(
            {"duration": result.duration, "sha256": result.sha256, "loudness": report.to_json()}
        )
    )
    return result


def with_opus(
    entry: EpisodeEntry, audio: EncodedAudio, settings: AudioSettings, cache: Path
) -> EncodedAudio:
    """``audio`` with its Opus alternate (cached like the MP3) when the show asks for one."""
    if not settings.opus:
        return audio
    channels = 1 if entry.audio.channels == 1 else 2
    target = episode_target(settings, channels).loudness
    opus = encode_opus(audio.path, audio.sha256, channels, target, settings.true_peak, cache)
    return replace(audio, opus=opus)


def encode_all(
    episodes: Sequence[EpisodeEntry],
    settings: AudioSettings,
    cache: Path,
    jobs: int,
    root: Path | None = None,
    progress: AudioProgress | None = None,
) -> dict[str, EncodedAudio]:
    """Normalize and encode every episode, ``jobs`` at a time; keyed by slug."""
    hashes = HashCache(cache)
    try:

        def one(entry: EpisodeEntry) -> tuple[str, EncodedAudio]:
            audio = encode_episode(entry, settings, cache, root, progress, hashes)
            return entry.slug, with_opus(entry, audio, settings, cache)

        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            results = pool.map(one, episodes)
            return dict(results)
    finally:
        hashes.save()
