"""SHA-256 of masters, remembered by path, size, modification time and inode (as git's index).

Every build needs each master's hash (it names the cached MP3 and matches a renamed episode
to its published self), and hashing reads the whole file: 63 GB for a catalog of 100
hour-long WAV masters.  The hashes are kept in ``<cache>/audio/hashes.json``; a file whose
size, mtime (ns) and inode are as recorded is not read again, so a build with no changed
master reads no master.  A changed file (any of the four) is hashed again.
"""

from __future__ import annotations

import json
import os
import threading
from dataclasses import dataclass
from pathlib import Path

from podcast.writer import file_sha256

VERSION = 1


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Stamp:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)


class HashCache:
    """The hashes of files under one cache folder; safe to share between threads."""

    def __init__(self, cache: Path) -> None:
        self.path = cache / "audio" / "hashes.json"
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[Stamp, str]] = {}
        self.changed = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return  # none yet, or unreadable: every file is hashed (and the file rewritten)
        if not isinstance(data, dict) or data.get("version") != VERSION:
            return
        for key, entry in data.get("files", {}).items():
            try:
                stamp = Stamp(int(entry["size"]), int(entry["mtime_ns"]), int(entry["inode"]))
                self.entries[key] = (stamp, str(entry["sha256"]))
            except (KeyError, TypeError, ValueError):
                continue  # a damaged entry: that file is hashed again

    def sha256(self, path: Path) -> str:
        """The file's SHA-256, read from the file only if it changed since it was hashed."""
        key = str(path.resolve())
        stamp = Stamp.of(path)
        with self.lock:
            known = self.entries.get(key)
        if known is not None and known[0] == stamp:
            return known[1]
        digest = file_sha256(path)
        if Stamp.of(path) != stamp:  # written to while hashed: do not remember it
            return digest
        with self.lock:
            self.entries[key] = (stamp, digest)
            self.changed = True
        return digest

    def save(self) -> None:
        """Write the hashes (atomically) if any was added."""
        with self.lock:
            if not self.changed:
                return
            files = {
                key: {"size": s.size, "mtime_ns": s.mtime_ns, "inode": s.inode, "sha256": digest}
                for key, (s, digest) in sorted(self.entries.items())
            }
            self.changed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        tmp.write_text(json.dumps({"version": VERSION, "files": files}, indent=0))
        os.replace(tmp, self.path)
