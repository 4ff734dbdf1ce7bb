"""Each published episode's identity: its GUID and where its audio is published.

A published episode's GUID never changes; this stage decides both values once
the audio is encoded, so the tags, the feed and the pages all use the same ones.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from podcast.audio import EncodedAudio
from podcast.models import Catalog, EpisodeEntry
from podcast.paths import episode_page


@dataclass(frozen=True)
class EpisodeIdentity:
    guid: str
    audio_relpath: str


def assign_identities(
    catalog: Catalog, episodes: Sequence[EpisodeEntry], encoded: Mapping[str, EncodedAudio]
) -> dict[str, EpisodeIdentity]:
    """slug -> identity, for every episode to be published."""
    show = catalog.show
    return {
        episode.slug: EpisodeIdentity(
            guid=episode.meta.guid
            or str(uuid.uuid5(uuid.NAMESPACE_URL, show.url(episode_page(episode)))),
            audio_relpath=f"audio/{episode.slug}.mp3",
        )
        for episode in episodes
    }
