"""The show-notes pages in a real browser: headless Chromium against ``podcast serve``.

One browser and one build per catalog for the whole module.  Screenshots of the
demo show (and of the hostile catalog) go to ``tests/screenshots/`` for people
to look at.
"""

from __future__ import annotations

import datetime as dt
import json
import shutil
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from PIL import Image

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.serve import make_server
from tests.conftest import EPISODE_YAML, REPO, SEASON_YAML, SHOW_YAML, edit

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
SCREENSHOTS = REPO / "tests" / "screenshots"
NOW = dt.datetime(2024, 6, 1, tzinfo=dt.UTC)
WIDTHS = (375, 1280)
LOADED = """Promise.race([
  Promise.all([...document.images].map(i => {
    i.loading = "eager";
    return i.complete ? 0 : new Promise(done => { i.onload = i.onerror = done; });
  })),
  new Promise(done => setTimeout(done, 5000)),
])"""

TRANSCRIPT = """\
WEBVTT

00:00:00.000 --> 00:00:04.000
<v Erika Mustermann>Willkommen zum Test-Podcast.

00:00:12.250 --> 00:00:16.000
<v Prof. Dr. Jutta Rump>Später im Gespräch: Übergänge.
"""

SEASON_1 = """\
number: 1
title: Staffel 1
description: Die erste Staffel.
"""

EPISODE_1 = """\
title: Der Anfang
number: 1
date: 2022-01-10
audio: master.flac
summary: Wie alles begann.
quotes:
  - text: Am Anfang war der Aktenschrank.
    speaker: erika
    start: "00:00:03"
    end: "00:00:06"
"""

PWNED = "window.__pwned = 1"
LONG = "Donaudampfschifffahrtsgesellschaftskapitänsmützenabzeichen" * 4
HOSTILE_TEXT = f'<script>{PWNED}</script>"><img src=x onerror="{PWNED}"> 🎙️😀 {LONG}'


# --- fixtures ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        pytest.skip("chromium is not installed (make browser installs Debian's chromium)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


def serve(folder: Path, base_url: str) -> Iterator[str]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PODCAST_SERVE_QUIET", "1")
        server = make_server(folder, "127.0.0.1", 0, base_url=base_url)
        thread = threading.Thread(target=server.serve_forever, daemon=True)
        thread.start()
        try:
            yield f"http://127.0.0.1:{server.server_port}/"
        finally:
            server.shutdown()
            server.server_close()


def build_and_serve(catalog: Path, tmp: Path) -> Iterator[str]:
    options = BuildOptions(catalog=catalog, output=tmp / "feed", cache=tmp / "cache", now=NOW)
    result = build(options)
    yield from serve(options.output, result.catalog.show.meta.base_url)


@pytest.fixture(scope="module")
def site(tmp_path_factory, tone_master, artwork_file) -> Iterator[str]:
    """The test catalog (two seasons, a transcript, a guest picture), built and served."""
    tmp = tmp_path_factory.mktemp("site")
    root = tmp / "episodes"
    (root / "staffel-1" / "folge-1").mkdir(parents=True)
    (root / "show.yaml").write_text(SHOW_YAML, encoding="utf-8")
    edit(
        root / "show.yaml",
        "    url: https://example.org/rump\n",
        "    url: https://example.org/rump\n    image: jutta.png\n",
    )
    with (root / "show.yaml").open("a", encoding="utf-8") as show:
        show.write("links:\n  Apple Podcasts: https://podcasts.apple.com/de/podcast/id1\n")
    Image.new("RGB", (200, 200), (200, 120, 60)).save(root / "jutta.png")
    shutil.copy(artwork_file, root / "artwork.jpg")
    (root / "staffel-1" / "season.yaml").write_text(SEASON_1, encoding="utf-8")
    (root / "staffel-1" / "folge-1" / "episode.yaml").write_text(EPISODE_1, encoding="utf-8")
    shutil.copy(tone_master, root / "staffel-1" / "folge-1" / "master.flac")
    (root / "staffel-2").mkdir()
    (root / "staffel-2" / "season.yaml").write_text(SEASON_YAML, encoding="utf-8")
    for number, folder in ((14, "folge-14-positiv"), (15, "folge-15-weiter")):
        episode = root / "staffel-2" / folder
        episode.mkdir()
        text = EPISODE_YAML.format(number=number, date=f"2023-0{number - 10}-01")
        (episode / "episode.yaml").write_text(text, encoding="utf-8")
        shutil.copy(tone_master, episode / "master.flac")
    (root / "staffel-2" / "folge-14-positiv" / "transcript.vtt").write_text(TRANSCRIPT, "utf-8")
    yield from build_and_serve(root, tmp)


