"""One publish at a time: a lock object created with a conditional put."""

from __future__ import annotations

import datetime as dt
import getpass
import json
import os
import socket
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

from podcast.paths import LOCK_PATH
from podcast.problems import PodcastError
from podcast.publish.destination import STALE_LOCK, Destination

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
def publish_lock(target: Destination, break_lock: bool = False) -> Iterator[list[str]]:
    """Hold the target's lock object; refuse if another publish holds it.

    A lock left by a publish on this machine whose process is gone (killed) is
    taken over; a lock older than :data:`STALE_LOCK` may be broken with ``break_lock``.
    A lock that is empty or unreadable (not the JSON a publish writes: left by a
    full disk or a broken tool) cannot belong to a running publish: it is taken
    over.  Yields the notes to show the user (what was taken over and why).
    """
    token = uuid.uuid4().hex
    data = json.dumps(_lock_info(token)).encode()
    notes: list[str] = []
    for _attempt in range(3):
        if target.create_exclusive(LOCK_PATH, data):
            break
        raw = target.read_bytes(LOCK_PATH)
        if raw is None:
            continue  # released meanwhile: try again
        held, since = _parse_lock(raw)
        if held is None:
            what = "an empty" if not raw.strip() else "an unreadable"
            notes.append(
                f"{target.describe()}: took over {what} publish lock ({LOCK_PATH}, "
                f"{len(raw)} bytes): no running publish writes one like that"
            )
            target.delete([LOCK_PATH])
            continue
        if held.get("token") == token:
            break  # our own put, retried after the server had taken it
        age = dt.datetime.now(dt.UTC) - since if since else None
        dead_here = held.get("host") == socket.gethostname() and not _pid_alive(
            _int(held.get("pid"))
        )
        if dead_here or (break_lock and (age is None or age >= STALE_LOCK)):
            target.delete([LOCK_PATH])
            continue
        raise PodcastError(_refusal(target, held, age, break_lock))
    else:
        raise PodcastError(f"{target.describe()}: could not take the publish lock")
    try:
        yield notes
    finally:
        raw = target.read_bytes(LOCK_PATH)
        mine, _since = _parse_lock(raw) if raw is not None else (None, None)
        if mine is not None and mine.get("token") == token:
            target.delete([LOCK_PATH])


def _parse_lock(raw: bytes) -> tuple[dict | None, dt.datetime | None]:
    """The lock's JSON object and its time; (None, None) if it is not a lock at all."""
    try:
        held = json.loads(raw)
    except ValueError:
        return None, None
    if not isinstance(held, dict) or not held:
        return None, None
    try:
        since = dt.datetime.fromisoformat(str(held["since"]))
    except (KeyError, ValueError):
        return held, None
    return held, since if since.tzinfo else since.replace(tzinfo=dt.UTC)


def _int(value: object) -> int:
    try:
        return int(value) or -1  # type: ignore[call-overload]
    except (TypeError, ValueError):
        return -1


def _refusal(target: Destination, held: dict, age: dt.timedelta | None, break_lock: bool) -> str:
    who = held.get("holder", "an unknown publisher")
    when = f"since {held['since']} ({_ago(age)} ago)" if age is not None else ""
    hint = (
        f"if that publish died, run again with --break-lock once the lock is "
        f"{int(STALE_LOCK.total_seconds() // 60)} minutes old"
    )
    if break_lock:
        hint = f"--break-lock only breaks locks older than {_ago(STALE_LOCK)}; " + hint
    return (
        f"{target.describe()}: another publish is running: locked by {who} "
        f"(pid {held.get('pid', '?')}) {when}; {hint}"
    )


def _ago(age: dt.timedelta) -> str:
    seconds = int(age.total_seconds())
    if seconds < 120:
        return f"{seconds} s"
    return f"{seconds // 60} min"
