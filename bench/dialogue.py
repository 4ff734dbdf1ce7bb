"""Does the limiter touch only the peaks?  A two-voice dialogue, host 8 LU louder than guest.

    .venv/bin/python bench/dialogue.py [--minutes 2]

Makes a dialogue of espeak-ng German voices (bench/master.py's speech, its voice compressor
at about 1.4:1: a peak-to-loudness ratio of about 15 dB): host at −18 LUFS, guest 8 dB
quieter, alternating turns with pauses; then runs ``podcast normalize`` with each ffmpeg
(PODCAST_FFMPEG: the system's and the wheel's) and prints, measured by ffmpeg's ebur128:
the MP3's I / LRA / TP, each speaker's loudness in the master and in the MP3, and the
difference between them (it should stay 8 ± 1 LU).
"""

from __future__ import annotations

import argparse
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.master import _speech
from podcast.audio.loudness import measure


def ebur128(ffmpeg: str, path: Path, start: float | None = None, length: float = 0) -> dict:
    window = [] if start is None else ["-ss", f"{start:.3f}", "-t", f"{length:.3f}"]
    text = subprocess.run(
        [ffmpeg, "-hide_banner", "-nostdin", *window, "-i", str(path),
         "-af", "ebur128=peak=true", "-f", "null", "-"],
        capture_output=True, check=True,
    ).stderr.decode()  # fmt: skip
    text = text[text.rindex("Summary:") :]
    return {
        "I": float(re.search(r"I:\s+(-?[\d.]+)", text).group(1)),
        "LRA": float(re.search(r"LRA:\s+(-?[\d.]+)", text).group(1)),
        "TP": float(re.search(r"Peak:\s+(-?[\d.]+)", text).group(1)),
    }


def dialogue(path: Path, minutes: float, rate: int = 44100, seed: int = 2) -> list[tuple]:
    """Write the dialogue; return its turns as (speaker 0/1, start s, end s)."""
    rng = np.random.default_rng(seed)
    voices = [_speech(rate, "de+m3", 160, 0.3), _speech(rate, "de+f2", 175, 0.3)]
    levels = []
    with tempfile.TemporaryDirectory() as tmp:
        for voice in voices:  # scale each voice to its loudness: host -18, guest -26 LUFS
            probe = Path(tmp) / "voice.wav"
            _write(probe, np.stack([voice, voice], axis=1), rate)
            levels.append(measure(probe).integrated)
    scales = [10 ** ((-18 - levels[0]) / 20), 10 ** ((-26 - levels[1]) / 20)]
    total = int(minutes * 60 * rate)
    parts, turns, written, turn = [], [], 0, 0
    while written < total:
        speaker = turn % 2
        voice = voices[speaker]
        n = min(int(rng.uniform(8, 20) * rate), total - written)
        start = int(rng.integers(0, len(voice) - 1))
        seg = voice[(np.arange(n) + start) % len(voice)] * scales[speaker]
        pause = int(rng.uniform(0.4, 1.0) * rate)
        seg[-min(pause, n) :] = 0.0
        turns.append((speaker, written / rate, (written + n - pause) / rate))
        parts.append(seg)
        written += n
        turn += 1
    mono = np.concatenate(parts)
    _write(path, np.stack([mono, mono * 0.95], axis=1), rate)
    return turns


def _write(path: Path, frames: np.ndarray, rate: int) -> None:
    ints = np.round(np.clip(frames, -1, 1 - 2**-15) * 32767).astype("<i2")
    with wave.open(str(path), "wb") as out:
        out.setnchannels(frames.shape[1])
        out.setsampwidth(2)
        out.setframerate(rate)
        out.writeframes(ints.tobytes())


def speakers(ffmpeg: str, path: Path, turns: list[tuple]) -> tuple[float, float]:
    """Each speaker's loudness: the energy mean of its turns' (inner parts') loudness."""
    energy: dict[int, list[float]] = {0: [], 1: []}
    for speaker, start, end in turns:
        if end - start > 3:
            level = ebur128(ffmpeg, path, start + 0.5, end - start - 1.0)["I"]
            energy[speaker].append(10 ** (level / 10))
    host, guest = (10 * np.log10(np.mean(energy[s])) for s in (0, 1))
    return float(host), float(guest)


def binaries() -> dict[str, str]:
    import imageio_ffmpeg

    found = {"wheel": imageio_ffmpeg.get_ffmpeg_exe()}
    system = shutil.which("ffmpeg")
    if system:
        found = {"system": system, **found}
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=2)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        master = work / "dialogue.wav"
        turns = dialogue(master, args.minutes)
        print(f"dialogue: {args.minutes:g} min, {len(turns)} turns")
        print("| ffmpeg | file | I / LRA / TP | host | guest | difference | limited |")
        print("|---|---|---|---|---|---|---|")
        for label, ffmpeg in binaries().items():
            if label == next(iter(binaries())):
                m, (h, g) = ebur128(ffmpeg, master), speakers(ffmpeg, master, turns)
                print(f"| {label} | master | {m['I']} / {m['LRA']} / {m['TP']} | {h:.1f} | "
                      f"{g:.1f} | {h - g:.1f} | |")  # fmt: skip
            out, report = work / f"{label}.mp3", work / f"{label}.json"
            env = {**os.environ, "PODCAST_FFMPEG": ffmpeg}
            subprocess.run(
                [sys.executable, "-m", "podcast", "normalize", str(master), "-o", str(out),
                 "--json", str(report), "--quiet"],
                check=True, env=env, capture_output=True,
            )  # fmt: skip
            data = json.loads(report.read_text())
            m, (h, g) = ebur128(ffmpeg, out), speakers(ffmpeg, out, turns)
            limited = (
                f"{data['mode']}, up to {data['limited_by']} dB, {data['limited_seconds']} s "
                f"({data['limited_share']} %) > 1 dB, {data['passes']} pass(es)"
            )
            print(f"| {label} | MP3 | {m['I']} / {m['LRA']} / {m['TP']} | {h:.1f} | {g:.1f} | "
                  f"{h - g:.1f} | {limited} |")  # fmt: skip


if __name__ == "__main__":
    main()
