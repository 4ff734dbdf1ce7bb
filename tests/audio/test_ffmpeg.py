"""Which ffmpeg runs: $PODCAST_FFMPEG, else the system's on PATH, else the wheel's."""

from __future__ import annotations

import os
import shutil

import imageio_ffmpeg
import pytest

from podcast.ffmpeg import ffmpeg_exe


@pytest.fixture
def fresh(monkeypatch):
    ffmpeg_exe.cache_clear()
    yield monkeypatch
    ffmpeg_exe.cache_clear()


def test_podcast_ffmpeg_selects_the_binary(fresh, tmp_path):
    chosen = tmp_path / "my-ffmpeg"
    fresh.setenv("PODCAST_FFMPEG", str(chosen))
    assert ffmpeg_exe() == str(chosen)


def test_system_ffmpeg_then_the_wheels(fresh, tmp_path):
    fresh.delenv("PODCAST_FFMPEG", raising=False)
    system = tmp_path / "bin" / "ffmpeg"
    system.parent.mkdir()
    system.write_text("#!/bin/sh\n")
    system.chmod(0o755)
    fresh.setenv("PATH", str(system.parent))
    assert ffmpeg_exe() == shutil.which("ffmpeg") == str(system)
    ffmpeg_exe.cache_clear()
    fresh.setenv("PATH", str(tmp_path))  # no ffmpeg on it
    assert ffmpeg_exe() == imageio_ffmpeg.get_ffmpeg_exe()
    assert os.access(ffmpeg_exe(), os.X_OK)
