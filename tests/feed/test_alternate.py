"""``audio: {opus: true}``: an Opus alternate next to each MP3, announced with source and
integrity, at the MP3's loudness, cached, and published byte for byte as announced."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import re
import subprocess

import feedparser
import podcastparser
from lxml import etree
from mutagen.oggopus import OggOpus

from podcast.build import BuildOptions, build
from podcast.check.integrity import sri_mismatch
from podcast.check.report import Level
from podcast.check.run import check_show
from podcast.feed.ext.podcastindex import PODCAST_NS
from podcast.ffmpeg import ffmpeg_exe, run_ffmpeg
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from tests.site.test_browser import serve

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
BASE = "https://cdn.example.org/show/"
P = f"{{{PODCAST_NS}}}"
MONO_TARGET = -19.0  # AudioSettings.loudness_mono's default; the fixture masters are mono


def with_opus(catalog_dir) -> None:
    show = catalog_dir / "show.yaml"
    show.write_text(show.read_text(encoding="utf-8") + "audio:\n  opus: true\n", encoding="utf-8")


def own_audio(catalog_dir) -> None:
    """The fixture's two episodes share one master: give the second its own audio, so that
    each episode's Opus is encoded (identical audio would rightly share one from the cache)."""
    master = catalog_dir / "staffel-2" / "folge-15-weiter" / "master.flac"
    tone = ["-f", "lavfi", "-i", "sine=frequency=550:sample_rate=22050:duration=20"]
    run_ffmpeg(["-y", *tone, "-af", "volume=0.3", str(master)], file=master)


def ebur128_integrated(path) -> float:
    """The integrated loudness as ffmpeg's ebur128 filter measures it (not our own meter)."""
    done = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-nostats", "-i", str(path), "-af", "ebur128",
         "-f", "null", "-"],
        capture_output=True, text=True, check=True,
    )  # fmt: skip
    summary = done.stderr.rsplit("Summary:", 1)[1]
    match = re.search(r"I:\s+(-?\d+(?:\.\d+)?) LUFS", summary)
    assert match, summary
    return float(match[1])


def alternates(item) -> list:
    return item.findall(f"{P}alternateEnclosure")


def test_the_feed_announces_an_opus_alternate_that_matches_the_published_bytes(
    catalog_dir, tmp_path
):
    own_audio(catalog_dir)
    with_opus(catalog_dir)
    out = tmp_path / "feed"
    options = BuildOptions(catalog=catalog_dir, output=out, cache=tmp_path / "cache", now=NOW)
    first = build(options)
    public = tmp_path / "public"
    publish(out, LocalDestination(public))
    feed = (public / "feed.xml").read_bytes()
    items = etree.fromstring(feed).findall("channel/item")
    assert len(items) == 2
    for item in items:
        enclosure = item.find("enclosure")
        assert enclosure.get("type") == "audio/mpeg"  # the MP3 stays the enclosure
        mp3, opus = alternates(item)
        assert mp3.get("default") == "true" and mp3.get("type") == "audio/mpeg"
        assert mp3.find(f"{P}source").get("uri") == enclosure.get("url")
        assert mp3.get("length") == enclosure.get("length")
        assert opus.get("type") == "audio/opus" and opus.get("default") is None
        assert len(opus.get("title")) <= 32 and "Opus" in opus.get("title")
        (source,) = opus.findall(f"{P}source")
        uri = source.get("uri")
        assert uri.startswith(BASE + "audio/") and uri.endswith(".opus")
        data = (public / uri.removeprefix(BASE)).read_bytes()
        assert int(opus.get("length")) == len(data)
        (integrity,) = opus.findall(f"{P}integrity")
        assert integrity.get("type") == "sri"
        digest = base64.b64encode(hashlib.sha384(data).digest()).decode()
        assert integrity.get("value") == f"sha384-{digest}"
        # the name carries the content's hash, like the MP3's: new bytes, new URL
        assert hashlib.sha256(data).hexdigest()[:8] in uri.rsplit("/", 1)[1]
        path = public / uri.removeprefix(BASE)
        info = OggOpus(path).info
        assert info.channels == 1
        assert abs(info.length - 20.0) < 0.1
        assert abs(float(opus.get("bitrate")) - len(data) * 8 / info.length) < 1
        assert 20_000 < float(opus.get("bitrate")) < 40_000  # 32 kbit/s, constrained VBR
        assert abs(ebur128_integrated(path) - MONO_TARGET) <= 0.5
    # the MP3 is at the target too, so the two are equally loud
    mp3_path = public / items[0].find("enclosure").get("url").removeprefix(BASE)
    assert abs(ebur128_integrated(mp3_path) - MONO_TARGET) <= 0.5
    for audio in first.audio.values():
        assert audio.opus is not None and not audio.opus.cached
        assert abs(audio.opus.loudness - MONO_TARGET) <= 0.2  # our meter, as the encoder saw it
        assert audio.opus.true_peak <= -1.0 + 0.5  # near the show's ceiling (-1 dBTP)

    # both parsers still read the feed, with the MP3 as the episode's file
    parsed = podcastparser.parse(BASE + "feed.xml", (public / "feed.xml").open("rb"))
    assert [e["enclosures"][0]["mime_type"] for e in parsed["episodes"]] == ["audio/mpeg"] * 2
    loose = feedparser.parse(feed)
    assert not loose.bozo, loose.bozo_exception
    assert [e.enclosures[0].type for e in loose.entries] == ["audio/mpeg"] * 2

    # an unchanged show encodes nothing again: the same Opus, from the cache
    again = build(options)
    for slug, audio in again.audio.items():
        assert audio.opus is not None and audio.opus.cached
        assert audio.opus.sha256 == first.audio[slug].opus.sha256
    assert (out / "feed.xml").read_bytes() == feed


