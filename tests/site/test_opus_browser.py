"""The Opus alternate plays in a real browser: headless Chromium against ``podcast serve``."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from lxml import etree

from podcast.build import BuildOptions, build
from podcast.feed.ext.podcastindex import PODCAST_NS
from tests.site.test_browser import CHROMIUM, CHROMIUM_ARGS, serve

NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
BASE = "https://cdn.example.org/show/"
PLAY = """async (url) => {
  const audio = new Audio();
  audio.muted = true;
  const ready = new Promise((done, fail) => {
    audio.oncanplay = () => done("canplay");
    audio.onerror = () => fail(new Error("media error " + (audio.error && audio.error.code)));
  });
  audio.src = url;
  const state = await ready;
  await audio.play();
  await new Promise(done => setTimeout(done, 1500));
  const head = await fetch(url, {method: "HEAD"});
  return {state, type: head.headers.get("content-type"),
          currentTime: audio.currentTime, duration: audio.duration,
          canPlayType: audio.canPlayType('audio/ogg; codecs="opus"')};
}"""


@pytest.fixture(scope="module")
def chromium():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make browser installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=[*CHROMIUM_ARGS, "--autoplay-policy=no-user-gesture-required"],
        )
        yield browser
        browser.close()


def test_the_opus_alternate_plays_in_chromium(catalog_dir, tmp_path, chromium):
    show = catalog_dir / "show.yaml"
    show.write_text(show.read_text(encoding="utf-8") + "audio:\n  opus: true\n", encoding="utf-8")
    output, cache = tmp_path / "feed", tmp_path / "cache"
    options = BuildOptions(catalog=catalog_dir, output=output, cache=cache, now=NOW)
    build(options)
    feed = etree.fromstring((options.output / "feed.xml").read_bytes())
    uris = [
        source.get("uri")
        for alternate in feed.iter(f"{{{PODCAST_NS}}}alternateEnclosure")
        if alternate.get("type") == "audio/opus"
        for source in alternate.iter(f"{{{PODCAST_NS}}}source")
    ]
    assert len(uris) == 2 and all(uri.startswith(BASE) for uri in uris)
    for site in serve(options.output, BASE.rstrip("/")):
        page = chromium.new_page()
        try:
            page.goto(site)
            result = page.evaluate(PLAY, site + uris[0].removeprefix(BASE))
        finally:
            page.close()
    assert result["canPlayType"] == "probably"
    assert result["type"] == "audio/opus"
    assert result["state"] == "canplay"
    assert abs(result["duration"] - 20.0) < 0.1
    assert result["currentTime"] > 0.5  # it played, not only loaded
