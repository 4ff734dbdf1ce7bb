"""Shared fixtures: a small catalog with real (generated) audio and artwork."""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from podcast.ffmpeg import run_ffmpeg

REPO = Path(__file__).resolve().parent.parent

SHOW_YAML = """\
title: Der Test-Podcast
subtitle: Prüfstand für Übertragungen
description: Ein Podcast über „Tests“ – mit Umlauten.
language: de
author: Test-Redaktion
owner:
  name: Erika Mustermann
  email: erika@example.org
link: https://example.org/
base_url: https://cdn.example.org/show
artwork: artwork.jpg
categories:
  - Government
  - Society & Culture > Documentary
timezone: Europe/Berlin
hosts: [erika]
people:
  erika:
    name: Erika Mustermann
    role: Moderatorin
    bio: Erika moderiert.
  jutta:
    name: Prof. Dr. Jutta Rump
    role: Professorin
    bio: Leitet das IBE.
    url: https://example.org/rump
"""

SEASON_YAML = """\
number: 2
title: Staffel 2
description: Die zweite Staffel.
takeaways:
  - Handlungsmut
  - title: Transparenz
    text: Offen reden.
"""

EPISODE_YAML = """\
title: Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!
number: {number}
date: {date}
audio: master.flac
summary: Eine Folge über „Irritation“.
description: |
  Show notes with **Markdown** and a [link](https://example.org).
guests: [jutta]
chapters:
  - start: "00:00:00"
    title: Anfang
  - start: "00:00:05.500"
    title: Mitte
    url: https://example.org/mitte
quotes:
  - text: Neues Arbeiten bedeutet Stärken- und Talenterorientierung (...) in Balance bleiben.
    speaker: jutta
    start: "00:00:02"
    end: "00:00:18"
    tags: [arbeit]
takeaways:
  - Zeit
"""


def make_tone(path: Path, seconds: float = 20.0, channels: int = 1, rate: int = 22050) -> None:
    """A short test master: a quiet sine tone with some noise."""
    run_ffmpeg(
        [
            "-y",
            "-f",
            "lavfi",
            "-i",
            f"sine=frequency=440:sample_rate={rate}:duration={seconds}",
            "-af",
            "volume=0.3",
            "-ac",
            str(channels),
            str(path),
        ],
        file=path,
    )


@pytest.fixture(scope="session")
def tone_master(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("audio") / "master.flac"
    make_tone(path)
    return path


@pytest.fixture(scope="session")
def artwork_file(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("art") / "artwork.jpg"
    Image.new("RGB", (1400, 1400), (30, 60, 90)).save(path, quality=80)
    return path


@pytest.fixture
def catalog_dir(tmp_path, tone_master, artwork_file) -> Path:
    """A valid two-episode catalog in ``tmp_path/episodes``."""
    root = tmp_path / "episodes"
    season = root / "staffel-2"
    season.mkdir(parents=True)
    (root / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    shutil.copy(artwork_file, root / "artwork.jpg")
    (season / "season.yaml").write_text(SEASON_YAML, encoding="utf-8")
    for number, folder, date in (
        (14, "folge-14-positiv", "2023-03-01"),
        (15, "folge-15-weiter", "2023-04-01T10:00:00+02:00"),
    ):
        episode = season / folder
        episode.mkdir()
        (episode / "episode.yaml").write_text(
            EPISODE_YAML.format(number=number, date=date), encoding="utf-8"
        )
        shutil.copy(tone_master, episode / "master.flac")
    return root


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def dedent(text: str) -> str:
    return textwrap.dedent(text).lstrip("\n")
