"""A build with nothing changed does nothing: the last build's record says so.

Every successful build leaves a record under the cache folder (one per build folder):
the digest of all its inputs (:func:`podcast.build.inputs.input_digest`: the catalog's
files, the files outside it that the build read, the published state and feed, the
options, the environment and the code, all by their stamps), the build folder's files
with their stamps and hashes, and what it printed (:class:`BuildSummary`).

:func:`unchanged_build` takes the stamps again; if the digest is the same, every
published episode is still as public as it was (no scheduled episode's time has come)
and the build folder holds exactly the files recorded, with their stamps, the build
folder is left as it is: a full build would write the very same bytes.  Any
difference, however small (a touched file, a new one, an edited template, another
version of podcast), and the build runs in full, as if there were no record.

File times are coarse: an edit made just after a stamp was taken may not change it.  So a
build whose inputs changed while it ran leaves no record (the next build runs in full); an
input changed shortly before the build started is hashed then (before the build reads it)
and again when it ends, and the build leaves no record unless both agree: from then on a
change would show in its stamp.  When checking, a build-folder file written shortly before
the record is compared by content.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import time
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from podcast.build.inputs import (
    RACY_NS,
    ReadLog,
    Snapshot,
    Stamp,
    input_digest,
    outside,
    paths_in,
    racy_contents,
    stamp_of,
    system_roots,
    tree_stamps,
)
from podcast.build.options import BuildOptions
from podcast.build.summary import BuildSummary
from podcast.stamps import StampedCache
from podcast.writer import file_sha256

if TYPE_CHECKING:  # the catalog's models are not needed to find that nothing changed
    from podcast.catalog.models import Catalog

RECORD_VERSION = 1
HASHES_VERSION = 1


def record_path(options: BuildOptions) -> Path:
    """Where the record of builds into ``options.output`` is kept (under the cache)."""
    key = hashlib.sha256(os.path.abspath(options.output).encode()).hexdigest()[:16]
    return options.cache / "builds" / f"{key}.json"


def output_hashes(cache: Path) -> StampedCache:
    """SHA-256 of the build folder's files (and what is copied into it), by their stamps."""
    return StampedCache(cache / "builds" / "hashes.json", HASHES_VERSION)


def hashed(cache: StampedCache, path: Path) -> str:
    return str(cache.get(path, file_sha256))


def _settings(options: BuildOptions) -> dict[str, Any]:
    """The options that change what a build makes (not ``jobs``, not the progress)."""
    return {
        "catalog": os.path.abspath(options.catalog),
        "output": os.path.abspath(options.output),
        "cache": os.path.abspath(options.cache),
        "strict": options.strict,
        "accept_new_guids": options.accept_new_guids,
        "sources": [options.previous_state_source, options.previous_feed_source],
    }


def _digest(options: BuildOptions, stamps: dict[str, Stamp]) -> str:
    published = (options.previous_state, options.previous_feed)
    return input_digest(stamps, _settings(options), published)


def _skipped(options: BuildOptions) -> list[Path]:
    return [options.output, options.cache]


@dataclass(frozen=True)
class Start:
    """A build's inputs as it starts: their stamps, and the content of the racy ones."""

    snapshot: Snapshot
    racy: dict[str, str]  # path -> SHA-256 of the inputs changed just before the start


def take_snapshot(options: BuildOptions) -> Start:
    """The stamps of the catalog and the code as a build starts, and the content of the
    files changed just before (among them, and among the files outside the catalog that
    the last build read): hashed before the build reads them."""
    snapshot = Snapshot.take(options.catalog, _skipped(options))
    last = _read_record(record_path(options))
    outside = {p: stamp_of(p) for p in last["externals"]} if last is not None else {}
    racy = racy_contents({**snapshot.stamps, **outside}, snapshot.taken_ns)
    return Start(snapshot, racy)


def _settled(start: Start, externals: dict[str, Stamp]) -> bool:
    """Whether the inputs changed just before the build are as they were when it started
    (by content), and enough time has passed since for any later edit to change a stamp.

    Then the stamps alone tell the build's inputs from then on, and the record needs none
    of their content."""
    taken = start.snapshot.taken_ns
    stamps = {**start.snapshot.stamps, **externals}
    if not any(mtime > taken - RACY_NS for _, mtime, _ in stamps.values()):
        return True  # nothing changed just before: a later edit changes a stamp
    time.sleep(max(0, taken + RACY_NS - time.time_ns()) / 1e9)  # a fast build: let it pass
    racy = racy_contents(stamps, taken)
    return racy == {p: start.racy.get(p) for p in racy}


def referenced_files(catalog: Catalog) -> set[str]:
    """Every file the catalog names: its paths, and those show.yaml and people give as text."""
    show = catalog.show
    paths = {os.path.abspath(p) for p in paths_in(catalog)}
    named = (show.meta.audio.intro, show.meta.audio.outro, show.meta.cards.font)
    paths.update(os.path.abspath(show.root / value) for value in named if value)
    people = [(p, show.root) for p in (*show.hosts, *show.meta.people.values())]
    people += [(p, e.folder) for e in catalog.episodes for p in (*e.guests, *e.hosts)]
    for person, folder in people:
        if person.image and "://" not in person.image:
            paths.add(os.path.abspath(folder / person.image))
            paths.add(os.path.abspath(show.root / person.image))
    return paths


