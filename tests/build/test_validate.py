"""`podcast.build.validate` finds GUID conflicts from the masters alone: nothing is encoded."""

from __future__ import annotations

import datetime as dt
from dataclasses import replace

import pytest
from click.testing import CliRunner

from podcast.build import BuildOptions, build, validate
from podcast.build.identity import PublishedEpisode, PublishedState
from podcast.catalog import load_catalog
from podcast.cli import cli
from podcast.paths import STATE_PATH
from podcast.problems import CatalogError
from podcast.writer import file_sha256
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
EP14 = "staffel-2/folge-14-positiv"
EP15 = "staffel-2/folge-15-weiter"


def encoded(cache):
    """The audio encoded into ``cache`` (validate only decodes masters, and encodes none)."""
    return sorted(cache.rglob("*.mp3")) if cache.exists() else []


def published(catalog_dir, **guids: str) -> bytes:
    """A published state, as a first publish of the catalog would have left it."""
    master = file_sha256(catalog_dir / EP14 / "master.flac")
    records = [
        PublishedEpisode(
            guid=guid,
            slug=slug.replace("_", "-"),
            season=2,
            number=int(slug.split("_")[1]),
            master_sha256=master,
            audio_sha256="0" * 64,
            enclosure=f"audio/{slug}.mp3",
        )
        for slug, guid in guids.items()
    ]
    return PublishedState(podcast_guid="chan", episodes=tuple(records)).to_bytes()


def options(catalog_dir, tmp_path, state: bytes | None) -> BuildOptions:
    return BuildOptions(
        catalog=catalog_dir,
        output=tmp_path / "feed",
        cache=tmp_path / "cache",
        now=NOW,
        jobs=1,
        previous_state=state,
    )


def refused(opts: BuildOptions) -> list:
    """Both validate and build refuse, and the build encoded nothing and wrote nothing."""
    with pytest.raises(CatalogError) as error:
        validate(opts)
    with pytest.raises(CatalogError) as again:
        build(opts)
    assert [str(p) for p in again.value.problems] == [str(p) for p in error.value.problems]
    assert not encoded(opts.cache), "audio was encoded"
    assert not opts.output.exists(), "something was written"
    return error.value.problems


def test_a_changed_explicit_guid_is_refused_before_encoding(catalog_dir, tmp_path):
    state = published(catalog_dir, folge_14_positiv="guid-14", folge_15_weiter="guid-15")
    edit(catalog_dir / EP14 / "episode.yaml", "number: 14", 'number: 14\nguid: "other"')
    [problem] = refused(options(catalog_dir, tmp_path, state))
    assert (problem.file, problem.line, problem.field) == (
        f"episodes/{EP14}/episode.yaml",
        3,
        "guid",
    )
    assert '"other" would change the GUID' in problem.message
    assert 'set guid: "guid-14"' in problem.message


def test_a_published_guid_claimed_by_another_episode_is_refused_before_encoding(
    catalog_dir, tmp_path
):
    state = published(catalog_dir, folge_14_positiv="guid-14", folge_15_weiter="guid-15")
    edit(catalog_dir / EP14 / "episode.yaml", "number: 14", 'number: 14\nguid: "guid-15"')
    problems = refused(options(catalog_dir, tmp_path, state))
    by_file = {p.file: p for p in problems}
    assert set(by_file) == {f"episodes/{EP14}/episode.yaml", f"episodes/{EP15}/episode.yaml"}
    fifteen = by_file[f"episodes/{EP15}/episode.yaml"]
    assert fifteen.field == "guid"
    assert f"episodes/{EP14}/episode.yaml claims it with its guid:" in fifteen.message
    fourteen = by_file[f"episodes/{EP14}/episode.yaml"]
    assert (fourteen.line, fourteen.field) == (3, "guid")


def test_a_changed_channel_guid_is_refused_before_encoding(catalog_dir, tmp_path):
    state = published(catalog_dir, folge_14_positiv="guid-14", folge_15_weiter="guid-15")
    edit(catalog_dir / "show.yaml", "timezone:", 'guid: "new-channel"\ntimezone:')
    [problem] = refused(options(catalog_dir, tmp_path, state))
    assert (problem.file, problem.line, problem.field) == ("episodes/show.yaml", 15, "guid")
    assert '("chan")' in problem.message


