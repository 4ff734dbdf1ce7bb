"""Benchmark: `podcast normalize` against a plain MP3 encode by the same ffmpeg, per binary.

    .venv/bin/pip install -e '.[bench]'   # scipy for bench/master.py (and ffmpeg-normalize)
    .venv/bin/python bench/normalize.py --minutes 10 --repeats 3
    .venv/bin/python bench/normalize.py --leveler speech --minutes 60 --repeats 3

Generates a stereo 44.1 kHz 16-bit master and a quiet mono 48 kHz 24-bit master
(bench/master.py: speech around −22 LUFS, LRA ~10, TP ~−0.1 dBTP; and a quiet one around
−28 LUFS), then, for every ffmpeg found (the system's on PATH and the imageio-ffmpeg
wheel's; PODCAST_FFMPEG selects it for `podcast normalize`), runs the plain encode
(``ffmpeg -i M -c:a libmp3lame -b:a 128k``, 64k for mono) and `podcast normalize`
alternately and prints the median wall time, its ratio to the plain encode's, the CPU
seconds (user + system of all processes), the peak memory of the whole process tree (sum
of the proportional set sizes, sampled every 50 ms in one more run of each: sampling costs
CPU, so the timed runs do not sample), the output's I / LRA / TP measured by
ffmpeg's ebur128 next to the report's, and the share of the programme the limiter turned
down by more than 1 dB.
The machine's other load makes single runs noisy: the spread (min–max) is printed too.
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
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

import numpy as np

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


def timed(command: list[str], env: dict[str, str], memory: bool = False) -> Run:
    """Run ``command``: its wall and CPU time, and with ``memory`` its peak memory.

    Sampling the memory costs CPU (every 50 ms the whole process table and the page tables
    of the processes; more for podcast's five processes than for the plain encode's one), so
    a timing run does not sample: main() measures the memory in a run of its own.
    """
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
    if memory:
        sampler.start()
    _out, errors = process.communicate()
    wall = time.perf_counter() - start
    done.set()
    if memory:
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


def speaker_difference(ffmpeg: str, path: Path, turns: list[tuple]) -> float:
    """Host less guest, LU: each speaker's loudness the energy mean of the integrated
    loudness of their clean turns' inner parts (ebur128 on each cut passage)."""
    energy: dict[int, list[float]] = {0: [], 1: []}
    for speaker, start, end, clean in turns:
        if clean and end - start > 4.0:
            text = subprocess.run(
                [ffmpeg, "-hide_banner", "-nostdin", "-ss", f"{start + 0.5:.3f}",
                 "-t", f"{end - start - 1.0:.3f}", "-i", str(path), "-af", "ebur128",
                 "-f", "null", "-"],
                capture_output=True,
            ).stderr.decode()  # fmt: skip
            text = text[text.rindex("Summary:") :]
            level = float(re.search(r"I:\s+(-?[\d.]+)", text).group(1))
            energy[speaker].append(10 ** (level / 10))
    host, guest = (10 * math.log10(statistics.fmean(energy[s])) for s in (0, 1))
    return host - guest


