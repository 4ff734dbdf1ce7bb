"""An intro moves every time: chapters, quotes and transcript follow the master into the MP3."""

from __future__ import annotations

import datetime as dt
import json

from lxml import etree

from podcast.audio.timeline import shift_json_transcript, shift_transcript
from podcast.build import BuildOptions, build
from podcast.ffmpeg import probe
from tests.conftest import edit, make_tone

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
PSC = "http://podlove.org/simple-chapters"


def test_shift_transcript_moves_vtt_and_srt_timings_only():
    vtt = "WEBVTT\n\n00:00:01.000 --> 00:00:02.500\nUm 00:00:01.000 gesagt\n"
    assert shift_transcript(vtt, 3.25) == (
        "WEBVTT\n\n00:00:04.250 --> 00:00:05.750\nUm 00:00:01.000 gesagt\n"
    )
    srt = "1\n00:00:59,900 --> 00:01:00,100\nHallo\n"
    assert shift_transcript(srt, 1.0) == "1\n00:01:00,900 --> 00:01:01,100\nHallo\n"


def test_shift_json_transcript_moves_every_segment():
    text = '{"version": "1.0.0", "segments": [{"startTime": 0.5, "endTime": 0.9, "body": "Hö"}]}'
    shifted = json.loads(shift_json_transcript(text, 2.25))
    assert shifted == {
        "version": "1.0.0",
        "segments": [{"startTime": 2.75, "endTime": 3.15, "body": "Hö"}],
    }


def test_intro_shifts_chapters_quotes_and_transcript(catalog_dir, tmp_path):
    make_tone(catalog_dir / "intro.wav", seconds=4.0)
    edit(catalog_dir / "show.yaml", "timezone:", "audio:\n  intro: intro.wav\ntimezone:")
    folder = catalog_dir / "staffel-2/folge-14-positiv"
    (folder / "transcript.vtt").write_text(
        "WEBVTT\n\n00:00:02.000 --> 00:00:03.000\nHallo\n", encoding="utf-8"
    )
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW
    )
    result = build(options)
    media = result.media["folge-14-positiv"]
    assert abs(probe(options.output / media.relpath).duration - 24.0) < 0.2  # intro + master

    feed = etree.parse(str(options.output / "feed.xml"))
    item = feed.xpath("//item[itunes:episode='14']", namespaces=feed.getroot().nsmap)[0]
    starts = [c.get("start") for c in item.iter(f"{{{PSC}}}chapter")]
    assert starts == ["00:00:04.000", "00:00:09.500"]  # catalog: 0 and 5.5, plus the intro
    [soundbite] = item.xpath("podcast:soundbite", namespaces=feed.getroot().nsmap)
    assert float(soundbite.get("startTime")) == 6.0  # catalog: 2.0
    transcript = options.output / media.relpath.replace(".mp3", ".vtt")
    assert "00:00:06.000 --> 00:00:07.000" in transcript.read_text(encoding="utf-8")
    # the master and its transcript are untouched
    assert "00:00:02.000 --> 00:00:03.000" in (folder / "transcript.vtt").read_text()
