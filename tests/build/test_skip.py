"""A build with nothing changed does nothing; any change builds, exactly as a full build would.

Every change below is made to the fixture catalog after a first build; the build that
follows must not be skipped, must write exactly what a full build into an empty folder
writes, must change only the files the change concerns, and the build after it (nothing
changed) must be skipped again and leave the build folder as it was.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import pytest

import podcast.build.pipeline
from podcast.build.options import BuildOptions
from podcast.build.skip import record_path, unchanged_build
from podcast.build.summary import BuildSummary
from podcast.cards.style import matplotlib_font_dir
from podcast.commands import build_options, build_show
from podcast.options import Options, load_options
from podcast.paths import STATE_PATH
from tests.conftest import make_tone


def tree(folder: Path) -> dict[str, bytes]:
    return {
        p.relative_to(folder).as_posix(): p.read_bytes() for p in folder.rglob("*") if p.is_file()
    }


def stamps(folder: Path) -> dict[str, tuple[int, int]]:
    return {
        p.relative_to(folder).as_posix(): (p.stat().st_mtime_ns, p.stat().st_ino)
        for p in folder.rglob("*")
        if p.is_file()
    }


def options_for(catalog: Path, output: Path) -> Options:
    """The options of ``podcast build`` (publish destination: ``public`` beside the catalog)."""
    return load_options(catalog, build_dir=output, to=str(catalog.parent / "public"))


def build_into(catalog: Path, output: Path) -> BuildSummary:
    """``podcast build`` as the command runs it."""
    return build_show(options_for(catalog, output))


def full_build(catalog: Path, output: Path) -> dict[str, bytes]:
    """What a full build writes into an empty folder (no record to skip by, no tagged file
    to reuse: every tag is rendered again; cards and decks come from their caches as in
    any build, as their PPTX files carry the time they were made)."""
    if output.exists():
        shutil.rmtree(output)
    options = build_options(options_for(catalog, output))
    fresh = output.parent / "full-cache"
    shutil.rmtree(fresh, ignore_errors=True)
    shutil.copytree(options.cache, fresh, ignore=shutil.ignore_patterns("tagged", "builds"))
    podcast.build.pipeline.build(replace(options, cache=fresh))
    return tree(output)


def forbid_building(monkeypatch: pytest.MonkeyPatch) -> None:
    def fail(*args, **kwargs):
        raise AssertionError("built again although nothing changed")

    monkeypatch.setattr(podcast.build.pipeline, "build", fail)


@pytest.fixture
def built(catalog_dir: Path, tmp_path: Path) -> tuple[Path, Path]:
    output = tmp_path / "feed"
    first = build_into(catalog_dir, output)
    assert not first.unchanged and first.built == 2
    return catalog_dir, output


def changed_by(
    catalog: Path, output: Path, change: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> set[str]:
    """Make ``change``; build; check the build against a full one; return what changed."""
    before = tree(output)
    change()
    summary = build_into(catalog, output)
    assert not summary.unchanged, "a build after a change was skipped"
    after = tree(output)
    assert after == full_build(catalog, output.parent / "full"), "differs from a full build"
    with monkeypatch.context() as patched:
        forbid_building(patched)
        kept = stamps(output)
        assert build_into(catalog, output).unchanged
        assert stamps(output) == kept and tree(output) == after
    return {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}


def of_episode(changed: set[str], slug: str) -> set[str]:
    return {rel for rel in changed if slug in rel}


def test_no_change_builds_nothing_and_leaves_the_folder_as_it_was(built, monkeypatch):
    catalog, output = built
    kept, files = stamps(output), tree(output)
    forbid_building(monkeypatch)
    summary = build_into(catalog, output)
    assert summary.unchanged and summary.built == 2 and summary.in_catalog == 2
    assert summary.feed_url == "https://cdn.example.org/show/feed.xml"
    assert summary.audio and all(line.cached for line in summary.audio)
    assert stamps(output) == kept and tree(output) == files


def test_episode_yaml_field_changes_that_episode_and_the_pages_listing_it(built, monkeypatch):
    catalog, output = built
    episode = catalog / "staffel-2" / "folge-14-positiv" / "episode.yaml"

    def retitle() -> None:
        text = episode.read_text(encoding="utf-8")
        episode.write_text(text.replace("Positiv irritierend", "Neu betitelt", 1), "utf-8")

    changed = changed_by(catalog, output, retitle, monkeypatch)
    assert "feed.xml" in changed and "index.html" in changed
    assert "episodes/folge-14-positiv/index.html" in changed
    assert any(rel.endswith(".mp3") for rel in of_episode(changed, "folge-14"))  # TIT2
    # the other episode's media are untouched
    assert not {rel for rel in of_episode(changed, "folge-15") if not rel.endswith(".html")}


def test_show_yaml_field_changes_feed_pages_and_tags(built, monkeypatch):
    catalog, output = built
    show = catalog / "show.yaml"

    def describe() -> None:
        text = show.read_text(encoding="utf-8")
        show.write_text(text.replace("Der Test-Podcast", "Der Prüf-Podcast", 1), "utf-8")

    changed = changed_by(catalog, output, describe, monkeypatch)
    assert {"feed.xml", "index.html"} <= changed
    for slug in ("folge-14", "folge-15"):  # the show title is in every tag (TALB)
        assert any(rel.endswith(".mp3") for rel in of_episode(changed, slug))
    assert "artwork.jpg" not in changed and "assets/style.css" not in changed


def test_a_new_master_changes_that_episodes_audio_only(built, monkeypatch):
    catalog, output = built
    master = catalog / "staffel-2" / "folge-15-weiter" / "master.flac"

    def new_audio() -> None:
        make_tone(master, seconds=19.0)

    changed = changed_by(catalog, output, new_audio, monkeypatch)
    assert any(rel.startswith("audio/") for rel in of_episode(changed, "folge-15"))
    assert not {rel for rel in of_episode(changed, "folge-14") if rel.startswith("audio/")}


def test_a_touched_file_builds_again_and_writes_the_same(built, monkeypatch):
    catalog, output = built
    episode = catalog / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    changed = changed_by(catalog, output, lambda: os.utime(episode), monkeypatch)
    assert changed == set()


def test_card_colour_changes_the_cards(built, monkeypatch):
    catalog, output = built
    show = catalog / "show.yaml"

    def colour() -> None:
        show.write_text(show.read_text("utf-8") + 'cards:\n  background: "#000000"\n', "utf-8")

    changed = changed_by(catalog, output, colour, monkeypatch)
    assert any(rel.startswith("cards/") for rel in changed)
    assert not any(rel.startswith("audio/") for rel in changed)



def cli_build(catalog: Path, output: Path) -> str:
    """``podcast build`` in a process of its own (fonts are cached per process)."""
    done = subprocess.run(
        [sys.executable, "-m", "podcast", "build", "-q", "-c", str(catalog), "-o", str(output)],
        cwd=catalog.parent,
        capture_output=True,
        text=True,
        check=True,
    )
    return done.stdout


def test_a_changed_font_file_changes_the_cards(catalog_dir, tmp_path):
    catalog, output = catalog_dir, tmp_path / "feed"
    font = catalog / "Card.ttf"
    shutil.copy(matplotlib_font_dir() / "DejaVuSans-Bold.ttf", font)
    show = catalog / "show.yaml"
    show.write_text(show.read_text("utf-8") + "cards:\n  font: Card.ttf\n", "utf-8")
    assert "nothing changed" not in cli_build(catalog, output)
    assert "nothing changed" in cli_build(catalog, output)
    before = tree(output)
    replacement = tmp_path / "other.ttf"
    shutil.copy(matplotlib_font_dir() / "DejaVuSerif.ttf", replacement)
    os.replace(replacement, font)
    assert "nothing changed" not in cli_build(catalog, output)
    after = tree(output)
    changed = {rel for rel in before.keys() | after.keys() if before.get(rel) != after.get(rel)}
    assert any(rel.startswith("cards/") for rel in changed)
    assert not any(rel.startswith("audio/") for rel in changed)
    cli_build(catalog, tmp_path / "full")
    assert tree(tmp_path / "full") == after
    assert "nothing changed" in cli_build(catalog, output)


def test_a_theme_template_changes_the_pages(built, monkeypatch):
    catalog, output = built
    theme = catalog / "theme"
    package = Path(podcast.build.pipeline.__file__).parent.parent / "templates" / "base.html"

    def override() -> None:
        theme.mkdir()
        text = package.read_text("utf-8")
        (theme / "base.html").write_text(text.replace("<body", "<body data-theme=x", 1), "utf-8")

    changed = changed_by(catalog, output, override, monkeypatch)
    assert "index.html" in changed and "episodes/folge-14-positiv/index.html" in changed
    assert not any(rel.endswith((".mp3", ".png", ".json")) for rel in changed)


def test_a_file_outside_the_catalog_that_the_build_read(built, monkeypatch, tmp_path):
    catalog, output = built
    elsewhere = tmp_path / "art" / "jutta.jpg"
    elsewhere.parent.mkdir()
    shutil.copy(catalog / "artwork.jpg", elsewhere)
    show = catalog / "show.yaml"
    text = show.read_text("utf-8").replace(
        "    bio: Leitet das IBE.\n", "    bio: Leitet das IBE.\n    image: ../art/jutta.jpg\n"
    )
    show.write_text(text + "media_roots: [../art]\n", "utf-8")
    assert not build_into(catalog, output).unchanged
    assert any(rel.startswith("people/") for rel in tree(output))

    def repaint() -> None:
        from PIL import Image

        Image.new("RGB", (400, 400), (200, 10, 10)).save(elsewhere, quality=80)

    changed = changed_by(catalog, output, repaint, monkeypatch)
    assert any(rel.startswith("people/") for rel in changed)


def test_a_changed_or_extra_output_file_is_built_again(built, monkeypatch):
    catalog, output = built
    full = tree(output)
    (output / "index.html").write_text("tampered", "utf-8")
    (output / "stray.txt").write_text("left here", "utf-8")
    (output / STATE_PATH).unlink()
    assert not build_into(catalog, output).unchanged
    assert tree(output) == full


def test_a_scheduled_episode_is_built_when_its_time_comes(built):
    catalog, output = built
    episode = catalog / "staffel-2" / "folge-15-weiter" / "episode.yaml"
    text = episode.read_text("utf-8")
    episode.write_text(text.replace("2023-04-01T10:00:00+02:00", "2030-01-01T06:00:00+01:00"))
    options = build_options(options_for(catalog, output))
    early = podcast.build.pipeline.build(options)
    assert len(early.episodes) == 1
    assert unchanged_build(options) is not None
    later = BuildOptions(**{**vars(options), "now": dt.datetime(2030, 1, 2, tzinfo=dt.UTC)})
    assert unchanged_build(later) is None  # the episode is due: built in full
    assert len(podcast.build.pipeline.build(later).episodes) == 2


def test_other_options_or_published_state_build_again(built):
    catalog, output = built
    options = build_options(options_for(catalog, output))
    assert unchanged_build(options) is not None
    for other in (
        {"strict": True},
        {"accept_new_guids": True},
        {"previous_state": (output / STATE_PATH).read_bytes()},
        {"previous_feed": (output / "feed.xml").read_bytes()},
    ):
        assert unchanged_build(BuildOptions(**{**vars(options), **other})) is None, other


def test_a_damaged_record_builds_in_full(built):
    catalog, output = built
    options = build_options(options_for(catalog, output))
    record_path(options).write_text("{not json", "utf-8")
    assert unchanged_build(options) is None
    assert not build_into(catalog, output).unchanged
    assert build_into(catalog, output).unchanged


PROBE = """
import json, sys
sys.argv = ["podcast", *json.loads(sys.argv[1])]
from podcast.cli import cli
try:
    cli()
