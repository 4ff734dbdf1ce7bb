"""Where everything lives in the build (and so in the published show): one place for all paths.

Every function returns a path relative to the build root, with ``/``; the URL is
``show.url(relpath)``.  Stages and templates take paths from here, never spell them out.
"""

from __future__ import annotations

from podcast.catalog import slugify
from podcast.models import EpisodeEntry, Person, SeasonEntry

FEED_PATH = "feed.xml"
STATE_PATH = "podcast-state.json"  # the published state: episode -> guid, enclosure, hash
INDEX_PAGE = ""
QUOTES_PAGE = "quotes/"
ASSETS = "assets/"  # the site's own CSS and JS


def episode_page(episode: EpisodeEntry) -> str:
    """The episode's show-notes page (a folder with index.html)."""
    return f"episodes/{episode.slug}/"


def transcript_path(episode: EpisodeEntry) -> str:
    """The published copy of the episode's transcript (keeps its .vtt/.srt extension)."""
    suffix = episode.transcript.suffix.lower() if episode.transcript else ".vtt"
    return f"episodes/{episode.slug}/transcript{suffix}"


def chapters_path(episode: EpisodeEntry) -> str:
    """The episode's chapters as Podcasting 2.0 JSON chapters."""
    return f"episodes/{episode.slug}/chapters.json"


def person_image_path(person: Person, suffix: str) -> str:
    """A host's or guest's picture, copied into the build for the pages."""
    return f"people/{slugify(person.name)}{suffix.lower()}"


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


def episode_page_at(episode: EpisodeEntry, seconds: float) -> str:
    """The episode page, seeking the player to ``seconds``: ``episodes/x/#t=MM:SS``.

    A media-fragment time (``#t=`` with ``MM:SS``, ``HH:MM:SS`` from an hour on);
    the episode page reads it and starts the player there.
    """
    whole = int(seconds)
    hours, rest = divmod(whole, 3600)
    minutes, secs = divmod(rest, 60)
    time = f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes:02d}:{secs:02d}"
    return f"{episode_page(episode)}#t={time}"
