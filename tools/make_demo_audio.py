#!/usr/bin/env python3
"""Make the demo catalog's audio masters and transcripts from German text-to-speech.

Every episode of the demo catalog (``episodes/``) is a short script: chapter
marks, sentences spoken by the hosts, and the guests' quotes spoken in full.
Each sentence and each quote is synthesized on its own with espeak-ng, its
leading and trailing silence trimmed with sox, and the pieces are joined with
short pauses.  Because the pieces are joined sample by sample, the offset of
every chapter and quote is known exactly; the script prints them (the values
in each ``episode.yaml`` are copied from that output) and writes a WebVTT
transcript from the same offsets.  Finally the master is levelled to the
episode's loudness and encoded (FLAC, Ogg Opus, MP3 or AAC).

Usage (from the repository root)::

    python tools/make_demo_audio.py              # write masters + transcripts, check the YAML
    python tools/make_demo_audio.py --dry-run    # only print the times and check the YAML
    python tools/make_demo_audio.py --only folge-14

Needs espeak-ng, sox and ffmpeg (``$PODCAST_FFMPEG``, ``ffmpeg`` on PATH, or the
binary of the imageio-ffmpeg wheel when run with the project's virtualenv).
Python 3.11, standard library only.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import subprocess
import sys
import tempfile
import wave
from dataclasses import dataclass, field
from pathlib import Path
from xml.sax.saxutils import escape

from podcast.ffmpeg import ffmpeg_exe

ROOT = Path(__file__).resolve().parent.parent

# --- who speaks, and with which voice -----------------------------------------------

# espeak-ng voice, words per minute, word gap (10 ms units), stereo pan (-1 left .. 1 right)
VOICES: dict[str, tuple[str, int, int, float]] = {
    "benjamin-von-der-ahe": ("de+m3", 150, 0, -0.35),
    "nastasja-ilgenstein": ("de+f2", 150, 0, 0.35),
    "jutta-rump": ("de+f4", 112, 4, 0.15),
    "stefanie-goy": ("de+f3", 96, 8, 0.2),
    "johannes-hipp": ("de+m5", 108, 4, 0.2),
    "thomas-michl": ("de+m2", 130, 2, 0.2),
}
NAMES = {
    "benjamin-von-der-ahe": "Benjamin von der Ahe",
    "nastasja-ilgenstein": "Nastasja Ilgenstein",
    "jutta-rump": "Prof. Dr. Jutta Rump",
    "stefanie-goy": "Stefanie Goy",
    "johannes-hipp": "Johannes Hipp",
    "thomas-michl": "Thomas Michl",
}
ELISION_PAUSE_MS = 1400  # what "(...)" in a quote becomes when spoken

# pauses in seconds
PAUSE_SENTENCE = 0.35
PAUSE_SPEAKER = 0.6
PAUSE_CHAPTER = 1.2
PAUSE_QUOTE = 0.8
TAIL = 1.5

# Spoken differently from how it is written (display text stays as written).
PRONOUNCE = {
    "Halle (Saale)": "Halle an der Saale",
    "Prof. Dr.": "Professorin",
    "IBE": "I B E",
}


# --- the scripts --------------------------------------------------------------------


@dataclass(frozen=True)
class Chapter:
    title: str
    url: str | None = None


@dataclass(frozen=True)
class Say:
    speaker: str
    text: str


@dataclass(frozen=True)
class Quote:
    speaker: str
    text: str


@dataclass(frozen=True)
class Episode:
    key: str
    folder: str
    audio: str
    codec: str  # flac | opus | mp3 | aac
    rate: int
    channels: int
    loudness: float  # LUFS of the master (deliberately not all the same)
    title: str
    script: tuple[Chapter | Say | Quote, ...]
    transcript: bool = True
    bitrate: str | None = None


RUMP = (
    "Neues Arbeiten bedeutet Stärken- und Talenterorientierung, lebenslanges Lernen, "
    "vernetzt miteinander zu arbeiten, partizipative Teilhabe, agile Arbeitsmodelle (...), "
    "Sinnhaftigkeit, Transparenz, in Balance bleiben."
)
GOY_1 = (
    "Zunächst habe ich mich [so] vorgestellt, (...) dass ich eine Lernende bin und das "
    "Wissen von den Expert:innen vor Ort benötige."
)
GOY_2 = (
    "Wenn ich mir etwas wünschen würde, dann mehr Selbstverantwortung (...) geben. Dass "
    "Mitarbeiterinnen und Mitarbeiter aber auch befähigt werden, Selbstverantwortung "
    "wahrzunehmen."
)
HIPP = (
    "Es muss immer wieder Leute geben, die nicht so stark in den technischen Prozessen "
    "stecken, sondern einfach eine Veranstaltung durchführen können, sich Bürgerwünschen "
    "und einer Diskussion stellen [können]."
)

BEN, NAS = "benjamin-von-der-ahe", "nastasja-ilgenstein"
K360 = "https://www.kommune360.de"

EPISODES: tuple[Episode, ...] = (
    Episode(
        key="folge-11",
        folder="staffel-2/folge-11-festival-2022",
        audio="folge-11.flac",
        codec="flac",
        rate=22050,
        channels=1,
        loudness=-26.0,  # a quiet master
        title="Das 360° Festival 2022: „Ich kam frustriert und ging inspiriert“",
        script=(
            Chapter("Willkommen zum 360° Festival 2022"),
            Say(BEN, "Willkommen beim Kommunen-Podcast. Rebellion im Aktenschrank."),
            Say(NAS, "Heute: unser Rückblick auf das 360° Festival 2022."),
            Chapter(
                "The Time is Now: Neues Arbeiten in Kommunen",
                f"{K360}/the-time-is-now-neues-arbeiten-in-kommunen/",
            ),
            Say(
                NAS,
                "Den Auftakt machte Prof. Dr. Jutta Rump, mit der Frage, was Neues Arbeiten heißt.",
            ),
            Quote("jutta-rump", RUMP),
            Chapter("Culture eats Strategy for breakfast"),
            Say(NAS, "Im Landkreis Breisgau-Hochschwarzwald wird Jugendhilfe im Team geplant."),
            Say(
                BEN,
                "Und wir haben gelernt: Eine Kartoffel wächst nicht schneller, wenn man "
                "an ihr zieht.",
            ),
            Chapter("Ich kam frustriert und ging inspiriert"),
            Say(BEN, "Ich kam frustriert und ging inspiriert. So klang es am Ende oft."),
            Say(NAS, "Danke fürs Zuhören!"),
        ),
    ),
    Episode(
        key="folge-14",
        folder="staffel-2/folge-14-positiv-irritierend",
        audio="folge-14.opus",
        codec="opus",
        bitrate="48k",
        rate=48000,
        channels=1,
        loudness=-14.0,  # a loud master
        title="Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!",
        script=(
            Chapter("Begrüßung"),
            Say(NAS, "Willkommen beim Kommunen-Podcast. Rebellion im Aktenschrank."),
            Say(NAS, "Heute sind wir zu Gast in Halle (Saale)."),
            Say(BEN, "Bei uns ist Stefanie Goy, Jugendhilfeplanerin der Stadt Halle (Saale)."),
            Chapter("Als Lernende in die Stadtteile"),
            Say(BEN, "Stefanie, wie hast du dich den Fachkräften in den Stadtteilen vorgestellt?"),
            Quote("stefanie-goy", GOY_1),
            Say(NAS, "Positiv irritierend. Das trifft es ziemlich gut."),
            Chapter(
                "Lasst uns spielen: das Planspiel im Jugendhilfeausschuss",
                f"{K360}/k360-planspiel/",
            ),
            Say(
                NAS,
                "Gemeinsam mit Kommune 360° hat die Stadt Halle ein Planspiel zur "
                "kooperativen Jugendhilfeplanung entwickelt.",
            ),
            Say(
                BEN,
                "Die Mitglieder des Jugendhilfeausschusses haben es schon gespielt: "
                "Verwaltung, freie Träger und Politik an einem Tisch.",
            ),
            Chapter("Mehr Selbstverantwortung"),
            Say(BEN, "Und was wünschst du dir für die Verwaltung von morgen?"),
            Quote("stefanie-goy", GOY_2),
            Chapter("Verabschiedung"),
            Say(NAS, "Vielen Dank, Stefanie, für diese Einblicke."),
            Say(BEN, "Alle Links findet ihr in den Shownotes. Bis zum nächsten Mal!"),
        ),
    ),
    Episode(
        key="folge-15",
        folder="staffel-2/folge-15-personalentwicklung",
        audio="folge-15.mp3",
        codec="mp3",
        bitrate="128k",
        rate=44100,
        channels=2,
        loudness=-20.0,
        title="Personalentwicklung als Zukunftsmotor – wer plant die Verwaltung von morgen?",
        script=(
            Chapter("Begrüßung"),
            Say(BEN, "Willkommen beim Kommunen-Podcast. Rebellion im Aktenschrank."),
            Say(
                BEN,
                "Heute geht es um Personalentwicklung als Zukunftsmotor für integrierte Planung.",
            ),
            Chapter(
                "Was Jugendhilfeplanung können muss",
                "http://www.bagljae.de/downloads/137_kompetenzprofil-jugendhilfeplanung.pdf",
            ),
            Say(
                NAS,
                "Jugendhilfeplanung braucht digitale, analytische und konzeptionelle Kompetenzen.",
            ),
            Say(
                NAS,
                "Dazu kommen Netzwerksteuerung, Veränderungsmanagement und die Steuerung "
                "von Beteiligungsverfahren.",
            ),
            Chapter("Beteiligung braucht Menschen"),
            Say(BEN, "Johannes Hipp, was heißt das für die Menschen in der Verwaltung?"),
            Quote("johannes-hipp", HIPP),
            Chapter("Fünf Ideen für die Verwaltung von morgen"),
            Say(NAS, "Unsere fünf Ideen dazu findet ihr in den Shownotes."),
            Say(BEN, "Schreibt uns, wo wir richtig liegen und was wir übersehen haben. Bis bald!"),
        ),
    ),
    Episode(
        key="folge-16",
        folder="staffel-2/folge-16-fehler-feiern",
        audio="folge-16.m4a",
        codec="aac",
        bitrate="48k",
        rate=44100,
        channels=1,
        loudness=-18.0,
        title="Fehler feiern – Kaizen für Kommunen",
        transcript=False,
        script=(
            Chapter("Begrüßung"),
            Say(NAS, "Willkommen beim Kommunen-Podcast. Rebellion im Aktenschrank."),
            Say(NAS, "Heute feiern wir Fehler, mit Thomas Michl vom Forum Agile Verwaltung."),
            Chapter("Kaizen: Wandel zum Besseren"),
            Say(BEN, "Kaizen heißt ungefähr: Wandel oder Veränderung zum Besseren."),
            Say(BEN, "Jeder Fehler in den Prozessen wird gefeiert, ja geradezu gesucht."),
            Chapter("Gesehen – gelacht – gelocht"),
            Say(
                NAS,
                "In der Verwaltung gelangen neue Ideen oft gar nicht erst in einen "
                "Entscheidungsprozess.",
            ),
            Say(BEN, "Gesehen, gelacht, gelocht."),
            Chapter("Fragen stellen statt Lösungen vorgeben"),
            Say(NAS, "Leitungen müssen lernen, Macht und Kontrolle abzugeben."),
            Say(
                BEN,
                "Und das einfachste Mittel dafür: coachende und lösungsorientierte Fragen stellen.",
            ),
            Say(NAS, "Diese Folge ist noch in Arbeit. Bis bald!"),
        ),
    ),
)


# --- tools ---------------------------------------------------------------------------
# Run with the project's virtualenv (.venv/bin/python tools/make_demo_audio.py): ffmpeg is
# found the way the pipeline finds it.


def run(args: list[str]) -> subprocess.CompletedProcess[str]:
    result = subprocess.run(args, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        sys.exit(f"failed: {' '.join(args)}\n{result.stderr}")
    return result


def spoken(text: str, quote: bool) -> str:
    """The SSML that espeak-ng speaks for ``text``."""
    for written, said in PRONOUNCE.items():
        text = text.replace(written, said)
    text = re.sub(r"\[([^\]]+)\]", r"\1", text)  # editorial [insertions] are spoken
    text = escape(text)
    if quote:
        text = text.replace("(...)", f'<break time="{ELISION_PAUSE_MS}ms"/>')
        text = re.sub(r"\s+(?=<break)", " ", text)
    return text


def timestamp(seconds: float) -> str:
    ms = round(seconds * 1000)
    hours, ms = divmod(ms, 3_600_000)
    minutes, ms = divmod(ms, 60_000)
    secs, ms = divmod(ms, 1000)
    return f"{hours:02d}:{minutes:02d}:{secs:02d}.{ms:03d}"


def synthesize(speaker: str, text: str, quote: bool, episode: Episode, out: Path) -> int:
    """Speak ``text`` into ``out`` (trimmed, at the episode's rate/channels); return frames."""
    voice, speed, gap, pan = VOICES[speaker]
    raw = out.with_suffix(".raw.wav")
    run(
        [
            "espeak-ng",
            "-m",
            "-v",
            voice,
            "-s",
            str(speed),
            "-g",
            str(gap),
            "-w",
            str(raw),
            spoken(text, quote),
        ]
    )
    effects = ["silence", "1", "0.01", "0.3%", "reverse", "silence", "1", "0.01", "0.3%", "reverse"]
    if episode.channels == 2:
        left, right = round(min(1.0, 1 - pan) * 0.8, 3), round(min(1.0, 1 + pan) * 0.8, 3)
        effects += ["remix", f"1v{left}", f"1v{right}"]
    effects += ["rate", "-v", str(episode.rate)]
    run(["sox", "-D", str(raw), "-b", "16", str(out), *effects])  # -D: no dither, repeatable
    with wave.open(str(out), "rb") as w:
        assert w.getframerate() == episode.rate and w.getnchannels() == episode.channels
        return w.getnframes()


@dataclass
class Piece:
    kind: str  # say | quote
    speaker: str
    text: str
    start: float = 0.0
    end: float = 0.0


@dataclass
class Timeline:
    chapters: list[tuple[float, Chapter]] = field(default_factory=list)
    pieces: list[Piece] = field(default_factory=list)
    duration: float = 0.0


def build(episode: Episode, work: Path, out_wav: Path) -> Timeline:
    """Synthesize and join the episode's script; return where everything is."""
    timeline = Timeline()
    pending: Chapter | None = None
    frames_total = 0
    rate, channels = episode.rate, episode.channels
    silence = b"\0\0" * channels
    previous: Piece | None = None
    with wave.open(str(out_wav), "wb") as joined:
        joined.setnchannels(channels)
        joined.setsampwidth(2)
        joined.setframerate(rate)
        for index, item in enumerate(episode.script):
            if isinstance(item, Chapter):
                pending = item
                continue
            piece = Piece("quote" if isinstance(item, Quote) else "say", item.speaker, item.text)
            if previous is not None:
                if pending is not None:
                    pause = PAUSE_CHAPTER
                elif "quote" in (piece.kind, previous.kind):
                    pause = PAUSE_QUOTE
                elif piece.speaker != previous.speaker:
                    pause = PAUSE_SPEAKER
                else:
                    pause = PAUSE_SENTENCE
                pause_frames = round(pause * rate)
                joined.writeframes(silence * pause_frames)
                frames_total += pause_frames
            segment = work / f"{episode.key}-{index:02d}.wav"
            frames = synthesize(item.speaker, item.text, piece.kind == "quote", episode, segment)
            with wave.open(str(segment), "rb") as w:
                joined.writeframes(w.readframes(frames))
            piece.start = frames_total / rate
            frames_total += frames
            piece.end = frames_total / rate
            if pending is not None:
                timeline.chapters.append((piece.start, pending))
                pending = None
            timeline.pieces.append(piece)
            previous = piece
        tail = round(TAIL * rate)
        joined.writeframes(silence * tail)
        frames_total += tail
    timeline.duration = frames_total / rate
    return timeline


def measure(path: Path) -> tuple[float, float]:
    """Integrated loudness (LUFS) and true peak (dBTP) by ffmpeg's ebur128 filter."""
    result = subprocess.run(
        [
            ffmpeg_exe(),
            "-hide_banner",
            "-nostdin",
            "-i",
            str(path),
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    summary = result.stderr[result.stderr.rfind("Summary:") :]
    loudness = float(re.search(r"I:\s+(-?[\d.]+) LUFS", summary).group(1))
    peak = float(re.search(r"Peak:\s+(-?[\d.]+|-inf) dBFS", summary).group(1))
    return loudness, peak


def encode(episode: Episode, wav: Path, out: Path) -> tuple[float, float]:
    """Level and encode ``wav`` to ``out``; return the master's loudness and true peak.

    Lossy codecs and the limiter move the loudness a little, so the gain is
    corrected from a measurement of the encoded file (at most six passes, secant steps).
    """
    loudness, peak = measure(wav)
    gain = episode.loudness - loudness
    limit = peak + gain > -2.0  # the loud master: a limiter keeps the peaks down
    codec = {
        "flac": ["-c:a", "flac", "-compression_level", "12", "-sample_fmt", "s16"],
        "opus": ["-c:a", "libopus", "-b:a", episode.bitrate or "48k", "-application", "voip"],
        "mp3": ["-c:a", "libmp3lame", "-b:a", episode.bitrate or "128k"],
        "aac": ["-c:a", "aac", "-b:a", episode.bitrate or "64k", "-movflags", "+faststart"],
    }[episode.codec]
    tried: list[tuple[float, float]] = []  # (gain, loudness) of each pass
    for _ in range(6):
        filters = [f"volume={gain:.2f}dB"]
        if limit:
            filters.append("alimiter=limit=0.7:attack=2:release=80:level=0:latency=1")
        run(
            [
                ffmpeg_exe(),
                "-hide_banner",
                "-nostdin",
                "-y",
                "-i",
                str(wav),
                "-af",
                ",".join(filters),
                "-ar",
                str(episode.rate),
                "-ac",
                str(episode.channels),
                *codec,
                "-map_metadata",
                "-1",
                "-fflags",
                "+bitexact",
                "-flags:a",
                "+bitexact",
                "-metadata",
                f"title={episode.title}",
                "-metadata",
                "artist=Kommune 360°",
                "-metadata",
                "album=Der Kommunen-Podcast. Rebellion im Aktenschrank",
                str(out),
            ]
        )
        loudness, peak = measure(out)
        if abs(episode.loudness - loudness) < 0.2:
            break
        tried.append((gain, loudness))
        slope = 1.0  # dB out per dB in; behind the limiter it is less
        if len(tried) >= 2 and tried[-1][0] != tried[-2][0]:
            (g1, l1), (g2, l2) = tried[-2:]
            slope = min(1.5, max(0.3, (l2 - l1) / (g2 - g1)))
        gain += (episode.loudness - loudness) / slope
    return loudness, peak


def vtt(timeline: Timeline) -> str:
    lines = ["WEBVTT", ""]
    for number, piece in enumerate(timeline.pieces, start=1):
        lines += [
            str(number),
            f"{timestamp(piece.start)} --> {timestamp(piece.end)}",
            f"<v {NAMES[piece.speaker]}>{piece.text}",
            "",
        ]
    return "\n".join(lines)


def expected_times(timeline: Timeline) -> list[str]:
    times = [timestamp(start) for start, _ in timeline.chapters]
    for piece in timeline.pieces:
        if piece.kind == "quote":
            times += [timestamp(piece.start), timestamp(piece.end)]
    return times


def check_yaml(episode: Episode, timeline: Timeline, catalog: Path) -> bool:
    """Do episode.yaml's chapter starts and quote start/end equal the computed ones?"""
    path = catalog / episode.folder / "episode.yaml"
    if not path.is_file():
        print(f"  (no {path.relative_to(ROOT)} to check)")
        return True
    text = path.read_text(encoding="utf-8")
    found = re.findall(r"^\s*-?\s*(?:start|end):\s*\"?([\d:.]+)\"?\s*$", text, re.M)
    expected = expected_times(timeline)
    if found == expected:
        print(f"  {path.relative_to(ROOT)}: chapter and quote times match")
        return True
    print(f"  {path.relative_to(ROOT)}: times DIFFER")
    print(f"    yaml:     {found}\n    expected: {expected}")
    return False


def report(episode: Episode, timeline: Timeline) -> dict:
    print(
        f"\n{episode.key}: {episode.title}  ({timestamp(timeline.duration)}, "
        f"{timeline.duration:.3f} s)"
    )
    print("  chapters:")
    for start, chapter in timeline.chapters:
        print(f'    - start: "{timestamp(start)}"')
        print(f"      title: {json.dumps(chapter.title, ensure_ascii=False)}")
        if chapter.url:
            print(f"      url: {chapter.url}")
    quotes = [p for p in timeline.pieces if p.kind == "quote"]
    if quotes:
        print("  quotes:")
        for piece in quotes:
            print(f"    - speaker: {piece.speaker}")
            print(f'      start: "{timestamp(piece.start)}"')
            print(f'      end: "{timestamp(piece.end)}"    # {piece.end - piece.start:.1f} s')
    return {
        "duration": round(timeline.duration, 3),
        "chapters": [[timestamp(s), c.title] for s, c in timeline.chapters],
        "quotes": [[p.speaker, timestamp(p.start), timestamp(p.end)] for p in quotes],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=ROOT / "episodes")
    parser.add_argument("--only", action="append", help="episode key, e.g. folge-14")
    parser.add_argument("--dry-run", action="store_true", help="write nothing")
    args = parser.parse_args()
    for tool in ("espeak-ng", "sox"):
        if not shutil.which(tool):
            sys.exit(f"{tool} not found")
    ok = True
    with tempfile.TemporaryDirectory(prefix="demo-audio-") as tmp:
        work = Path(tmp)
        for episode in EPISODES:
            if args.only and episode.key not in args.only:
                continue
            wav = work / f"{episode.key}.wav"
            timeline = build(episode, work, wav)
            report(episode, timeline)
            if not args.dry_run:
                folder = args.catalog / episode.folder
                folder.mkdir(parents=True, exist_ok=True)
                loudness, peak = encode(episode, wav, folder / episode.audio)
                size = (folder / episode.audio).stat().st_size
                print(
                    f"  wrote {episode.audio}: {size / 1024:.0f} KiB, "
                    f"{loudness:.1f} LUFS, true peak {peak:.1f} dBTP"
                )
                if episode.transcript:
                    (folder / "transcript.vtt").write_text(vtt(timeline), encoding="utf-8")
                    print("  wrote transcript.vtt")
            ok &= check_yaml(episode, timeline, args.catalog)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
