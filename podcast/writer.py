"""The one writer that owns the build folder, and safe file replacement for everyone.

Every stage hands its output to :class:`Writer`; it refuses two things writing
the same path, skips rewriting files whose bytes did not change (so the build
folder's timestamps mean something), and at :meth:`Writer.finish` removes
whatever an earlier build left that this build did not write.

Files are replaced atomically (:func:`replace_atomically`): written to a temporary
name next to the target and renamed over it.  If writing fails (disk full, a
read-only or forbidden folder) the temporary file is removed, the old file stays,
and :class:`OutputError` says which path and why, in one line.
"""

from __future__ import annotations

import errno
import hashlib
import os
import shutil
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path, PurePosixPath

from podcast.paths import content_addressed
from podcast.problems import PodcastError
from podcast.stamps import StampedCache

#: Why a file operation failed, for the errors people meet in practice.
REASONS = {
    errno.ENOSPC: "no space left on the device",
    errno.EDQUOT: "disk quota exceeded",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "operation not permitted",
    errno.EFBIG: "file too large for this file system",
    errno.EIO: "input/output error (failing disk or network share?)",
    errno.ENOTDIR: "a path component is a file, not a folder",
    errno.EISDIR: "it is a folder",
    errno.ENAMETOOLONG: "file name too long",
}


def os_error_reason(error: OSError) -> str:
    """A short, lower-case reason for ``error`` (no path, no traceback)."""
    if error.errno in REASONS:
        return REASONS[error.errno]
    return (error.strerror or str(error) or type(error).__name__).lower()


class OutputError(PodcastError):
    """A file could not be written, read or removed; the message names the path."""

    def __init__(self, path: Path | str, error: OSError, doing: str = "write"):
        self.path = Path(path)
        self.reason = os_error_reason(error)
        super().__init__(f"{path}: cannot {doing}: {self.reason}")


