"""The feed stage: RSS 2.0 with the iTunes tags, built with feedgen."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from feedgen.feed import FeedGenerator

from podcast import __version__
from podcast.categories import split_category
from podcast.models import Catalog, EpisodeEntry
from podcast.paths import episode_page


@dataclass(frozen=True)
class EpisodeMedia:
    """An episode as published: its GUID, and where its audio lives and what it is."""

    guid: str
    relpath: str
    url: str
    size: int
    duration: float
    mime: str = "audio/mpeg"


def render_feed(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    media: Mapping[str, EpisodeMedia],
    now: dt.datetime,
) -> bytes:
    """The feed of ``episodes`` (newest first) as UTF-8 XML."""
    show = catalog.show
    meta = show.meta
    fg = FeedGenerator()
    fg.load_extension("podcast")
    fg.title(meta.title)
    fg.link(href=meta.link, rel="alternate")
    fg.link(href=show.feed_url, rel="self", type="application/rss+xml")
    fg.description(meta.description)
    fg.language(meta.language)
    if meta.copyright:
        fg.copyright(meta.copyright)
    fg.generator(f"podcast {__version__}")
    # The newest episode's date, not the clock: an unchanged catalog builds a byte-identical
    # feed, so an unchanged show publishes nothing.
    fg.lastBuildDate(max((e.published for e in episodes), default=now))
    fg.image(url=show.url(show.artwork.name), title=meta.title, link=meta.link)
    fg.podcast.itunes_author(meta.author)
    fg.podcast.itunes_owner(name=meta.owner.name, email=meta.owner.email)
    fg.podcast.itunes_image(show.url(show.artwork.name))
    fg.podcast.itunes_explicit("yes" if meta.explicit else "no")
    fg.podcast.itunes_type(meta.type)
    if meta.subtitle:
        fg.podcast.itunes_subtitle(meta.subtitle)
    fg.podcast.itunes_summary(meta.description)
    categories = []
    for category in meta.categories:
        main, sub = split_category(category)
        categories.append({"cat": main, "sub": sub} if sub else {"cat": main})
    fg.podcast.itunes_category(categories)

    # feedgen prepends entries: add oldest first so the newest comes first.
    for episode in reversed(episodes):
        item = media[episode.slug]
        fe = fg.add_entry()
        fe.guid(item.guid, permalink=False)
        fe.title(episode.title)
        fe.link(href=show.url(episode_page(episode)))
        fe.description(episode.meta.summary)
        fe.published(episode.published)
        fe.enclosure(item.url, str(item.size), item.mime)
        fe.podcast.itunes_duration(round(item.duration))
        if episode.number is not None:
            fe.podcast.itunes_episode(episode.number)
        fe.podcast.itunes_season(episode.season.number)
        fe.podcast.itunes_episode_type(episode.meta.type)
        if episode.explicit is not None:
            fe.podcast.itunes_explicit("yes" if episode.explicit else "no")
        fe.podcast.itunes_summary(episode.meta.summary)
    return fg.rss_str(pretty=True, encoding="UTF-8", xml_declaration=True)
