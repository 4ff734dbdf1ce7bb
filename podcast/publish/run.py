"""``podcast publish``: copy an already-built folder to where the show lives.

The target is a local folder (``public/`` by default) or a bucket
(``s3://bucket/prefix``, see :mod:`podcast.publish.s3`); both get the same treatment:

- **Incremental**: one listing of the target plus the hash index
  (:data:`~podcast.paths.INDEX_PATH`, relpath -> sha256 and size) tell what is
  there; only files whose content hash differs are uploaded.  An index entry is
  trusted only if the listed size agrees; otherwise the hash stored with the
  object itself is read (one HEAD, only for those few files).
- **Ordered**: media and assets first, then pages, then the published-state
  manifest, then the index, and the feed last, only after every enclosure the
  new feed references was checked to be in the target with the right size.
- **Never half-published**: before anything is uploaded the index forgets the
  files about to change, so an interrupted publish is re-checked, not trusted;
  the previous feed stays in place until everything it will refer to is there.
  Running publish again completes an interrupted one.
- **One at a time**: a lock object created with a conditional put; a second
  publish refuses and says who holds the lock since when.
- ``prune`` deletes published files that are no longer built, after the feed,
  but never media that a published feed or state manifest refers to.
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import shutil
import socket
import time
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal, Protocol
from urllib.parse import unquote

from podcast.paths import FEED_PATH, INDEX_PATH, LOCK_PATH, STATE_PATH
from podcast.problems import PodcastError
from podcast.writer import file_sha256

Action = Literal["upload", "update", "delete"]

#: Files the publisher keeps in the target for itself: never compared, never pruned.
INTERNAL = frozenset({INDEX_PATH, LOCK_PATH})
#: A lock older than this may be broken with ``--break-lock``.
STALE_LOCK = dt.timedelta(minutes=30)
MEDIA_SUFFIXES = (".mp3", ".m4a", ".mp4", ".aac", ".ogg", ".opus", ".flac", ".wav")


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

    @property
    def bytes(self) -> int:
        return sum(c.size for c in self.changes if c.action != "delete")

    @property
    def uploads(self) -> int:
        return sum(c.action != "delete" for c in self.changes)


class Progress(Protocol):
    """Told about uploads as they happen (called from upload threads)."""

    def start(self, files: int, total_bytes: int) -> None: ...

    def advance(self, nbytes: int) -> None: ...

    def file_done(self, relpath: str) -> None: ...


class NoProgress:
    def start(self, files: int, total_bytes: int) -> None:
        pass

    def advance(self, nbytes: int) -> None:
        pass

    def file_done(self, relpath: str) -> None:
        pass


class Target(Protocol):
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

    def upload(self, uploads: Sequence[Upload], progress: Progress) -> None:
        """Upload all of them (in parallel where that helps); return when all are there."""
        ...

    def delete(self, relpaths: Sequence[str]) -> None: ...


class LocalTarget:
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

    def upload(self, uploads: Sequence[Upload], progress: Progress) -> None:
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


def open_target(spec: str, *, endpoint_url: str | None = None, acl: str | None = None) -> Target:
    """``s3://bucket/prefix`` or a local folder."""
    if spec.startswith("s3://"):
        from podcast.publish.s3 import S3Target

        return S3Target.from_url(spec, endpoint_url=endpoint_url, acl=acl)
    if "://" in spec:
        raise PodcastError(f"{spec}: unknown target (expected s3://bucket/prefix or a folder)")
    for option, value in (("--endpoint-url", endpoint_url), ("--acl", acl)):
        if value:
            raise PodcastError(f"{option} applies to s3:// targets only, not to {spec}")
    return LocalTarget(Path(spec))


def upload_rank(relpath: str) -> int:
    """Media and assets first, then pages, then the published state, the feed last."""
    if relpath == FEED_PATH:
        return 4
    if relpath == STATE_PATH:
        return 3
    if relpath.endswith(".html"):
        return 2
    return 1


