"""The one writer that owns the build folder.

Every stage hands its output to :class:`Writer`; it refuses two things writing
the same path, skips rewriting files whose bytes did not change (so the build
folder's timestamps mean something), and at :meth:`Writer.finish` removes
whatever an earlier build left that this build did not write.
"""

from __future__ import annotations

import hashlib
import os
import shutil
from pathlib import Path, PurePosixPath

from podcast.problems import PodcastError


class DuplicateOutputError(PodcastError):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


class Writer:
    """Writes files below ``root``, each path once per build."""

    def __init__(self, root: Path):
        self.root = root
        self.written: dict[str, str] = {}

    def _claim(self, relpath: str, owner: str) -> Path:
        key = str(PurePosixPath(relpath))
        if key.startswith(("/", "..")) or "/../" in key:
            raise DuplicateOutputError(f"{owner}: refusing to write outside the build: {relpath}")
        if key in self.written:
            raise DuplicateOutputError(
                f"{key} would be written twice: by {self.written[key]} and by {owner}"
            )
        self.written[key] = owner
        path = self.root / key
        path.parent.mkdir(parents=True, exist_ok=True)
        return path

    def write_bytes(self, relpath: str, data: bytes, owner: str) -> Path:
        path = self._claim(relpath, owner)
        if path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data:
            return path
        tmp = path.with_name(path.name + ".tmp")
        tmp.write_bytes(data)
        os.replace(tmp, path)
        return path

    def write_text(self, relpath: str, text: str, owner: str) -> Path:
        return self.write_bytes(relpath, text.encode("utf-8"), owner)

    def copy_file(self, relpath: str, source: Path, owner: str) -> Path:
        path = self._claim(relpath, owner)
        same_size = path.is_file() and path.stat().st_size == source.stat().st_size
        if same_size and file_sha256(path) == file_sha256(source):
            return path
        tmp = path.with_name(path.name + ".tmp")
        shutil.copyfile(source, tmp)
        os.replace(tmp, path)
        return path

    def claim(self, relpath: str, owner: str) -> Path:
        """Reserve ``relpath`` for a stage that writes the file itself; returns its path."""
        return self._claim(relpath, owner)

    def finish(self) -> list[str]:
        """Remove files an earlier build left that this one did not write; return them."""
        removed = []
        if not self.root.is_dir():
            return removed
        for path in sorted(self.root.rglob("*"), reverse=True):
            rel = path.relative_to(self.root).as_posix()
            if path.is_file() and rel not in self.written:
                path.unlink()
                removed.append(rel)
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
        return removed