@pytest.fixture(scope="module")
def hostile_site(tmp_path_factory, tone_master, artwork_file) -> Iterator[str]:
    """A catalog whose every text tries to inject markup; JSON is valid YAML."""
    tmp = tmp_path_factory.mktemp("hostile")
    root = tmp / "episodes"
    episode_folder = root / "staffel" / "folge"
    episode_folder.mkdir(parents=True)
    show = {
        "title": f"Show {HOSTILE_TEXT}",
        "subtitle": HOSTILE_TEXT,
        "description": HOSTILE_TEXT,
        "language": "de",
        "author": HOSTILE_TEXT,
        "owner": {"name": "Eve", "email": "eve@example.org"},
        "link": "https://example.org/",
        "base_url": "https://cdn.example.org/show",
        "categories": ["Government"],
        "copyright": HOSTILE_TEXT,
        "hosts": ["eve"],
        "people": {
            "eve": {"name": f"Eve {HOSTILE_TEXT}", "bio": HOSTILE_TEXT, "role": HOSTILE_TEXT},
        },
        "links": {HOSTILE_TEXT: 'https://example.org/?q="><script>window.__pwned=1</script>'},
    }
    season = {
        "number": 1,
        "title": HOSTILE_TEXT,
        "description": HOSTILE_TEXT,
        "takeaways_title": HOSTILE_TEXT,
        "takeaways": [HOSTILE_TEXT, {"title": HOSTILE_TEXT, "text": HOSTILE_TEXT}],
    }
    episode = {
        "title": f"Folge {HOSTILE_TEXT}",
        "number": 1,
        "date": "2023-01-01",
        "audio": "master.flac",
        "summary": HOSTILE_TEXT,
        "description": f"{HOSTILE_TEXT}\n\n[klick](javascript:{PWNED}) <iframe src=x></iframe>",
        "guests": [
            {"name": f"Gast {HOSTILE_TEXT}", "bio": HOSTILE_TEXT, "url": "https://example.org/"}
        ],
        "chapters": [{"start": "00:00:00", "title": HOSTILE_TEXT}],
        "quotes": [
            {"text": HOSTILE_TEXT, "speaker": "eve", "start": "00:00:01", "end": "00:00:03"}
        ],
        "takeaways": [HOSTILE_TEXT],
    }
    (root / "show.yaml").write_text(json.dumps(show, ensure_ascii=False), encoding="utf-8")
    (root / "staffel" / "season.yaml").write_text(
        json.dumps(season, ensure_ascii=False), encoding="utf-8"
    )
    (episode_folder / "episode.yaml").write_text(
        json.dumps(episode, ensure_ascii=False), encoding="utf-8"
    )
    (episode_folder / "transcript.vtt").write_text(
        f"WEBVTT\n\n00:00:00.000 --> 00:00:02.000\n<v Eve>{HOSTILE_TEXT}\n", encoding="utf-8"
    )
    shutil.copy(artwork_file, root / "artwork.jpg")
    shutil.copy(tone_master, episode_folder / "master.flac")
    yield from build_and_serve(root, tmp)


