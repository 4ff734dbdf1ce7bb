"""SHA-256 of masters, remembered by path, size, modification time and inode (as git's index).

Every build needs each master's hash (it names the cached MP3 and matches a renamed episode
to its published self), and hashing reads the whole file: 63 GB for a catalog of 100
hour-long WAV masters.  The hashes are kept in ``<cache>/audio/hashes.json`` (a
:class:`~podcast.stamps.StampedCache`); a file whose size, mtime (ns) and inode are as
recorded is not read again, so a build with no changed master reads no master.
"""

from __future__ import annotations

from pathlib import Path

from podcast.stamps import StampedCache
from podcast.writer import file_sha256

VERSION = 2


class HashCache:
    """The hashes of files under one cache folder; safe to share between threads."""

    def __init__(self, cache: Path) -> None:
        self.stamped = StampedCache(cache / "audio" / "hashes.json", VERSION)

    def sha256(self, path: Path) -> str:
        """The file's SHA-256, read from the file only if it changed since it was hashed."""
        return str(self.stamped.get(path, lambda p: file_sha256(p)))

    def save(self) -> None:
        """Write the hashes (atomically) if any was added."""
        self.stamped.save()
