"""Benchmark: plain MP3 encode vs `podcast normalize` vs ffmpeg-normalize (if installed).

    .venv/bin/pip install -e '.[bench]'   # ffmpeg-normalize, for comparison
    .venv/bin/python bench/normalize.py --minutes 30 --repeats 2

Generates a stereo 44.1 kHz 16-bit master and a quiet mono 48 kHz 24-bit master
(bench/master.py: speech around −22 LUFS, LRA ~10, TP ~−0.1 dBTP; and a quiet
one around −28 LUFS), then runs the methods alternately and prints wall time, the ratio
to the plain encode, peak memory of the process tree (/usr/bin/time -v) and the
output's I / LRA / TP measured by ffmpeg's ebur128.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.master import generate
from podcast.ffmpeg import ffmpeg_exe


def timed(command: list[str]) -> tuple[float, int]:
    # ffmpeg-normalize finds ffmpeg through FFMPEG_PATH (there may be none on PATH)
    env = {**os.environ, "FFMPEG_PATH": ffmpeg_exe()}
    start = time.perf_counter()
    result = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, check=True, env=env
    )
    wall = time.perf_counter() - start
    rss = int(re.search(rb"Maximum resident set size \(kbytes\): (\d+)", result.stderr).group(1))
    return wall, rss // 1024


def ebur128(path: Path) -> str:
    out = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-af",
            "ebur128=peak=true:framelog=verbose",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
    ).stderr.decode()
    out = out[out.rindex("Summary:") :]
    i = re.search(r"I:\s+(-?[\d.]+)", out).group(1)
    lra = re.search(r"LRA:\s+(-?[\d.]+)", out).group(1)
    tp = re.search(r"Peak:\s+(-?[\d.]+)", out).group(1)
    return f"{i} / {lra} / {tp}"


def methods(master: Path, out: Path, mono: bool) -> dict[str, list[str]]:
    target, bitrate = ("-19", "64k") if mono else ("-16", "128k")
    found = {
        "plain encode": [ffmpeg_exe(), "-v", "error", "-y", "-i", str(master), "-b:a", bitrate,
                         str(out / "plain.mp3")],
        "podcast normalize": [sys.executable, "-m", "podcast", "normalize", str(master), "-o",
                              str(out / "podcast.mp3"), "--quiet"],
    }  # fmt: skip
    tool = shutil.which("ffmpeg-normalize") or str(Path(sys.executable).parent / "ffmpeg-normalize")
    if Path(tool).exists():
        found["ffmpeg-normalize"] = [
            tool, str(master), "-o", str(out / "ffnorm.mp3"), "-c:a", "libmp3lame", "-b:a",
            bitrate, "-t", target, "-tp", "-1", "-f", "-ar", "44100",
        ]  # fmt: skip
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=30)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument(
        "--master", choices=["stereo", "mono", "both"], default="both", help="which masters"
    )
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        masters = {}
        if args.master in ("stereo", "both"):
            path = generate(work / "stereo.wav", args.minutes, channels=2, rate=44100, bits=16)
            masters["stereo 44.1k/16"] = (path, False)
        if args.master in ("mono", "both"):
            path = generate(
                work / "mono.wav", args.minutes, channels=1, rate=48000, bits=24,
                speech_db=-3.7, peak_db=-6,
            )  # fmt: skip
            masters["mono 48k/24 quiet"] = (path, True)
        print(f"masters: {args.minutes:g} min; repeats: {args.repeats} (alternating)")
        print("| master | method | wall s | ratio | peak MB | out I / LRA / TP |")
        print("|---|---|---|---|---|---|")
        for label, (master, mono) in masters.items():
            print(f"| {label} | input | | | | {ebur128(master)} |")
            runs = methods(master, work, mono)
            times: dict[str, list[tuple[float, int]]] = {name: [] for name in runs}
            for _ in range(args.repeats):
                for name, command in runs.items():
                    times[name].append(timed(command))
            plain = min(t for t, _ in times["plain encode"])
            files = {"plain encode": "plain.mp3", "podcast normalize": "podcast.mp3",
                     "ffmpeg-normalize": "ffnorm.mp3"}  # fmt: skip
            for name in runs:
                wall = min(t for t, _ in times[name])
                rss = max(m for _, m in times[name])
                print(
                    f"| {label} | {name} | {wall:.1f} | {wall / plain:.2f} | {rss} | "
                    f"{ebur128(work / files[name])} |"
                )


if __name__ == "__main__":
    main()
