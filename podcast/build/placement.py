"""Media placed into the build: audio, transcripts, chapters, artwork, pictures, reports."""

from __future__ import annotations

import json
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from podcast.audio.encode import EncodedAudio
from podcast.audio.opus import MIME as OPUS_MIME
from podcast.build.identity import Identities
from podcast.cards import DEFAULT_SIZE, CardFrame, episode_layout
from podcast.catalog import Catalog, EpisodeEntry, slugify
from podcast.catalog.media import image_header
from podcast.feed.media import Alternate, SocialImage
from podcast.feed.rss import EpisodeMedia, chapters_json
from podcast.mime import media_type
from podcast.paths import (
    chapters_path,
    episode_artwork_path,
    loudness_plot_path,
    loudness_report_path,
    opus_path,
    person_image_path,
    social_image_path,
    transcript_path,
)
from podcast.quotes.decks import cached_card
from podcast.writer import Writer


def place_media(
    catalog: Catalog,
    episodes: tuple[EpisodeEntry, ...],
    encoded: dict[str, EncodedAudio],
    identities: Identities,
    writer: Writer,
    alternates: Mapping[str, EncodedAudio] | None = None,
) -> dict[str, EpisodeMedia]:
    """Audio, transcript and chapters (next to the audio) and episode artwork into the build.

    ``alternates`` are the audio stage's results (``encoded``): their Opus files, when the
    show makes them, are placed next to the MP3 under a content-addressed name.
    """
    show = catalog.show
    media = {}
    for episode in episodes:
        opus = alternates[episode.slug].opus if alternates else None
        placed: tuple[Alternate, ...] = ()
        if opus is not None:
            opus_rel = opus_path(episode, opus.sha256)
            writer.copy_file(opus_rel, opus.path, "audio")
            kbits = opus.bitrate // 1000
            average = opus.size * 8 / opus.duration if opus.duration > 0 else opus.bitrate
            placed = (
                Alternate(
                    url=show.url(opus_rel),
                    mime=OPUS_MIME,
                    size=opus.size,
                    bitrate=average,
                    title=f"Opus {kbits} kbit/s (speech)",
                    integrity=opus.integrity,
                    codecs="opus",
                ),
            )
        audio = encoded[episode.slug]
        identity = identities[episode.slug]
        relpath = identity.audio_relpath
        writer.copy_file(relpath, audio.path, "audio")
        transcript_url = transcript_type = chapters_url = image_url = None
        if episode.transcript is not None:
            suffix = episode.transcript.suffix.lower()
            transcript_rel = transcript_path(relpath, suffix)
            writer.copy_file(transcript_rel, episode.transcript, "transcript")
            transcript_url, transcript_type = show.url(transcript_rel), media_type(suffix)
        if episode.meta.chapters:
            chapters_rel = chapters_path(relpath)
            writer.write_bytes(chapters_rel, chapters_json(catalog, episode), "chapters")
            chapters_url = show.url(chapters_rel)
        if episode.artwork is not None:
            artwork_rel = episode_artwork_path(episode, episode.artwork.suffix.lower())
            writer.copy_file(artwork_rel, episode.artwork, "artwork")
            image_url = show.url(artwork_rel)
        media[episode.slug] = EpisodeMedia(
            guid=identity.guid,
            relpath=relpath,
            url=show.url(relpath),
            size=audio.size,
            duration=audio.duration,
            transcript_url=transcript_url,
            transcript_type=transcript_type,
            chapters_url=chapters_url,
            image_url=image_url,
            alternates=placed,
        )
    return media


def place_social_images(
    catalog: Catalog,
    episodes: tuple[EpisodeEntry, ...],
    media: Mapping[str, EpisodeMedia],
    writer: Writer,
    cache: Path,
    jobs: int = 1,
) -> dict[str, EpisodeMedia]:
    """Each episode's 16:9 social image into the build: episode.yaml's ``image:``, else one
    drawn in the show's card design (cached like the quote cards, ``jobs`` at a time).
    Returns ``media`` with each episode's :class:`SocialImage`.

    Content-addressed (``episodes/x/social-<hash8>.png``): an app or a post that has the
    image keeps its bytes; a changed title or summary gets a new URL.
    """
    show = catalog.show
    drawn = [e for e in episodes if e.social_image is None]
    frame = CardFrame.for_show(show, DEFAULT_SIZE) if drawn else None
    layouts = {e.slug: episode_layout(frame, e) for e in drawn if frame is not None}
    with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
        cards = pool.map(lambda lay: cached_card(lay, cache, "social"), layouts.values())
        rendered = dict(zip(layouts, cards, strict=True))
    placed = {}
    for episode in episodes:
        given = episode.meta.image
        source = episode.social_image or rendered[episode.slug]
        _, width, height = image_header(source)
        suffix = source.suffix.lower()
        relpath = writer.copy_addressed(social_image_path(episode, suffix), source, "images")
        alt = (given.alt or episode.title) if given else layouts[episode.slug].notes
        image = SocialImage(show.url(relpath), relpath, width, height, media_type(suffix), alt)
        placed[episode.slug] = replace(media[episode.slug], social_image=image)
    return placed


def place_person_images(
    catalog: Catalog, episodes: tuple[EpisodeEntry, ...], writer: Writer
) -> dict[str, str]:
    """Pictures of hosts and guests: name -> URL (image files copied into the build)."""
    show = catalog.show
    urls: dict[str, str] = {}
    people = [(p, show.root) for p in show.hosts]
    people += [(p, e.folder) for e in episodes for p in (*e.guests, *e.hosts)]
    for person, folder in people:
        if not person.image or person.name in urls:
            continue
        if person.image.startswith(("http://", "https://")):
            urls[person.name] = person.image
            continue
        source = folder / person.image
        if not source.is_file():
            source = show.root / person.image  # defined in show.yaml's people:
        relpath = person_image_path(slugify(person.name), source.suffix.lower())
        writer.copy_file(relpath, source, "people")
        urls[person.name] = show.url(relpath)
    return urls


def place_loudness_reports(
    episodes: tuple[EpisodeEntry, ...], encoded: dict[str, EncodedAudio], writer: Writer
) -> None:
    """Each episode's loudness report (JSON) and plot (PNG) into the build.

    Both under content-addressed names (``loudness/<slug>-<hash8>.json``): the pages
    link them by name, so a changed report must not replace the one the published
    pages link before the new pages are up.  The pages find the names with
    ``writer.stored_as(loudness_report_path(episode))``.
    """
    for episode in episodes:
        audio = encoded[episode.slug]
        assert audio.report is not None and audio.plot is not None  # the audio stage makes them
        report = json.dumps(audio.report.to_json(), indent=2, ensure_ascii=False) + "\n"
        writer.write_addressed(loudness_report_path(episode), report.encode("utf-8"), "loudness")
        writer.copy_addressed(loudness_plot_path(episode), audio.plot, "loudness")