def _public_window(catalog: Catalog, now: dt.datetime) -> tuple[str | None, str | None]:
    """The latest publication time already past and the next one to come (ISO), of the
    catalog's non-draft episodes: a build at another time in between publishes the same."""
    times = [e.published for e in catalog.episodes if not e.meta.draft]
    past = max((t for t in times if t <= now), default=None)
    coming = min((t for t in times if t > now), default=None)
    return (past.isoformat() if past else None, coming.isoformat() if coming else None)


def _outputs(output: Path, hashes: StampedCache) -> dict[str, list[Any]]:
    """The build folder's files and folders: stamp, and the files' SHA-256."""
    outputs: dict[str, list[Any]] = {}
    for path, stamp in tree_stamps(output).items():
        sha256 = "" if stamp[0] < 0 else hashed(hashes, Path(path))
        outputs[path] = [*stamp, sha256]
    return outputs


def forget(options: BuildOptions) -> None:
    """Remove the record: the next build runs in full."""
    record_path(options).unlink(missing_ok=True)


def remember_build(
    options: BuildOptions,
    start: Start,
    read: ReadLog,
    catalog: Catalog,
    summary: BuildSummary,
    hashes: StampedCache,
) -> bool:
    """Record the build just finished (see the module docstring); False if it could not be.

    Nothing is recorded when some input changed while the build ran, or when no episode
    is public (the feed then carries the build's time): the record of an earlier build is
    removed then.  A record that still holds (the same inputs, outputs and summary) is
    left as it is.
    """
    snapshot = start.snapshot
    roots = [options.catalog, *_skipped(options), *system_roots()]
    found = outside((*read.paths, *referenced_files(catalog)), roots)
    externals = {path: stamp_of(path) for path in found}
    if Snapshot.take(options.catalog, _skipped(options)).stamps != snapshot.stamps:
        forget(options)  # changed while the build ran: what it read is not known
        return False
    if not summary.built:
        forget(options)
        return False
    path = record_path(options)
    if not _settled(start, externals):
        # a file outside the catalog changed just before: this record cannot say the build
        # is unchanged, but the next build hashes that file as it starts (see take_snapshot)
        _write_record(path, {"version": RECORD_VERSION, "digest": None, "externals": found})
        return False
    old = _read_record(path)
    # (a build in a process that built before may read fewer files: caches in memory)
    covered = old is not None and set(found) <= set(old["externals"])
    same = covered and old is not None and old.get("summary") == summary.to_json()
    if same and old is not None and _holds(options, old, _mtime(path)):
        return True  # as recorded: leave it (and its time) alone
    public_from, public_until = _public_window(catalog, options.now)
    record = {
        "version": RECORD_VERSION,
        "digest": _digest(options, {**snapshot.stamps, **externals}),
        "externals": found,
        "public_from": public_from,
        "public_until": public_until,
        "outputs": _outputs(options.output, hashes),
        "summary": summary.to_json(),
    }
    _write_record(path, record)
    return True


def _write_record(path: Path, record: dict[str, Any]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_bytes(json.dumps(record, indent=0, sort_keys=True).encode())
        os.replace(tmp, path)
    finally:
        tmp.unlink(missing_ok=True)


def _read_record(path: Path) -> dict[str, Any] | None:
    try:
        record = json.loads(path.read_bytes())
    except (OSError, ValueError):
        return None
    ok = isinstance(record, dict) and record.get("version") == RECORD_VERSION
    return record if ok else None


def _mtime(path: Path) -> int:
    return path.stat().st_mtime_ns


def _in_window(record: dict[str, Any], now: dt.datetime) -> bool:
    past, coming = record["public_from"], record["public_until"]
    if past is not None and now < dt.datetime.fromisoformat(past):
        return False
    return coming is None or now < dt.datetime.fromisoformat(coming)


def _outputs_intact(output: Path, recorded: dict[str, list[Any]], recorded_ns: int) -> bool:
    """Whether the build folder holds just the recorded files, unchanged.

    A file whose stamp is close to the record's own time may have been changed after it
    without its stamp showing it (file times are coarse): its content is compared.
    """
    found = tree_stamps(output)
    if found.keys() != recorded.keys():
        return False
    for path, stamp in found.items():
        size, mtime, inode, sha256 = recorded[path]
        if stamp != (size, mtime, inode):
            return False
        racy = size >= 0 and mtime > recorded_ns - RACY_NS
        if racy and file_sha256(Path(path)) != sha256:
            return False
    return True


def _holds(options: BuildOptions, record: dict[str, Any], recorded_ns: int) -> bool:
    """Whether ``record`` is true now: the same inputs, at a time it covers, and the build
    folder as it left it."""
    if record["digest"] is None or not _in_window(record, options.now):
        return False
    stamps = Snapshot.take(options.catalog, _skipped(options)).stamps
    stamps.update((p, stamp_of(p)) for p in record["externals"])
    if _digest(options, stamps) != record["digest"]:
        return False
    return _outputs_intact(options.output, record["outputs"], recorded_ns)


def unchanged_build(options: BuildOptions) -> BuildSummary | None:
    """The last build's summary if nothing changed since (the build folder is as it left
    it, and a full build would write the same bytes); None: build in full."""
    path = record_path(options)
    try:
        record = _read_record(path)
        if record is None or not _holds(options, record, _mtime(path)):
            return None
        return BuildSummary.from_json(record["summary"], unchanged=True)
    except (OSError, ValueError, KeyError, TypeError):
        return None  # a damaged record: build in full (and record again)
