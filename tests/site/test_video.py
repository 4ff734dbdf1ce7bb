"""Quote videos: H.264/AAC MP4s in the build and from the CLI, that play in Chromium."""

from __future__ import annotations

import datetime as dt
import itertools
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.cli import cli
from podcast.ffmpeg import ffmpeg_exe
from podcast.paths import VIDEO_SHAPES, video_path
from podcast.quotes.selection import all_quotes
from podcast.quotes.video import quote_captions
from tests.conftest import REPO, edit
from tests.site.test_browser import browser, serve  # noqa: F401 (the browser fixture)

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
SIZES = {"16x9": (1920, 1080), "9x16": (1080, 1920)}


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    """The demo with videos on, and without quote times (they come from the transcripts)."""
    root = tmp_path_factory.mktemp("video")
    catalog = root / "episodes"
    shutil.copytree(REPO / "episodes", catalog)
    edit(catalog / "show.yaml", "cards:\n", "cards:\n  video: true\n")
    for path in catalog.glob("*/*/episode.yaml"):
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"(?m)^    (start|end): .*\n", "", text), encoding="utf-8")
    # the cache the CLI uses too (next to the catalog): the export finds the build's videos
    options = BuildOptions(
        catalog=catalog, output=root / "feed", cache=root / ".cache", now=NOW, jobs=2
    )
    return build(options), options, catalog


def streams(path: Path) -> dict[str, dict]:
    """What ``ffmpeg -i`` says about the file: each stream's codec line."""
    result = subprocess.run(
        [ffmpeg_exe(), "-hide_banner", "-i", str(path)], capture_output=True, text=True
    )
    lines = [line.strip() for line in result.stderr.splitlines() if "Stream #" in line]
    return {kind: next(line for line in lines if f"{kind}:" in line) for kind in ("Video", "Audio")}


def test_build_makes_h264_aac_videos_of_every_quote_in_both_shapes(built):
    result, options, _ = built
    for ref in all_quotes(result.episodes):
        for shape in VIDEO_SHAPES:
            path = options.output / video_path(ref.episode, ref.index, shape)
            info = streams(path)
            assert "Video: h264" in info["Video"] and "yuv420p" in info["Video"]
            width, height = SIZES[shape]
            assert f"{width}x{height}" in info["Video"]
            assert "Audio: aac" in info["Audio"]
            probe = subprocess.run(
                [ffmpeg_exe().replace("ffmpeg", "ffprobe"), "-v", "error", "-show_entries",
                 "format=duration,size", "-of", "json", str(path)],
                capture_output=True, text=True, check=True,
            )  # fmt: skip
            fmt = json.loads(probe.stdout)["format"]
            duration, size = float(fmt["duration"]), int(fmt["size"])
            assert abs(duration - ref.duration) <= 0.15
            assert size / (duration / 60) <= 10_000_000  # at most 10 MB per minute at 1080p


def test_captions_are_the_transcripts_words_at_their_times(built):
    result, _, _ = built
    refs = {ref.episode.number: ref for ref in all_quotes(result.episodes)}
    timed = quote_captions(refs[15], "de")
    assert " ".join(c.text for c in timed) == (
        "Es muss immer wieder Leute geben, die nicht so stark in den technischen Prozessen "
        "stecken, sondern einfach eine Veranstaltung durchführen können, sich Bürgerwünschen "
        "und einer Diskussion stellen [können]."
    )
    assert timed[0].start == pytest.approx(0.25)  # the found start is padded by the margin
    assert timed[-1].end == pytest.approx(refs[15].duration - 0.25)
    assert all(a.end <= b.start for a, b in itertools.pairwise(timed))


def test_without_a_transcript_captions_spread_the_quote_over_the_clip(catalog_dir):
    catalog, _ = load_catalog(catalog_dir)
    assert catalog is not None
    ref = all_quotes(catalog.episodes)[0]
    assert ref.episode.transcript is None
    spread = quote_captions(ref, "de")
    assert " ".join(c.text for c in spread) == " ".join(ref.quote.text.split())
    assert spread[0].start == 0.0 and spread[-1].end == pytest.approx(ref.duration)


def test_videos_are_linked_from_the_quotes_page_and_cached(built):
    result, options, _catalog = built
    page = (options.output / "quotes" / "index.html").read_text(encoding="utf-8")
    for ref in all_quotes(result.episodes):
        for shape in VIDEO_SHAPES:
            assert f'href="../{video_path(ref.episode, ref.index, shape)}" download>' in page
    cached = {p: p.stat().st_mtime_ns for p in (options.cache / "videos").iterdir()}
    assert len(cached) == 8  # four quotes, two shapes
    build(options)
    assert {p: p.stat().st_mtime_ns for p in (options.cache / "videos").iterdir()} == cached


def test_export_mp4_writes_both_shapes(built, tmp_path):
    _, _, catalog = built
    result = CliRunner().invoke(
        cli,
        ["quotes", "export", "--catalog", str(catalog), "--format", "mp4", "--episode", "15",
         "--out", str(tmp_path / "out")],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert len(list((catalog.parent / ".cache" / "videos").iterdir())) == 8  # none rendered
    names = sorted(p.name for p in (tmp_path / "out").iterdir())
    assert names == [
        "folge-15-personalentwicklung-1-16x9.mp4",
        "folge-15-personalentwicklung-1-9x16.mp4",
    ]
    assert "Video: h264" in streams(tmp_path / "out" / names[0])["Video"]


PLAY = """async (url) => {
  const video = document.createElement("video");
  video.muted = true;
  video.src = url;
  document.body.appendChild(video);
  const times = [];
  const ended = new Promise((done, fail) => {
    video.onended = () => done(true);
    video.onerror = () => fail(new Error("cannot play " + url + ": " + video.error.code));
  });
  video.ontimeupdate = () => times.push(video.currentTime);
  video.playbackRate = 16;
  await video.play();
  await ended;
  return {times, duration: video.duration, end: video.currentTime};
}"""


def test_every_video_plays_to_its_end_in_chromium(built, browser):  # noqa: F811
    result, options, _ = built
    for site in serve(options.output, result.catalog.show.meta.base_url):
        page = browser.new_page()
        page.goto(site + "quotes/")
        links = page.locator("a[href$='.mp4']")
        hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
        assert len(hrefs) == 8
        durations = {
            video_path(r.episode, r.index, shape): r.duration
            for r in all_quotes(result.episodes)
            for shape in VIDEO_SHAPES
        }
        for href in hrefs:
            played = page.evaluate(PLAY, site + "quotes/" + href)
            assert played["end"] == pytest.approx(played["duration"], abs=0.1)
            assert played["duration"] == pytest.approx(
                durations[href.removeprefix("../")], abs=0.15
            )
            assert len(played["times"]) >= 3 and played["times"] == sorted(played["times"])
            assert played["times"][-1] > played["times"][0]
        page.close()
