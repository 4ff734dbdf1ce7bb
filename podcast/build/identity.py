"""Each published episode's identity, kept from build to build by the published state.

A podcast app knows an episode by its GUID and downloads it from its enclosure
URL; a listener's link points at its page.  If the GUID changes, apps show the
episode again as new; if the bytes at a URL change, Apple's player resumes a
download without ``If-Range`` and splices two files; a moved page is a 404.  So:

* The **published state** (:mod:`podcast.build.state`) records, for every episode
  ever published: its GUID, its enclosure relpath, length and ID3 region, the hash
  of its master and of its encoded audio, its slug (and former slugs), season and
  number; and the channel's ``podcast:guid``.  The build writes it next to the feed;
  publish uploads it before the feed; every build reads it back from the target
  first.  Lost or unreadable, it is recovered from the published feed
  (:mod:`podcast.build.recovery`), and the build says so.
* **Matching** a catalog episode to a published one, in passes over all episodes:
  1. explicit ``guid:`` in episode.yaml equal to a published GUID;
  2. (recovered state) the enclosure's file name, ``<slug>-<hash>.mp3``;
  3. the same slug, i.e. page link (so title edits and renumbering keep the GUID);
  4. the same audio master (so a folder rename keeps it); if several published
     episodes share a master, the one with the same season and number;
  5. the same season and number (a folder rename together with new audio); in a
     recovered state, season, number and title.
  Each published episode is matched at most once.  A match keeps the published GUID
  and **slug** (the page URL survives a folder rename; ``slug:`` in episode.yaml
  changes it on purpose, and the old slug is kept as a former slug, whose page then
  redirects), and the published enclosure while the encoded audio is unchanged;
  changed audio gets a new relpath with the new content hash in its name.  So does
  a tag that no longer fits the published file's ID3 region (:func:`with_tags`).
* A **new** episode gets its explicit ``guid:``, or a UUID derived once from the
  channel GUID, its master's hash and its date (neither title nor folder name), which
  the state then keeps for good.
* A build that would change a published GUID fails: a published episode whose slug
  is in the catalog must come out with its published GUID.  Published episodes that
  are not in this build (drafts again, deleted) stay in the state, so they get their
  GUID back when they return.  With a **recovered** state, a GUID of the published
  feed that no episode of the build matches (it would be dropped, its episode given
  a new GUID) also fails, unless ``--accept-new-guids``.
* GUIDs depend on the masters, never on the encoded audio, so
  :func:`match_published` finds every conflict before anything is encoded
  (``podcast validate``); it hashes a master only where matching needs it.
  :func:`assign_identities` then gives the same GUIDs and adds the enclosure URLs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace

from podcast.audio.encode import EncodedAudio
from podcast.build.matching import MasterHash, Matching, match_episodes, yaml_line
from podcast.build.state import PublishedEpisode, PublishedState
from podcast.build.state import read_state as read_state
from podcast.catalog import EPISODE_FILE, Catalog, EpisodeEntry
from podcast.paths import audio_path
from podcast.problems import Problems, Severity
from podcast.tags.id3 import TaggedAudio
from podcast.writer import file_sha256

__all__ = [
    "EpisodeIdentity",
    "Identities",
    "PublishedEpisode",
    "PublishedState",
    "Resolution",
    "assign_identities",
    "check_identities",
    "match_published",
    "published_slugs",
    "read_state",
    "with_tags",
]


@dataclass(frozen=True)
class EpisodeIdentity:
    guid: str
    audio_relpath: str
    matched_by: str | None = None  # "guid", "enclosure", "slug", "audio", "number", "title"
    kept: bool = False  # audio_relpath is the published file: its bytes must not move
    tag_region: int | None = None  # the published file's ID3 region, when recorded
    published_size: int | None = None  # the published file's length, when known


@dataclass(frozen=True)
class Identities:
    """The channel GUID, each episode's identity (by slug), and the state to publish."""

    podcast_guid: str
    episodes: Mapping[str, EpisodeIdentity]
    state: PublishedState

    def __getitem__(self, slug: str) -> EpisodeIdentity:
        return self.episodes[slug]

    def redirects(self) -> dict[str, str]:
        """Former slug -> the slug of the page it now redirects to (episodes of this build)."""
        current = set(self.episodes)
        return {
            old: record.slug
            for record in self.state.episodes
            if record.slug in current
            for old in record.former_slugs
            if old not in current
        }


def _derived_guid(channel: str, episode: EpisodeEntry, master: str, salt: str = "") -> str:
    try:
        namespace = uuid.UUID(channel)
    except ValueError:
        namespace = uuid.uuid5(uuid.NAMESPACE_URL, channel)
    return str(uuid.uuid5(namespace, f"{master}/{episode.published.isoformat()}{salt}"))


