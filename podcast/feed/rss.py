"""The feed stage: RSS 2.0 with iTunes tags, the Podcast Index namespace and Podlove
Simple Chapters, built with feedgen and the extensions in :mod:`podcast.feed.ext`."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Mapping, Sequence

from feedgen.feed import FeedGenerator

from podcast import __version__
from podcast.catalog.categories import split_category
from podcast.catalog.models import Catalog, EpisodeEntry, Person
from podcast.feed.ext import itunes, podcastindex, psc
from podcast.feed.ext.podcastindex import PersonTag, Soundbite, Transcript
from podcast.feed.ext.psc import SimpleChapter
from podcast.feed.media import EpisodeMedia
from podcast.feed.podcasting20 import alternate_elements, channel_elements, item_elements
from podcast.labels import Labels
from podcast.paths import episode_page
from podcast.templating import environment

SOUNDBITE_TITLE_MAX = 128
CHAPTERS_VERSION = "1.2"


def cut_at_word(text: str, limit: int = SOUNDBITE_TITLE_MAX) -> str:
    """``text`` in at most ``limit`` characters, cut at a word boundary with "…"."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    head = text[: limit - 1]
    if " " in head and not text[limit - 1].isspace():
        head = head.rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.–-") + "…"


def chapters_json(catalog: Catalog, episode: EpisodeEntry) -> bytes:
    """The episode's chapters as a Podcast Index JSON chapters file (version 1.2)."""
    chapters = []
    for chapter in episode.meta.chapters:
        item: dict = {"startTime": round(chapter.start, 3), "title": chapter.title}
        if chapter.url:
            item["url"] = chapter.url
        chapters.append(item)
    document = {
        "version": CHAPTERS_VERSION,
        "title": episode.title,
        "podcastName": catalog.show.meta.title,
        "chapters": chapters,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _person(person: Person, role: str, images: Mapping[str, str]) -> PersonTag:
    return PersonTag(
        name=person.name, role=role, group="cast", img=images.get(person.name), href=person.url
    )


def render_feed(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    media: Mapping[str, EpisodeMedia],
    now: dt.datetime,
    *,
    podcast_guid: str | None = None,
    person_images: Mapping[str, str] | None = None,
) -> bytes:
    """The feed of ``episodes`` (newest first) as UTF-8 XML.

    ``podcast_guid`` is the channel's GUID from the published state (computed
    from the feed URL when not given); ``person_images`` maps a person's name to
    the URL of their picture.
    """
    show = catalog.show
    meta = show.meta
    images = person_images or {}
    artwork_url = show.url(show.artwork.name)
    fg = FeedGenerator()
    itunes.register(fg)
    podcastindex.register(fg)
    psc.register(fg)
    fg.title(meta.title)
    # feedgen writes the last link as RSS <link>: the self link (atom:link) goes first.
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.link(href=meta.link, rel="alternate")
    fg.description(meta.description)
    fg.language(meta.language)
    if meta.copyright:
        fg.copyright(meta.copyright)
    fg.generator(f"podcast {__version__}")
    # The newest episode's date, not the clock: an unchanged show gives byte-identical feeds,
    # so publishing it again uploads nothing (feedgen would default to now).
    fg.lastBuildDate(max((e.published for e in episodes), default=now))
    fg.image(url=artwork_url, title=meta.title, link=meta.link)
    fg.podcast.itunes_author(meta.author)
    fg.podcast.itunes_owner(name=meta.owner.name, email=meta.owner.email)
    fg.podcast.itunes_image(artwork_url)
    fg.podcast.itunes_explicit(meta.explicit)
    fg.podcast.itunes_type(meta.type)
    if meta.subtitle:
        fg.podcast.itunes_subtitle(meta.subtitle)
    fg.podcast.itunes_summary(meta.description)
    if meta.new_feed_url:
        fg.podcast.itunes_new_feed_url(meta.new_feed_url)
    categories = []
    for category in meta.categories:
        main, sub = split_category(category)
        categories.append({"cat": main, "sub": sub} if sub else {"cat": main})
    fg.podcast.itunes_category(categories)
    fg.podcastindex.guid(podcast_guid or podcastindex.podcast_guid(show.feed_url))
    fg.podcastindex.locked(meta.locked, meta.owner.email)
    fg.podcastindex.persons([_person(p, "host", images) for p in show.hosts])
    fg.podcastindex.elements(channel_elements(show, episodes, media))

    notes = environment(catalog).get_template("content_encoded.html")
    labels = Labels(meta.language)
    # feedgen prepends entries: add oldest first so the newest comes first.
    for episode in reversed(episodes):
        item = media[episode.slug]
        page_url = show.url(episode_page(episode))
        fe = fg.add_entry()
        fe.guid(item.guid, permalink=False)
        fe.title(episode.title)
        fe.link(href=page_url)
        fe.description(episode.meta.summary)
        fe.content(notes.render(episode=episode, page_url=page_url, t=labels).strip(), type="CDATA")
        fe.published(episode.published)
        fe.enclosure(show.enclosure_url(item.url), str(item.size), item.mime)
        fe.podcast.itunes_duration(round(item.duration))
        if episode.number is not None:
            fe.podcast.itunes_episode(episode.number)
        fe.podcast.itunes_season(episode.season.number)
        fe.podcast.itunes_episode_type(episode.meta.type)
        fe.podcast.itunes_image(item.image_url or artwork_url)
        explicit = episode.explicit if episode.explicit is not None else meta.explicit
        fe.podcast.itunes_explicit(explicit)
        fe.podcast.itunes_summary(episode.meta.summary)

        pi = fe.podcastindex
        pi.season(episode.season.number, episode.season.meta.title)
        if episode.number is not None:
            pi.episode(episode.number)
        pi.persons(
            [_person(p, "guest", images) for p in episode.guests]
            + [_person(p, "host", images) for p in episode.hosts]
        )
        pi.soundbites(
            Soundbite(q.start, q.end - q.start, cut_at_word(q.text)) for q in episode.quotes
        )
        if item.transcript_url and item.transcript_type:
            rel = "captions" if item.transcript_type == "text/vtt" else None
            pi.transcripts(
                [Transcript(item.transcript_url, item.transcript_type, meta.language, rel)]
            )
        if item.chapters_url:
            pi.chapters(item.chapters_url)
        pi.elements([*item_elements(episode, item), *alternate_elements(show, item)])
        fe.psc.chapters(SimpleChapter(c.start, c.title, href=c.url) for c in episode.meta.chapters)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
