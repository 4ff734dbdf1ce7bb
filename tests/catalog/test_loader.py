"""The loader and validator: exact messages with file, line and field."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from click.testing import CliRunner
from PIL import Image

from podcast.catalog import load_catalog, slugify
from podcast.cli import cli
from podcast.problems import CatalogError
from tests.conftest import edit, make_tone

EP14 = "episodes/staffel-2/folge-14-positiv/episode.yaml"


def messages(root: Path) -> list[str]:
    _, problems = load_catalog(root)
    return [str(p) for p in problems.sorted()]


def test_valid_catalog_loads_into_frozen_models(catalog_dir):
    catalog, problems = load_catalog(catalog_dir)
    assert problems.errors == []
    assert catalog is not None
    assert [e.number for e in catalog.episodes] == [15, 14]  # newest first
    episode = catalog.episodes[1]
    assert episode.title == "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!"
    assert episode.guests[0].name == "Prof. Dr. Jutta Rump"
    assert episode.hosts[0].name == "Erika Mustermann"  # the show's hosts by default
    assert episode.meta.quotes[0].speaker == "Prof. Dr. Jutta Rump"  # key resolved to name
    assert episode.meta.chapters[1].start == 5.5
    assert round(episode.audio.duration) == 20
    assert episode.published == dt.datetime(2023, 3, 1, tzinfo=catalog.show.timezone)
    assert catalog.seasons[0].meta.takeaways[1].text == "Offen reden."
    with pytest.raises(ValueError):
        episode.meta.title = "changed"  # type: ignore[misc]


def test_slug_is_ascii():
    assert slugify("Folge 14 – Positiv irritierend für Größe") == (
        "folge-14-positiv-irritierend-fuer-groesse"
    )


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "summary: Eine",
            "sumary: Eine",
            [
                f"{EP14}:1: summary: required key is missing",
                f'{EP14}:5: sumary: unknown key (did you mean "summary"?)',
            ],
        ),
        (
            "number: 14",
            "number: vierzehn",
            [
                f"{EP14}:2: number: expected a valid integer, unable to parse string as an "
                'integer, found "vierzehn"'
            ],
        ),
        (
            'start: "00:00:02"',
            'start: "01:75:00"',
            [f'{EP14}:18: quotes[0].start: "01:75:00" is not a time (expected HH:MM:SS[.mmm])'],
        ),
        (
            "speaker: jutta",
            "speaker: Jutta Rumpf",
            [
                f'{EP14}:17: quotes[0].speaker: "Jutta Rumpf" is not a guest or host of this '
                'episode (did you mean "Prof. Dr. Jutta Rump"?)'
            ],
        ),
        (
            'start: "00:00:05.500"',
            'start: "00:00:00.000"',
            [
                f"{EP14}:12: chapters[1].start: 00:00:00.000 is not after the previous "
                "chapter's start 00:00:00.000 (expected ascending starts)"
            ],
        ),
        (
            'start: "00:00:05.500"',
            'start: "00:01:05"',
            [
                f"{EP14}:12: chapters[1].start: 00:01:05.000 is past the end of the audio "
                "(00:00:20.000)"
            ],
        ),
        (
            'end: "00:00:18"',
            'end: "00:00:01"',
            [
                f"{EP14}:19: quotes[0].end: 00:00:01.000 is not after start 00:00:02.000 "
                "(expected end > start)"
            ],
        ),
        (
            "audio: master.flac",
            "audio: missing.flac",
            [
                f'{EP14}:4: audio: file "missing.flac" not found next to episode.yaml '
                "(expected the audio master)"
            ],
        ),
        (
            "date: 2023-03-01",
            "date: 2023-02-30",
            [
                f'{EP14}:3: date: "2023-02-30" is not a date (expected YYYY-MM-DD or '
                "YYYY-MM-DDTHH:MM:SS+01:00)"
            ],
        ),
        (
            "date: 2023-03-01",
            'date: "2023-03-01T10:00:00"',
            [
                f'{EP14}:3: date: "2023-03-01T10:00:00" has no time zone (expected e.g. '
                "2023-03-01T10:00:00+01:00)"
            ],
        ),
        (
            "guests: [jutta]",
            "guests: [juta]",
            [
                f'{EP14}:8: guests[0]: unknown person "juta" (did you mean "jutta"?)',
                f'{EP14}:17: quotes[0].speaker: "jutta" is not a guest or host of this '
                "episode (expected one of: Erika Mustermann)",
            ],
        ),
        (
            "  - text: Neues",
            "  - txt: Neues",
            [
                f"{EP14}:16: quotes[0].text: required key is missing",
                f'{EP14}:16: quotes[0].txt: unknown key (did you mean "text"?)',
            ],
        ),
        (
            "    url: https://example.org/mitte",
            "    url: example.org/mitte",
            [f'{EP14}:14: chapters[1].url: "example.org/mitte" is not an absolute http(s) URL'],
        ),
    ],
)
def test_episode_mistakes(catalog_dir, old, new, expected):
    edit(catalog_dir / "staffel-2/folge-14-positiv/episode.yaml", old, new)
    assert messages(catalog_dir) == expected


@pytest.mark.parametrize(
    ("old", "new", "expected"),
    [
        (
            "language: de",
            "language: Deutsch",
            [
                'episodes/show.yaml:4: language: "Deutsch" is not a language code '
                "(expected e.g. de, en, de-AT)"
            ],
        ),
        (
            "  - Government",
            "  - Regierung",
            ['episodes/show.yaml:13: categories[0]: "Regierung" is not an Apple Podcasts category'],
        ),
        (
            "Society & Culture > Documentary",
            "Society & Culture > Dokumentation",
            [
                'episodes/show.yaml:14: categories[1]: "Dokumentation" is not a subcategory of '
                '"Society & Culture" (expected one of: Documentary, Personal Journals, '
                "Philosophy, Places & Travel, Relationships)"
            ],
        ),
        (
            "base_url: https://cdn.example.org/show",
            "base_url: cdn.example.org/show",
            [
                'episodes/show.yaml:10: base_url: "cdn.example.org/show" is not an absolute '
                "http(s) URL"
            ],
        ),
        (
            "  email: erika@example.org",
            "  email: erika at example.org",
            ['episodes/show.yaml:8: owner.email: "erika at example.org" is not an e-mail address'],
        ),
        (
            "timezone: Europe/Berlin",
            "timezone: Europa/Berlin",
            [
                'episodes/show.yaml:15: timezone: "Europa/Berlin" is not a time zone '
                "(expected e.g. Europe/Berlin or UTC)"
            ],
        ),
    ],
)
def test_show_mistakes(catalog_dir, old, new, expected):
    edit(catalog_dir / "show.yaml", old, new)
    assert messages(catalog_dir) == expected


def test_yaml_syntax_error(catalog_dir):
    edit(catalog_dir / "staffel-2/season.yaml", "title: Staffel 2", "title: [Staffel 2")
    [message] = messages(catalog_dir)
    assert message.startswith("episodes/staffel-2/season.yaml:")
    assert "invalid YAML" in message


def test_duplicate_key_is_a_syntax_error(catalog_dir):
    edit(catalog_dir / "staffel-2/season.yaml", "title: Staffel 2", "title: A\ntitle: B")
    [message] = messages(catalog_dir)
    assert message.startswith("episodes/staffel-2/season.yaml:3: invalid YAML")
    assert 'duplicate key "title"' in message


def test_duplicate_numbers_and_slugs(catalog_dir):
    edit(catalog_dir / "staffel-2/folge-15-weiter/episode.yaml", "number: 15", "number: 14")
    edit(
        catalog_dir / "staffel-2/folge-15-weiter/episode.yaml",
        "takeaways:",
        "slug: folge-14-positiv\ntakeaways:",
    )
    assert messages(catalog_dir) == [
        "episodes/staffel-2/folge-15-weiter/episode.yaml:2: number: episode 14 of season 2 is "
        f"already {EP14} (expected unique episode numbers in a season)",
        'episodes/staffel-2/folge-15-weiter/episode.yaml:21: slug: "folge-14-positiv" is '
        f"already the slug of {EP14} (expected unique slugs: set slug: or rename the folder)",
    ]


def test_artwork_must_be_square_rgb_and_big_enough(catalog_dir):
    Image.new("RGB", (1400, 1000)).save(catalog_dir / "artwork.jpg")
    Image.new("RGBA", (1400, 1400)).save(catalog_dir / "staffel-2/folge-14-positiv/artwork.png")
    Image.new("RGB", (600, 600)).save(catalog_dir / "staffel-2/folge-15-weiter/artwork.jpg")
    assert messages(catalog_dir) == [
        'episodes/show.yaml:11: artwork: "artwork.jpg" is 1400×1000 px (expected square)',
        f'{EP14}:1: artwork: "artwork.png" has colour mode RGBA (expected RGB)',
        'episodes/staffel-2/folge-15-weiter/episode.yaml:1: artwork: "artwork.jpg" is '
        "600×600 px (expected 1400–3000 px)",
    ]


def test_audio_that_does_not_decode_and_low_sample_rate(catalog_dir):
    (catalog_dir / "staffel-2/folge-14-positiv/master.flac").write_bytes(b"not audio at all" * 10)
    folder15 = catalog_dir / "staffel-2/folge-15-weiter"
    make_tone(folder15 / "low.wav", seconds=20, rate=16000)
    edit(folder15 / "episode.yaml", "audio: master.flac", "audio: low.wav")
    assert messages(catalog_dir) == [
        f'{EP14}:4: audio: "master.flac" does not decode as audio',
        'episodes/staffel-2/folge-15-weiter/episode.yaml:4: audio: "low.wav" is sampled at '
        "16000 Hz (expected at least 22050 Hz)",
    ]


def test_transcript_must_parse(catalog_dir):
    folder = catalog_dir / "staffel-2/folge-14-positiv"
    (folder / "transcript.vtt").write_text(
        "WEBVTT\n\n00:00:01.000 --> 00:00:02.000\nHallo\n\n00:00:03 --> 00:00:04.000\nWelt\n",
        encoding="utf-8",
    )
    assert messages(catalog_dir) == [
        'episodes/staffel-2/folge-14-positiv/transcript.vtt:6: "00:00:03 --> 00:00:04.000" '
        "is not a cue timing"
    ]


def test_short_quote_is_a_warning_and_fails_only_when_strict(catalog_dir):
    edit(catalog_dir / "staffel-2/folge-14-positiv/episode.yaml", '"00:00:18"', '"00:00:06"')
    _, problems = load_catalog(catalog_dir)
    assert problems.errors == []
    assert [str(p) for p in problems.warnings] == [
        f"{EP14}:16: quotes[0]: warning: lasts 4.0 s (a soundbite should last 15–120 s)"
    ]
    problems.raise_if_errors()
    with pytest.raises(CatalogError):
        problems.raise_if_errors(strict=True)


def test_all_problems_of_all_files_in_one_run_without_traceback(catalog_dir, monkeypatch):
    edit(catalog_dir / "show.yaml", "language: de", "language: Deutsch")
    edit(catalog_dir / "staffel-2/season.yaml", "number: 2", "number: zwei")
    edit(catalog_dir / "staffel-2/folge-14-positiv/episode.yaml", "summary:", "sumary:")
    edit(
        catalog_dir / "staffel-2/folge-15-weiter/episode.yaml",
        'end: "00:00:18"',
        'end: "00:00:99"',
    )
    monkeypatch.chdir(catalog_dir.parent)
    result = CliRunner().invoke(cli, ["validate"])
    assert result.exit_code == 1
    assert "Traceback" not in result.output
    lines = result.output.splitlines()
    assert lines[:5] == [
        'episodes/show.yaml:4: language: "Deutsch" is not a language code (expected e.g. de, '
        "en, de-AT)",
        "episodes/staffel-2/folge-14-positiv/episode.yaml:1: summary: required key is missing",
        "episodes/staffel-2/folge-14-positiv/episode.yaml:5: sumary: unknown key (did you "
        'mean "summary"?)',
        'episodes/staffel-2/folge-15-weiter/episode.yaml:19: quotes[0].end: "00:00:99" is not '
        "a time (expected HH:MM:SS[.mmm])",
        "episodes/staffel-2/season.yaml:1: number: expected a valid integer, unable to parse "
        'string as an integer, found "zwei"',
    ]
    assert lines[-1] == "5 error(s), 0 warning(s): nothing was built or published."
    assert len(lines) == 6  # each problem once


def test_schema_export(tmp_path):
    result = CliRunner().invoke(cli, ["schema", "--out", str(tmp_path)])
    assert result.exit_code == 0, result.output
    import json

    episode = json.loads((tmp_path / "episode.schema.json").read_text())
    assert episode["additionalProperties"] is False
    assert {"title", "date", "audio", "quotes", "chapters"} <= set(episode["properties"])
    show = json.loads((tmp_path / "show.schema.json").read_text())
    assert "base_url" in show["required"]


def test_intro_and_outro_must_exist_and_decode(catalog_dir):
    (catalog_dir / "outro.wav").write_bytes(b"RIFF nonsense")
    edit(
        catalog_dir / "show.yaml",
        "timezone:",
        "audio:\n  intro: intro.wav\n  outro: outro.wav\ntimezone:",
    )
    assert messages(catalog_dir) == [
        'episodes/show.yaml:16: audio.intro: file "episodes/intro.wav" not found (expected an '
        "audio file)",
        'episodes/show.yaml:17: audio.outro: "outro.wav" does not decode as audio',
    ]