def _guids(
    episodes: Sequence[EpisodeEntry],
    matching: Matching,
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
    matching: Matching,
    guids: Mapping[str, str],
    published: Sequence[PublishedEpisode],
    problems: Problems,
) -> None:
    """The invariant: a published episode still in the catalog keeps its GUID."""
    by_slug = {e.slug: e for e in episodes}
    shadow_of = {i: by_slug[slug] for slug, i in matching.shadow.items() if slug in by_slug}
    for index, record in enumerate(published):
        episode = by_slug.get(record.slug) or shadow_of.get(index)
        if episode is None or guids[episode.slug] == record.guid:
            continue
        path = episode.folder / EPISODE_FILE
        new = guids[episode.slug]
        if episode.meta.guid is not None:
            problems.add(
                path,
                yaml_line(path, ("guid",)),
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


def _published_slugs(
    episodes: Sequence[EpisodeEntry],
    matching: Matching,
    published: Sequence[PublishedEpisode],
    problems: Problems,
) -> dict[str, str]:
    """Catalog slug -> the slug each episode is published under.

    A matched episode keeps its published slug (its page URL) after a folder rename;
    an explicit ``slug:`` in episode.yaml changes it on purpose.
    """
    slugs: dict[str, str] = {}
    for episode in episodes:
        slug = episode.slug
        if episode.slug in matching.matches and episode.meta.slug is None:
            slug = published[matching.matches[episode.slug][0]].slug or slug
        slugs[episode.slug] = slug
    owners: dict[str, EpisodeEntry] = {}
    for episode in episodes:
        final = slugs[episode.slug]
        other = owners.setdefault(final, episode)
        if other is episode:
            continue
        keeper, clash = (episode, other) if final != episode.slug else (other, episode)
        problems.add(
            clash.folder / EPISODE_FILE,
            None,
            "slug",
            f'"{final}" is the published slug of {problems.display(keeper.folder)}, whose '
            f"page (episodes/{final}/) stays where it was published after its folder was "
            "renamed; give this episode another folder name or a slug: of its own.",
        )
    return slugs


def _check_recovered(
    episodes: Sequence[EpisodeEntry],
    matching: Matching,
    previous: PublishedState,
    problems: Problems,
    accept_new_guids: bool,
) -> None:
    """With a state recovered from the feed, every GUID of the feed must be kept."""
    where = previous.recovered_from or "feed.xml"
    published = previous.episodes
    new = [e for e in episodes if e.slug not in matching.matches]
    severity = Severity.WARNING if accept_new_guids else Severity.ERROR
    unmatched = (
        " Episodes of this build that match nothing in the feed (they would get new "
        f"GUIDs): {', '.join(problems.display(e.folder) for e in new)}."
        if new
        else ""
    )
    for index in sorted(matching.unclaimed):
        record = published[index]
        proceed = (
            "that was accepted with --accept-new-guids"
            if accept_new_guids
            else "run again with --accept-new-guids (only after reading this)"
        )
        problems.add(
            where,
            None,
            "guid",
            f'the published episode "{record.title}" (GUID "{record.guid}") matches no '
            "episode of this build by guid, enclosure file name, page link, or season, "
            "number and title: this publish would drop that GUID from the feed, and podcast "
            "apps would list the episode as new if it came back under another GUID. If it "
            f'is one of this build\'s episodes, set guid: "{record.guid}" in its '
            f"episode.yaml; if the episode is gone for good, {proceed}.{unmatched}",
            severity,
        )
    for episode in new:
        problems.warn(
            episode.folder / EPISODE_FILE,
            None,
            "guid",
            f"not in the published feed ({where}): it is published with a new GUID",
        )


@dataclass(frozen=True)
class Resolution:
    """Who each episode of this build is, decided from the masters before encoding."""

    previous: PublishedState
    matching: Matching  # keyed by the slugs the episodes are published under
    slugs: Mapping[str, str]  # catalog slug -> the slug the episode is published under


def match_published(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    previous: PublishedState,
    problems: Problems,
    accept_new_guids: bool = False,
) -> Resolution:
    """Match ``episodes`` to the published state; every conflict goes to ``problems``.

    Masters are hashed only when the audio pass of matching, or a conflict's message,
    needs them; a catalog whose episodes all match by slug hashes none.
    """
    hashes: dict[str, str] = {}

    def master(episode: EpisodeEntry) -> str:
        if episode.slug not in hashes:
            hashes[episode.slug] = file_sha256(episode.audio_path)
        return hashes[episode.slug]

    matching = match_episodes(catalog, episodes, master, previous, problems)
    published = previous.episodes
    in_catalog = {e.slug for e in episodes}
    suspects = [
        index
        for index, record in enumerate(published)
        if record.slug in in_catalog and matching.matches.get(record.slug, (None,))[0] != index
    ]
    # a published slug not matched to its own record, or a new guid: for a published
    # episode: its GUID may change
    if suspects or matching.shadow:
        guids = _guids(episodes, matching, published, master)
        _check_kept(episodes, matching, guids, published, problems)
    slugs = _published_slugs(episodes, matching, published, problems)
    if previous.recovered_from is not None:
        _check_recovered(episodes, matching, previous, problems, accept_new_guids)
    final = replace(matching, matches={slugs[s]: m for s, m in matching.matches.items()})
    return Resolution(previous, final, slugs)


def check_identities(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    previous: PublishedState,
    problems: Problems,
    accept_new_guids: bool = False,
) -> None:
    """Add every GUID conflict with the published state to ``problems``, before encoding."""
    match_published(catalog, episodes, previous, problems, accept_new_guids)


def published_slugs(catalog: Catalog, resolution: Resolution) -> Catalog:
    """The catalog with each matched episode under the slug it was published with."""
    if all(catalog_slug == slug for catalog_slug, slug in resolution.slugs.items()):
        return catalog
    episodes = tuple(
        e.model_copy(update={"slug": resolution.slugs[e.slug]}) if e.slug in resolution.slugs else e
        for e in catalog.episodes
    )
    return catalog.model_copy(update={"episodes": episodes})


def assign_identities(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    encoded: Mapping[str, EncodedAudio],
    resolution: Resolution,
) -> Identities:
    """Identities and the new state of ``episodes`` (under their published slugs).

    Unchanged audio keeps the published enclosure (``kept``, with the published
    file's region and length for the tags stage); :func:`with_tags` completes it.
    """
    problems = Problems(base=catalog.show.root.parent)
    previous, matching = resolution.previous, resolution.matching

    def master(episode: EpisodeEntry) -> str:
        return encoded[episode.slug].master_sha256

    published = previous.episodes
    guids = _guids(episodes, matching, published, master)
    _check_kept(episodes, matching, guids, published, problems)
    problems.raise_if_errors()

    identities: dict[str, EpisodeIdentity] = {}
    records: list[PublishedEpisode] = []
    for episode in episodes:
        slug, audio = episode.slug, encoded[episode.slug]
        identity = EpisodeIdentity(guids[slug], audio_path(episode, audio.sha256))
        formers: tuple[str, ...] = ()
        if slug in matching.matches:
            index, how = matching.matches[slug]
            record = published[index]
            identity = replace(identity, matched_by=how)
            if record.same_audio(audio.sha256):  # unchanged audio keeps its URL and bytes
                identity = replace(
                    identity,
                    audio_relpath=record.enclosure,
                    kept=True,
                    tag_region=record.tag_region,
                    published_size=record.size,
                )
            moved = (record.slug,) if record.slug and record.slug != slug else ()
            formers = tuple(dict.fromkeys(s for s in (*record.former_slugs, *moved) if s != slug))
        identities[slug] = identity
        records.append(
            PublishedEpisode(
                guid=identity.guid,
                slug=slug,
                season=episode.season.number,
                number=episode.number,
                master_sha256=audio.master_sha256,
                audio_sha256=audio.sha256,
                enclosure=identity.audio_relpath,
                size=identity.published_size,
                tag_region=identity.tag_region,
                former_slugs=formers,
            )
        )
    retained = tuple(published[i] for i in sorted(matching.unclaimed))
    state = PublishedState(podcast_guid=matching.channel, episodes=(*records, *retained))
    return Identities(matching.channel, identities, state)


def with_tags(
    identities: Identities, episodes: Sequence[EpisodeEntry], tagged: Mapping[str, TaggedAudio]
) -> Identities:
    """The identities once tagged: each file's length and ID3 region into the state.

    A tag that did not fit the published file (``refitted``) gets a new file name, with
    the tagged file's hash, so that the bytes at the published URL never change.
    """
    records = {r.slug: r for r in identities.state.episodes[: len(episodes)]}
    updated: dict[str, EpisodeIdentity] = {}
    for episode in episodes:
        slug, file = episode.slug, tagged[episode.slug]
        identity = identities[slug]
        relpath = identity.audio_relpath
        if file.refitted:
            relpath = audio_path(episode, records[slug].audio_sha256, file.audio.sha256)
        updated[slug] = replace(
            identity,
            audio_relpath=relpath,
            kept=identity.kept and not file.refitted,
            tag_region=file.region,
            published_size=file.audio.size,
        )
        records[slug] = records[slug].model_copy(
            update={"enclosure": relpath, "size": file.audio.size, "tag_region": file.region}
        )
    retained = identities.state.episodes[len(episodes) :]
    state = identities.state.model_copy(update={"episodes": (*records.values(), *retained)})
    return replace(identities, episodes=updated, state=state)
