"""Matching the episodes of a build to the published ones (see :mod:`podcast.build.identity`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, field

from podcast.build.state import PublishedEpisode, PublishedState
from podcast.catalog import SHOW_FILE, Catalog, EpisodeEntry
from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError
from podcast.feed.ext.podcastindex import podcast_guid
from podcast.problems import Problems

MasterHash = Callable[[EpisodeEntry], str]


def yaml_line(path, loc: tuple[str, ...]) -> int | None:
    try:
        return YamlSource.read(path).line(loc) if loc else None
    except (OSError, YamlSyntaxError):
        return None


def channel_guid_into(catalog: Catalog, previous: PublishedState, problems: Problems) -> str:
    show = catalog.show
    explicit, published = show.meta.guid, previous.podcast_guid
    if explicit and published and explicit != published:
        path = show.root / SHOW_FILE
        problems.add(
            path,
            yaml_line(path, ("guid",)),
            "guid",
            f'"{explicit}" would change the podcast:guid the show was published with '
            f'("{published}"); apps and directories know the show by it. Set guid: '
            f'"{published}" or remove the guid: line.',
        )
        return published
    return explicit or published or podcast_guid(show.feed_url)


def channel_guid(catalog: Catalog, previous: PublishedState) -> str:
    """The channel's podcast:guid: show.yaml's, else the published one, else computed."""
    problems = Problems(base=catalog.show.root.parent)
    guid = channel_guid_into(catalog, previous, problems)
    problems.raise_if_errors()
    return guid


@dataclass(frozen=True)
class Matching:
    """Which published episode each catalog episode is (by slug), and how it was found."""

    channel: str
    matches: Mapping[str, tuple[int, str]]  # slug -> (index in the state, how)
    unclaimed: frozenset[int]  # published episodes no catalog episode is
    explicit_owner: Mapping[str, EpisodeEntry]  # explicit guid: -> its episode
    #: slug -> the published episode an episode with a new explicit guid: would
    #: otherwise be matched to (its GUID would change: see identity's _check_kept)
    shadow: Mapping[str, int] = field(default_factory=dict)


_ENCLOSURE_NAME = re.compile(r"(?:^|/)([^/]+?)-[0-9a-f]{8}(?:-[0-9a-f]{8})?\.mp3$")


def enclosure_slug(enclosure: str) -> str | None:
    """'audio/folge-14-1a2b3c4d.mp3' -> 'folge-14' (None for a name not built so).

    Also for a re-tagged file's name, 'audio/folge-14-1a2b3c4d-5e6f7a8b.mp3'.
    """
    found = _ENCLOSURE_NAME.search(enclosure)
    return found.group(1) if found else None


def _number_key(season: int, number: int | None) -> Hashable | None:
    return None if number is None else (season, number)


def _passes(master: MasterHash) -> tuple[tuple[str, Callable, Callable], ...]:
    """(how, catalog key, published key) of matching passes 2.–5.; a None key never matches."""

    def recovered(key: Callable[[PublishedEpisode], Hashable | None]) -> Callable:
        return lambda p: key(p) if p.title is not None else None

    def own(key: Callable[[PublishedEpisode], Hashable | None]) -> Callable:
        return lambda p: key(p) if p.title is None else None

    return (
        ("enclosure", lambda e: e.slug, recovered(lambda p: enclosure_slug(p.enclosure))),
        ("slug", lambda e: e.slug, lambda p: p.slug or None),
        ("audio", master, lambda p: p.master_sha256 or None),
        (
            "number",
            lambda e: _number_key(e.season.number, e.number),
            own(lambda p: _number_key(p.season, p.number)),
        ),
        (
            "title",
            lambda e: (e.season.number, e.number, e.title),
            recovered(lambda p: (p.season, p.number, p.title) if p.number is not None else None),
        ),
    )


def match_episodes(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    master: MasterHash,
    previous: PublishedState,
    problems: Problems,
) -> Matching:
    """Match ``episodes`` to the published ones, in the passes the module docstring lists.

    Explicit guids are unique across the catalog (:func:`podcast.catalog.load_catalog`
    checks it); ``master`` is called only for episodes the audio pass has to compare.
    """
    channel = channel_guid_into(catalog, previous, problems)
    published = previous.episodes
    unclaimed = set(range(len(published)))
    matches: dict[str, tuple[int, str]] = {}
    shadow: dict[str, int] = {}

    # 1. explicit guids
    by_guid = {p.guid: i for i, p in enumerate(published)}
    explicit_owner: dict[str, EpisodeEntry] = {}
    for episode in episodes:
        guid = episode.meta.guid
        if guid is None or guid in explicit_owner:
            continue
        explicit_owner[guid] = episode
        if guid in by_guid:
            matches[episode.slug] = (by_guid[guid], "guid")
            unclaimed.discard(by_guid[guid])

    # 2.–5. enclosure name, slug, audio master, season and number (and title)
    for how, catalog_key, published_key in _passes(master):
        candidates: dict[Hashable, list[int]] = {}
        for index in sorted(unclaimed):
            key = published_key(published[index])
            if key is not None:
                candidates.setdefault(key, []).append(index)
        if not candidates:
            continue  # nothing left to match: no master needs hashing
        waiting = [
            e
            for e in episodes
            if e.slug not in matches
            and e.slug not in shadow
            and (e.meta.guid is None or e.meta.guid not in by_guid)
        ]
        for episode in waiting:
            found = [
                i
                for i in candidates.get(catalog_key(episode), [])
                if i in unclaimed and i not in shadow.values()
            ]
            if len(found) > 1:  # a master shared by several episodes: season and number decide
                number = _number_key(episode.season.number, episode.number)
                found = [
                    i
                    for i in found
                    if _number_key(published[i].season, published[i].number) == number
                ]
            if len(found) == 1 and episode.meta.guid is not None:
                shadow[episode.slug] = found[0]  # a new guid: for a published episode
            elif len(found) == 1:
                matches[episode.slug] = (found[0], how)
                unclaimed.discard(found[0])
    return Matching(channel, matches, frozenset(unclaimed), explicit_owner, shadow)