def test_a_duplicate_explicit_guid_is_refused_with_file_line_and_field(catalog_dir, tmp_path):
    for folder in (EP14, EP15):
        edit(catalog_dir / folder / "episode.yaml", "summary:", 'guid: "same"\nsummary:')
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is None
    [problem] = problems.errors
    assert (problem.file, problem.line, problem.field) == (
        f"episodes/{EP15}/episode.yaml",
        5,
        "guid",
    )
    assert problem.message == (
        f'"same" is already the guid of episodes/{EP14}/episode.yaml '
        "(expected a GUID of its own for every episode)"
    )
    assert refused(options(catalog_dir, tmp_path, None)) == [problem]


def test_a_duplicate_guid_of_a_draft_is_refused_too(catalog_dir):
    edit(catalog_dir / EP14 / "episode.yaml", "summary:", 'guid: "same"\ndraft: true\nsummary:')
    edit(catalog_dir / EP15 / "episode.yaml", "summary:", 'guid: "same"\nsummary:')
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is None and [p.field for p in problems.errors] == ["guid"]


def test_a_matching_state_passes_without_hashing_or_encoding(catalog_dir, tmp_path, monkeypatch):
    state = published(catalog_dir, folge_14_positiv="guid-14", folge_15_weiter="guid-15")
    hashed = []  # a spy on the real hash function
    monkeypatch.setattr(
        "podcast.build.identity.file_sha256", lambda path: hashed.append(path) or file_sha256(path)
    )
    opts = options(catalog_dir, tmp_path, state)
    catalog, problems = validate(opts)
    assert len(catalog.episodes) == 2 and problems.errors == []
    assert hashed == []  # every episode matched by slug: no master needed hashing
    assert not encoded(opts.cache)


def test_podcast_validate_reads_the_state_at_the_destination(catalog_dir, tmp_path):
    target = tmp_path / "public"
    target.mkdir()
    state = published(catalog_dir, folge_14_positiv="guid-14", folge_15_weiter="guid-15")
    (target / STATE_PATH).write_bytes(state)
    runner = CliRunner()
    args = ["validate", "-c", str(catalog_dir), "--to", str(target)]
    ok = runner.invoke(cli, args)
    assert ok.exit_code == 0, ok.output
    assert "2 episode(s)" in ok.output
    edit(catalog_dir / EP14 / "episode.yaml", "number: 14", 'number: 14\nguid: "other"')
    result = runner.invoke(cli, args)
    assert result.exit_code == 1
    assert f"{EP14}/episode.yaml:3: guid:" in result.output
    assert '"other" would change the GUID' in result.output
    assert "Traceback" not in result.output
    assert not encoded(catalog_dir.parent / ".cache")  # nothing was encoded


@pytest.mark.parametrize(
    ("old", "new", "field", "message"),
    [
        (
            "timezone:",
            "cards:\n  font: missing.ttf\ntimezone:",
            "cards.font",
            'font file "missing.ttf"',
        ),
        ("timezone:", "cards:\n  background: nope\ntimezone:", "cards.background", "not a colour"),
    ],
)
def test_card_style_errors_stop_the_build_before_any_audio(
    catalog_dir, tmp_path, old, new, field, message
):
    edit(catalog_dir / "show.yaml", old, new)
    [problem] = refused(options(catalog_dir, tmp_path, None))
    assert (problem.file, problem.line, problem.field) == ("episodes/show.yaml", 16, field)
    assert message in problem.message


def test_a_language_without_labels_is_a_warning_of_validate_and_build(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "language: de", "language: nl")
    opts = options(catalog_dir, tmp_path, None)
    _, problems = validate(opts)
    [warning] = problems.warnings
    assert (warning.file, warning.line, warning.field) == ("episodes/show.yaml", 4, "language")
    assert "fall back to English" in warning.message
    assert not encoded(opts.cache)  # validate encodes nothing
    with pytest.raises(CatalogError) as error:  # --strict: warnings stop the build, before audio
        build(replace(opts, strict=True))
    assert [p.field for p in error.value.problems] == ["language"]
    assert not encoded(opts.cache)
