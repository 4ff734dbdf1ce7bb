"""Benchmark: `podcast normalize` against a plain MP3 encode by the same ffmpeg, per binary.

    .venv/bin/pip install -e '.[bench]'   # scipy for bench/master.py (and ffmpeg-normalize)
    .venv/bin/python bench/normalize.py --minutes 10 --repeats 3
    .venv/bin/python bench/normalize.py --leveler speech --minutes 10 --repeats 3

Generates a stereo 44.1 kHz 16-bit master and a quiet mono 48 kHz 24-bit master
(bench/master.py: speech around −22 LUFS, LRA ~10, TP ~−0.1 dBTP; and a quiet one around
−28 LUFS), then, for every ffmpeg found (the system's on PATH and the imageio-ffmpeg
wheel's; PODCAST_FFMPEG selects it for `podcast normalize`), runs the plain encode
(``ffmpeg -i M -c:a libmp3lame -b:a 128k``, 64k for mono) and `podcast normalize`
alternately and prints the median wall time, its ratio to the plain encode's, the CPU
seconds (user + system of all processes), the peak memory of the whole process tree (sum
of the proportional set sizes, sampled every 50 ms), the output's I / LRA / TP measured by
ffmpeg's ebur128, and the share of the programme the limiter turned down by more than 1 dB.
The machine's other load makes single runs noisy: the spread (min–max) is printed too.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


@dataclass
class Run:
    wall: float
    cpu: float
    peak_mb: float


def _tree_rss(root: int) -> int:
    """Memory (kB) of ``root`` and all its descendants: their proportional set sizes (a shared
    library's pages counted once across the processes, not once per process)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as stat:
                parent = int(stat.read().rsplit(")", 1)[1].split()[1])
            with open(f"/proc/{entry}/smaps_rollup") as smaps:
                found = re.search(r"Pss:\s+(\d+)", smaps.read())
        except OSError:
            continue
        children.setdefault(parent, []).append(int(entry))
        rss[int(entry)] = int(found.group(1)) if found else 0
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += rss.get(pid, 0)
        todo += children.get(pid, [])
    return total


def timed(command: list[str], env: dict[str, str]) -> Run:
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    process = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    peak = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak
        while not done.is_set():
            peak = max(peak, _tree_rss(process.pid))
            done.wait(0.05)

    sampler = threading.Thread(target=sample)
    sampler.start()
    _out, errors = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    sampler.join()
    if process.returncode != 0:
        raise SystemExit(f"{command[0]} failed: {errors.decode()[-500:]}")
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Run(wall, cpu, peak / 1024)


def ebur128(ffmpeg: str, path: Path) -> str:
    out = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", "-i", str(path),
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True,
    ).stderr.decode()  # fmt: skip
    out = out[out.rindex("Summary:") :]
    i = re.search(r"I:\s+(-?[\d.]+)", out).group(1)
    lra = re.search(r"LRA:\s+(-?[\d.]+)", out).group(1)
    tp = re.search(r"Peak:\s+(-?[\d.]+)", out).group(1)
    return f"{i} / {lra} / {tp}"


def binaries() -> dict[str, str]:
    import imageio_ffmpeg

    found = {}
    system = shutil.which("ffmpeg")
    if system:
        found["system"] = system
    found["wheel"] = imageio_ffmpeg.get_ffmpeg_exe()
    return found


def version(ffmpeg: str) -> str:
    banner = subprocess.run([ffmpeg, "-version"], capture_output=True).stdout.decode()
    return banner.split()[2]