def build_files(build_dir: Path) -> dict[str, Path]:
    if not (build_dir / FEED_PATH).is_file():
        raise PodcastError(f"{build_dir}: no {FEED_PATH} here (run podcast build first)")
    files = {p.relative_to(build_dir).as_posix(): p for p in build_dir.rglob("*") if p.is_file()}
    for relpath in INTERNAL & set(files):
        raise PodcastError(f"{build_dir / relpath}: this name is reserved for podcast publish")
    return files


# --- what is published ------------------------------------------------------------------


def read_index(data: bytes | None) -> dict[str, dict]:
    """The published hash index; an unreadable one counts as empty (everything re-checked)."""
    if not data:
        return {}
    try:
        files = json.loads(data)["files"]
        return {
            str(relpath): {"sha256": str(e["sha256"]), "size": int(e["size"])}
            for relpath, e in files.items()
        }
    except (ValueError, KeyError, TypeError, AttributeError):
        return {}


def index_bytes(entries: dict[str, dict]) -> bytes:
    body = {"version": 1, "files": dict(sorted(entries.items()))}
    return json.dumps(body, indent=1, ensure_ascii=False).encode("utf-8")


@dataclass(frozen=True)
class Published:
    """What the target holds, from one listing and the index."""

    sizes: dict[str, int]  # relpath -> size, every object but the internal ones
    hashes: dict[str, str]  # relpath -> sha256, where known
    index: dict[str, dict]  # the index as read
    checked: tuple[str, ...]  # built files whose hash had to be read from the object


def read_published(target: Target, wanted: set[str]) -> Published:
    sizes = {r: s for r, s in target.list_sizes().items() if r not in INTERNAL}
    index = read_index(target.read_bytes(INDEX_PATH)) if sizes else {}
    hashes, checked = {}, []
    for relpath, size in sizes.items():
        entry = index.get(relpath)
        if entry is not None and entry["size"] == size:
            hashes[relpath] = entry["sha256"]
        elif relpath in wanted:  # unknown to the index or changed behind its back: ask
            if relpath != FEED_PATH:  # the feed is never in the index (it goes up after it)
                checked.append(relpath)
            stored = target.stored_sha256(relpath)
            if stored:
                hashes[relpath] = stored
    return Published(sizes, hashes, index, tuple(sorted(checked)))


# --- the plan -----------------------------------------------------------------------------


@dataclass(frozen=True)
class Plan:
    changes: list[Change]
    uploads: list[Upload]  # in upload order
    deletes: list[str]
    unchanged: int
    kept: list[str]  # not built, but referred to by a published episode
    published: Published
    local: dict[str, Upload] = field(repr=False)

    @property
    def index_stale(self) -> bool:
        """The index lacks (or misstates) some published file we know now."""
        return bool(self.published.checked)


def hash_build(build_dir: Path) -> dict[str, Upload]:
    return {
        relpath: Upload(relpath, path, file_sha256(path), path.stat().st_size)
        for relpath, path in build_files(build_dir).items()
    }


def make_plan(local: dict[str, Upload], target: Target, prune: bool) -> Plan:
    published = read_published(target, set(local))
    changes: list[Change] = []
    uploads: list[Upload] = []
    unchanged = 0
    for relpath in sorted(local, key=lambda r: (upload_rank(r), r)):
        item = local[relpath]
        if relpath not in published.sizes:
            changes.append(Change("upload", relpath, item.size))
        elif published.hashes.get(relpath) != item.sha256:
            changes.append(Change("update", relpath, item.size))
        else:
            unchanged += 1
            continue
        uploads.append(item)
    deletes, kept = [], []
    if prune:
        gone = sorted(set(published.sizes) - set(local))
        protected = referenced_media(target, local, gone) if gone else set()
        for relpath in gone:
            if relpath in protected:
                kept.append(relpath)
            else:
                deletes.append(relpath)
                changes.append(Change("delete", relpath, published.sizes[relpath]))
    return Plan(changes, uploads, deletes, unchanged, kept, published, local)


# --- feeds and their enclosures ---------------------------------------------------------

ATOM = "{http://www.w3.org/2005/Atom}"