def test_no_alternate_unless_asked(catalog_dir, tmp_path):
    out = tmp_path / "feed"
    result = build(BuildOptions(catalog=catalog_dir, output=out, cache=tmp_path / "cache", now=NOW))
    root = etree.fromstring((out / "feed.xml").read_bytes())
    assert root.findall(f"channel/item/{P}alternateEnclosure") == []
    assert not list(out.rglob("*.opus"))
    assert all(audio.opus is None for audio in result.audio.values())


def test_turning_opus_on_does_not_encode_the_mp3_again(catalog_dir, tmp_path):
    own_audio(catalog_dir)
    cache = tmp_path / "cache"
    options = BuildOptions(catalog=catalog_dir, output=tmp_path / "feed", cache=cache, now=NOW)
    before = build(options)
    with_opus(catalog_dir)
    after = build(options)
    for slug, audio in after.audio.items():
        assert audio.cached and audio.sha256 == before.audio[slug].sha256
        assert audio.opus is not None and not audio.opus.cached


def test_podcast_check_fetches_the_alternate_and_verifies_its_integrity(catalog_dir, tmp_path):
    with_opus(catalog_dir)
    out, public = tmp_path / "feed", tmp_path / "public"
    build(BuildOptions(catalog=catalog_dir, output=out, cache=tmp_path / "cache", now=NOW))
    publish(out, LocalDestination(public))
    for site in serve(public, BASE.rstrip("/")):
        report = check_show(site + "feed.xml")
        alternates = [i for i in report.items if i.label.startswith("alternate: ")]
        assert len(alternates) == 2  # the Opus files; the MP3's default alternate is the enclosure
        assert all(i.url.endswith(".opus") and i.level is Level.OK for i in alternates), [
            (i.label, i.detail) for i in alternates
        ]
        assert all(i.summary.endswith(", audio/opus") for i in alternates)
        assert not report.failed
        # one changed byte, the length as announced: only the integrity value can tell
        opus = public / alternates[0].url.removeprefix(site)
        data = bytearray(opus.read_bytes())
        data[len(data) // 2] ^= 0xFF
        opus.write_bytes(bytes(data))
        report = check_show(site + "feed.xml")
        assert report.failed
        (failed,) = [i for i in report.items if i.level is Level.ERROR]
        assert failed.url == alternates[0].url
        assert failed.detail.startswith(f"integrity: the {len(data):,} bytes fetched have sha384-")


def test_sri_values():
    data = b"opus"
    good = "sha384-" + base64.b64encode(hashlib.sha384(data).digest()).decode()
    weak_wrong = "sha256-" + base64.b64encode(hashlib.sha256(b"other").digest()).decode()
    assert sri_mismatch(good, data) is None
    assert sri_mismatch(f"{weak_wrong} {good}?ct=audio/opus", data) is None  # strongest counts
    assert "not as announced" in sri_mismatch(good, b"opus!")
    assert "is not an SRI value" in sri_mismatch("md5-abc", data)
