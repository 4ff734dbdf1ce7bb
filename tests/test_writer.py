"""The build folder's writer: atomic replacement, faults as messages, content-addressed names.

Disk full and read-only are real: a tiny and a read-only tmpfs (see tests/publish/mounts.py).
"""

from __future__ import annotations

import os
import re

import pytest

from podcast.paths import content_addressed
from podcast.writer import DuplicateOutputError, OutputError, Writer, file_sha256
from tests.publish.mounts import remount_read_only, tmpfs


def files(folder) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def test_disk_full_is_one_message_naming_the_file_and_leaves_no_temp_file(tmp_path):
    big = tmp_path / "big.bin"
    big.write_bytes(os.urandom(200 * 1024))
    with tmpfs(tmp_path / "build", 64) as build:
        writer = Writer(build)
        writer.write_text("feed.xml", "<rss/>", "feed")
        with pytest.raises(OutputError) as copied:
            writer.copy_file("audio/x.mp3", big, "audio")
        message = f"{build}/audio/x.mp3: cannot write: no space left on the device"
        assert str(copied.value) == message
        with pytest.raises(OutputError, match=r"/page\.html: cannot write: no space left"):
            writer.write_bytes("page.html", os.urandom(200 * 1024), "site")
        # what was there is intact, and no temporary file is left behind
        assert files(build) == {"feed.xml": b"<rss/>"}


def test_replacing_a_file_on_a_full_disk_keeps_the_old_one(tmp_path):
    with tmpfs(tmp_path / "build", 64) as build:
        Writer(build).write_text("index.html", "old page", "site")
        writer = Writer(build)
        with pytest.raises(OutputError, match="no space left on the device"):
            writer.write_bytes("index.html", b"n" * 100_000, "site")
        assert files(build) == {"index.html": b"old page"}


def test_read_only_build_folder_is_one_message(tmp_path):
    with tmpfs(tmp_path / "build", 64) as build:
        Writer(build).write_text("feed.xml", "<rss/>", "feed")
        remount_read_only(build)
        writer = Writer(build)
        writer.write_text("feed.xml", "<rss/>", "feed")  # unchanged bytes: nothing to write
        with pytest.raises(OutputError) as error:
            writer.write_text("episodes/x/index.html", "<p>", "site")
        assert str(error.value) == (
            f"{build}/episodes: cannot create the folder: the file system is read-only"
        )
        with pytest.raises(OutputError, match=r"feed\.xml: cannot remove: the file system is"):
            Writer(build).finish()
        assert files(build) == {"feed.xml": b"<rss/>"}


def test_unreadable_source_is_named_not_the_build_file(tmp_path):
    writer = Writer(tmp_path / "build")
    missing = tmp_path / "gone.flac"
    with pytest.raises(OutputError, match=rf"^{re.escape(str(missing))}: cannot read: "):
        writer.copy_file("audio/x.mp3", missing, "audio")
    assert not (tmp_path / "build/audio/x.mp3").exists()
    assert not list((tmp_path / "build").rglob("*.tmp"))


def test_content_addressed_files_get_a_new_name_when_they_change(tmp_path):
    source = tmp_path / "plot.png"
    source.write_bytes(b"\x89PNG first")
    first = Writer(tmp_path / "build")
    report = first.write_addressed("loudness/x.json", b'{"lufs": -16}', "loudness")
    plot = first.copy_addressed("loudness/x.png", source, "loudness")
    sha = file_sha256(source)
    assert plot == f"loudness/x-{sha[:8]}.png" == content_addressed("loudness/x.png", sha)
    assert re.fullmatch(r"loudness/x-[0-9a-f]{8}\.json", report)
    assert first.stored_as("loudness/x.json") == report
    assert first.stored_as("loudness/x.png") == plot
    assert first.stored_as("loudness/y.json") is None
    first.write_text("feed.xml", "<rss/>", "feed")
    assert first.stored_as("feed.xml") == "feed.xml"
    assert first.finish() == []

    second = Writer(tmp_path / "build")
    changed = second.write_addressed("loudness/x.json", b'{"lufs": -18}', "loudness")
    assert changed != report  # new content, new name: the old file was not overwritten
    assert (tmp_path / "build" / report).read_bytes() == b'{"lufs": -16}'
    with pytest.raises(DuplicateOutputError, match="written twice: by loudness and by other"):
        second.write_addressed("loudness/x.json", b"again", "other")
    assert set(second.finish()) == {report, plot, "feed.xml"}  # old names go at the end


def test_writer_has_no_unused_claim():
    assert not hasattr(Writer, "claim")


def test_content_addressed_names():
    sha = "0123456789abcdef" * 4
    assert content_addressed("loudness/folge-1.json", sha) == "loudness/folge-1-01234567.json"
    assert content_addressed("a/b/c.tar.gz", sha) == "a/b/c.tar-01234567.gz"
    assert content_addressed("LICENSE", sha) == "LICENSE-01234567"
