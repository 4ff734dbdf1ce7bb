"""A hostile corpus: catalog input meant to break the pipeline, each refused with a message.

Every case here names the YAML file, line and field that is wrong, says what was
expected and what was found, and never lets a traceback, a crash or a file from
outside the catalog through.  Keep it growing: a new way to break the catalog
gets a case here.
"""

from __future__ import annotations

import io
import os
import shutil
import struct
import subprocess
import sys
import zlib

import pytest
from click.testing import CliRunner
from PIL import Image

from podcast.catalog import load_catalog
from podcast.cli import cli
from tests.conftest import edit, make_tone

SHOW = "episodes/show.yaml"
EP14 = "staffel-2/folge-14-positiv"
EPISODE = f"episodes/{EP14}/episode.yaml"


def load(catalog_dir):
    return load_catalog(catalog_dir)


def only(catalog_dir, field, severity="error"):
    """The one problem of ``field`` (asserting there is exactly one) and the catalog."""
    catalog, problems = load(catalog_dir)
    found = [p for p in problems if p.field == field and p.severity == severity]
    assert len(found) == 1, problems.sorted()
    return catalog, found[0]


def episode_yaml(catalog_dir):
    return catalog_dir / EP14 / "episode.yaml"


def png_header(width: int, height: int) -> bytes:
    """A PNG that declares ``width``×``height`` px (its pixels never need to exist)."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IEND", b"")


# --- containment: nothing outside the catalog (or a declared media root) -------------


@pytest.fixture
def outside(tmp_path):
    """A folder next to the catalog, with files someone might try to publish."""
    folder = tmp_path / "outside"
    folder.mkdir()
    Image.new("RGB", (1400, 1400), (1, 2, 3)).save(folder / "art.jpg")
    (folder / "secret.txt").write_text("top secret\n")
    (folder / "talk.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHallo\n")
    return folder


def test_a_person_image_outside_the_catalog_is_refused(catalog_dir):
    edit(
        catalog_dir / "show.yaml",
        "    bio: Erika moderiert.",
        "    image: " + "../" * 12 + "etc/passwd",
    )
    catalog, problem = only(catalog_dir, "people.erika.image")
    assert catalog is None
    assert (problem.file, problem.line) == (SHOW, 21)
    assert problem.message.startswith('"' + "../" * 12 + 'etc/passwd" is outside the catalog')
    assert "media_roots" in problem.message


def test_an_absolute_person_image_is_refused(catalog_dir):
    edit(catalog_dir / "show.yaml", "    bio: Erika moderiert.", "    image: /etc/passwd")
    _, problem = only(catalog_dir, "people.erika.image")
    assert '"/etc/passwd" is outside the catalog' in problem.message


def test_a_guest_image_outside_the_catalog_is_refused(catalog_dir, outside):
    edit(
        episode_yaml(catalog_dir),
        "guests: [jutta]",
        f"guests:\n  - name: Gast\n    image: {outside / 'art.jpg'}",
    )
    _, problem = only(catalog_dir, "guests[0].image")
    assert (problem.file, problem.line) == (EPISODE, 10)
    assert "is outside the catalog" in problem.message


def test_artwork_through_a_symlink_to_outside_is_refused(catalog_dir, outside):
    (catalog_dir / "artwork.jpg").unlink()
    (catalog_dir / "artwork.jpg").symlink_to(outside / "art.jpg")
    _, problem = only(catalog_dir, "artwork")
    assert problem.file == SHOW
    assert '"artwork.jpg" is outside the catalog' in problem.message
    assert str(outside / "art.jpg") in problem.message  # where the link leads


def test_a_master_outside_the_catalog_is_refused(catalog_dir, tone_master):
    edit(episode_yaml(catalog_dir), "audio: master.flac", f"audio: ../../../{tone_master.name}")
    shutil.copy(tone_master, catalog_dir.parent / tone_master.name)
    _, problem = only(catalog_dir, "audio")
    assert (problem.file, problem.line) == (EPISODE, 4)
    assert "is outside the catalog" in problem.message


def test_a_transcript_outside_the_catalog_is_refused(catalog_dir, outside):
    edit(episode_yaml(catalog_dir), "summary:", f"transcript: {outside / 'talk.vtt'}\nsummary:")
    _, problem = only(catalog_dir, "transcript")
    assert (problem.file, problem.line) == (EPISODE, 5)
    assert "is outside the catalog" in problem.message


def test_a_transcript_found_next_to_the_episode_but_linked_outside_is_refused(catalog_dir, outside):
    (catalog_dir / EP14 / "transcript.vtt").symlink_to(outside / "talk.vtt")
    _, problem = only(catalog_dir, "transcript")
    assert problem.file == EPISODE
    assert '"transcript.vtt" is outside the catalog' in problem.message


def test_an_intro_outside_the_catalog_is_refused(catalog_dir, tone_master):
    edit(catalog_dir / "show.yaml", "timezone:", f"audio:\n  intro: {tone_master}\ntimezone:")
    _, problem = only(catalog_dir, "audio.intro")
    assert (problem.file, problem.line) == (SHOW, 16)
    assert "is outside the catalog" in problem.message


def test_a_card_font_outside_the_catalog_is_refused(catalog_dir):
    from podcast.cards.style import matplotlib_font_dir

    font = matplotlib_font_dir() / "DejaVuSans.ttf"
    edit(catalog_dir / "show.yaml", "timezone:", f"cards:\n  font: {font}\ntimezone:")
    _, problem = only(catalog_dir, "cards.font")
    assert "is outside the catalog" in problem.message


def test_files_in_a_declared_media_root_are_accepted(catalog_dir, tmp_path, tone_master):
    nas = tmp_path / "nas"
    nas.mkdir()
    shutil.copy(tone_master, nas / "folge-14.flac")
    edit(catalog_dir / "show.yaml", "timezone:", "media_roots: [../nas]\ntimezone:")
    edit(episode_yaml(catalog_dir), "audio: master.flac", f"audio: {nas / 'folge-14.flac'}")
    catalog, problems = load(catalog_dir)
    assert catalog is not None, problems.sorted()
    assert catalog.show.media_roots == (nas.resolve(),)
    [episode] = [e for e in catalog.episodes if e.number == 14]
    assert episode.audio_path.resolve() == (nas / "folge-14.flac").resolve()


def test_a_media_root_that_is_no_folder_is_refused(catalog_dir):
    edit(catalog_dir / "show.yaml", "timezone:", "media_roots: [../nowhere]\ntimezone:")
    _, problem = only(catalog_dir, "media_roots[0]")
    assert (problem.file, problem.line) == (SHOW, 15)
    assert '"../nowhere" is not a folder' in problem.message


def test_a_file_inside_the_catalog_by_way_of_dotdot_is_fine(catalog_dir, tone_master):
    shared = catalog_dir / "_shared"
    shared.mkdir()
    shutil.copy(tone_master, shared / "intro.flac")
    edit(episode_yaml(catalog_dir), "audio: master.flac", "audio: ../../_shared/intro.flac")
    catalog, problems = load(catalog_dir)
    assert catalog is not None, problems.sorted()


# --- texts: lengths and control characters ---------------------------------------


def test_a_long_episode_description_is_a_warning(catalog_dir):
    text = "Lang. " * 700  # 4,200 characters
    edit(episode_yaml(catalog_dir), "  Show notes with", f"  {text}\n  Show notes with")
    catalog, problem = only(catalog_dir, "description", "warning")
    assert catalog is not None
    assert (problem.file, problem.line) == (EPISODE, 6)
    assert "characters long" in problem.message and "4000" in problem.message
    assert "Apple Podcasts" in problem.message


def test_an_absurdly_long_text_is_an_error(catalog_dir):
    edit(
        episode_yaml(catalog_dir), "  Show notes with", "  " + "x" * 150_000 + "\n  Show notes with"
    )
    catalog, problem = only(catalog_dir, "description")
    assert catalog is None
    assert not [p for p in load(catalog_dir)[1] if p.severity == "warning"]  # the error says it
    assert problem.line == 6
    assert "150" in problem.message and "expected at most 100000 characters" in problem.message


def test_a_huge_catalog_file_is_refused_before_it_is_parsed(catalog_dir):
    with episode_yaml(catalog_dir).open("a", encoding="utf-8") as handle:
        handle.write("# " + "x" * (3 << 20) + "\n")
    catalog, problems = load(catalog_dir)
    [problem] = [p for p in problems if p.file == EPISODE]
    assert catalog is None
    assert problem.line is None and problem.field == ""
    assert "bytes" in problem.message and "expected at most" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "field", "line", "char"),
    [
        (
            "title: Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!",
            'title: "Po\\asitiv"',
            "title",
            1,
            "U+0007",
        ),
        (
            "summary: Eine Folge über „Irritation“.",
            'summary: "\\e[31m Eine"',
            "summary",
            5,
            "U+001B",
        ),
        ("    title: Anfang", '    title: "An\\0fang"', "chapters[0].title", 11, "U+0000"),
        ("    tags: [arbeit]", '    tags: ["ar\\x85beit"]', "quotes[0].tags[0]", 20, "U+0085"),
        ("    tags: [arbeit]", '    tags: ["ar\\ud800beit"]', "quotes[0].tags[0]", 20, "U+D800"),
    ],
)
def test_control_characters_in_a_text_are_an_error(catalog_dir, old, new, field, line, char):
    edit(episode_yaml(catalog_dir), old, new)
    catalog, problem = only(catalog_dir, field)
    assert catalog is None
    assert (problem.file, problem.line) == (EPISODE, line)
    assert f"character {char}" in problem.message, problem.message


def test_a_control_character_in_show_yaml_is_an_error(catalog_dir):
    edit(catalog_dir / "show.yaml", "    name: Prof. Dr. Jutta Rump", '    name: "Jutta\\x1b Rump"')
    _, problem = only(catalog_dir, "people.jutta.name")
    assert (problem.file, problem.line) == (SHOW, 23)


def test_tabs_and_newlines_are_text(catalog_dir):
    edit(episode_yaml(catalog_dir), "summary: Eine", 'summary: "Tab\\there, line\\nthere." # Eine')
    catalog, problems = load(catalog_dir)
    assert catalog is not None, problems.sorted()


# --- numbers, times and dates --------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("true", "expected a whole number, found True"),
        ("1e9", "expected a whole number, found 1000000000.0"),
        ("14.0", "expected a whole number, found 14.0"),
        ("1000000000000000000000000000000", "expected at most 99999"),
        ("100000", "expected at most 99999"),
        ("0", "expected at least 1"),
        ("-3", "expected at least 1"),
    ],
)
def test_episode_numbers_are_whole_numbers_in_range(catalog_dir, value, expected):
    edit(episode_yaml(catalog_dir), "number: 14", f"number: {value}")
    catalog, problem = only(catalog_dir, "number")
    assert catalog is None
    assert (problem.file, problem.line) == (EPISODE, 2)
    assert expected in problem.message, problem.message


def test_season_numbers_are_whole_numbers_in_range(catalog_dir):
    edit(catalog_dir / "staffel-2/season.yaml", "number: 2", "number: true")
    _, problem = only(catalog_dir, "number")
    assert (problem.file, problem.line) == ("episodes/staffel-2/season.yaml", 1)
    assert "expected a whole number, found True" in problem.message


@pytest.mark.parametrize(
    ("old", "new", "field", "line"),
    [
        ('    start: "00:00:02"', "    start: .nan", "quotes[0].start", 18),
        ('    end: "00:00:18"', "    end: .inf", "quotes[0].end", 19),
        ('  - start: "00:00:00"', "  - start: -.inf", "chapters[0].start", 10),
    ],
)
def test_times_are_finite(catalog_dir, old, new, field, line):
    edit(episode_yaml(catalog_dir), old, new)
    catalog, problem = only(catalog_dir, field)
    assert catalog is None
    assert (problem.file, problem.line) == (EPISODE, line)
    assert "is not a time" in problem.message


@pytest.mark.parametrize("date", ["0001-01-01", "1899-12-31", "0999-06-01T10:00:00+01:00"])
def test_dates_an_rss_reader_cannot_take_are_refused(catalog_dir, date):
    edit(episode_yaml(catalog_dir), "date: 2023-03-01", f"date: {date}")
    catalog, problem = only(catalog_dir, "date")
    assert catalog is None
    assert (problem.file, problem.line) == (EPISODE, 3)
    assert "expected a year from 1900" in problem.message


# --- YAML structure ----------------------------------------------------------------


def test_deeply_nested_yaml_is_refused_before_it_is_parsed(catalog_dir):
    episode_yaml(catalog_dir).write_text("title: " + "[" * 1000 + "]" * 1000 + "\n")
    catalog, problems = load(catalog_dir)
    [problem] = [p for p in problems if p.file == EPISODE]
    assert catalog is None
    assert problem.line == 1
    assert "nested deeper than" in problem.message


def test_yaml_nested_50000_deep_ends_with_a_message_not_a_crash(catalog_dir):
    episode_yaml(catalog_dir).write_text("title: " + "[" * 50_000 + "]" * 50_000 + "\n")
    result = subprocess.run(
        [sys.executable, "-m", "podcast", "validate", "-c", str(catalog_dir)],
        capture_output=True,
        text=True,
        timeout=120,
        env={**os.environ, "PODCAST_BUCKET": str(catalog_dir.parent / "public")},
    )
    assert result.returncode == 1, (result.returncode, result.stderr[-2000:])
    assert "nested deeper than" in result.stdout + result.stderr
    assert "Traceback" not in result.stdout + result.stderr


def test_block_nesting_is_bounded_too(catalog_dir):
    text = "title: x\nextra:\n" + "".join("  " * i + f"k{i}:\n" for i in range(1, 60)) + "\n"
    episode_yaml(catalog_dir).write_text(text)
    _, problems = load(catalog_dir)
    assert any("nested deeper than" in p.message for p in problems if p.file == EPISODE)


def test_aliases_cannot_blow_up_the_checks(catalog_dir):
    lines = ['a0: &a0 ["lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 10)]
    episode_yaml(catalog_dir).write_text("\n".join(lines) + "\ntitle: *a9\n")
    catalog, problems = load(catalog_dir)  # returns at once: each node is looked at once
    assert catalog is None
    assert any(p.file == EPISODE and p.field == "title" for p in problems)


# --- URLs --------------------------------------------------------------------------


@pytest.mark.parametrize("url", ["https://x.example.com/?a=1", "https://x.example.com/show#top"])
def test_base_url_with_a_query_or_fragment_is_refused(catalog_dir, url):
    edit(catalog_dir / "show.yaml", "base_url: https://cdn.example.org/show", f"base_url: {url}")
    catalog, problem = only(catalog_dir, "base_url")
    assert catalog is None
    assert (problem.file, problem.line) == (SHOW, 10)
    assert "query or fragment" in problem.message


# --- images ------------------------------------------------------------------------


def test_a_decompression_bomb_as_artwork_is_refused_before_decoding(catalog_dir):
    (catalog_dir / "artwork.jpg").unlink()
    (catalog_dir / "artwork.png").write_bytes(png_header(20000, 20000))
    edit(catalog_dir / "show.yaml", "artwork: artwork.jpg", "artwork: artwork.png")
    catalog, problem = only(catalog_dir, "artwork")
    assert catalog is None
    assert (problem.file, problem.line) == (SHOW, 11)
    assert "20000×20000 px" in problem.message


def test_a_decompression_bomb_as_a_person_image_is_refused(catalog_dir):
    (catalog_dir / "erika.png").write_bytes(png_header(30000, 30000))
    edit(catalog_dir / "show.yaml", "    bio: Erika moderiert.", "    image: erika.png")
    _, problem = only(catalog_dir, "people.erika.image")
    assert "30000×30000 px" in problem.message


def test_a_jpeg_named_png_is_refused(catalog_dir):
    jpeg = io.BytesIO()
    Image.new("RGB", (1400, 1400)).save(jpeg, "JPEG")
    (catalog_dir / "artwork.png").write_bytes(jpeg.getvalue())
    edit(catalog_dir / "show.yaml", "artwork: artwork.jpg", "artwork: artwork.png")
    _, problem = only(catalog_dir, "artwork")
    assert '"artwork.png" is a JPEG image (expected a PNG image, as its name says)' in (
        problem.message
    )


def test_a_person_image_that_is_no_image_is_refused(catalog_dir):
    (catalog_dir / "erika.jpg").write_text("not a picture")
    edit(catalog_dir / "show.yaml", "    bio: Erika moderiert.", "    image: erika.jpg")
    _, problem = only(catalog_dir, "people.erika.image")
    assert '"erika.jpg" is not an image (expected JPEG or PNG)' in problem.message


def test_a_person_image_that_is_a_real_png_is_fine(catalog_dir):
    Image.new("RGB", (400, 400), (9, 9, 9)).save(catalog_dir / "erika.png")
    edit(catalog_dir / "show.yaml", "    bio: Erika moderiert.", "    image: erika.png")
    catalog, problems = load(catalog_dir)
    assert catalog is not None, problems.sorted()


# --- transcripts -----------------------------------------------------------------


def write_vtt(catalog_dir, *cues: str) -> None:
    body = "".join(f"{cue}\nText {i}\n\n" for i, cue in enumerate(cues))
    (catalog_dir / EP14 / "transcript.vtt").write_text("WEBVTT\n\n" + body)


def test_overlapping_cues_are_a_warning(catalog_dir):
    write_vtt(catalog_dir, "00:00:01.000 --> 00:00:05.000", "00:00:04.000 --> 00:00:06.000")
    catalog, problem = only(catalog_dir, "", "warning")
    assert catalog is not None
    assert (problem.file, problem.line) == (f"episodes/{EP14}/transcript.vtt", 6)
    assert "starts at 00:00:04.000, before the previous cue ends (00:00:05.000)" in (
        problem.message
    )


def test_cues_out_of_order_are_a_warning(catalog_dir):
    write_vtt(catalog_dir, "00:00:08.000 --> 00:00:09.000", "00:00:02.000 --> 00:00:03.000")
    _, problem = only(catalog_dir, "", "warning")
    assert problem.line == 6
    assert "before the previous cue" in problem.message


def test_a_cue_past_the_end_of_the_audio_is_a_warning(catalog_dir):
    write_vtt(catalog_dir, "00:00:01.000 --> 00:00:05.000", "00:00:19.000 --> 00:00:42.000")
    catalog, problem = only(catalog_dir, "", "warning")
    assert catalog is not None
    assert problem.line == 6
    assert "ends at 00:00:42.000, past the end of the audio (00:00:20.000)" in problem.message


def test_ordered_cues_inside_the_audio_get_no_warning(catalog_dir):
    # the cues say the episode's quote, which is checked against them too
    (catalog_dir / EP14 / "transcript.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:05.000\nNeues Arbeiten bedeutet Stärken- und "
        "Talenterorientierung\n\n00:00:05.000 --> 00:00:09.000\nund dann in Balance bleiben.\n"
    )
    _, problems = load(catalog_dir)
    assert problems.warnings == [], problems.sorted()


# --- the CLI: one run, every problem, no traceback -------------------------------------


def test_podcast_validate_reports_a_hostile_catalog_without_traceback(catalog_dir, tmp_path):
    fifteen = catalog_dir / "staffel-2/folge-15-weiter/episode.yaml"
    edit(fifteen, "guests: [jutta]", "guests:\n  - name: Gast\n    image: /etc/passwd")
    edit(catalog_dir / "show.yaml", "https://cdn.example.org/show", "https://x.example.com/?a=1")
    edit(episode_yaml(catalog_dir), "number: 14", "number: true")
    edit(episode_yaml(catalog_dir), '    start: "00:00:02"', "    start: .nan")
    edit(episode_yaml(catalog_dir), "title: Positiv irritierend", 'title: "\\a" #')
    make_tone(catalog_dir / EP14 / "master.flac", seconds=2.0)
    result = CliRunner().invoke(
        cli, ["validate", "-c", str(catalog_dir), "--to", str(tmp_path / "p")]
    )
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    for where in (
        f"{SHOW}:10: base_url:",
        "episodes/staffel-2/folge-15-weiter/episode.yaml:10: guests[0].image:",
        f"{EPISODE}:1: title:",
        f"{EPISODE}:2: number:",
        f"{EPISODE}:18: quotes[0].start:",
    ):
        assert where in result.output, result.output


def test_the_json_schema_says_the_number_range():
    from podcast.catalog import EpisodeFile, SeasonFile

    for model in (EpisodeFile, SeasonFile):
        schema = model.model_json_schema()["properties"]["number"]
        schema = next(s for s in schema.get("anyOf", [schema]) if s.get("type") == "integer")
        assert (schema["minimum"], schema["maximum"]) == (1, 99_999)


@pytest.mark.parametrize(
    ("old", "new", "field", "line"),
    [
        ("audio: master.flac", 'audio: "master\\0.flac"', "audio", 4),
        ("summary:", 'transcript: "t\\0.vtt"\nsummary:', "transcript", 5),
        ("summary:", 'artwork: "a\\0.jpg"\nsummary:', "artwork", 5),
    ],
)
def test_a_nul_byte_in_a_file_name_is_one_error_not_a_traceback(catalog_dir, old, new, field, line):
    edit(episode_yaml(catalog_dir), old, new)
    catalog, problem = only(catalog_dir, field)
    assert catalog is None
    assert (problem.file, problem.line) == (EPISODE, line)
    assert "control character U+0000" in problem.message


def test_a_symlink_loop_is_an_error_not_a_traceback(catalog_dir):
    (catalog_dir / EP14 / "loop.flac").symlink_to(catalog_dir / EP14 / "loop.flac")
    edit(episode_yaml(catalog_dir), "audio: master.flac", "audio: loop.flac")
    catalog, problem = only(catalog_dir, "audio")
    assert catalog is None
    assert "loop.flac" in problem.message


def test_a_truncated_png_is_refused(catalog_dir):
    Image.effect_noise((400, 400), 64).convert("RGB").save(catalog_dir / "erika.png")
    data = (catalog_dir / "erika.png").read_bytes()
    (catalog_dir / "erika.png").write_bytes(data[: len(data) // 2])
    edit(catalog_dir / "show.yaml", "    bio: Erika moderiert.", "    image: erika.png")
    _, problem = only(catalog_dir, "people.erika.image")
    assert '"erika.png" is not a whole PNG image (it is cut short or damaged)' in problem.message


def test_episodes_are_checked_in_the_same_run_as_a_broken_show_yaml(catalog_dir):
    edit(catalog_dir / "show.yaml", "https://cdn.example.org/show", "https://x.example.com/?a=1")
    edit(episode_yaml(catalog_dir), "number: 14", "number: true")
    fifteen = catalog_dir / "staffel-2/folge-15-weiter/episode.yaml"
    edit(fifteen, "guests: [jutta]", "guests: [jutta, nobody]")
    catalog, problems = load(catalog_dir)
    assert catalog is None
    assert [(p.file, p.line, p.field) for p in problems.sorted()] == [
        (SHOW, 10, "base_url"),
        (EPISODE, 2, "number"),
        ("episodes/staffel-2/folge-15-weiter/episode.yaml", 8, "guests[1]"),  # jutta is known
    ]
