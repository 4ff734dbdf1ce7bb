"""Each published episode's identity, and the published state that keeps it.

A podcast app knows an episode by its GUID and downloads it from its enclosure
URL.  If the GUID changes, apps show the episode again as new; if the audio at a
URL changes, Apple's player resumes a download without ``If-Range`` and splices two
files.  So:

* The **published state** (``podcast-state.json``, :data:`podcast.paths.STATE_PATH`)
  records, for every episode ever published: its GUID, its enclosure relpath, the
  hash of its master and of its encoded audio, its slug, season and number; and the
  channel's ``podcast:guid``.  The build writes it next to the feed; publish uploads
  it before the feed; every build reads it back from the publish target first.
* **Matching** a catalog episode to a published one, in passes over all episodes:
  1. explicit ``guid:`` in episode.yaml equal to a published GUID;
  2. the same slug (so title edits and renumbering keep the GUID);
  3. the same audio master (so a folder rename keeps it); if several published
     episodes share a master, the one with the same season and number;
  4. the same season and number (a folder rename together with new audio).
  Each published episode is matched at most once.  A match keeps the published GUID,
  and the published enclosure relpath while the encoded audio is unchanged; changed
  audio gets a new relpath with the new content hash in its name.
* A **new** episode gets its explicit ``guid:``, or a UUID derived once from the
  channel GUID, its master's hash and its date (neither title nor folder name), which
  the state then keeps for good.
* A build that would change a published GUID fails: a published episode whose slug
  is in the catalog must come out with its published GUID.  Published episodes that
  are not in this build (drafts again, deleted) stay in the state, so they get their
  GUID back when they return.
* GUIDs depend on the masters, never on the encoded audio, so
  :func:`check_identities` finds every conflict before anything is encoded
  (``podcast validate``); it hashes a master only where matching needs it.
  :func:`assign_identities` then gives the same GUIDs and adds the enclosure URLs.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, ValidationError

from podcast.audio.encode import EncodedAudio
from podcast.catalog import EPISODE_FILE, SHOW_FILE, Catalog, EpisodeEntry
from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError
from podcast.feed.ext.podcastindex import podcast_guid
from podcast.paths import STATE_PATH, audio_path
from podcast.problems import PodcastError, Problems
from podcast.writer import file_sha256

STATE_VERSION = 1


class _State(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid")


class PublishedEpisode(_State):
    guid: str
    slug: str
    season: int
    number: int | None = None
    master_sha256: str
    audio_sha256: str
    enclosure: str  # relpath of the audio in the build and the target


class PublishedState(_State):
    """What has been published; read back from the target before every build."""

    version: int = STATE_VERSION
    podcast_guid: str | None = None
    episodes: tuple[PublishedEpisode, ...] = ()

    def to_bytes(self) -> bytes:
        return (json.dumps(self.model_dump(), indent=2, ensure_ascii=False) + "\n").encode()


def read_state(data: bytes | None, where: str = STATE_PATH) -> PublishedState:
    """Parse the published state; None (nothing published yet) is the empty state."""
    if data is None:
        return PublishedState()
    try:
        state = PublishedState.model_validate_json(data)
    except ValidationError as error:
        first = error.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise PodcastError(
            f"{where}: the published state cannot be read ({loc}: {first['msg']}). It records "
            "the GUID and audio URL of every published episode: restore it from the target "
            "or a backup instead of deleting it."
        ) from None
    if state.version > STATE_VERSION:
        raise PodcastError(
            f"{where}: written by a newer version of podcast (state version {state.version}, "
            f"this one reads {STATE_VERSION}); update podcast before building."
        )
    return state


@dataclass(frozen=True)
class EpisodeIdentity:
    guid: str
    audio_relpath: str
    matched_by: str | None = None  # "guid", "slug", "audio", "number"; None when new


@dataclass(frozen=True)
class Identities:
    """The channel GUID, each episode's identity (by slug), and the state to publish."""

    podcast_guid: str
    episodes: Mapping[str, EpisodeIdentity]
    state: PublishedState

    def __getitem__(self, slug: str) -> EpisodeIdentity:
        return self.episodes[slug]


