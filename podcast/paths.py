"""Where everything lives in the build (and so in the published show): one place for all paths.

Every function returns a path relative to the build root, with ``/``; the URL is
``show.url(relpath)``.  Stages and templates take paths from here, never spell them out.
"""

from __future__ import annotations

from podcast.models import EpisodeEntry, SeasonEntry

FEED_PATH = "feed.xml"
STATE_PATH = "podcast-state.json"  # the published state: episode -> guid, enclosure, hash
INDEX_PAGE = ""
QUOTES_PAGE = "quotes/"
# Kept in the target next to the show by `podcast publish`, never built:
INDEX_PATH = ".podcast-index.json"  # relpath -> sha256 and size of every published file
LOCK_PATH = ".podcast-lock"  # held while a publish runs


def episode_page(episode: EpisodeEntry) -> str:
    """The episode's show-notes page (a folder with index.html)."""
    return f"episodes/{episode.slug}/"


def season_page(season: SeasonEntry) -> str:
    return f"seasons/{season.slug}/"


def page_file(page: str) -> str:
    """The HTML file behind a page path: 'episodes/x/' -> 'episodes/x/index.html'."""
    return page + "index.html"


def card_path(episode: EpisodeEntry, quote_index: int, extension: str = "png") -> str:
    """The quote card of ``episode.meta.quotes[quote_index]``."""
    return f"cards/{episode.slug}-{quote_index + 1}.{extension}"


def clip_path(episode: EpisodeEntry, quote_index: int) -> str:
    """The soundbite clip of ``episode.meta.quotes[quote_index]``."""
    return f"clips/{episode.slug}-{quote_index + 1}.mp3"
