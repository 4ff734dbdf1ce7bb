"""A local folder as a publish destination (``public/`` by default)."""

from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

from podcast.publish.destination import Upload, UploadProgress
from podcast.writer import file_sha256

Action = Literal["upload", "update", "delete"]


class LocalDestination:
    """A folder laid out exactly as the bucket would be; each file replaced atomically."""

    def __init__(self, root: Path):
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def list_sizes(self) -> dict[str, int]:
        if not self.root.is_dir():
            return {}
        return {
            p.relative_to(self.root).as_posix(): p.stat().st_size
            for p in self.root.rglob("*")
            if p.is_file() and not p.name.endswith(".publishing")
        }

    def stored_sha256(self, relpath: str) -> str | None:
        path = self.root / relpath
        return file_sha256(path) if path.is_file() else None

    def size(self, relpath: str) -> int | None:
        path = self.root / relpath
        return path.stat().st_size if path.is_file() else None

    def read_bytes(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        return path.read_bytes() if path.is_file() else None

    def _replace(self, relpath: str, write) -> None:
        dest = self.root / relpath
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp = dest.with_name(dest.name + ".publishing")
        write(tmp)
        os.replace(tmp, dest)

    def write_bytes(self, relpath: str, data: bytes) -> None:
        self._replace(relpath, lambda tmp: tmp.write_bytes(data))

    def create_exclusive(self, relpath: str, data: bytes) -> bool:
        path = self.root / relpath
        path.parent.mkdir(parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
        except FileExistsError:
            return False
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        return True

    def upload(self, uploads: Sequence[Upload], progress: UploadProgress) -> None:
        for item in uploads:
            self._replace(item.relpath, lambda tmp, item=item: shutil.copyfile(item.source, tmp))
            progress.advance(item.size)
            progress.file_done(item.relpath)

    def delete(self, relpaths: Sequence[str]) -> None:
        for relpath in relpaths:
            path = self.root / relpath
            path.unlink(missing_ok=True)
            parent = path.parent
            while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                parent.rmdir()
                parent = parent.parent
