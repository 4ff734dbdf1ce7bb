"""A local folder as a publish destination (``public/`` by default).

Every file is replaced atomically (a ``.publishing`` temporary renamed over it);
a failed write removes its temporary file and raises :class:`OutputError` naming
the path and the reason (disk full, read-only, permission denied).
"""

from __future__ import annotations

import errno
import os
import shutil
import uuid
from collections.abc import Callable, Sequence
from contextlib import suppress
from pathlib import Path
from typing import TypeVar

from podcast.publish.destination import Upload, UploadProgress
from podcast.stamps import files_below
from podcast.writer import OutputError, file_sha256, make_folder, replace_atomically

TMP_SUFFIX = ".publishing"
#: link() not offered by this file system: fall back to O_EXCL (and clean up on failure)
NO_LINKS = {errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EXDEV, errno.EMLINK, errno.ENOSYS}

T = TypeVar("T")


class LocalDestination:
    """A folder laid out exactly as the bucket would be; each file replaced atomically."""

    def __init__(self, root: Path):
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def _read(self, path: Path, read: Callable[[Path], T]) -> T:
        try:
            return read(path)
        except OSError as error:
            raise OutputError(path, error, "read") from error

    def list_sizes(self) -> dict[str, int]:
        if not self.root.is_dir():
            return {}

        def sizes(root: Path) -> dict[str, int]:
            return {
                relpath: stat.st_size
                for relpath, stat in files_below(root).items()
                if not relpath.endswith(TMP_SUFFIX)
            }

        return self._read(self.root, sizes)

    def stored_sha256(self, relpath: str) -> str | None:
        path = self.root / relpath
        return self._read(path, file_sha256) if path.is_file() else None

    def size(self, relpath: str) -> int | None:
        path = self.root / relpath
        return self._read(path, lambda p: p.stat().st_size) if path.is_file() else None

    def read_bytes(self, relpath: str) -> bytes | None:
        path = self.root / relpath
        return self._read(path, Path.read_bytes) if path.is_file() else None

    def write_bytes(self, relpath: str, data: bytes) -> None:
        replace_atomically(self.root / relpath, lambda tmp: tmp.write_bytes(data), TMP_SUFFIX)

    def create_exclusive(self, relpath: str, data: bytes) -> bool:
        """Create ``relpath`` with ``data``, complete or not at all; False if it exists.

        The bytes go to a temporary file first, which is then hard-linked to the
        name (link fails if the name exists): a full disk can never leave an empty
        or half-written file under ``relpath``.
        """
        path = self.root / relpath
        make_folder(path.parent)
        tmp = path.with_name(f"{path.name}.{uuid.uuid4().hex[:12]}{TMP_SUFFIX}")
        try:
            _write_synced(tmp, data)
            try:
                os.link(tmp, path)
            except FileExistsError:
                return False
            except OSError as error:
                if error.errno not in NO_LINKS:
                    raise
                return _create_excl(path, data)
        except OSError as error:
            raise OutputError(path, error) from error
        finally:
            with suppress(OSError):
                tmp.unlink(missing_ok=True)
        return True

    def upload(self, uploads: Sequence[Upload], progress: UploadProgress) -> None:
        for item in uploads:
            source = item.source
            replace_atomically(
                self.root / item.relpath,
                lambda tmp: shutil.copyfile(source, tmp),  # noqa: B023 (called right here)
                TMP_SUFFIX,
                source=source,
            )
            progress.advance(item.size)
            progress.file_done(item.relpath)

    def delete(self, relpaths: Sequence[str]) -> None:
        for relpath in relpaths:
            path = self.root / relpath
            try:
                path.unlink(missing_ok=True)
                parent = path.parent
                while parent != self.root and parent.is_dir() and not any(parent.iterdir()):
                    parent.rmdir()
                    parent = parent.parent
            except OSError as error:
                raise OutputError(path, error, "remove") from error

    def redirect(self, relpath: str, url: str) -> str:
        return (
            f"--redirect-feed-to does not apply to a local folder ({self.root}): a folder "
            f"cannot redirect {relpath}; have the web server that serves it answer "
            f"{relpath} with a 301 to {url}"
        )


def _write_synced(path: Path, data: bytes) -> None:
    with path.open("xb") as handle:
        handle.write(data)
        handle.flush()
        os.fsync(handle.fileno())


def _create_excl(path: Path, data: bytes) -> bool:
    """O_EXCL creation for file systems without hard links; removed again if writing fails."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
    except OSError:
        with suppress(OSError):
            path.unlink()
        raise
    return True
