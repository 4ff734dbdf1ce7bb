"""Benchmark: a generated catalog of many short episodes, published first and then unchanged.

    .venv/bin/python bench/catalog.py --episodes 100 --big 1000

Generates a show of ``--episodes`` episodes of 20 s each (a distinct generated master each,
guests, two chapters, a quote and a transcript) and runs the real command line
(``podcast publish -q`` to a local folder) on it: the first publish, then a publish with
nothing changed. It prints the wall time of each, the audio stage alone (every master
normalized and encoded, ``--jobs`` at a time, as the build's ``encode_all`` does, in one
process, without its plots and cache) and from both the per-episode time outside the encode:
``(first publish - audio stage) / episodes``, in wall time and in CPU time (user + system
of all processes: less disturbed by the machine's other load than wall time).

``--big`` then does the same for a catalog of that many episodes whose masters are copies of
one file (the audio is encoded once: this measures everything but the audio) and prints its
no-change publish. The machine's other load makes single runs noisy: ``--repeats`` runs the
no-change publish that many times and prints the median and the spread.

The first publish after one that uploaded something builds in full once more (the published
state it reads is new: an input of the build); the ones after it find nothing changed. So
the no-change figures are of the publishes after that one, which is printed on its own.

``--baseline SRC`` compares with another version of podcast, whose source tree is at SRC
(e.g. ``git archive <commit> | tar -x -C SRC``): its no-change publishes (``PYTHONPATH=SRC``)
alternate with this version's on the same catalogs, and both are printed.  ``--keep DIR``
keeps the catalogs; given again, catalogs already in DIR are reused (not made, not first
published again).
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PODCAST = [sys.executable, "-m", "podcast"]

SHOW_YAML = """\
title: Der Bench-Podcast
description: Viele kurze Folgen.
language: de
author: Bench-Redaktion
owner:
  name: Erika Mustermann
  email: erika@example.org
link: https://example.org/
base_url: https://cdn.example.org/show
artwork: artwork.jpg
categories: [Government]
timezone: Europe/Berlin
hosts: [erika]
people:
  erika:
    name: Erika Mustermann
    role: Moderatorin
  jutta:
    name: Prof. Dr. Jutta Rump
    role: Professorin
    url: https://example.org/rump
