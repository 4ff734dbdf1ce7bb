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

import time
from collections.abc import Callable
from pathlib import Path

from podcast.paths import FEED_PATH, INDEX_PATH
from podcast.problems import PodcastError
from podcast.progress import NoUploadProgress, UploadProgress
from podcast.publish.destination import Destination, PublishReport
from podcast.publish.local import LocalDestination
from podcast.publish.lock import publish_lock
from podcast.publish.plan import (
    Plan,
    check_enclosures,
    hash_build,
    index_bytes,
    make_plan,
    upload_rank,
)
from podcast.writer import file_sha256


def open_destination(
    spec: str, *, endpoint_url: str | None = None, acl: str | None = None
) -> Destination:
    """``s3://bucket/prefix`` or a local folder."""
    if spec.startswith("s3://"):
        from podcast.publish.s3 import S3Destination

        return S3Destination.from_url(spec, endpoint_url=endpoint_url, acl=acl)
    if "://" in spec:
        raise PodcastError(f"{spec}: unknown target (expected s3://bucket/prefix or a folder)")
    for option, value in (("--endpoint-url", endpoint_url), ("--acl", acl)):
        if value:
            raise PodcastError(f"{option} applies to s3:// targets only, not to {spec}")
    return LocalDestination(Path(spec))


# --- publish ------------------------------------------------------------------------------


def publish(
    build_dir: Path,
    target: Destination,
    *,
    dry_run: bool = False,
    prune: bool = False,
    break_lock: bool = False,
    progress: UploadProgress | None = None,
    redirect_feed_to: str | None = None,
    sha256: Callable[[Path], str] = file_sha256,
) -> PublishReport:
    """Publish ``build_dir`` to ``target``; see the module docstring for the guarantees.

    ``redirect_feed_to``: after the feed, make the target redirect ``feed.xml`` to this
    URL where it can (an S3 bucket serving as a website); the report's notes say how.
    ``sha256`` hashes the build's files (the command passes one that remembers unchanged ones).
    """
    started = time.monotonic()
    progress = progress or NoUploadProgress()
    local = hash_build(build_dir, sha256)
    plan = make_plan(local, target, prune)
    if dry_run:
        notes = [f"would redirect {FEED_PATH} to {redirect_feed_to}"] if redirect_feed_to else []
        return _report(target, plan, dry_run, started, refreshed=False, notes=notes)
    if not (plan.changes or plan.index_stale or redirect_feed_to):
        return _report(target, plan, dry_run, started, refreshed=False)
    with publish_lock(target, break_lock) as notes:
        plan = make_plan(local, target, prune)  # again: what is there now that we hold the lock
        worked = bool(plan.changes or plan.index_stale)
        if worked:
            execute(plan, target, progress)
        if redirect_feed_to:
            notes.append(target.redirect(FEED_PATH, redirect_feed_to))
    refreshed = worked and not plan.changes
    return _report(target, plan, dry_run, started, refreshed=refreshed, notes=notes)


def _report(
    target: Destination,
    plan: Plan,
    dry_run: bool,
    started: float,
    refreshed: bool,
    notes: list[str] | None = None,
) -> PublishReport:
    return PublishReport(
        target.describe(),
        tuple(plan.changes),
        plan.unchanged,
        dry_run,
        tuple(plan.kept),
        time.monotonic() - started,
        refreshed,
        tuple(notes or ()),
    )


def execute(plan: Plan, target: Destination, progress: UploadProgress) -> None:
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
