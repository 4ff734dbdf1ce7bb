"""What a publish destination is: a folder or a bucket, as the publisher sees it."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Literal, Protocol

from podcast.paths import INDEX_PATH, LOCK_PATH
from podcast.progress import UploadProgress

Action = Literal["upload", "update", "delete"]


#: Files the publisher keeps in the target for itself: never compared, never pruned.
INTERNAL = frozenset({INDEX_PATH, LOCK_PATH})
#: A lock older than this may be broken with ``--break-lock``.
STALE_LOCK = dt.timedelta(minutes=30)


@dataclass(frozen=True)
class Change:
    action: Action
    relpath: str
    size: int


@dataclass(frozen=True)
class Upload:
    relpath: str
    source: Path
    sha256: str
    size: int


@dataclass(frozen=True)
class PublishReport:
    target: str
    changes: tuple[Change, ...]
    unchanged: int
    dry_run: bool
    kept: tuple[str, ...] = ()  # not built any more, but a published episode refers to them
    seconds: float = 0.0
    index_refreshed: bool = False
    notes: tuple[str, ...] = ()  # for the user: e.g. a broken lock that was taken over

    @property
    def bytes(self) -> int:
        return sum(c.size for c in self.changes if c.action != "delete")

    @property
    def uploads(self) -> int:
        return sum(c.action != "delete" for c in self.changes)


class Destination(Protocol):
    """Where a show is published; local folders and buckets both implement it."""

    def describe(self) -> str:
        """Where, for messages (never with credentials)."""
        ...

    def list_sizes(self) -> dict[str, int]:
        """relpath -> size of every object, in one (paged) listing."""
        ...

    def stored_sha256(self, relpath: str) -> str | None:
        """The sha256 stored with one object (or computed), None if unknown or missing."""
        ...

    def size(self, relpath: str) -> int | None:
        """One object's size as the target reports it now, None if it is missing."""
        ...

    def read_bytes(self, relpath: str) -> bytes | None:
        """A published file's bytes, or None if it is not there."""
        ...

    def write_bytes(self, relpath: str, data: bytes) -> None:
        """Replace one small object atomically (the index)."""
        ...

    def create_exclusive(self, relpath: str, data: bytes) -> bool:
        """Create ``relpath`` only if it does not exist (atomically); False if it does."""
        ...

    def upload(self, uploads: Sequence[Upload], progress: UploadProgress) -> None:
        """Upload all of them (in parallel where that helps); return when all are there."""
        ...

    def delete(self, relpaths: Sequence[str]) -> None: ...
