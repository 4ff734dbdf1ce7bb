"""Everything a build reads, as stamps: so that a build with nothing changed is recognised.

A build's output is a function of its inputs: the catalog folder (every file and
folder below it), the files it refers to outside it (masters under ``media_roots``,
jingles, a card font, pictures …), the published state and feed read from the
destination, the options that change what is built, the environment variables
podcast reads, and the code (podcast's own files, the installed packages, Python).
:func:`input_digest` hashes all of them by their stamps (size, mtime in ns, inode,
as git's index does), never by their content, so computing it reads no master.

Files outside the catalog are found three ways, so that none is missed: every
``Path`` in the loaded catalog, the paths show.yaml and the people give as text
(jingles, the card font, pictures), and every file the build itself opened for
reading or every folder it listed (:class:`ReadLog`, a :func:`sys.addaudithook`).
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import podcast
from podcast.writer import file_sha256

#: A stamp this close to a build's start (or later) may hide an edit made while it ran
#: (file times are coarse): such a build leaves no record, the next one builds again.
RACY_NS = 100_000_000
#: Environment variables that change what a build makes (podcast's own, ffmpeg's lookup).
ENVIRONMENT = ("PATH", "TZ", "SOURCE_DATE_EPOCH")
MISSING = (-1, 0, 0)
FOLDER = (-2, 0, 0)  # a folder's entry (what is in it has entries of its own)

SCALARS = (str, bytes, int, float, bool, type)  # no Path inside (a class: not its attributes)

Stamp = tuple[int, int, int]  # size (-1: missing, -2: a folder), mtime_ns, inode


def stamp_of(path: str) -> Stamp:
    """``path``'s size, mtime (ns) and inode (symlinks followed); :data:`MISSING` if gone."""
    try:
        stat = os.stat(path)
    except OSError:
        return MISSING
    size = -2 if os.path.isdir(path) else stat.st_size
    return (size, stat.st_mtime_ns, stat.st_ino)


def tree_stamps(root: Path, skip: Iterable[Path] = ()) -> dict[str, Stamp]:
    """Every file and folder below ``root`` (symlinks followed, each folder once) by path.

    A folder's own entry is its name only: what is in it is listed by its entries.
    """
    skipped = {os.path.abspath(p) for p in skip}
    stamps: dict[str, Stamp] = {}
    seen: set[tuple[int, int]] = set()
    pending = [os.path.abspath(root)]
    while pending:
        folder = pending.pop()
        try:
            info = os.stat(folder)
            entries = list(os.scandir(folder))
        except OSError:
            stamps[folder] = MISSING
            continue
        if (info.st_dev, info.st_ino) in seen:
            continue  # a link back up the tree
        seen.add((info.st_dev, info.st_ino))
        for entry in entries:
            if entry.path in skipped:
                continue
            try:
                is_folder = entry.is_dir()
                stat = None if is_folder else entry.stat()
            except OSError:
                stamps[entry.path] = MISSING  # a dangling link
                continue
            if stat is None:
                stamps[entry.path] = FOLDER
                pending.append(entry.path)
            else:
                stamps[entry.path] = (stat.st_size, stat.st_mtime_ns, stat.st_ino)
    return stamps


def code_stamps() -> dict[str, Stamp]:
    """podcast's own files, the folders packages are installed in (an install or an
    upgrade changes their entries, so their mtime) and the Python that runs."""
    package = Path(podcast.__file__).parent
    stamps = {p: s for p, s in tree_stamps(package).items() if "__pycache__" not in p}
    prefixes = tuple({sys.prefix, sys.base_prefix, sys.exec_prefix})
    for entry in sys.path:
        if entry and os.path.isdir(entry) and entry.startswith(prefixes):
            stamps[os.path.abspath(entry)] = stamp_of(entry)
    stamps[sys.executable] = stamp_of(sys.executable)
    return stamps


def environment() -> dict[str, str]:
    """The environment variables that change a build: ``PODCAST_*`` and :data:`ENVIRONMENT`."""
    return {
        name: value
        for name, value in sorted(os.environ.items())
        if name.startswith("PODCAST_") or name in ENVIRONMENT
    }


