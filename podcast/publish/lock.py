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
from typing import Literal

from podcast.paths import LOCK_PATH
from podcast.problems import PodcastError
from podcast.publish.destination import STALE_LOCK, Destination

Action = Literal["upload", "update", "delete"]


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
def publish_lock(target: Destination, break_lock: bool = False) -> Iterator[None]:
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
