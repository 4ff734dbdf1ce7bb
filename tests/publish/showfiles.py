"""The fixture show for the publish tests: a two-episode catalog and its build."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

from podcast.build import BuildOptions, build
from podcast.publish.plan import feed_enclosures
from tests.conftest import EPISODE_YAML, SEASON_YAML, SHOW_YAML

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
BASE = "https://cdn.example.org/show/"


def write_catalog(root: Path, master: Path, artwork: Path, episodes=(14, 15)) -> Path:
    season = root / "staffel-2"
    season.mkdir(parents=True)
    (root / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    shutil.copy(artwork, root / "artwork.jpg")
    (season / "season.yaml").write_text(SEASON_YAML, encoding="utf-8")
    for number in episodes:
        add_episode(root, number, master)
    return root


def add_episode(root: Path, number: int, master: Path) -> None:
    episode = root / "staffel-2" / f"folge-{number}"
    episode.mkdir()
    text = EPISODE_YAML.format(number=number, date=f"2023-{number - 10:02d}-01")
    (episode / "episode.yaml").write_text(text, encoding="utf-8")
    shutil.copy(master, episode / "master.flac")


def rebuild(show, tmp_path: Path, change=None) -> Path:
    """A copy of the show's catalog, changed by ``change(catalog)``, built into tmp_path/feed."""
    catalog, _ = show
    copy = tmp_path / "episodes"
    shutil.copytree(catalog, copy)
    shutil.copytree(catalog.parent / ".cache", tmp_path / ".cache")
    if change:
        change(copy)
    output = tmp_path / "feed"
    build(BuildOptions(catalog=copy, output=output, cache=tmp_path / ".cache", now=NOW, jobs=2))
    return output


def enclosure(build_dir: Path, slug: str) -> str:
    """The relpath of an episode's audio as the built feed names it (it has a content hash)."""
    [relpath] = [
        r for r in feed_enclosures((build_dir / "feed.xml").read_bytes()) if f"/{slug}-" in r
    ]
    return relpath


def built_files(folder: Path) -> dict[str, Path]:
    return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}
