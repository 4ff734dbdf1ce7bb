"""Progress: the callbacks the stages report through, and the bars (rich) that draw them.

The stages only know the types at the top; the CLI passes the bars.  Bars are
silent with ``--quiet``, when ``CI`` is set, or when stderr is not a terminal.
"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Protocol

#: seconds of audio done in the current pass over one file
PassProgress = Callable[[float], None]
#: (phase, seconds done, seconds total) of one file: "measure", then "encode"
PhaseProgress = Callable[[str, float, float], None]
#: (episode slug, phase, seconds done, seconds total), for all episodes at once
AudioProgress = Callable[[str, str, float, float], None]
#: the name of each file as it is written (exports)
FileProgress = Callable[[str], None]


class UploadProgress(Protocol):
    """Told about uploads as they happen (called from upload threads)."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def file_done(self, relpath: str) -> None: ...


class NoUploadProgress:
    """Reports nowhere."""

    def start(self, files: int, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def file_done(self, relpath: str) -> None:
        pass


PHASES = {"measure": 0, "encode": 1}  # each phase is half of an episode's bar


def progress_wanted(quiet: bool) -> bool:
    if quiet or os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        return False
    return sys.stderr.isatty()


@contextmanager
def audio_progress(enabled: bool, total_episodes: int = 0) -> Iterator[AudioProgress | None]:
    """A callback for the audio stage that draws bars, or None when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, Progress, TaskID, TextColumn, TimeRemainingColumn

    lock = threading.Lock()
    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        TextColumn("{task.percentage:>3.0f}%"),
        TimeRemainingColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    tasks: dict[str, TaskID] = {}
    overall = bars.add_task("audio (all episodes)", total=max(1, total_episodes) * 2)
    done_parts: dict[str, float] = {}

    def update(slug: str, phase: str, done: float, total: float) -> None:
        with lock:
            if slug not in tasks:
                tasks[slug] = bars.add_task(f"  {slug}", total=2 * max(total, 0.001))
            part = PHASES.get(phase, 1)
            bars.update(tasks[slug], completed=part * total + min(done, total))
            fraction = part + (min(done, total) / total if total else 1.0)
            done_parts[slug] = fraction
            bars.update(overall, completed=sum(done_parts.values()))

    with bars:
        yield update


class UploadBar:
    """Bytes and files of a publish (an :class:`UploadProgress`; called from threads)."""

    def __init__(self, bars):
        self.bars = bars
        self.task = None
        self.files = 0
        self.done = 0
        self.lock = threading.Lock()

    def start(self, files: int, total_bytes: int) -> None:
        self.files = files
        self.task = self.bars.add_task(f"upload 0/{files} files", total=total_bytes)

    def advance(self, nbytes: int) -> None:
        self.bars.update(self.task, advance=nbytes)

    def file_done(self, relpath: str) -> None:
        with self.lock:
            self.done += 1
            self.bars.update(self.task, description=f"upload {self.done}/{self.files} files")


@contextmanager
def upload_progress(enabled: bool) -> Iterator[UploadBar | None]:
    """An upload bar (bytes, speed, files), or None when disabled."""
    if not enabled:
        yield None
        return
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TextColumn, TransferSpeedColumn

    bars = Progress(
        TextColumn("{task.description}"),
        BarColumn(),
        DownloadColumn(),
        TransferSpeedColumn(),
        console=Console(stderr=True),
        transient=True,
    )
    with bars:
        yield UploadBar(bars)


class Bars:
    """The bars of a command, one stage at a time (rich draws one live display at once)."""

    def __init__(self, enabled: bool = False):
        self.enabled = enabled

    def audio(self, total_episodes: int = 0):
        return audio_progress(self.enabled, total_episodes)

    def upload(self):
        return upload_progress(self.enabled)
