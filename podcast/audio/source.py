"""The audio to normalize: a master, optionally joined with intro and outro jingles."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from podcast.audio.loudness import layout
from podcast.ffmpeg import FfmpegError, StreamInfo, probe
from podcast.problems import PodcastError

OUTPUT_RATE = 44100  # the MP3's; jingles are joined to the master at this rate
# the lowest rate a master may have: podcast.catalog.assets checks the same (not imported
# from there: importing any catalog module loads the whole catalog package and pydantic)
MIN_SAMPLE_RATE = 22050


class AudioError(PodcastError):
    """The audio cannot be normalized; the message names the file."""


@dataclass(frozen=True)
class Source:
    """The audio to normalize: a master, optionally with intro/outro jingles."""

    master: Path
    intro: Path | None = None
    outro: Path | None = None
    crossfade: float = 0.0

    @property
    def files(self) -> list[Path]:
        return [p for p in (self.intro, self.master, self.outro) if p is not None]

    def input_args(self) -> list[str]:
        args: list[str] = []
        for path in self.files:
            args += ["-i", str(path)]
        return args

    def graph(self, channels: int, chain: str) -> tuple[str, int | None]:
        """An ffmpeg filter graph that puts out ``[out]`` = joined source → ``chain``.

        Returns the graph and the sample rate of the result (None: the master's own).
        """
        shape = f"aformat=channel_layouts={layout(channels)}"
        if len(self.files) == 1:
            return f"[0:a:0]{shape}{',' + chain if chain else ''}[out]", None
        parts = []
        labels = []
        for i in range(len(self.files)):
            parts.append(
                f"[{i}:a:0]aresample={OUTPUT_RATE},aformat=sample_fmts=flt:channel_layouts={layout(channels)}[s{i}]"
            )
            labels.append(f"[s{i}]")
        if self.crossfade > 0:
            current = labels[0]
            for i, label in enumerate(labels[1:], 1):
                parts.append(f"{current}{label}acrossfade=d={self.crossfade}:c1=tri:c2=tri[x{i}]")
                current = f"[x{i}]"
            joined = current
        else:
            parts.append(f"{''.join(labels)}concat=n={len(labels)}:v=0:a=1[joined]")
            joined = "[joined]"
        parts.append(f"{joined}{chain or 'anull'}[out]")
        return ";".join(parts), OUTPUT_RATE


def stream_info(path: Path, known: Mapping[Path, StreamInfo]) -> StreamInfo:
    """What ``path`` is: as the catalog found it (``known``), else probed."""
    return known[path] if path in known else probe(path)


def check_source(source: Source, known: Mapping[Path, StreamInfo] | None = None) -> None:
    """Clear errors for audio that cannot be normalized, naming the file.

    Files in ``known`` were probed and checked already (by the catalog): only their
    existence is checked.
    """
    for path in source.files:
        if not path.is_file():
            raise AudioError(f"{path}: not found")
        if known and path in known:
            continue
        if path.stat().st_size == 0:
            raise AudioError(f"{path}: empty file (0 bytes)")
        try:
            info = probe(path)
        except FfmpegError:
            raise AudioError(
                f"{path}: not readable as audio (corrupt or unsupported format)"
            ) from None
        if info.sample_rate < MIN_SAMPLE_RATE:
            raise AudioError(
                f"{path}: sampled at {info.sample_rate} Hz (expected at least {MIN_SAMPLE_RATE} Hz)"
            )
