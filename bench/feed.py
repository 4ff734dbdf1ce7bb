"""Benchmark: validate + feed + pages for a generated catalog of 1,000 episodes.

    .venv/bin/python bench/feed.py [--episodes 1000] [--keep DIR]

Every episode gets full metadata (guests, chapters, quotes, takeaways, Markdown
notes) and a hard link to one tiny shared master.  Audio encoding is skipped: the
master stands in for the encoded file (``EncodedAudio``), so the figures are the
metadata stages only.  Target: under 5 s in total on a 2-core machine.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from PIL import Image

from podcast.audio.encode import EncodedAudio
from podcast.build.identity import assign_identities, read_state
from podcast.catalog import load_catalog
from podcast.feed.rss import chapters_json, render_feed
from podcast.ffmpeg import run_ffmpeg
from podcast.paths import chapters_path
from podcast.site.pages import render_site
from podcast.writer import Writer, file_sha256

SHOW = """\
title: Der Benchmark-Podcast
description: Tausend Folgen über „Verwaltung“ – mit Umlauten.
language: de
author: Bench-Redaktion
owner: {name: Erika Mustermann, email: erika@example.org}
link: https://example.org/
base_url: https://cdn.example.org/show
categories: [Government, Society & Culture > Documentary]
timezone: Europe/Berlin
hosts: [erika]
people:
  erika: {name: Erika Mustermann, role: Moderatorin}
  jutta: {name: Prof. Dr. Jutta Rump, role: Professorin, url: https://example.org/rump}
"""
EPISODE = """\
title: Folge {n} – Jugendhilfeplanung in Halle (Saale)
number: {number}
date: {date}
audio: master.mp3
summary: Eine Folge über „Irritation“ Nummer {n}.
description: |
  Show notes with **Markdown**, a [link](https://example.org/{n}) and a list:

  - Punkt eins
  - Punkt zwei
guests: [jutta]
chapters:
  - {{start: "00:00:00", title: Anfang}}
  - {{start: "00:00:05.500", title: Mitte, url: "https://example.org/mitte"}}
quotes:
  - text: Neues Arbeiten bedeutet Stärken- und Talentorientierung, in Balance bleiben.
    speaker: jutta
    start: "00:00:02"
    end: "00:00:18"
takeaways: [Zeit, Mut]
"""


def generate(root: Path, episodes: int) -> None:
    root.mkdir(parents=True)
    (root / "show.yaml").write_text(SHOW, encoding="utf-8")
    Image.new("RGB", (1400, 1400), (30, 60, 90)).save(root / "artwork.jpg", quality=80)
    master = root / "master.mp3"
    run_ffmpeg(
        [
            *("-y", "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=22050:duration=20"),
            *("-ac", "1", "-b:a", "32k", str(master)),
        ],
        file=master,
    )
    per_season = 100
    start = dt.date(2000, 1, 1)
    for index in range(episodes):
        season_number, number = divmod(index, per_season)
        season = root / f"staffel-{season_number + 1}"
        if number == 0:
            season.mkdir()
            (season / "season.yaml").write_text(
                f"number: {season_number + 1}\ntitle: Staffel {season_number + 1}\n"
            )
        folder = season / f"folge-{index + 1:04d}"
        folder.mkdir()
        date = start + dt.timedelta(days=index)
        (folder / "episode.yaml").write_text(
            EPISODE.format(n=index + 1, number=number + 1, date=date.isoformat()),
            encoding="utf-8",
        )
        os.link(master, folder / "master.mp3")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=1000)
    parser.add_argument("--keep", type=Path, help="Generate into this folder and keep it.")
    args = parser.parse_args()
    work = args.keep or Path(tempfile.mkdtemp(prefix="podcast-bench-"))
    try:
        catalog_dir = work / "episodes"
        if not catalog_dir.exists():
            generate(catalog_dir, args.episodes)
        master = catalog_dir / "master.mp3"
        now = dt.datetime.now(dt.UTC)
        times = {}

        began = time.perf_counter()
        catalog, problems = load_catalog(catalog_dir)
        problems.raise_if_errors()
        assert catalog is not None
        times["validate"] = time.perf_counter() - began

        began = time.perf_counter()
        episodes = catalog.public_episodes(now)
        digest = file_sha256(master)
        size = master.stat().st_size
        encoded = {
            e.slug: EncodedAudio(e.audio_path, e.audio.duration, size, digest, digest)
            for e in episodes
        }
        identities = assign_identities(catalog, episodes, encoded, read_state(None))
        times["identities"] = time.perf_counter() - began

        from podcast.feed.rss import EpisodeMedia

        writer = Writer(work / "feed")
        began = time.perf_counter()
        media = {}
        for episode in episodes:
            identity = identities[episode.slug]
            chapters_rel = chapters_path(identity.audio_relpath)
            writer.write_bytes(chapters_rel, chapters_json(catalog, episode), "chapters")
            media[episode.slug] = EpisodeMedia(
                guid=identity.guid,
                relpath=identity.audio_relpath,
                url=catalog.show.url(identity.audio_relpath),
                size=size,
                duration=episode.audio.duration,
                chapters_url=catalog.show.url(chapters_rel),
            )
        feed = render_feed(catalog, episodes, media, now, podcast_guid=identities.podcast_guid)
        writer.write_bytes("feed.xml", feed, "feed")
        times["feed"] = time.perf_counter() - began

        began = time.perf_counter()
        render_site(catalog, episodes, media, writer, now)
        times["pages"] = time.perf_counter() - began
        writer.finish()

        total = sum(times.values())
        parts = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in times.items())
        print(f"{len(episodes)} episodes, feed {len(feed) / 1e6:.1f} MB: {parts}")
        verdict = "OK" if total < 5 else "SLOWER THAN TARGET"
        print(f"validate + identities + feed + pages: {total:.2f} s (target < 5 s): {verdict}")
        return 0
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