@pytest.fixture(scope="module")
def demo_site(tmp_path_factory) -> Iterator[str]:
    """The demo show in episodes/ (skipped where the repository has none)."""
    if not (REPO / "episodes" / "show.yaml").is_file():
        pytest.skip("no demo catalog in episodes/")
    yield from build_and_serve(REPO / "episodes", tmp_path_factory.mktemp("demo"))


class Page:
    """A page with its console errors and the requests it made."""

    def __init__(self, browser, base: str, width: int = 1280):
        self.context = browser.new_context(viewport={"width": width, "height": 900})
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def open(self, path: str):
        response = self.page.goto(self.base + path)
        assert response is not None and response.ok, path
        return self.page

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def tab(browser, site):
    page = Page(browser, site)
    yield page
    page.close()


def current_time(page) -> float:
    return page.evaluate("document.getElementById('player').currentTime")


def wait_for_metadata(page) -> None:
    page.wait_for_function("document.getElementById('player').readyState >= 1", timeout=10_000)


# --- tests ------------------------------------------------------------------------------


def test_episode_page_loads_without_errors_or_outside_requests(tab):
    page = tab.open("episodes/folge-14-positiv/")
    wait_for_metadata(page)
    assert page.evaluate("document.documentElement.lang") == "de"
    assert page.locator("h1").inner_text().startswith("Positiv irritierend")
    assert page.evaluate("document.getElementById('player').duration") == pytest.approx(20, abs=1)
    assert page.locator(".people img").get_attribute("alt") == "Foto von Prof. Dr. Jutta Rump"
    assert page.evaluate("document.querySelector('.people img').naturalWidth") == 200
    ld = json.loads(page.locator("script[type='application/ld+json']").inner_text())
    assert ld["@type"] == "PodcastEpisode" and ld["episodeNumber"] == 14
    assert tab.errors == []
    assert tab.requests and all(url.startswith(tab.base) for url in tab.requests), tab.requests


def test_clicking_a_chapter_seeks_the_player(tab):
    page = tab.open("episodes/folge-14-positiv/")
    wait_for_metadata(page)
    page.get_by_role("button", name="Springe zu 00:05: Mitte").click()
    assert current_time(page) == pytest.approx(5.5, abs=0.75)
    # keyboard: focus the first chapter and press Enter
    page.locator(".chapters .seek").first.focus()
    page.keyboard.press("Enter")
    assert current_time(page) == pytest.approx(0, abs=0.75)
    assert tab.errors == []


def test_clicking_a_quote_time_and_a_transcript_time_seeks(tab):
    page = tab.open("episodes/folge-14-positiv/")
    wait_for_metadata(page)
    page.locator(".pullquote .seek").click()
    assert current_time(page) == pytest.approx(2, abs=0.75)
    transcript_time = page.locator(".transcript .seek").nth(1)
    assert not transcript_time.is_visible()  # collapsed until opened
    page.locator(".transcript summary").click()
    transcript_time.click()
    assert current_time(page) == pytest.approx(12.25, abs=0.75)
    assert "Prof. Dr. Jutta Rump:" in page.locator(".transcript").inner_text()
    assert tab.errors == []


def test_quote_links_open_the_episode_at_the_quote(tab):
    page = tab.open("quotes/")
    page.locator(".quote-card[data-season='1'] figcaption a").click()
    page.wait_for_url("**/episodes/folge-1/#t=00:03")
    wait_for_metadata(page)
    assert current_time(page) == pytest.approx(3, abs=0.75)


def test_quotes_page_filters_by_season_and_speaker(tab):
    page = tab.open("quotes/")
    cards = page.locator(".quote-card")
    assert cards.count() == 3
    page.select_option("#filter-season", "1")
    assert [c.is_visible() for c in cards.all()].count(True) == 1
    assert page.locator(".quote-card:visible").get_attribute("data-speaker") == "Erika Mustermann"
    assert page.locator("#quote-count").inner_text() == "1 von 3 Zitaten"
    page.select_option("#filter-season", "")
    page.select_option("#filter-speaker", "Prof. Dr. Jutta Rump")
    assert page.locator(".quote-card:visible").count() == 2
    page.get_by_role("button", name="Alle zeigen").click()
    page.wait_for_function("document.querySelectorAll('.quote-card[hidden]').length === 0")
    # with the keyboard: on the focused season filter, arrow down to "Staffel 1"
    page.locator("#filter-season").focus()
    page.keyboard.press("ArrowDown")
    assert page.locator(".quote-card:visible").count() == 1
    assert tab.errors == []


