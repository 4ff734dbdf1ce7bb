"""``podcast validate`` and ``podcast schema``: the catalog checked, and its JSON Schema."""

from __future__ import annotations

import json
from pathlib import Path

import click

from podcast.cli.common import CATALOG_OPTION, STRICT_OPTION, TARGET_OPTION, print_problems


@click.command()
@CATALOG_OPTION
@STRICT_OPTION
@TARGET_OPTION
def validate(catalog: Path, strict: bool, to: str | None) -> None:
    """Check the catalog in one pass and report every problem with file, line and field.

    Everything the build could reject is checked here, before any audio is
    encoded, including GUIDs against the published state at the destination.
    """
    from podcast.commands import validate_show
    from podcast.options import load_options

    loaded, problems = validate_show(load_options(catalog, to=to, strict=strict))
    print_problems(problems.sorted())  # only warnings are left: errors abort with all of them
    click.echo(
        f"{catalog}: {len(loaded.seasons)} season(s), {len(loaded.episodes)} episode(s), "
        f"{len(problems.warnings)} warning(s): OK"
    )


@click.command()
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="Write show/season/episode .schema.json into this folder instead of printing.",
)
def schema(out: Path | None) -> None:
    """Export the catalog's JSON Schema, for autocompletion in editors."""
    from podcast.catalog.models import EpisodeFile, SeasonFile, ShowFile

    schemas = {
        "show": ShowFile.model_json_schema(),
        "season": SeasonFile.model_json_schema(),
        "episode": EpisodeFile.model_json_schema(),
    }
    if out is None:
        click.echo(json.dumps(schemas, indent=2, ensure_ascii=False))
        return
    out.mkdir(parents=True, exist_ok=True)
    for name, value in schemas.items():
        path = out / f"{name}.schema.json"
        path.write_text(json.dumps(value, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
        click.echo(f"wrote {path}")
