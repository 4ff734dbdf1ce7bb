"""Benchmark: a first build of several long episodes against their plain encodes, two at a time.

    .venv/bin/pip install -e '.[bench]'   # scipy for bench/master.py
    .venv/bin/python bench/parallel.py --episodes 6 --minutes 30 --repeats 1

Makes a show of ``--episodes`` episodes whose masters are ``--minutes`` long (bench/master.py,
a different seed each: stereo 44.1 kHz 16-bit, or with ``--master mono`` the quiet mono 48
kHz 24-bit one), then, for every ffmpeg found (the system's and the imageio-ffmpeg wheel's;
``PODCAST_FFMPEG`` selects it for podcast), alternately:

* the plain encodes: ``ffmpeg -i M -c:a libmp3lame -b:a 128k`` (64k for mono) of every
  master, two at a time (one per core);
* ``podcast build -q`` of the show with an empty cache (``--jobs`` as given, else podcast's
  default): validation, normalize and encode, tags, feed, pages, cards.

It prints the median wall time of each (and the spread), the ratio of the build's to the
plain encodes', and the CPU seconds (user + system of all processes) of each.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.catalog import children_cpu, run_podcast, write_catalog
from bench.normalize import binaries, version


def make_show(root: Path, episodes: int, minutes: float, mono: bool) -> tuple[Path, list[Path]]:
    """``root/episodes`` with ``episodes`` long episodes; the catalog and the masters."""
    from bench.master import generate  # (scipy: the bench extra)

    masters: list[Path] = []

    def master(path: Path, number: int) -> None:
        if mono:
            generate(path, minutes, channels=1, rate=48000, bits=24, speech_db=-3.7,
                     peak_db=-6, seed=number)  # fmt: skip
        else:
            generate(path, minutes, channels=2, rate=44100, bits=16, seed=number)
        masters.append(path)

    return write_catalog(root, episodes, master, audio="master.wav"), masters


def plain_encodes(ffmpeg: str, masters: list[Path], out: Path, bitrate: str) -> float:
    """Wall seconds of the plain encodes of ``masters``, two at a time."""

    def one(master: Path) -> None:
        target = out / f"{master.parent.name}.mp3"
        subprocess.run(
            [ffmpeg, "-v", "error", "-y", "-i", str(master), "-c:a", "libmp3lame",
             "-b:a", bitrate, str(target)],
            check=True,
        )  # fmt: skip

    start = time.perf_counter()
    with ThreadPoolExecutor(max_workers=2) as pool:
        list(pool.map(one, masters))
    return time.perf_counter() - start


def build(catalog: Path, ffmpeg: str, jobs: int | None) -> float:
    """Wall seconds of ``podcast build -q`` of ``catalog`` with an empty cache."""
    root = catalog.parent
    for folder in (root / ".cache", root / "feed"):
        shutil.rmtree(folder, ignore_errors=True)
    options = ["--jobs", str(jobs)] if jobs else []
    return run_podcast("build", catalog, options, {**os.environ, "PODCAST_FFMPEG": ffmpeg})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--episodes", type=int, default=6)
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--master", choices=["stereo", "mono"], default="stereo")
    parser.add_argument("--ffmpeg", choices=["system", "wheel", "both"], default="both")
    parser.add_argument("--jobs", type=int, help="podcast build --jobs (default: podcast's)")
    args = parser.parse_args()
    found = binaries()
    if args.ffmpeg != "both":
        found = {args.ffmpeg: found[args.ffmpeg]}
    mono = args.master == "mono"
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        catalog, masters = make_show(work, args.episodes, args.minutes, mono)
        plain_out = work / "plain"
        plain_out.mkdir()
        print(f"{args.episodes} episodes of {args.minutes:g} min ({args.master}); "
              f"{args.repeats} run(s) each, alternating; {os.cpu_count()} cores (shared); "
              f"build --jobs {args.jobs or 'default'}")  # fmt: skip
        print("| ffmpeg | what | wall s (median, min–max) | ratio | CPU s (median) |")
        print("|---|---|---|---|---|")
        for name, ffmpeg in found.items():
            walls: dict[str, list[float]] = {"plain": [], "build": []}
            cpus: dict[str, list[float]] = {"plain": [], "build": []}
            for _ in range(args.repeats):
                for key in ("plain", "build"):
                    before = children_cpu()
                    if key == "plain":
                        wall = plain_encodes(ffmpeg, masters, plain_out, "64k" if mono else "128k")
                    else:
                        wall = build(catalog, ffmpeg, args.jobs)
                    walls[key].append(wall)
                    cpus[key].append(children_cpu() - before)
            plain = statistics.median(walls["plain"])
            labels = {"plain": "plain encodes, two at a time", "build": "podcast build"}
            for key, label in labels.items():
                wall = statistics.median(walls[key])
                print(
                    f"| {name} {version(ffmpeg)} | {label} | {wall:.1f} ({min(walls[key]):.1f}–"
                    f"{max(walls[key]):.1f}) | {wall / plain:.2f} | "
                    f"{statistics.median(cpus[key]):.1f} |",
                    flush=True,
                )


if __name__ == "__main__":
    main()
