"""``show.yaml`` loaded and checked: language, description, categories, time zone, files, cards."""

from __future__ import annotations

import zoneinfo
from dataclasses import replace
from pathlib import Path
from typing import Any

from pydantic import TypeAdapter, ValidationError

from podcast.catalog.assets import Assets
from podcast.catalog.cardstyle import CardStyleError, font_family
from podcast.catalog.categories import category_problem
from podcast.catalog.errors import read_model
from podcast.catalog.language import check_language
from podcast.catalog.models import Person, ShowEntry, ShowFile
from podcast.catalog.names import SHOW_FILE
from podcast.catalog.people import resolve_people
from podcast.catalog.yamlsource import YamlSource
from podcast.problems import Problems

DESCRIPTION_MAX_BYTES = 4000  # Apple Podcasts' limit for the channel description
_PEOPLE = TypeAdapter(dict[str, Person])


def load_show(assets: Assets) -> tuple[ShowEntry | None, YamlSource | None]:
    """The show at ``assets.root``, or None (with problems) if show.yaml is unusable.

    With bad artwork the show is still returned, so its episodes get checked too;
    the error already recorded keeps the catalog from being used.
    """
    root, problems = assets.root, assets.problems
    path = root / SHOW_FILE
    if not path.is_file():
        problems.add(path, None, "", f"not found (every catalog needs a {SHOW_FILE})")
        return None, None
    meta, source = read_model(path, ShowFile, problems)
    if meta is None or source is None:
        return None, source
    assets = replace(assets, media_roots=media_roots(meta, root, source, problems))
    check_language(meta.language, source, problems)
    size = len(meta.description.encode("utf-8"))
    if size > DESCRIPTION_MAX_BYTES:
        problems.add(
            path,
            source.line(("description",)),
            "description",
            f"is {size} bytes long in UTF-8 (expected at most {DESCRIPTION_MAX_BYTES}: "
            "Apple Podcasts rejects longer ones)",
        )
    for index, category in enumerate(meta.categories):
        problem = category_problem(category)
        if problem:
            problems.add(path, source.line(("categories", index)), f"categories[{index}]", problem)
    try:
        timezone = zoneinfo.ZoneInfo(meta.timezone)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        problems.add(
            path,
            source.line(("timezone",)),
            "timezone",
            f'"{meta.timezone}" is not a time zone (expected e.g. Europe/Berlin or UTC)',
        )
        timezone = zoneinfo.ZoneInfo("UTC")
    artwork = assets.artwork(root / meta.artwork, meta.artwork, source, ("artwork",))
    for field in ("intro", "outro"):
        jingle = getattr(meta.audio, field)
        if jingle is not None:
            assets.jingle(root / jingle, jingle, source, ("audio", field))
    for key, person in meta.people.items():
        assets.person_image(person, root, source, ("people", key, "image"))
    check_card_font(meta, assets, source)
    hosts = resolve_people(meta.hosts, meta.people, source, "hosts", problems)
    return ShowEntry(
        meta=meta,
        root=root,
        artwork=artwork or root / meta.artwork,
        hosts=hosts,
        timezone=timezone,
        media_roots=assets.media_roots,
    ), source


def stand_in_show(root: Path, source: YamlSource) -> ShowEntry | None:
    """Stands in for a show.yaml with errors, so the episodes are still checked in this run.

    Only when its ``people:`` are valid (episodes refer to them); the errors already
    recorded keep the catalog from being used.
    """
    data = source.data if isinstance(source.data, dict) else {}
    try:
        people = _PEOPLE.validate_python(data.get("people") or {})
    except ValidationError:
        return None
    listed_hosts = data.get("hosts")
    hosts: list[Any] = listed_hosts if isinstance(listed_hosts, list) else []
    try:
        timezone = zoneinfo.ZoneInfo(str(data.get("timezone") or "UTC"))
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        timezone = zoneinfo.ZoneInfo("UTC")
    listed = data.get("media_roots")
    roots = []
    for written in listed if isinstance(listed, list) else ():
        try:
            folder = (root / str(written)).resolve()
        except (OSError, RuntimeError, ValueError):
            continue
        if folder.is_dir():
            roots.append(folder)
    known: dict[str, Any] = {  # what episodes look up
        "people": people,
        "hosts": (),
        "language": str(data.get("language") or "en"),  # quotes are read in it
    }
    meta = ShowFile.model_construct(**known)
    return ShowEntry.model_construct(
        meta=meta,
        root=root,
        artwork=root / "artwork.jpg",
        hosts=tuple(people[key] for key in hosts if isinstance(key, str) and key in people),
        timezone=timezone,
        media_roots=tuple(roots),
    )


def media_roots(
    meta: ShowFile, root: Path, source: YamlSource, problems: Problems
) -> tuple[Path, ...]:
    """``media_roots:`` resolved (relative to show.yaml); each must be a folder."""
    folders = []
    for index, written in enumerate(meta.media_roots):
        try:
            folder = (root / written).resolve()
        except ValueError:  # a NUL byte: already an error of the text itself
            continue
        except (OSError, RuntimeError):  # a symlink loop
            folder = root / written
        if not folder.is_dir():
            problems.add(
                source.path,
                source.line(("media_roots", index)),
                f"media_roots[{index}]",
                f'"{written}" is not a folder (it is {folder}; expected a folder that holds '
                "media of this catalog, absolute or relative to show.yaml)",
            )
            continue
        folders.append(folder)
    return tuple(folders)


def check_card_font(meta: ShowFile, assets: Assets, source: YamlSource) -> None:
    """``cards.font`` is inside the catalog, exists and loads, as the cards stage loads it."""
    font = meta.cards.font
    loc = ("cards", "font")
    if font is None or not assets.font(assets.root / font, font, source, loc):
        return
    try:
        font_family(assets.root / font, font)
    except CardStyleError as error:
        assets.problems.add(source.path, source.line(loc), "cards.font", str(error))