except SystemExit:
    pass
print(json.dumps(sorted(sys.modules)))
"""
HEAVY = ("pydantic", "numpy", "PIL", "jinja2", "mutagen", "feedgen", "lxml", "boto3")


def test_a_publish_with_nothing_changed_imports_none_of_the_stages(catalog_dir, tmp_path):
    args = ["publish", "-q", "-c", str(catalog_dir), "-o", str(tmp_path / "feed")]
    args += ["--to", str(tmp_path / "public")]

    def modules() -> set[str]:
        done = subprocess.run(
            [sys.executable, "-c", PROBE, json.dumps(args)],
            cwd=tmp_path,
            capture_output=True,
            text=True,
            check=True,
        )
        return set(json.loads(done.stdout.strip().splitlines()[-1]))

    assert "pydantic" in modules()  # the first publish builds
    assert "pydantic" in modules()  # the state is published now: a new input, built again
    assert not {m.split(".")[0] for m in modules()} & set(HEAVY)


def test_an_input_edited_while_the_build_ran_behind_its_stamp_is_not_trusted(built, monkeypatch):
    """An edit in the same tick of the file clock keeps the stamp: for a file changed just
    before the build (here: dated ahead), the content is compared when the build ends."""
    catalog, output = built
    episode = catalog / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    text = episode.read_text("utf-8")
    episode.write_text(text.replace("Positiv irritierend", "Positiv irritiert!"), "utf-8")
    ahead = time.time_ns() + 10_000_000_000
    os.utime(episode, ns=(ahead, ahead))
    real = podcast.build.pipeline.render_site

    def edit_behind_the_stamp(*args, **kwargs):
        stat = episode.stat()
        episode.write_text(text.replace("Positiv irritierend", "Positiv irritiert?"), "utf-8")
        os.utime(episode, ns=(stat.st_atime_ns, stat.st_mtime_ns))  # same size, inode, mtime
        return real(*args, **kwargs)

    with monkeypatch.context() as patched:
        patched.setattr(podcast.build.pipeline, "render_site", edit_behind_the_stamp)
        assert not build_into(catalog, output).unchanged
    assert not build_into(catalog, output).unchanged  # what the build read is not known
    feed = (output / "feed.xml").read_text("utf-8")
    assert "Positiv irritiert?" in feed and "Positiv irritiert!" not in feed