def test_quotes_page_without_javascript_shows_everything(browser, site):
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(site + "quotes/")
    assert page.locator(".quote-card:visible").count() == 3
    assert not page.locator("#quote-filters").is_visible()  # no controls that do nothing
    context.close()


def test_feed_address_copy_button(browser, site):
    context = browser.new_context()
    context.grant_permissions(["clipboard-read", "clipboard-write"], origin=site.rstrip("/"))
    page = context.new_page()
    page.goto(site)
    page.get_by_role("button", name="Kopieren").click()
    page.wait_for_function("document.querySelector('.copy-status').textContent !== ''")
    assert page.evaluate("navigator.clipboard.readText()") == site + "feed.xml"
    assert page.locator(".copy-status").inner_text() == "In die Zwischenablage kopiert."
    context.close()


def test_demo_pages_fit_375_px_and_screenshots(browser, demo_site):
    """Screenshots of all four page kinds at both widths, for people to look at."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    catalog, _ = load_catalog(REPO / "episodes")
    assert catalog is not None
    episode = catalog.public_episodes(NOW)[-1]
    pages = {
        "index": "",
        "season": f"seasons/{episode.season.slug}/",
        "episode": f"episodes/{episode.slug}/",
        "quotes": "quotes/",
    }
    for width in WIDTHS:
        tab = Page(browser, demo_site, width)
        for name, path in pages.items():
            page = tab.open(path)
            # open the transcript and loudness plot, and wait for every picture
            page.evaluate("document.querySelectorAll('details').forEach(d => { d.open = true; })")
            page.evaluate(LOADED)
            page.screenshot(path=SCREENSHOTS / f"{name}-{width}.png", full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, f"{name} at {width}px is {overflow}px too wide"
            broken = page.evaluate(
                "[...document.images].filter(i => !i.complete || !i.naturalWidth).map(i => i.src)"
            )
            assert broken == [], (name, broken)
        assert tab.errors == []
        tab.close()


def test_hostile_catalog_injects_nothing(browser, hostile_site):
    tab = Page(browser, hostile_site, 375)
    pages = {"index": "", "season": "seasons/staffel/", "episode": "episodes/folge/"}
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for name, path in {**pages, "quotes": "quotes/"}.items():
        page = tab.open(path)
        if name == "episode":
            page.locator(".transcript summary").click()
            page.evaluate("window.scrollTo(0, 0)")
        page.screenshot(path=SCREENSHOTS / f"hostile-{name}-375.png", full_page=True)
        assert page.evaluate("window.__pwned") is None, path
        assert page.locator("img[src='x'], iframe").count() == 0, path
        scripts = page.evaluate(
            "[...document.scripts].map(s => s.type === 'application/ld+json' ? 'ld' : s.src)"
        )
        assert len(scripts) == 2 and scripts[0] == "ld", (path, scripts)
        assert scripts[1].startswith(tab.base + "assets/player.js"), (path, scripts)
        ld = json.loads(page.locator("script[type='application/ld+json']").inner_text())
        assert "<script>window.__pwned = 1</script>" in json.dumps(ld, ensure_ascii=False)
        assert "<script>" in page.locator("h1").inner_text() or path == "quotes/"
        assert page.locator("a[href^='javascript'], [onerror]").count() == 0, path
        overflow = page.evaluate(
            "document.documentElement.scrollWidth - document.documentElement.clientWidth"
        )
        assert overflow <= 0, f"{path} is {overflow}px too wide at 375px"
    assert tab.errors == []
    assert all(url.startswith(tab.base) for url in tab.requests), tab.requests
    tab.close()