def leveler_bench(minutes: float, repeats: int, found: dict[str, str], leveler: str) -> None:
    """With and without the leveler, on stereo dialogues (tests/audio/test_leveler.py's: espeak-ng
    voices, 3.5-5 s turns, room tone at -60 dBFS) with the guest 8 and 12 dB under the host:
    wall time, its ratio to a plain MP3 encode, and, measured on the MP3 by ffmpeg's ebur128,
    the speakers' difference, the LRA and the pauses' noise floor."""
    from tests.audio.test_leveler import dialogue, pause_floor, speaker_difference

    print(f"dialogue masters: {minutes:g} min stereo 44.1k/16; {repeats} runs each, "
          f"alternating; {os.cpu_count()} cores (shared)")  # fmt: skip
    print("| guest | ffmpeg | method | wall s (median, min–max) | ratio | host − guest LU "
          "| I / LRA / TP | pause floor dBFS |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for guest in (8.0, 12.0):
            master = work / f"dialogue-{guest:g}.wav"
            lines = dialogue(master, guest, seconds=minutes * 60)
            for name, ffmpeg in found.items():
                tag = f"{name} {version(ffmpeg)}"
                env = {**os.environ, "PODCAST_FFMPEG": ffmpeg}
                os.environ["PODCAST_FFMPEG"] = ffmpeg  # for the measurements here
                outs = {key: work / f"{i}.mp3" for i, key in enumerate(["plain", "off", "on"])}
                normalize = [sys.executable, "-m", "podcast", "normalize", str(master), "-q"]
                commands = {
                    "plain": [ffmpeg, "-v", "error", "-y", "-i", str(master),
                              "-c:a", "libmp3lame", "-b:a", "128k", str(outs["plain"])],
                    "off": [*normalize, "-o", str(outs["off"])],
                    "on": [*normalize, "-o", str(outs["on"]), "--leveler", leveler],
                }  # fmt: skip
                labels = {"plain": "plain encode", "off": "normalize",
                          "on": f"normalize --leveler {leveler}"}  # fmt: skip
                runs: dict[str, list[float]] = {key: [] for key in commands}
                for _ in range(repeats):
                    for key, command in commands.items():
                        runs[key].append(timed(command, env).wall)
                plain = statistics.median(runs["plain"])
                rows = [("master", "input", master, None), *(
                    (labels[key], key, outs[key], runs[key]) for key in commands
                )]  # fmt: skip
                for label, _key, path, walls in rows:
                    timing = " | "
                    if walls:
                        wall = statistics.median(walls)
                        timing = (
                            f"{wall:.1f} ({min(walls):.1f}–{max(walls):.1f}) | {wall / plain:.2f}"
                        )
                    print(
                        f"| {guest:g} dB | {tag} | {label} | {timing} | "
                        f"{speaker_difference(path, lines):.1f} | {ebur128(ffmpeg, path)} | "
                        f"{pause_floor(path, lines):.1f} |"
                    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--master", choices=["stereo", "mono", "both"], default="both")
    parser.add_argument("--ffmpeg", choices=["system", "wheel", "both"], default="both")
    parser.add_argument(
        "--leveler",
        choices=["speech"],
        help="bench the speech leveler instead: dialogue masters, guest 8 and 12 dB under",
    )
    args = parser.parse_args()
    found = binaries()
    if args.ffmpeg != "both":
        found = {args.ffmpeg: found[args.ffmpeg]}
    if args.leveler:
        leveler_bench(args.minutes, args.repeats, found, args.leveler)
        return
    from bench.master import generate  # (scipy: the bench extra)

    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        masters = {}
        if args.master in ("stereo", "both"):
            path = generate(work / "stereo.wav", args.minutes, channels=2, rate=44100, bits=16)
            masters["stereo 44.1k/16"] = (path, "128k")
        if args.master in ("mono", "both"):
            path = generate(
                work / "mono.wav", args.minutes, channels=1, rate=48000, bits=24,
                speech_db=-3.7, peak_db=-6,
            )  # fmt: skip
            masters["mono 48k/24 quiet"] = (path, "64k")
        print(f"masters: {args.minutes:g} min; {args.repeats} runs each, alternating; "
              f"{os.cpu_count()} cores (shared)")  # fmt: skip
        print("| master | ffmpeg | method | wall s (median, min–max) | ratio | CPU s | peak MB "
              "| I / LRA / TP | limited > 1 dB |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|")
        for label, (master, bitrate) in masters.items():
            for name, ffmpeg in found.items():
                tag = f"{name} {version(ffmpeg)}"
                plain_out, ours_out, report = work / "plain.mp3", work / "ours.mp3", work / "r.json"
                env = {**os.environ, "PODCAST_FFMPEG": ffmpeg}
                commands = {
                    "plain encode": [ffmpeg, "-v", "error", "-y", "-i", str(master),
                                     "-c:a", "libmp3lame", "-b:a", bitrate, str(plain_out)],
                    "podcast normalize": [sys.executable, "-m", "podcast", "normalize",
                                          str(master), "-o", str(ours_out), "--quiet",
                                          "--json", str(report)],
                }  # fmt: skip
                runs: dict[str, list[Run]] = {key: [] for key in commands}
                for _ in range(args.repeats):
                    for key, command in commands.items():
                        runs[key].append(timed(command, env))
                plain = statistics.median(r.wall for r in runs["plain encode"])
                data = json.loads(report.read_text())
                for key, out in (("plain encode", plain_out), ("podcast normalize", ours_out)):
                    walls = [r.wall for r in runs[key]]
                    wall = statistics.median(walls)
                    cpu = statistics.median(r.cpu for r in runs[key])
                    peak = max(r.peak_mb for r in runs[key])
                    limited = ""
                    if key == "podcast normalize":
                        limited = (
                            f"{data['limited_seconds']} s ({data['limited_share']} %), "
                            f"{data['passes']} pass(es)"
                        )
                        print(f"| {label} | {tag} | input | | | | | {ebur128(ffmpeg, master)} | |")
                    print(
                        f"| {label} | {tag} | {key} | {wall:.1f} ({min(walls):.1f}–"
                        f"{max(walls):.1f}) | {wall / plain:.2f} | {cpu:.1f} | {peak:.0f} | "
                        f"{ebur128(ffmpeg, out)} | {limited} |"
                    )


if __name__ == "__main__":
    main()
