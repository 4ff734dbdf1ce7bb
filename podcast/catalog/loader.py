"""Loading and validating the catalog in one pass.

:func:`load_catalog` reads ``show.yaml``, every ``season.yaml`` and every
``episode.yaml``, checks each against its model and then across files (numbers,
slugs, speakers, times inside the audio, media files), collecting every
problem with its file, line and field.  Only when the whole pass is over does
it abort, once, with all of them.

The walk is here; what each file is checked for lives next to it: :mod:`.show`,
:mod:`.assets` (the files an entry names), :mod:`.people`, :mod:`.checks`
(times, quotes, uniqueness) and :mod:`.errors` (pydantic errors as problems).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import replace
from pathlib import Path

from podcast.catalog.assets import Assets
from podcast.catalog.checks import check_description, check_times, check_unique
from podcast.catalog.decode import DecodeCheck
from podcast.catalog.errors import read_model
from podcast.catalog.models import (
    Catalog,
    EpisodeEntry,
    EpisodeFile,
    Person,
    SeasonEntry,
    SeasonFile,
    ShowEntry,
)
from podcast.catalog.names import ARTWORK_NAMES, EPISODE_FILE, SEASON_FILE, slugify
from podcast.catalog.people import resolve_people, resolve_speakers
from podcast.catalog.quotetimes import resolve_quotes
from podcast.catalog.show import load_show, stand_in_show
from podcast.catalog.yamlsource import YamlSource
from podcast.problems import Problems


def load_season(folder: Path, problems: Problems) -> SeasonEntry | None:
    meta, _ = read_model(folder / SEASON_FILE, SeasonFile, problems)
    if meta is None:
        return None
    return SeasonEntry(meta=meta, folder=folder, slug=slugify(folder.name))


def broken_season(folder: Path) -> SeasonEntry:
    """Stands in for a season.yaml with errors, so its episodes are still checked."""
    meta = SeasonFile.model_construct(number=-1, title=folder.name, takeaways=())
    return SeasonEntry.model_construct(meta=meta, folder=folder, slug=slugify(folder.name))


def load_episode(
    folder: Path, season: SeasonEntry, show: ShowEntry, assets: Assets
) -> tuple[EpisodeEntry | None, YamlSource | None]:
    problems = assets.problems
    meta, source = read_model(folder / EPISODE_FILE, EpisodeFile, problems)
    if meta is None or source is None:
        return None, source
    people = show.meta.people
    guests = resolve_people(meta.guests, people, source, "guests", problems)
    hosts = (
        resolve_people(meta.hosts, people, source, "hosts", problems)
        if meta.hosts is not None
        else show.hosts
    )
    for index, ref in enumerate(meta.guests):
        if isinstance(ref, Person):
            assets.person_image(ref, folder, source, ("guests", index, "image"))
    meta = resolve_speakers(meta, guests, hosts, people, source, problems)
    audio_path = folder / meta.audio
    audio = assets.audio(audio_path, meta.audio, source)
    if meta.artwork:
        artwork = assets.artwork(folder / meta.artwork, meta.artwork, source, ("artwork",))
    else:
        found = next((folder / n for n in ARTWORK_NAMES if (folder / n).is_file()), None)
        artwork = found and assets.artwork(found, found.name, source, ("artwork",))
    social_image = None
    if meta.image is not None:
        written = meta.image.file
        social_image = assets.social_image(folder / written, written, source, ("image",))
    transcript = assets.transcript(folder, meta, source, audio.duration if audio else None)
    meta = resolve_quotes(
        meta,
        transcript,
        audio.duration if audio is not None else None,
        show.meta.quotes,
        show.meta.language,
        source,
        problems,
    )
    check_description(meta, source, problems)
    if audio is None:
        return None, source
    check_times(meta, audio.duration, source, problems)
    if isinstance(meta.date, dt.datetime):
        published = meta.date
    else:
        published = dt.datetime.combine(meta.date, dt.time(0, 0), tzinfo=show.timezone)
    return EpisodeEntry(
        meta=meta,
        folder=folder,
        slug=meta.slug or slugify(folder.name),
        season=season,
        published=published,
        hosts=hosts,
        guests=guests,
        audio_path=audio_path,
        audio=audio,
        artwork=artwork,
        transcript=transcript,
        social_image=social_image,
    ), source


def _walk(assets: Assets) -> Catalog | None:
    root, problems = assets.root, assets.problems
    show, show_source = load_show(assets)
    # With errors in show.yaml, its episodes are still checked against a stand-in.
    for_episodes = show
    if show is None and show_source is not None:
        for_episodes = stand_in_show(root, show_source)
    if for_episodes is not None:
        assets = replace(assets, media_roots=for_episodes.media_roots)
    seasons: list[SeasonEntry] = []
    episodes: list[tuple[EpisodeEntry, YamlSource]] = []
    for folder in sorted(p for p in root.iterdir() if p.is_dir()):
        if folder.name.startswith((".", "_")) or folder.name == "theme":
            continue
        if (folder / EPISODE_FILE).is_file():
            problems.add(
                folder / EPISODE_FILE,
                None,
                "",
                f"episode folder outside a season (expected {root.name}/<season>/"
                f"{folder.name}/{EPISODE_FILE} with a {SEASON_FILE} in <season>)",
            )
            continue
        episode_folders = sorted(
            p for p in folder.iterdir() if p.is_dir() and (p / EPISODE_FILE).is_file()
        )
        if not (folder / SEASON_FILE).is_file():
            if episode_folders:
                problems.add(
                    folder / SEASON_FILE,
                    None,
                    "",
                    "not found (expected a season.yaml in every folder holding episodes)",
                )
            continue
        season = load_season(folder, problems)
        if season is None:
            season = broken_season(folder)
        else:
            seasons.append(season)
        if for_episodes is None:
            continue
        for episode_folder in episode_folders:
            entry, source = load_episode(episode_folder, season, for_episodes, assets)
            if entry is not None and source is not None:
                episodes.append((entry, source))
    check_unique(seasons, episodes, problems)
    if show is None or problems.errors:
        return None
    ordered = sorted(
        (entry for entry, _ in episodes),
        key=lambda e: (e.published, e.season.number, e.number or 0),
        reverse=True,
    )
    return Catalog(
        show=show,
        seasons=tuple(sorted(seasons, key=lambda s: s.number)),
        episodes=tuple(ordered),
    )


def load_catalog(
    root: Path,
    *,
    probe_media: bool = True,
    base: Path | None = None,
    cache: Path | None = None,
) -> tuple[Catalog | None, Problems]:
    """Load and validate the catalog at ``root``; problems name files relative to ``base``.

    With ``probe_media`` every master is also decoded to the end, once: what was found
    is remembered under ``cache`` (default: ``.cache`` next to the catalog).
    """
    problems = Problems(base=base if base is not None else root.parent)
    if not root.is_dir():
        problems.add(root, None, "", "catalog folder not found")
        return None, problems
    decoder = DecodeCheck(cache or root.parent / ".cache") if probe_media else None
    try:
        catalog = _walk(Assets(root, problems, probe_media, decoder=decoder))
    finally:
        if decoder is not None:
            decoder.finish()  # the masters' problems: there is no catalog with any
            decoder.save()
    if problems.errors:
        catalog = None
    return catalog, problems