def pause_floor(ffmpeg: str, path: Path, turns: list[tuple]) -> float:
    """dBFS: mean square of the decoded audio in the pauses after clean turns (room tone
    only), streamed (a 60-min master is not held in memory)."""
    rate = 44100
    pauses = [
        (int((end + 0.15) * rate), int((following[1] - 0.1) * rate))
        for (_s, _b, end, clean), following in itertools.pairwise(turns)
        if clean and following[1] - 0.1 - (end + 0.15) > 0.2
    ]
    process = subprocess.Popen(
        [ffmpeg, "-v", "error", "-nostdin", "-i", str(path), "-ac", "2", "-ar", str(rate),
         "-f", "f32le", "-"],
        stdout=subprocess.PIPE,
    )  # fmt: skip
    assert process.stdout is not None
    total, count, position, chunk = 0.0, 0, 0, rate * 8 * 10
    while data := process.stdout.read(chunk):
        frames = np.frombuffer(data[: len(data) // 8 * 8], dtype=np.float32).reshape(-1, 2)
        for start, stop in pauses:
            a, b = max(start, position), min(stop, position + len(frames))
            if a < b:
                part = frames[a - position : b - position].astype(np.float64)
                total += float(np.sum(part**2))
                count += part.size
        position += len(frames)
    process.wait()
    return 10 * math.log10(total / count)


def leveler_bench(
    minutes: float, repeats: int, found: dict[str, str], leveler: str, guests: list[float]
) -> None:
    """With and without the leveler, on stereo masters by bench/master.py with the guest 8
    and 12 dB under the host (music bed, claps, room noise): wall time, its ratio to a plain
    MP3 encode, the encodes the normalizer needed, and, measured on the MP3 by ffmpeg's
    ebur128, the speakers' difference, the LRA and the pauses' noise floor."""
    from bench.master import generate  # (scipy: the bench extra)

    print(f"masters: bench/master.py {minutes:g} min stereo 44.1k/16; {repeats} runs each, "
          f"alternating; {os.cpu_count()} cores (shared with other work)")  # fmt: skip
    print("| guest | ffmpeg | method | wall s (median, min–max) | ratio | CPU s | passes "
          "| host − guest LU | I / LRA / TP | pause floor dBFS (rise − programme's) |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|---|")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        for guest in guests:
            master = work / f"master-{guest:g}.wav"
            turns: list[tuple] = []
            generate(master, minutes, channels=2, rate=44100, bits=16, guest_db=guest,
                     turns=turns)  # fmt: skip
            for name, ffmpeg in found.items():
                tag = f"{name} {version(ffmpeg)}"
                env = {**os.environ, "PODCAST_FFMPEG": ffmpeg}
                outs = {key: work / f"{key}.mp3" for key in ["plain", "off", "on"]}
                normalize = [sys.executable, "-m", "podcast", "normalize", str(master), "-q"]
                commands = {
                    "plain": [ffmpeg, "-v", "error", "-y", "-i", str(master),
                              "-c:a", "libmp3lame", "-b:a", "128k", str(outs["plain"])],
                    "off": [*normalize, "-o", str(outs["off"]), "--json", str(work / "off.json")],
                    "on": [*normalize, "-o", str(outs["on"]), "--leveler", leveler,
                           "--json", str(work / "on.json")],
                }  # fmt: skip
                labels = {"plain": "plain encode", "off": "normalize",
                          "on": f"normalize --leveler {leveler}"}  # fmt: skip
                runs: dict[str, list[Run]] = {key: [] for key in commands}
                passes: dict[str, list[int]] = {"off": [], "on": []}
                for _ in range(repeats):
                    for key, command in commands.items():
                        runs[key].append(timed(command, env))
                        if key in passes:
                            data = json.loads((work / f"{key}.json").read_text())
                            passes[key].append(data["passes"])
                plain = statistics.median(r.wall for r in runs["plain"])
                rows = [("master", "input", master, None), *(
                    (labels[key], key, outs[key], runs[key]) for key in commands
                )]  # fmt: skip
                for label, key, path, timings in rows:
                    timing = " | | "
                    if timings:
                        walls = [r.wall for r in timings]
                        wall = statistics.median(walls)
                        cpu = statistics.median(r.cpu for r in timings)
                        timing = (
                            f"{wall:.1f} ({min(walls):.1f}–{max(walls):.1f}) | "
                            f"{wall / plain:.2f} | {cpu:.1f}"
                        )
                    done = ",".join(map(str, passes.get(key, [])))
                    loudness = ebur128(ffmpeg, path)
                    floor = pause_floor(ffmpeg, path, turns)
                    if key == "input":
                        base = (floor, float(loudness.split(" / ")[0]))
                    rise = floor - base[0] - (float(loudness.split(" / ")[0]) - base[1])
                    print(
                        f"| {guest:g} dB | {tag} | {label} | {timing} | {done} | "
                        f"{speaker_difference(ffmpeg, path, turns):.1f} | "
                        f"{loudness} | {floor:.1f} ({rise:+.1f}) |",
                        flush=True,
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
    parser.add_argument(
        "--guests", default="8,12", help="with --leveler: dB the guest is under the host"
    )
    args = parser.parse_args()
    found = binaries()
    if args.ffmpeg != "both":
        found = {args.ffmpeg: found[args.ffmpeg]}
    if args.leveler:
        guests = [float(value) for value in args.guests.split(",")]
        leveler_bench(args.minutes, args.repeats, found, args.leveler, guests)
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
              "| I / LRA / TP (ebur128) | report's I / LRA / TP | limited > 1 dB |")  # fmt: skip
        print("|---|---|---|---|---|---|---|---|---|---|")
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
                peaks = {key: timed(command, env, memory=True).peak_mb
                         for key, command in commands.items()}  # fmt: skip
                plain = statistics.median(r.wall for r in runs["plain encode"])
                data = json.loads(report.read_text())
                for key, out in (("plain encode", plain_out), ("podcast normalize", ours_out)):
                    walls = [r.wall for r in runs[key]]
                    wall = statistics.median(walls)
                    cpu = statistics.median(r.cpu for r in runs[key])
                    peak = peaks[key]
                    limited = reported = ""
                    if key == "podcast normalize":
                        limited = (
                            f"{data['limited_seconds']} s ({data['limited_share']} %), "
                            f"{data['passes']} pass(es)"
                        )
                        given = data["input"]
                        print(
                            f"| {label} | {tag} | input | | | | | {ebur128(ffmpeg, master)} | "
                            f"{given['integrated']} / {given['lra']} / {given['true_peak']} | |"
                        )
                        output = data["output"]
                        reported = (
                            f"{output['integrated']} / {output['lra']} / {output['true_peak']}"
                        )
                    print(
                        f"| {label} | {tag} | {key} | {wall:.1f} ({min(walls):.1f}–"
                        f"{max(walls):.1f}) | {wall / plain:.2f} | {cpu:.1f} | {peak:.0f} | "
                        f"{ebur128(ffmpeg, out)} | {reported} | {limited} |"
                    )


if __name__ == "__main__":
    main()
