"""``podcast publish``: copy an already-built folder to where the show lives.

The target is a local folder (``public/`` by default) laid out exactly as a
bucket would be.  Files are compared by content hash, so an unchanged build
copies nothing; media and assets go first, pages next, the feed last, so the
published feed never refers to a file that is not there yet.  Each file is
replaced atomically.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from podcast.paths import FEED_PATH, STATE_PATH
from podcast.problems import PodcastError
from podcast.writer import file_sha256

Action = Literal["upload", "update", "delete"]


@dataclass(frozen=True)
class Change:
    action: Action
    relpath: str
    size: int


@dataclass(frozen=True)
class PublishReport:
    target: str
    changes: tuple[Change, ...]
    unchanged: int
    dry_run: bool

    @property
    def bytes(self) -> int:
        return sum(c.size for c in self.changes if c.action != "delete")


class Target(Protocol):
    """Where a show is published; local folders and buckets both implement it."""

    def describe(self) -> str: ...

    def hashes(self) -> dict[str, str]:
        """relpath -> sha256 of every published file."""
        ...

    def read_bytes(self, relpath: str) -> bytes | None:
        """A published file's bytes, or None if it is not there (e.g. the state manifest)."""
        ...

    def put(self, relpath: str, source: Path) -> None: ...

    def delete(self, relpath: str) -> None: ...


class LocalTarget:
    def __init__(self, root: Path):
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def hashes(self) -> dict[str, str]:
        if not self.root.is_dir():
            return {}
        return {
            p.relative_to(self.root).as_posix(): file_sha256(p)
            for p in self.root.rglob("*")
            if p.is_file() and not p.name.endswith(".publishing")
        }

    def read_bytes(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        return path.read_bytes() if path.is_file() else None

    def put(self, relpath: str, source: Path) -> None:
        dest = self.root / relpath
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".publishing")
        shutil.copyfile(source, tmp)
        os.replace(tmp, dest)

    def delete(self, relpath: str) -> None:
        path = self.root / relpath
        path.unlink(missing_ok=True)
        parent = path.parent
        while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent


def open_target(spec: str) -> Target:
    if spec.startswith("s3://"):
        raise PodcastError(f"{spec}: S3 targets are not supported yet")
    return LocalTarget(Path(spec))


def upload_rank(relpath: str) -> int:
    """Media and assets first, then pages, then the published state, the feed last."""
    if relpath == FEED_PATH:
        return 4
    if relpath == STATE_PATH:
        return 3
    if relpath.endswith(".html"):
        return 2
    return 1


def build_files(build_dir: Path) -> dict[str, Path]:
    if not (build_dir / FEED_PATH).is_file():
        raise PodcastError(f"{build_dir}: no {FEED_PATH} here (run podcast build first)")
    return {p.relative_to(build_dir).as_posix(): p for p in build_dir.rglob("*") if p.is_file()}


def plan(build_dir: Path, target: Target, prune: bool) -> tuple[list[Change], int]:
    files = build_files(build_dir)
    published = target.hashes()
    changes, unchanged = [], 0
    for relpath in sorted(files, key=lambda r: (upload_rank(r), r)):
        path = files[relpath]
        if relpath not in published:
            changes.append(Change("upload", relpath, path.stat().st_size))
        elif published[relpath] != file_sha256(path):
            changes.append(Change("update", relpath, path.stat().st_size))
        else:
            unchanged += 1
    if prune:
        changes.extend(Change("delete", r, 0) for r in sorted(set(published) - set(files)))
    return changes, unchanged


def publish(
    build_dir: Path,
    target: Target,
    *,
    dry_run: bool = False,
    prune: bool = False,
    progress: Callable[[Iterable[Change]], Iterable[Change]] = lambda c: c,
) -> PublishReport:
    changes, unchanged = plan(build_dir, target, prune)
    if not dry_run:
        for change in progress(changes):
            if change.action == "delete":
                target.delete(change.relpath)
            else:
                target.put(change.relpath, build_dir / change.relpath)
    return PublishReport(target.describe(), tuple(changes), unchanged, dry_run)