def feed_enclosures(feed: bytes) -> dict[str, int | None]:
    """relpath (below the feed's own folder) -> declared length of every enclosure.

    Enclosures hosted elsewhere (not below the feed's ``atom:link rel="self"``) are left out.
    """
    try:
        root = ET.fromstring(feed)
    except ET.ParseError as error:
        raise PodcastError(f"{FEED_PATH}: not well-formed XML ({error})") from error
    channel = root.find("channel")
    if channel is None:
        raise PodcastError(f"{FEED_PATH}: no <channel>")
    self_href = next(
        (
            link.get("href", "")
            for link in channel.findall(f"{ATOM}link")
            if link.get("rel") == "self"
        ),
        "",
    )
    if not self_href.endswith(FEED_PATH):
        raise PodcastError(f'{FEED_PATH}: no <atom:link rel="self"> ending in {FEED_PATH}')
    base = self_href[: -len(FEED_PATH)]
    found: dict[str, int | None] = {}
    for enclosure in channel.iter("enclosure"):
        url = enclosure.get("url", "")
        if not url.startswith(base):
            continue
        length = enclosure.get("length", "")
        found[unquote(url[len(base) :])] = int(length) if length.isdigit() else None
    return found


def referenced_media(target: Target, local: dict[str, Upload], candidates: list[str]) -> set[str]:
    """Of ``candidates``, those a published or about-to-be-published feed or state refers to."""
    references: set[str] = set()
    new_feed = local.get(FEED_PATH)
    for feed in (target.read_bytes(FEED_PATH), new_feed.source.read_bytes() if new_feed else None):
        if feed:
            # an unreadable old feed protects nothing it does not name
            with suppress(PodcastError):
                references |= set(feed_enclosures(feed))
    new_state = local.get(STATE_PATH)
    for state in (
        target.read_bytes(STATE_PATH),
        new_state.source.read_bytes() if new_state else None,
    ):
        if state:
            references |= _strings(state)
    return {
        c
        for c in candidates
        if c.endswith(MEDIA_SUFFIXES)
        and (c in references or any(r.endswith("/" + c) for r in references))
    }


def _strings(data: bytes) -> set[str]:
    """Every string in a JSON document (the state manifest's format belongs to the build)."""
    try:
        value = json.loads(data)
    except ValueError:
        return set()
    found: set[str] = set()
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


def check_enclosures(target: Target, feed: Path, listed: dict[str, int], fresh: set[str]) -> int:
    """Every enclosure the feed names is in the target with the size the feed declares.

    Enclosures uploaded by this publish (``fresh``) or not in the listing are asked for
    (a HEAD each); the others are taken from the listing made under the lock.
    """
    enclosures = feed_enclosures(feed.read_bytes())
    for relpath, length in enclosures.items():
        size = listed.get(relpath) if relpath not in fresh else None
        if size is None:
            size = target.size(relpath)
        if size is None:
            raise PodcastError(
                f"{target.describe()}: {relpath} is missing; the feed was not published"
            )
        if length is not None and size != length:
            raise PodcastError(
                f"{target.describe()}: {relpath} has {size:,} bytes but the feed declares "
                f"{length:,}; the feed was not published"
            )
    return len(enclosures)


# --- the lock -----------------------------------------------------------------------------


