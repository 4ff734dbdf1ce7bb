"""Master hashes are remembered by path, size, mtime and inode: an unchanged master is not read."""

from __future__ import annotations

import hashlib
import os
import shutil

import pytest

from podcast.audio.hashes import HashCache
from podcast.build import BuildOptions, build
from tests.build.test_pipeline import NOW


@pytest.fixture
def reads(monkeypatch):
    """The files hashed (read in full), in order."""
    seen = []
    real = HashCache.__module__

    def spy(path):
        seen.append(path.name)
        return hashlib.sha256(path.read_bytes()).hexdigest()

    monkeypatch.setattr(f"{real}.file_sha256", spy)
    return seen


def test_unchanged_file_is_not_read_again_even_by_another_run(tmp_path, reads):
    master = tmp_path / "m.wav"
    master.write_bytes(b"audio" * 1000)
    expected = hashlib.sha256(master.read_bytes()).hexdigest()
    first = HashCache(tmp_path / "cache")
    assert first.sha256(master) == expected
    first.save()
    again = HashCache(tmp_path / "cache")  # a later build: from the file in the cache
    assert again.sha256(master) == expected
    assert reads == ["m.wav"]


@pytest.mark.parametrize("change", ["content", "mtime", "inode"])
def test_a_changed_file_is_hashed_again(tmp_path, reads, change):
    master = tmp_path / "m.wav"
    master.write_bytes(b"audio" * 1000)
    cache = HashCache(tmp_path / "cache")
    cache.sha256(master)
    stat = master.stat()
    if change == "content":  # same size, same mtime: the inode stays, but size/mtime are set
        master.write_bytes(b"AUDIO" * 1000)
        os.utime(master, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1))
    elif change == "mtime":
        os.utime(master, ns=(stat.st_atime_ns, stat.st_mtime_ns + 1_000_000))
    else:  # replaced by a copy with the same size and mtime (a restore, an rsync)
        copy = tmp_path / "copy.wav"
        shutil.copy2(master, copy)
        os.replace(copy, master)
        assert master.stat().st_ino != stat.st_ino
    assert cache.sha256(master) == hashlib.sha256(master.read_bytes()).hexdigest()
    assert reads == ["m.wav", "m.wav"]


def test_damaged_cache_file_means_hashing_again(tmp_path, reads):
    master = tmp_path / "m.wav"
    master.write_bytes(b"x" * 100)
    (tmp_path / "cache" / "audio").mkdir(parents=True)
    (tmp_path / "cache" / "audio" / "hashes.json").write_text("{not json")
    assert HashCache(tmp_path / "cache").sha256(master) == hashlib.sha256(b"x" * 100).hexdigest()
    assert reads == ["m.wav"]


def test_no_change_build_reads_no_master(catalog_dir, tmp_path, monkeypatch):
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    build(options)
    masters = {e.name for e in catalog_dir.rglob("*") if e.suffix in (".wav", ".flac", ".opus")}
    assert masters
    opened = []
    real_open = type(catalog_dir).open

    def spy(self, *args, **kwargs):
        if self.name in masters:
            opened.append(self.name)
        return real_open(self, *args, **kwargs)

    monkeypatch.setattr(type(catalog_dir), "open", spy)
    again = build(options)
    assert all(a.cached for a in again.audio.values())
    assert not opened, f"a no-change build read masters: {opened}"
