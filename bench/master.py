"""A realistic podcast master for the benchmark, generated in chunks (never all in memory).

Two speakers (espeak-ng German speech, one loud, one about 10 dB quieter) alternating
with pauses, soft-limited under −3 dBFS like a mastered voice; a music bed (chords) under
intro, outro and a few transitions; and a few hot peaks (claps: band-limited noise
bursts at ``peak_db``).  Written as 16-bit stereo 44.1 kHz or
24-bit mono 48 kHz WAV with Python's wave module.
"""

from __future__ import annotations

import subprocess
import tempfile
import wave
from pathlib import Path

import numpy as np
from scipy import ndimage, signal

from podcast.ffmpeg import ffmpeg_exe

SPEECH_CEILING = 0.7  # speech is soft-limited under −3 dBFS, as a mastered voice would be
SENTENCES = [
    "Willkommen beim Kommunen-Podcast. Heute geht es um die Rebellion im Aktenschrank.",
    "Die Jugendhilfeplanung in Halle an der Saale hat etwas ganz Neues ausprobiert.",
    "Wir haben mit der Verwaltung gesprochen, und die Antworten waren überraschend offen.",
    "Neues Arbeiten bedeutet Stärken- und Talentorientierung, aber auch Balance.",
    "Und was sagen die Bürgerinnen und Bürger dazu? Das hören wir gleich.",
    "Ich glaube, der wichtigste Schritt ist, überhaupt miteinander zu reden.",
]


def _speech(rate: int, voice: str, speed: int, compression: float = 0.75) -> np.ndarray:
    """The sentences spoken by espeak-ng, as float32 mono at ``rate``.

    ``compression``: of the voice compressor above −24 dBFS (0.75: 4:1; 0: none)."""
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
    speech = np.frombuffer(pcm, dtype=np.float32).astype(np.float64)
    speech /= np.max(np.abs(speech))
    # a voice compressor as in mastering (4:1 above −24 dBFS; 10 ms peak envelope, smoothed):
    # raw espeak has a peak-to-loudness ratio of 23 dB, a mastered voice about 15
    window = int(0.01 * rate)
    envelope = ndimage.uniform_filter1d(ndimage.maximum_filter1d(np.abs(speech), window), window)
    threshold = 10 ** (-24 / 20)
    gain = np.minimum(1.0, (threshold / np.maximum(envelope, 1e-9)) ** compression)
    speech *= gain
    return (speech / np.max(np.abs(speech))).astype(np.float32)


def _k_loudness(speech: np.ndarray, rate: int) -> float:
    """LUFS of mono ``speech`` (K-weighted mean square, no gating) as both channels of a
    stereo file."""
    from podcast.audio.bs1770 import _k_weighting

    weighted = speech.astype(np.float64)
    for b0, b1, b2, a0, a1, a2 in _k_weighting(rate):
        weighted = signal.lfilter([b0, b1, b2], [a0, a1, a2], weighted)
    return -0.691 + 10 * np.log10(2 * np.mean(weighted**2))


def generate(
    path: Path,
    minutes: float,
    *,
    channels: int,
    rate: int,
    bits: int,
    speech_db: float = 0.0,
    peak_db: float = -0.5,
    seed: int = 1,
    guest_db: float | None = None,
    turns: list[tuple[int, float, float, bool]] | None = None,
) -> Path:
    """Write the master to ``path``.

    ``speech_db`` shifts speech and music (0: stereo about −22 LUFS, LRA about 10 LU, like
    a typical mastered speech podcast; −3.7 in mono: a quiet master about −28 LUFS);
    ``peak_db`` is the level of the few hot peaks (laughs, claps, one every 2.5 minutes),
    which set the master's true peak.  ``guest_db``: the guest's speech this many dB
    (K-weighted, ungated) under the host's, instead of about 10.  ``turns``: filled with
    every turn as (speaker 0/1, start s, end of speech s, clean: no music bed and no peak).
    """
    rng = np.random.default_rng(seed)
    voices = [_speech(rate, "de+m3", 160) * 0.39, _speech(rate, "de+f2", 175) * 0.125]
    if guest_db is not None:
        levels = [_k_loudness(voice, rate) for voice in voices]
        voices[1] = voices[1] * 10 ** ((levels[0] - guest_db - levels[1]) / 20)
    total = int(minutes * 60 * rate)
    chord = [220.0, 277.18, 329.63, 440.0]
    scale = 10 ** (speech_db / 20)
    hot = 10 ** (peak_db / 20)
    written = 0
    peak_every = int(150 * rate)  # a hot peak every 2.5 minutes

    def clap(env: np.ndarray) -> np.ndarray:
        """Band-limited noise under ``env``, peaking at about 1.0 true peak."""
        noise = rng.normal(0, 1, len(env))
        noise = signal.sosfilt(signal.butter(4, 6000, fs=rate, output="sos"), noise) * env
        return noise / np.max(np.abs(noise))

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
            seg = voice[idx] * 10 ** (rng.uniform(-2, 2) / 20)
            pause = int(rng.uniform(0.3, 1.2) * rate)
            seg[-min(pause, n) :] = 0.0
            t = (np.arange(n) + written) / rate
            bed_on = written < 30 * rate or written > total - 30 * rate or turn % 7 == 0
            if bed_on:
                bed = sum(np.sin(2 * np.pi * f * t) for f in chord) * 0.03
                seg = seg + bed * (0.5 + 0.5 * np.sin(2 * np.pi * 0.05 * t))
            seg = seg + rng.normal(0, 0.0005, n)  # room noise
            seg = np.tanh(seg / SPEECH_CEILING) * SPEECH_CEILING  # the mastering limiter
            for p in range(((written // peak_every) + 1) * peak_every, written + n, peak_every):
                k = p - written
                burst = min(int(0.15 * rate), n - k)
                env = np.exp(-np.arange(burst) / (0.03 * rate))
                seg[k : k + burst] += clap(env) * hot / scale
            if turns is not None:
                clean = not bed_on and not any(
                    written <= p < written + n
                    for p in range(peak_every, written + n + peak_every, peak_every)
                )
                turns.append((turn % 2, written / rate, (written + n - pause) / rate, clean))
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