MasterHash = Callable[[EpisodeEntry], str]


def _line(path, loc: tuple[str, ...]) -> int | None:
    try:
        return YamlSource.read(path).line(loc) if loc else None
    except (OSError, YamlSyntaxError):
        return None


def _channel_guid(catalog: Catalog, previous: PublishedState, problems: Problems) -> str:
    show = catalog.show
    explicit, published = show.meta.guid, previous.podcast_guid
    if explicit and published and explicit != published:
        path = show.root / SHOW_FILE
        problems.add(
            path,
            _line(path, ("guid",)),
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
    guid = _channel_guid(catalog, previous, problems)
    problems.raise_if_errors()
    return guid


def _derived_guid(channel: str, episode: EpisodeEntry, master: str, salt: str = "") -> str:
    try:
        namespace = uuid.UUID(channel)
    except ValueError:
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, channel)
    return str(uuid.uuid5(namespace, f"{master}/{episode.published.isoformat()}{salt}"))


@dataclass(frozen=True)
class _Matching:
    """Which published episode each catalog episode is (by slug), and how it was found."""

    channel: str
    matches: Mapping[str, tuple[int, str]]  # slug -> (index in the state, how)
    unclaimed: frozenset[int]  # published episodes no catalog episode is
    explicit_owner: Mapping[str, EpisodeEntry]  # explicit guid: -> its episode


def _match(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    master: MasterHash,
    previous: PublishedState,
    problems: Problems,
) -> _Matching:
    """Match ``episodes`` to the published ones, in the passes the module docstring lists.

    Explicit guids are unique across the catalog (:func:`podcast.catalog.load_catalog`
    checks it); ``master`` is called only for episodes the audio pass has to compare.
    """
    channel = _channel_guid(catalog, previous, problems)
    published = previous.episodes
    unclaimed = set(range(len(published)))
    matches: dict[str, tuple[int, str]] = {}

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

    # 2.–4. slug, audio master, season and number
    def number_key(season: int, number: int | None) -> Hashable | None:
        return None if number is None else (season, number)

    passes: tuple[tuple[str, Callable[[EpisodeEntry], Hashable], Callable], ...] = (
        ("slug", lambda e: e.slug, lambda p: p.slug),
        ("audio", master, lambda p: p.master_sha256),
        (
            "number",
            lambda e: number_key(e.season.number, e.number),
            lambda p: number_key(p.season, p.number),
        ),
    )
    for how, catalog_key, published_key in passes:
        candidates: dict[Hashable, list[int]] = {}
        for index in sorted(unclaimed):
            key = published_key(published[index])
            if key is not None:
                candidates.setdefault(key, []).append(index)
        if not candidates:
            continue  # nothing left to match: no master needs hashing
        waiting = [e for e in episodes if e.meta.guid is None and e.slug not in matches]
        for episode in waiting:
            found = [i for i in candidates.get(catalog_key(episode), []) if i in unclaimed]
            if len(found) > 1:  # a master shared by several episodes: season and number decide
                number = number_key(episode.season.number, episode.number)
                found = [
                    i
                    for i in found
                    if number_key(published[i].season, published[i].number) == number
                ]
            if len(found) == 1:
                matches[episode.slug] = (found[0], how)
                unclaimed.discard(found[0])
    return _Matching(channel, matches, frozenset(unclaimed), explicit_owner)


def _guids(
    episodes: Sequence[EpisodeEntry],
    matching: _Matching,
    published: Sequence[PublishedEpisode],
    master: MasterHash,
) -> dict[str, str]:
    """Every episode's GUID (by slug): the published one if matched, else its own or derived."""
    used = {p.guid for p in published}
    guids: dict[str, str] = {}
    for episode in episodes:
        if episode.slug in matching.matches:
            guid = published[matching.matches[episode.slug][0]].guid
        elif episode.meta.guid is not None:
            guid = episode.meta.guid
        else:
            guid = _derived_guid(matching.channel, episode, master(episode))
            if guid in used:
                guid = _derived_guid(matching.channel, episode, master(episode), "/" + episode.slug)
        used.add(guid)
        guids[episode.slug] = guid
    return guids


