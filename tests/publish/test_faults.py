"""Faults at a local publish target end in one message, with the published show as it was.

Disk full and read-only are real (a tiny or read-only tmpfs), permission denied is a real
EACCES (a process without root's permission override, via setpriv); see mounts.py.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.cli import cli
from podcast.paths import FEED_PATH, LOCK_PATH
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from podcast.publish.plan import feed_enclosures
from podcast.writer import OutputError
from tests.conftest import edit
from tests.publish.mounts import NO_OVERRIDE, fill, permissions_apply, remount_read_only, tmpfs
from tests.publish.showfiles import add_episode, built_files, rebuild

PAGE = 4096


def room_for(folder: Path) -> int:
    """KiB a tmpfs needs to hold ``folder`` (whole pages per file), plus a margin."""
    pages = sum(-(-p.stat().st_size // PAGE) for p in built_files(folder).values())
    return pages * PAGE // 1024 + 512


def snapshot(folder: Path) -> dict[str, bytes]:
    return {relpath: path.read_bytes() for relpath, path in built_files(folder).items()}


def assert_feed_complete(public: Path) -> None:
    enclosures = feed_enclosures((public / FEED_PATH).read_bytes())
    assert enclosures
    for relpath, length in enclosures.items():
        assert (public / relpath).stat().st_size == length, relpath


def leftovers(folder: Path) -> list[str]:
    return sorted(
        p.name for p in folder.rglob("*") if p.name.endswith((".publishing", ".tmp", "-lock"))
    )


def test_full_disk_mid_publish_keeps_the_old_feed_and_leaves_no_partial_file(show, tmp_path):
    _, output = show
    bigger = tmp_path / "v2"
    bigger.mkdir()
    new = rebuild(show, bigger, lambda c: add_episode(c, 16, c / "staffel-2/folge-15/master.flac"))
    with tmpfs(tmp_path / "public", room_for(new)) as public:
        publish(output, LocalDestination(public))
        filler = fill(public, leave=32 * 1024)  # less than the new episode's audio
        before = snapshot(public)
        with pytest.raises(OutputError) as error:
            publish(new, LocalDestination(public))
        assert str(error.value).endswith(": cannot write: no space left on the device")
        assert str(error.value).startswith(f"{public}/audio/folge-16-")  # the file it could not
        after = snapshot(public)
        assert after.pop(FEED_PATH) == before.pop(FEED_PATH)  # the old feed, untouched
        assert_feed_complete(public)
        assert leftovers(public) == []  # no temporary file, no lock
        filler.unlink()
        publish(new, LocalDestination(public))  # space again: the rerun completes it
        assert (public / FEED_PATH).read_bytes() == (new / FEED_PATH).read_bytes()
        assert_feed_complete(public)


def test_full_disk_when_taking_the_lock_leaves_no_lock_behind(show, tmp_path):
    _, output = show
    with tmpfs(tmp_path / "public", room_for(output)) as public:
        filler = fill(public)
        with pytest.raises(OutputError) as error:
            publish(output, LocalDestination(public))
        message = f"{public}/{LOCK_PATH}: cannot write: no space left on the device"
        assert str(error.value) == message
        assert sorted(os.listdir(public)) == ["filler.bin"]  # no lock, empty or otherwise
        filler.unlink()
        report = publish(output, LocalDestination(public))  # nothing blocks the next publish
        assert report.uploads == len(built_files(output)) and report.notes == ()
        assert not (public / LOCK_PATH).exists()


@pytest.mark.parametrize(
    ("lock", "what"),
    [(b"", "an empty"), (b'{"holder": "x", "si', "an unreadable"), (b"[1, 2]", "an unreadable")],
)
def test_empty_or_unreadable_lock_is_taken_over_with_a_note(show, tmp_path, lock, what):
    _, output = show
    public = tmp_path / "public"
    public.mkdir()
    (public / LOCK_PATH).write_bytes(lock)
    report = publish(output, LocalDestination(public))
    assert report.notes == (
        f"{public}: took over {what} publish lock ({LOCK_PATH}, {len(lock)} bytes): "
        "no running publish writes one like that",
    )
    assert_feed_complete(public)
    assert not (public / LOCK_PATH).exists()


def test_a_lock_is_complete_json_while_held(show, tmp_path):
    _, output = show
    public = tmp_path / "public"
    seen = []

    class Watching:
        def start(self, files, total_bytes):
            seen.append(json.loads((public / LOCK_PATH).read_bytes()))

        def advance(self, nbytes):
            pass

        def file_done(self, relpath):
            pass

    publish(output, LocalDestination(public), progress=Watching())
    assert seen[0]["pid"] == os.getpid() and len(seen[0]["token"]) == 32
    assert leftovers(public) == []


def test_read_only_target_is_one_message_and_changes_nothing(show, tmp_path):
    _, output = show
    changed = rebuild(
        show,
        tmp_path / "v2",
        lambda c: edit(c / "staffel-2/folge-15/episode.yaml", "Eine Folge", "Eine neue Folge"),
    )
    with tmpfs(tmp_path / "public", room_for(output)) as public:
        publish(output, LocalDestination(public))
        before = snapshot(public)
        remount_read_only(public)
        with pytest.raises(OutputError) as error:
            publish(changed, LocalDestination(public))
        assert str(error.value) == (
            f"{public}/{LOCK_PATH}: cannot write: the file system is read-only"
        )
        assert snapshot(public) == before


def test_cli_full_build_folder_exit_1_one_message_no_traceback(show, tmp_path):
    catalog, _ = show
    shutil.copytree(catalog.parent / ".cache", tmp_path / ".cache")
    shutil.copytree(catalog, tmp_path / "episodes")
    with tmpfs(tmp_path / "feed", 64) as build:
        args = ["build", "-c", str(tmp_path / "episodes"), "-o", str(build)]
        result = CliRunner().invoke(cli, [*args, "--to", str(tmp_path / "public"), "--quiet"])
        assert result.exit_code == 1, result.output
        assert isinstance(result.exception, SystemExit)  # not an OSError
        [line] = [x for x in result.output.splitlines() if x.startswith("error:")]
        assert line.startswith(f"error: {build}/audio/folge-1")
        assert line.endswith(": cannot write: no space left on the device")
        assert leftovers(build) == []


def test_cli_permission_denied_target_exit_1_one_message_no_traceback(show, tmp_path):
    catalog, _ = show
    if not permissions_apply(tmp_path):
        pytest.skip("cannot run a process that file permissions apply to (setpriv)")
    shutil.copytree(catalog.parent / ".cache", tmp_path / ".cache")
    shutil.copytree(catalog, tmp_path / "episodes")
    public = tmp_path / "public"
    public.mkdir(mode=0o555)
    command = [*NO_OVERRIDE, sys.executable, "-m", "podcast", "publish", "--quiet"]
    command += ["-c", str(tmp_path / "episodes"), "-o", str(tmp_path / "feed"), "--to", str(public)]
    result = subprocess.run(command, capture_output=True, text=True, timeout=300, check=False)
    assert result.returncode == 1, result.stderr
    assert "Traceback" not in result.stderr + result.stdout
    assert result.stderr == f"error: {public}/{LOCK_PATH}: cannot write: permission denied\n"
    assert os.listdir(public) == []


def test_cli_says_it_took_over_an_empty_lock(show, tmp_path):
    catalog, _ = show
    shutil.copytree(catalog.parent / ".cache", tmp_path / ".cache")
    shutil.copytree(catalog, tmp_path / "episodes")
    public = tmp_path / "public"
    public.mkdir()
    (public / LOCK_PATH).write_bytes(b"")
    args = ["publish", "--quiet", "-c", str(tmp_path / "episodes"), "-o", str(tmp_path / "feed")]
    result = CliRunner().invoke(cli, [*args, "--to", str(public)])
    assert result.exit_code == 0, result.output
    assert (
        f"note: {public}: took over an empty publish lock ({LOCK_PATH}, 0 bytes): "
        "no running publish writes one like that\n"
    ) in result.output
    assert f"published to {public}:" in result.output and not (public / LOCK_PATH).exists()