@dataclass(frozen=True)
class Snapshot:
    """The stamps of the catalog's files and folders and of the code, by path."""

    stamps: dict[str, Stamp]
    taken_ns: int  # when: stamps this recent are racy (see RACY_NS)

    @classmethod
    def take(cls, catalog: Path, skip: Iterable[Path]) -> Snapshot:
        taken = time.time_ns()
        stamps = tree_stamps(catalog, skip)
        stamps.update(code_stamps())
        return cls(stamps, taken)


def racy_contents(stamps: dict[str, Stamp], since_ns: int) -> dict[str, str]:
    """SHA-256 of the files among ``stamps`` changed so shortly before ``since_ns`` (or
    after it) that their stamp may not show a later edit: file times are coarse."""
    limit = since_ns - RACY_NS
    contents = {}
    for path, (size, mtime, _) in stamps.items():
        if size >= 0 and mtime > limit:
            try:
                contents[path] = file_sha256(Path(path))
            except OSError:
                contents[path] = "unreadable"
    return contents


def input_digest(
    stamps: dict[str, Stamp], settings: dict[str, Any], published: Iterable[bytes | None]
) -> str:
    """One hash of every input: stamps, ``settings`` (JSON-able), the environment, the
    version and the published files."""
    digest = hashlib.sha256()
    parts = {
        "stamps": sorted(stamps.items()),
        "environment": environment(),
        "settings": settings,
        "version": [podcast.__version__, sys.version],
    }
    digest.update(json.dumps(parts, sort_keys=True).encode())
    for data in published:
        digest.update(b"\0none" if data is None else hashlib.sha256(data).digest())
    return digest.hexdigest()


def outside(paths: Iterable[str], roots: Iterable[Path]) -> list[str]:
    """``paths`` (absolute) that lie below none of ``roots``; sorted, each once."""
    prefixes = tuple(os.path.join(os.path.abspath(r), "") for r in roots)
    bare = {p.rstrip(os.sep) for p in prefixes}
    return sorted({p for p in paths if not p.startswith(prefixes) and p not in bare})


def system_roots() -> tuple[Path, ...]:
    """Folders whose files are the code's (stamped by :func:`code_stamps`) or no file's."""
    package = Path(podcast.__file__).parent
    roots = {sys.prefix, sys.base_prefix, sys.exec_prefix, "/proc", "/sys", "/dev"}
    return (package, *(Path(r) for r in sorted(roots)))


# --- what the build opened --------------------------------------------------------------

_logs: list[ReadLog] = []
_hooked = False
_hook_lock = threading.Lock()


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if not _logs:
        return
    if event == "open":
        path, mode, flags = args
        if isinstance(mode, str):
            if any(c in mode for c in "wax+"):
                return
        elif not isinstance(flags, int) or flags & os.O_ACCMODE != os.O_RDONLY:
            return
    elif event in ("os.listdir", "os.scandir"):
        path = args[0] if args else "."
        path = "." if path is None else path
    else:
        return
    if isinstance(path, int):
        return  # a file descriptor: what it is was logged when it was opened
    try:
        name = os.path.abspath(os.fsdecode(path))
    except (TypeError, ValueError):
        return
    for log in _logs:
        log.paths.add(name)


@dataclass
class ReadLog:
    """The files opened for reading and the folders listed while it is active (all threads)."""

    paths: set[str] = field(default_factory=set)

    def __enter__(self) -> ReadLog:
        global _hooked
        with _hook_lock:
            if not _hooked:  # an audit hook stays for the process: one, shared
                sys.addaudithook(_audit)
                _hooked = True
            _logs.append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        with _hook_lock:
            _logs.remove(self)


def paths_in(value: Any) -> Iterator[Path]:
    """Every ``Path`` in a tree of pydantic models, dataclasses, tuples, lists and dicts."""
    pending = [value]
    seen: set[int] = set()
    while pending:
        item = pending.pop()
        if isinstance(item, Path):
            yield item
        elif item is None or isinstance(item, SCALARS) or id(item) in seen:
            continue
        elif isinstance(item, dict):
            seen.add(id(item))
            pending.extend(item.values())
        elif isinstance(item, (tuple, list, set, frozenset)):
            seen.add(id(item))
            pending.extend(item)
        elif hasattr(type(item), "model_fields"):  # a pydantic model
            seen.add(id(item))
            pending.extend(getattr(item, name) for name in type(item).model_fields)
        elif dataclasses.is_dataclass(item):
            seen.add(id(item))
            pending.extend(getattr(item, f.name) for f in dataclasses.fields(item))
