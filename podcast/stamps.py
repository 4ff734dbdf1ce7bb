"""What was learned about a file, remembered by path, size, modification time and inode.

As git's index does: a file whose size, mtime (ns) and inode are as recorded is
taken to be unchanged, so what was computed from it (a hash, a full decode) is
not computed again.  A :class:`StampedCache` keeps such values as JSON in one
file under the cache folder; it is safe to share between threads.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any


def files_below(root: Path) -> dict[str, os.stat_result]:
    """Every file below ``root`` (relpath with ``/``) and its ``stat`` (symlinks to files
    followed, symlinks to folders not entered, as :meth:`Path.rglob` does), fast."""
    found: dict[str, os.stat_result] = {}
    top = os.fspath(root)
    for folder, _, names in os.walk(top):
        rel = os.path.relpath(folder, top)
        prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
        for name in names:
            try:
                stat = os.stat(os.path.join(folder, name))
            except FileNotFoundError:
                continue  # a dangling link, or removed meanwhile: not a file
            if S_ISREG(stat.st_mode):
                found[prefix + name] = stat
    return found


@dataclass(frozen=True)
class Stamp:
    size: int
    mtime_ns: int
    inode: int

    @classmethod
    def of(cls, path: Path) -> Stamp:
        stat = path.stat()
        return cls(stat.st_size, stat.st_mtime_ns, stat.st_ino)


class StampedCache:
    """JSON values per file at ``path``, valid while the file's stamp is unchanged."""

    def __init__(self, path: Path, version: int) -> None:
        self.path = path
        self.version = version
        self.lock = threading.Lock()
        self.entries: dict[str, tuple[Stamp, Any]] = {}
        self.used: set[str] = set()  # the keys looked up since it was loaded
        self.changed = False
        self._load()

    def _load(self) -> None:
        try:
            data = json.loads(self.path.read_text())
        except (OSError, ValueError):
            return  # none yet, or unreadable: everything is computed again (and rewritten)
        if not isinstance(data, dict) or data.get("version") != self.version:
            return
        for key, entry in data.get("files", {}).items():
            try:
                stamp = Stamp(int(entry["size"]), int(entry["mtime_ns"]), int(entry["inode"]))
                self.entries[key] = (stamp, entry["value"])
            except (KeyError, TypeError, ValueError):
                continue  # a damaged entry: that file is looked at again

    def get(self, path: Path, compute: Callable[[Path], Any]) -> Any:
        """The value for ``path``, computed (and remembered) only if the file changed."""
        key = os.path.abspath(path)  # not resolve(): that costs a stat per path component
        stamp = Stamp.of(path)
        with self.lock:
            known = self.entries.get(key)
            self.used.add(key)
        if known is not None and known[0] == stamp:
            return known[1]
        value = compute(path)
        if Stamp.of(path) != stamp:  # written to meanwhile: do not remember it
            return value
        with self.lock:
            self.entries[key] = (stamp, value)
            self.changed = True
        return value

    def save(self, prune: bool = False) -> None:
        """Write the values (atomically) if any was added; ``prune``: keep only the values
        of the files looked up since it was loaded (the others are of files gone or unused)."""
        with self.lock:
            if prune and self.entries.keys() - self.used:
                self.entries = {k: v for k, v in self.entries.items() if k in self.used}
                self.changed = True
            if not self.changed:
                return
            files = {
                key: {"size": s.size, "mtime_ns": s.mtime_ns, "inode": s.inode, "value": value}
                for key, (s, value) in sorted(self.entries.items())
            }
            self.changed = False
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(f"{self.path.name}.{os.getpid()}.{threading.get_ident()}.tmp")
        try:
            tmp.write_text(json.dumps({"version": self.version, "files": files}, indent=0))
            os.replace(tmp, self.path)
        finally:
            tmp.unlink(missing_ok=True)