"""

SEASON_YAML = """\
number: 1
title: Staffel 1
description: Die erste Staffel.
"""

EPISODE_YAML = """\
title: Folge {number} über Planung
number: {number}
date: "{date}"
audio: master.flac
transcript: transcript.vtt
summary: Folge {number}, eine kurze Folge.
description: |
  Show notes with **Markdown** and a [link](https://example.org/{number}).
guests: [jutta]
chapters:
  - start: "00:00:00"
    title: Anfang
  - start: "00:00:10"
    title: Mitte
quotes:
  - text: Neues Arbeiten heißt Stärken und Talente, in Balance bleiben, Folge {number}.
    speaker: jutta
    start: "00:00:03"
    end: "00:00:19"
"""

TRANSCRIPT = """\
WEBVTT

1
00:00:00.000 --> 00:00:02.500
<v Erika Mustermann>Willkommen zu Folge {number}.

2
00:00:03.000 --> 00:00:19.000
<v Jutta Rump>Neues Arbeiten heißt Stärken und Talente, in Balance bleiben, Folge {number}.
"""


def make_master(path: Path, frequency: int, seconds: float = 20.0) -> None:
    """A 20-s stereo 44.1 kHz FLAC: a tone with some noise (distinct per ``frequency``)."""
    subprocess.run(
        [
            "ffmpeg", "-v", "error", "-y",
            "-f", "lavfi", "-i", f"sine=frequency={frequency}:sample_rate=44100:duration={seconds}",
            "-f", "lavfi", "-i", f"anoisesrc=amplitude=0.02:duration={seconds}:sample_rate=44100",
            "-filter_complex", "[0][1]amix=inputs=2,volume=0.5", "-ac", "2", str(path),
        ],
        check=True,
    )  # fmt: skip


def make_artwork(path: Path) -> None:
    from PIL import Image

    Image.new("RGB", (1400, 1400), (30, 60, 90)).save(path, quality=80)


def make_catalog(root: Path, episodes: int, distinct: bool) -> Path:
    """``root/episodes`` with ``episodes`` episodes; masters distinct or copies of one."""
    shared = root / "master.flac"
    if not distinct:
        root.mkdir(parents=True, exist_ok=True)
        make_master(shared, 440)

    def master(path: Path, number: int) -> None:
        if distinct:
            make_master(path, 200 + number)
        else:
            shutil.copy(shared, path)

    return write_catalog(root, episodes, master)


def write_catalog(
    root: Path, episodes: int, master: Callable[[Path, int], None], audio: str = "master.flac"
) -> Path:
    """``root/episodes``: the show, one season and ``episodes`` episodes, each with its
    master ``audio`` written by ``master(path, number)``."""
    catalog = root / "episodes"
    season = catalog / "staffel-1"
    season.mkdir(parents=True)
    (catalog / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    make_artwork(catalog / "artwork.jpg")
    (season / "season.yaml").write_text(SEASON_YAML, encoding="utf-8")
    for number in range(1, episodes + 1):
        folder = season / f"folge-{number}-planung"
        folder.mkdir()
        text = EPISODE_YAML.format(number=number, date=dt_for(number))
        (folder / "episode.yaml").write_text(
            text.replace("audio: master.flac", f"audio: {audio}"), encoding="utf-8"
        )
        (folder / "transcript.vtt").write_text(TRANSCRIPT.format(number=number), encoding="utf-8")
        master(folder / audio, number)
    return catalog


def dt_for(number: int) -> str:
    """A publication date per episode, one day apart, all in the past."""
    import datetime as dt

    day = dt.date(2020, 1, 1) + dt.timedelta(days=number)
    return f"{day.isoformat()}T06:00:00+01:00"


def publish(catalog: Path, jobs: int, source: Path | None = None) -> float:
    """Seconds of one ``podcast publish -q`` to ``<root>/public`` (a fresh process), of this
    podcast or of the one whose source tree is at ``source``."""
    env = dict(os.environ, PYTHONPATH=str(source)) if source else None
    return run_podcast("publish", catalog, ["--jobs", str(jobs)], env)


def run_podcast(
    verb: str, catalog: Path, options: list[str], env: dict[str, str] | None = None
) -> float:
    """Seconds of one ``podcast VERB -q`` of ``catalog`` into ``<root>/feed`` and
    ``<root>/public`` (a fresh process, in ``<root>``: not the repository's directory, whose
    podcast would be imported whatever ``PYTHONPATH`` says); a failure ends the bench."""
    root = catalog.parent
    command = [*PODCAST, verb, "-q", "-c", str(catalog), "-o", str(root / "feed")]
    command += ["--to", str(root / "public"), *options]
    start = time.perf_counter()
    done = subprocess.run(command, cwd=root, capture_output=True, text=True, env=env)
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"podcast {verb} failed:\n{done.stdout}\n{done.stderr}")
    return seconds


AUDIO_STAGE = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from podcast.audio.encode import encode, episode_source, episode_target
from podcast.catalog.loader import load_catalog
catalog, _ = load_catalog(Path(sys.argv[1]))
settings = catalog.show.meta.audio
def one(entry):
    target = episode_target(settings, 1 if entry.audio.channels == 1 else 2)
    source = episode_source(entry, settings, catalog.show.root)
    encode(source, Path(sys.argv[2]) / f"{entry.slug}.mp3", target)
start = time.perf_counter()
with ThreadPoolExecutor(max_workers=int(sys.argv[3])) as pool:
    list(pool.map(one, catalog.episodes))
print(time.perf_counter() - start)
"""


def children_cpu() -> float:
    """CPU seconds (user + system) of the child processes that ended so far."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def with_cpu(run: Callable[[], float]) -> tuple[float, float]:
    """(what ``run`` returns, the CPU seconds its child processes used)."""
    before = children_cpu()
    value = run()
    return value, children_cpu() - before


def audio_stage(catalog: Path, jobs: int) -> float:
    """Seconds the audio encodes alone take (every master normalized and encoded, ``jobs``
    at a time, as ``encode_all`` does; no plots, no caching)."""
    with tempfile.TemporaryDirectory() as cache:
        done = subprocess.run(
            [sys.executable, "-c", AUDIO_STAGE, str(catalog), cache, str(jobs)],
            capture_output=True,
            text=True,
            check=True,
        )
    return float(done.stdout.strip().splitlines()[-1])


def tree_bytes(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


def no_change(
    catalog: Path, repeats: int, jobs: int, baseline: Path | None
) -> dict[Path | None, list[float]]:
    """Seconds of ``repeats`` no-change publishes (this version's and, alternating with them,
    the baseline's); the build folder and the published folder must stay byte-identical."""
    before = tree_bytes(catalog.parent / "feed"), tree_bytes(catalog.parent / "public")
    versions = [None, baseline] if baseline else [None]
    times: dict[Path | None, list[float]] = {version: [] for version in versions}
    for _ in range(repeats):
        for version in versions:
            times[version].append(publish(catalog, jobs, version))
    if (tree_bytes(catalog.parent / "feed"), tree_bytes(catalog.parent / "public")) != before:
        sys.exit("a no-change publish changed the build folder or the published folder")
    return times


def spread(times: list[float]) -> str:
    return f"median {statistics.median(times):.2f} s (min {min(times):.2f}, max {max(times):.2f})"


def settle(catalog: Path, jobs: int, baseline: Path | None) -> str:
    """The publishes after a first one: they build once more (new published state)."""
    line = f"this version {publish(catalog, jobs):.2f} s"
    if baseline:
        line += f", baseline {publish(catalog, jobs, baseline):.2f} s"
    return line


def print_no_change(catalog: Path, args: argparse.Namespace, jobs: int) -> None:
    settled = settle(catalog, jobs, args.baseline)
    print(f"  next publish (reads the newly published state): {settled}")
    times = no_change(catalog, args.repeats, jobs, args.baseline)
    print(f"  no-change publish, this version: {spread(times[None])}")
    print(f"    runs: {', '.join(f'{t:.2f}' for t in times[None])}")
    if args.baseline:
        print(f"  no-change publish, baseline: {spread(times[args.baseline])}")
        print(f"    runs: {', '.join(f'{t:.2f}' for t in times[args.baseline])}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--episodes", type=int, default=100)
    parser.add_argument("--big", type=int, default=1000, help="0: skip the big catalog")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--jobs", type=int, default=None, help="as podcast's default if unset")
    parser.add_argument("--keep", type=Path, default=None, help="work here and keep it")
    parser.add_argument(
        "--baseline", type=Path, default=None, help="source tree of a podcast to compare with"
    )
    parser.add_argument(
        "--no-small", action="store_true", help="only the big catalog (no audio figures)"
    )
    args = parser.parse_args()
    try:
        from podcast.jobs import default_jobs
    except ImportError:  # an older podcast (PYTHONPATH): one job per core

        def default_jobs() -> int:
            return os.cpu_count() or 1

    jobs = args.jobs or default_jobs()
    work = args.keep or Path(tempfile.mkdtemp(prefix="bench-catalog-"))
    print(f"cores: {os.cpu_count()} (shared with other work: figures are noisy)")
    try:
        if not args.no_small:
            small = work / "small" / "episodes"
            if small.is_dir():
                print(f"{args.episodes} episodes: reusing {small}")
            else:
                small = make_catalog(work / "small", args.episodes, distinct=True)
                first, first_cpu = with_cpu(lambda: publish(small, jobs))
                audio, audio_cpu = with_cpu(lambda: audio_stage(small, jobs))
                outside = (first - audio) / args.episodes
                outside_cpu = (first_cpu - audio_cpu) / args.episodes
                n = args.episodes
                print(f"{n} episodes: first publish {first:.2f} s, CPU {first_cpu:.2f} s")
                print(f"  audio encodes alone (jobs={jobs}): {audio:.2f} s, CPU {audio_cpu:.2f} s")
                print(f"  per episode outside the encode: {outside:.3f} s, CPU {outside_cpu:.3f} s")
            print_no_change(small, args, jobs)
        if args.big:
            big = work / "big" / "episodes"
            if big.is_dir():
                print(f"{args.big} episodes (one master copied): reusing {big}")
            else:
                big = make_catalog(work / "big", args.big, distinct=False)
                first_big = publish(big, jobs)
                print(f"{args.big} episodes (one master copied): first publish {first_big:.2f} s")
            print_no_change(big, args, jobs)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
