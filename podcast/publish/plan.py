"""What is published, what the build holds, and the plan that takes one to the other."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from contextlib import suppress
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from podcast.mime import MEDIA_SUFFIXES, suffix_of
from podcast.paths import FEED_PATH, INDEX_PATH, STATE_PATH
from podcast.problems import PodcastError
from podcast.publish.destination import INTERNAL, Change, Destination, Upload
from podcast.stamps import files_below
from podcast.writer import OutputError, file_sha256


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
    files = {relpath: build_dir / relpath for relpath in files_below(build_dir)}
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


def read_published(target: Destination, wanted: set[str]) -> Published:
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


def hash_build(
    build_dir: Path, sha256: Callable[[Path], str] = file_sha256
) -> dict[str, Upload]:
    """Every file of the build, with its hash (``sha256``: one that remembers, if given)."""
    uploads = {}
    for relpath, path in build_files(build_dir).items():
        try:
            uploads[relpath] = Upload(relpath, path, sha256(path), path.stat().st_size)
        except OSError as error:
            raise OutputError(path, error, "read") from error
    return uploads


def make_plan(local: dict[str, Upload], target: Destination, prune: bool) -> Plan:
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
    # Without its scheme: behind an analytics prefix (https://op3.dev/e/cdn.example.org/…)
    # an enclosure still names the file below the feed's folder.
    base = self_href[: -len(FEED_PATH)].split("://", 1)[-1]
    found: dict[str, int | None] = {}
    for enclosure in channel.iter("enclosure"):
        url = enclosure.get("url", "")
        at = url.find(base)
        if at < 0:
            continue
        length = enclosure.get("length", "")
        found[unquote(url[at + len(base) :])] = int(length) if length.isdigit() else None
    return found


def referenced_media(
    target: Destination, local: dict[str, Upload], candidates: list[str]
) -> set[str]:
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
        if suffix_of(c) in MEDIA_SUFFIXES
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


def check_enclosures(
    target: Destination, feed: Path, listed: dict[str, int], fresh: set[str]
) -> int:
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