class DuplicateOutputError(PodcastError):
    pass


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def make_folder(folder: Path) -> None:
    """``mkdir -p``, failing with an :class:`OutputError` naming the folder."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(error.filename or folder, error, "create the folder") from error


def replace_atomically(
    dest: Path,
    write: Callable[[Path], object],
    tmp_suffix: str = ".tmp",
    source: Path | None = None,
) -> None:
    """Replace ``dest`` with what ``write(tmp)`` writes, or leave it as it was.

    On any failure the temporary file is removed and :class:`OutputError` raised
    (naming ``source`` if reading it failed, else ``dest``).
    """
    make_folder(dest.parent)
    tmp = dest.with_name(dest.name + tmp_suffix)
    try:
        write(tmp)
        os.replace(tmp, dest)
    except OSError as error:
        with suppress(OSError):
            tmp.unlink(missing_ok=True)
        if source is not None and _reading(error, source):
            raise OutputError(source, error, "read") from error
        raise OutputError(dest, error) from error


#: errors that are always the destination's, whichever file the error names
WRITE_ERRNOS = {errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EFBIG}


def _reading(error: OSError, source: Path) -> bool:
    """Whether copying failed on reading ``source`` (shutil names it also for write errors)."""
    return (
        error.filename == str(source)
        and error.filename2 is None
        and error.errno not in WRITE_ERRNOS
    )


def _same_bytes(path: Path, data: bytes) -> bool:
    try:
        return path.is_file() and path.stat().st_size == len(data) and path.read_bytes() == data
    except OSError:
        return False  # unreadable: write it again (and fail there with a message)


def _same_file(path: Path, size: int, sha256: str, hashes: Hashes) -> bool:
    try:
        same_size = path.is_file() and path.stat().st_size == size
        return same_size and hashes.sha256(path) == sha256
    except OSError:
        return False


class Hashes:
    """SHA-256 of files, read each time; :class:`StampedHashes` remembers them."""

    def sha256(self, path: Path) -> str:
        return file_sha256(path)

    def learn(self, path: Path, sha256: str) -> None:
        """``path`` was just written with content of this hash."""

    def learn_bytes(self, path: Path, data: bytes) -> None:
        """``path`` holds ``data``."""


class StampedHashes(Hashes):
    """Hashes remembered in a :class:`~podcast.stamps.StampedCache` while a file's stamp
    (size, mtime, inode) is unchanged, so an unchanged file is not read again."""

    def __init__(self, cache: StampedCache) -> None:
        self.cache = cache

    def sha256(self, path: Path) -> str:
        return str(self.cache.get(path, file_sha256))

    def learn(self, path: Path, sha256: str) -> None:
        self.cache.get(path, lambda _: sha256)

    def learn_bytes(self, path: Path, data: bytes) -> None:
        self.cache.get(path, lambda _: hashlib.sha256(data).hexdigest())


class Writer:
    """Writes files below ``root``, each path once per build.

    ``hashes`` (a :class:`~podcast.stamps.StampedCache`) remembers the hashes of the files
    it compares, copies and writes, so that a later build does not read unchanged files
    again; without it, they are read each time.
    """

    def __init__(self, root: Path, hashes: StampedCache | None = None):
        self.root = root
        self.hashes = StampedHashes(hashes) if hashes is not None else Hashes()
        self.written: dict[str, str] = {}
        self.addressed: dict[str, str] = {}  # logical relpath -> content-addressed relpath

    def _claim(self, relpath: str, owner: str) -> Path:
        key = str(PurePosixPath(relpath))
        if key.startswith(("/", "..")) or "/../" in key:
            raise DuplicateOutputError(f"{owner}: refusing to write outside the build: {relpath}")
        if key in self.written:
            raise DuplicateOutputError(
                f"{key} would be written twice: by {self.written[key]} and by {owner}"
            )
        self.written[key] = owner
        return self.root / key

    def write_bytes(self, relpath: str, data: bytes, owner: str) -> Path:
        path = self._claim(relpath, owner)
        if not _same_bytes(path, data):
            replace_atomically(path, lambda tmp: tmp.write_bytes(data))
        self.hashes.learn_bytes(path, data)
        return path

    def write_text(self, relpath: str, text: str, owner: str) -> Path:
        return self.write_bytes(relpath, text.encode("utf-8"), owner)

    def copy_file(self, relpath: str, source: Path, owner: str) -> Path:
        path = self._claim(relpath, owner)
        try:
            size, sha256 = source.stat().st_size, self.hashes.sha256(source)
        except OSError as error:
            raise OutputError(source, error, "read") from error
        if not _same_file(path, size, sha256, self.hashes):
            replace_atomically(path, lambda tmp: shutil.copyfile(source, tmp), source=source)
            self.hashes.learn(path, sha256)
        return path

    def write_addressed(self, relpath: str, data: bytes, owner: str) -> str:
        """Write ``data`` under ``relpath`` with its content hash in the name; return that name.

        A changed file gets a new name, so nothing published under the old one is
        replaced before the new feed and pages (which link the new name) are in place.
        """
        actual = content_addressed(relpath, hashlib.sha256(data).hexdigest())
        self._alias(relpath, actual, owner)
        self.write_bytes(actual, data, owner)
        return actual

    def copy_addressed(self, relpath: str, source: Path, owner: str) -> str:
        """:meth:`write_addressed` for a file: copied under its content-addressed name."""
        try:
            sha256 = self.hashes.sha256(source)
        except OSError as error:
            raise OutputError(source, error, "read") from error
        actual = content_addressed(relpath, sha256)
        self._alias(relpath, actual, owner)
        self.copy_file(actual, source, owner)
        return actual

    def _alias(self, relpath: str, actual: str, owner: str) -> None:
        if relpath in self.addressed or relpath in self.written:
            first = self.written.get(relpath) or self.written.get(self.addressed[relpath], "")
            raise DuplicateOutputError(
                f"{relpath} would be written twice: by {first} and by {owner}"
            )
        self.addressed[relpath] = actual

    def stored_as(self, relpath: str) -> str | None:
        """Where this build put ``relpath``: its content-addressed name, itself, or None."""
        if relpath in self.addressed:
            return self.addressed[relpath]
        return relpath if relpath in self.written else None

    def finish(self) -> list[str]:
        """Remove files an earlier build left that this one did not write; return them."""
        removed: list[str] = []
        if not self.root.is_dir():
            return removed
        top = os.fspath(self.root)
        for folder, _, names in os.walk(top, topdown=False):  # a folder after what is in it
            rel = os.path.relpath(folder, top)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            path = Path(folder)
            try:
                for name in names:
                    if prefix + name not in self.written and (path / name).is_file():
                        (path / name).unlink()
                        removed.append(prefix + name)
                if prefix and not any(path.iterdir()):
                    path.rmdir()
            except OSError as error:
                raise OutputError(error.filename or path, error, "remove") from error
        return sorted(removed, reverse=True)