def _check_kept(
    episodes: Sequence[EpisodeEntry],
    matching: _Matching,
    guids: Mapping[str, str],
    published: Sequence[PublishedEpisode],
    problems: Problems,
) -> None:
    """The invariant: a published episode still in the catalog keeps its GUID."""
    by_slug = {e.slug: e for e in episodes}
    for index, record in enumerate(published):
        episode = by_slug.get(record.slug)
        if episode is None or guids[episode.slug] == record.guid:
            continue
        path = episode.folder / EPISODE_FILE
        new = guids[episode.slug]
        if episode.meta.guid is not None:
            problems.add(
                path,
                _line(path, ("guid",)),
                "guid",
                f'"{new}" would change the GUID this episode was published with '
                f'("{record.guid}"): podcast apps would list it again as a new episode. '
                f'To keep it, set guid: "{record.guid}" or remove the guid: line; if this '
                "really is a different episode, give it a new slug: as well.",
            )
        else:
            owner = matching.explicit_owner.get(record.guid)
            taken = (
                f"{problems.display(owner.folder / EPISODE_FILE)} claims it with its guid:"
                if owner is not None and index not in matching.unclaimed
                else "it could not be matched"
            )
            problems.add(
                path,
                None,
                "guid",
                f'this episode was published with GUID "{record.guid}", but {taken}; this '
                f'build would give it "{new}". Set guid: "{record.guid}" here (and fix the '
                "other episode's guid:) to keep it.",
            )


def check_identities(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    previous: PublishedState,
    problems: Problems,
) -> None:
    """Add every GUID conflict with the published state to ``problems``, before encoding.

    Masters are hashed only when the audio pass of matching, or a conflict's message,
    needs them; a catalog whose episodes all match by slug hashes none.
    """
    hashes: dict[str, str] = {}

    def master(episode: EpisodeEntry) -> str:
        if episode.slug not in hashes:
            hashes[episode.slug] = file_sha256(episode.audio_path)
        return hashes[episode.slug]

    matching = _match(catalog, episodes, master, previous, problems)
    published = previous.episodes
    in_catalog = {e.slug for e in episodes}
    suspects = [
        index
        for index, record in enumerate(published)
        if record.slug in in_catalog and matching.matches.get(record.slug, (None,))[0] != index
    ]
    if suspects:  # a published slug not matched to its own record: its GUID may change
        guids = _guids(episodes, matching, published, master)
        _check_kept(episodes, matching, guids, published, problems)


def assign_identities(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    encoded: Mapping[str, EncodedAudio],
    previous: PublishedState | None = None,
) -> Identities:
    """Match ``episodes`` to the published state; return identities and the new state."""
    previous = previous or PublishedState()
    problems = Problems(base=catalog.show.root.parent)

    def master(episode: EpisodeEntry) -> str:
        return encoded[episode.slug].master_sha256

    matching = _match(catalog, episodes, master, previous, problems)
    problems.raise_if_errors()
    published = previous.episodes
    guids = _guids(episodes, matching, published, master)
    _check_kept(episodes, matching, guids, published, problems)
    problems.raise_if_errors()

    identities: dict[str, EpisodeIdentity] = {}
    records: list[PublishedEpisode] = []
    for episode in episodes:
        audio = encoded[episode.slug]
        how = None
        relpath = audio_path(episode, audio.sha256)
        if episode.slug in matching.matches:
            index, how = matching.matches[episode.slug]
            if published[index].audio_sha256 == audio.sha256:
                relpath = published[index].enclosure  # unchanged audio keeps its URL
        guid = guids[episode.slug]
        identities[episode.slug] = EpisodeIdentity(guid, relpath, how)
        records.append(
            PublishedEpisode(
                guid=guid,
                slug=episode.slug,
                season=episode.season.number,
                number=episode.number,
                master_sha256=audio.master_sha256,
                audio_sha256=audio.sha256,
                enclosure=relpath,
            )
        )
    retained = tuple(published[i] for i in sorted(matching.unclaimed))
    state = PublishedState(podcast_guid=matching.channel, episodes=(*records, *retained))
    return Identities(matching.channel, identities, state)