def _lock_info(token: str) -> dict:
    try:
        user = getpass.getuser()
    except (KeyError, OSError):
        user = "unknown"
    return {
        "holder": f"{user}@{socket.gethostname()}",
        "host": socket.gethostname(),
        "pid": os.getpid(),
        "since": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "token": token,
    }


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def publish_lock(target: Target, break_lock: bool = False) -> Iterator[None]:
    """Hold the target's lock object; refuse if another publish holds it.

    A lock left by a publish on this machine whose process is gone (killed) is
    taken over; a lock older than :data:`STALE_LOCK` may be broken with ``break_lock``.
    """
    token = uuid.uuid4().hex
    data = json.dumps(_lock_info(token)).encode()
    for _attempt in range(3):
        if target.create_exclusive(LOCK_PATH, data):
            break
        raw = target.read_bytes(LOCK_PATH)
        try:
            held = json.loads(raw) if raw else None
            since = dt.datetime.fromisoformat(held["since"]) if held else None
            if since is not None and since.tzinfo is None:
                since = since.replace(tzinfo=dt.UTC)
        except (ValueError, KeyError, TypeError):
            held, since = {}, None
        if held is None:
            continue  # released meanwhile: try again
        if held.get("token") == token:
            break  # our own put, retried after the server had taken it
        age = dt.datetime.now(dt.UTC) - since if since else None
        dead_here = held.get("host") == socket.gethostname() and not _pid_alive(
            int(held.get("pid", 0)) or -1
        )
        if dead_here or (break_lock and (age is None or age >= STALE_LOCK)):
            target.delete([LOCK_PATH])
            continue
        who = held.get("holder", "an unknown publisher")
        when = f"since {held['since']} ({_ago(age)} ago)" if age is not None else ""
        hint = (
            f"if that publish died, run again with --break-lock once the lock is "
            f"{int(STALE_LOCK.total_seconds() // 60)} minutes old"
        )
        if break_lock:
            hint = f"--break-lock only breaks locks older than {_ago(STALE_LOCK)}; " + hint
        raise PodcastError(
            f"{target.describe()}: another publish is running: locked by {who} "
            f"(pid {held.get('pid', '?')}) {when}; {hint}"
        )
    else:
        raise PodcastError(f"{target.describe()}: could not take the publish lock")
    try:
        yield
    finally:
        raw = target.read_bytes(LOCK_PATH)
        try:
            mine = raw is not None and json.loads(raw).get("token") == token
        except (ValueError, AttributeError):
            mine = False
        if mine:
            target.delete([LOCK_PATH])


def _ago(age: dt.timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"


# --- publish ------------------------------------------------------------------------------


def publish(
    build_dir: Path,
    target: Target,
    *,
    dry_run: bool = False,
    prune: bool = False,
    break_lock: bool = False,
    progress: Progress | None = None,
) -> PublishReport:
    """Publish ``build_dir`` to ``target``; see the module docstring for the guarantees."""
    started = time.monotonic()
    progress = progress or NoProgress()
    local = hash_build(build_dir)
    plan = make_plan(local, target, prune)
    if dry_run or not (plan.changes or plan.index_stale):
        return _report(target, plan, dry_run, started, refreshed=False)
    with publish_lock(target, break_lock):
        plan = make_plan(local, target, prune)  # again: what is there now that we hold the lock
        if not (plan.changes or plan.index_stale):
            return _report(target, plan, dry_run, started, refreshed=False)
        execute(plan, target, progress)
    return _report(target, plan, dry_run, started, refreshed=not plan.changes)


def _report(
    target: Target, plan: Plan, dry_run: bool, started: float, refreshed: bool
) -> PublishReport:
    return PublishReport(
        target.describe(),
        tuple(plan.changes),
        plan.unchanged,
        dry_run,
        tuple(plan.kept),
        time.monotonic() - started,
        refreshed,
    )


def execute(plan: Plan, target: Target, progress: Progress) -> None:
    published = plan.published
    known = {
        relpath: {"sha256": sha, "size": published.sizes[relpath]}
        for relpath, sha in published.hashes.items()
        if relpath != FEED_PATH
    }
    changing = {u.relpath for u in plan.uploads}
    if changing:
        # Write-ahead: forget what is about to change, so an interrupted publish is re-checked.
        ahead = {r: e for r, e in known.items() if r not in changing}
        if ahead != plan.published.index:
            target.write_bytes(INDEX_PATH, index_bytes(ahead))
    body = [u for u in plan.uploads if u.relpath != FEED_PATH]
    feed = next((u for u in plan.uploads if u.relpath == FEED_PATH), None)
    progress.start(len(plan.uploads), sum(u.size for u in plan.uploads))
    for rank in (1, 2, 3):
        group = [u for u in body if upload_rank(u.relpath) == rank]
        if group:
            target.upload(group, progress)
    check_enclosures(target, plan.local[FEED_PATH].source, published.sizes, changing)
    final = {r: e for r, e in known.items() if r not in plan.deletes}
    for item in plan.local.values():
        if item.relpath != FEED_PATH:
            final[item.relpath] = {"sha256": item.sha256, "size": item.size}
    target.write_bytes(INDEX_PATH, index_bytes(final))
    if feed is not None:
        target.upload([feed], progress)
    if plan.deletes:
        target.delete(plan.deletes)
