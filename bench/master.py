"""A realistic podcast master for the benchmark, generated in chunks (never all in memory).

Two speakers (espeak-ng German speech, one loud, one quiet) alternating with pauses,
a music bed (chords) under intro, outro and a few transitions, and a few hot peaks
(laughs/claps as noise bursts near 0 dBFS).  Written as 16-bit stereo 44.1 kHz or
24-bit mono 48 kHz WAV with Python's wave module.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np

from podcast.ffmpeg import ffmpeg_exe

SENTENCES = [
    "Willkommen beim Kommunen-Podcast. Heute geht es um die Rebellion im Aktenschrank.",
    "Die Jugendhilfeplanung in Halle an der Saale hat etwas ganz Neues ausprobiert.",
    "Wir haben mit der Verwaltung gesprochen, und die Antworten waren überraschend offen.",
    "Neues Arbeiten bedeutet Stärken- und Talentorientierung, aber auch Balance.",
    "Und was sagen die Bürgerinnen und Bürger dazu? Das hören wir gleich.",
    "Ich glaube, der wichtigste Schritt ist, überhaupt miteinander zu reden.",
]


def _speech(rate: int, voice: str, speed: int) -> np.ndarray:
    """The sentences spoken by espeak-ng, as float32 mono at ``rate``."""
    with tempfile.TemporaryDirectory() as tmp:
        raw = Path(tmp) / "speech.wav"
        subprocess.run(
            ["espeak-ng", "-v", voice, "-s", str(speed), "-w", str(raw), " ".join(SENTENCES)],
            check=True,
            capture_output=True,
        )
        pcm = subprocess.run(
            [
                ffmpeg_exe(),
                "-v",
                "error",
                "-i",
                str(raw),
                "-ac",
                "1",
                "-ar",
                str(rate),
                "-f",
                "f32le",
                "-",
            ],
            check=True,
            capture_output=True,
        ).stdout
    speech = np.frombuffer(pcm, dtype=np.float32)
    return speech / np.max(np.abs(speech))


def generate(
    path: Path,
    minutes: float,
    *,
    channels: int,
    rate: int,
    bits: int,
    level_db: float = 0.0,
    seed: int = 1,
) -> Path:
    """Write the master to ``path``; ``level_db`` shifts everything (a quiet master: -10)."""
    rng = np.random.default_rng(seed)
    voices = [_speech(rate, "de+m3", 160) * 0.5, _speech(rate, "de+f2", 175) * 0.2]
    total = int(minutes * 60 * rate)
    chord = [220.0, 277.18, 329.63, 440.0]
    scale = 10 ** (level_db / 20)
    written = 0
    peak_every = int(150 * rate)  # a hot peak every 2.5 minutes
    with wave.open(str(path), "wb") as out:
        out.setnchannels(channels)
        out.setsampwidth(bits // 8)
        out.setframerate(rate)
        turn = 0
        while written < total:
            voice = voices[turn % 2]
            seconds = rng.uniform(8, 40)
            n = min(int(seconds * rate), total - written)
            start = int(rng.integers(0, len(voice) - 1))
            idx = (np.arange(n) + start) % len(voice)
            seg = voice[idx] * 10 ** (rng.uniform(-3, 3) / 20)
            pause = int(rng.uniform(0.3, 1.2) * rate)
            seg[-min(pause, n) :] = 0.0
            t = (np.arange(n) + written) / rate
            bed_on = written < 30 * rate or written > total - 30 * rate or turn % 7 == 0
            if bed_on:
                bed = sum(np.sin(2 * np.pi * f * t) for f in chord) * 0.03
                seg = seg + bed * (0.5 + 0.5 * np.sin(2 * np.pi * 0.05 * t))
            seg = seg + rng.normal(0, 0.0005, n)  # room noise
            for p in range(((written // peak_every) + 1) * peak_every, written + n, peak_every):
                k = p - written
                burst = min(int(0.15 * rate), n - k)
                env = np.exp(-np.arange(burst) / (0.03 * rate))
                seg[k : k + burst] += rng.uniform(-1, 1, burst) * env * 0.97
            seg = np.clip(seg * scale, -1.0, 1.0 - 2**-23)
            if channels == 2:
                pan = 0.8 if turn % 2 else 1.0
                frames = np.stack([seg * pan, seg * (1.8 - pan)], axis=1)
            else:
                frames = seg[:, None]
            ints = np.round(frames * (2 ** (bits - 1) - 1)).astype(np.int32)
            if bits == 16:
                data = ints.astype("<i2").tobytes()
            else:
                b = ints.astype("<i4").view(np.uint8).reshape(-1, 4)[:, :3]
                data = b.tobytes()
            out.writeframes(data)
            written += n
            turn += 1
    return path
