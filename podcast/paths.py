"""Where everything lives in the build (and so in the published show): one place for all paths.

Every function returns a path relative to the build root, with ``/``; the URL is
``show.url(relpath)``.  Stages and templates take paths from here, never spell them out.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the type hints: paths are plain strings
    from podcast.catalog.models import EpisodeEntry, SeasonEntry

FEED_PATH = "feed.xml"
STATE_PATH = "podcast-state.json"  # the published state: episode -> guid, enclosure, hash
INDEX_PAGE = ""
QUOTES_PAGE = "quotes/"
ASSETS = "assets/"  # the site's own CSS and JS
# Kept in the target next to the show by `podcast publish`, never built:
INDEX_PATH = ".podcast-index.json"  # relpath -> sha256 and size of every published file
LOCK_PATH = ".podcast-lock"  # held while a publish runs


def episode_page(episode: EpisodeEntry) -> str:
    """The episode's show-notes page (a folder with index.html)."""
    return slug_page(episode.slug)


def slug_page(slug: str) -> str:
    """The episode page of ``slug``; at a former slug it is a redirect page (see
    :mod:`podcast.build.redirects`)."""
    return f"episodes/{slug}/"


def season_page(season: SeasonEntry) -> str:
    return f"seasons/{season.slug}/"


def page_file(page: str) -> str:
    """The HTML file behind a page path: 'episodes/x/' -> 'episodes/x/index.html'."""
    return page + "index.html"


#: the card shapes the build makes of every quote: name -> size (16:9 is the plain card)
CARD_SHAPES = {"16x9": "1920x1080", "1x1": "1080x1080", "9x16": "1080x1920"}
VIDEO_SHAPES = ("16x9", "9x16")
DECKS = "decks/"  # slide decks (PPTX) for editors
ALL_QUOTES_DECK = DECKS + "quotes.pptx"
ALL_TAKEAWAYS_DECK = DECKS + "takeaways.pptx"


def card_path(
    episode: EpisodeEntry, quote_index: int, extension: str = "png", shape: str = "16x9"
) -> str:
    """The quote card of ``episode.meta.quotes[quote_index]``: 'cards/x-1.png' at 16:9,
    'cards/x-1-1x1.png' and 'cards/x-1-9x16.png' in the other shapes."""
    suffix = "" if shape == "16x9" else f"-{shape}"
    return f"cards/{episode.slug}-{quote_index + 1}{suffix}.{extension}"


def video_path(episode: EpisodeEntry, quote_index: int, shape: str = "16x9") -> str:
    """The quote's video (card, soundbite, captions): 'videos/x-1-16x9.mp4'."""
    return f"videos/{episode.slug}-{quote_index + 1}-{shape}.mp4"


def season_deck_path(season: SeasonEntry) -> str:
    """Every published quote of the season as one slide deck."""
    return f"{DECKS}quotes-{season.slug}.pptx"


def episode_deck_path(episode: EpisodeEntry) -> str:
    """The episode's quotes as one slide deck."""
    return f"{DECKS}quotes-{episode.slug}.pptx"


def takeaways_path(slug: str, extension: str) -> str:
    """The takeaway slide of a season or episode (by its slug), as PPTX or PNG."""
    return f"{DECKS}takeaways-{slug}.{extension}"


def clip_path(episode: EpisodeEntry, quote_index: int) -> str:
    """The soundbite clip of ``episode.meta.quotes[quote_index]``."""
    return f"clips/{episode.slug}-{quote_index + 1}.mp3"


def loudness_report_path(episode: EpisodeEntry) -> str:
    """The episode's loudness report (JSON: input/output loudness, LRA, true peak, gain).

    Written content-addressed (see :func:`content_addressed`):
    ``loudness/<slug>-<hash8>.json``; ``Writer.stored_as`` gives the name.
    """
    return f"loudness/{episode.slug}.json"


def loudness_plot_path(episode: EpisodeEntry) -> str:
    """The episode's short-term loudness plot (PNG), for the show-notes page.

    Written content-addressed, like the report: ``loudness/<slug>-<hash8>.png``.
    """
    return f"loudness/{episode.slug}.png"


def content_addressed(relpath: str, sha256: str) -> str:
    """``relpath`` with its content's hash: 'loudness/x.json' -> 'loudness/x-1a2b3c4d.json'.

    A file the feed or the pages link under such a name is never replaced in place:
    new content gets a new name, so the published (old) pages keep pointing at the
    old bytes until the new pages are up, as with the audio (:func:`audio_path`).
    """
    folder, slash, name = relpath.rpartition("/")
    stem, dot, suffix = name.rpartition(".")
    if not dot:
        stem, suffix = name, ""
    return f"{folder}{slash}{stem}-{sha256[:8]}{dot}{suffix}"


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


def audio_path(episode: EpisodeEntry, audio_sha256: str, tagged_sha256: str = "") -> str:
    """A new enclosure: the content hash in the name, so changed audio gets a new URL.

    Used only when an episode's audio is first published or has changed; after that
    the published state keeps the relpath (see :mod:`podcast.build.identity`).  A tag
    that no longer fits the published file's ID3 region adds the tagged file's hash:
    ``audio/<slug>-<audio hash>-<tagged hash>.mp3`` (the audio's hash stays first, so
    a state recovered from the feed still knows the audio).
    """
    tagged = f"-{tagged_sha256[:8]}" if tagged_sha256 else ""
    return f"audio/{episode.slug}-{audio_sha256[:8]}{tagged}.mp3"


def opus_path(episode: EpisodeEntry, opus_sha256: str) -> str:
    """The episode's Opus alternate, next to its MP3 and named by its content like it:
    ``audio/<slug>-<opus hash8>.opus``, so the bytes under a URL never change."""
    return f"audio/{episode.slug}-{opus_sha256[:8]}.opus"


def transcript_path(audio_relpath: str, suffix: str) -> str:
    """The transcript, published next to the audio: 'audio/x-1a2b.mp3' -> 'audio/x-1a2b.vtt'."""
    return audio_relpath.rsplit(".", 1)[0] + suffix


def chapters_path(audio_relpath: str) -> str:
    """The JSON chapters file next to the audio: 'audio/x-1a2b.chapters.json'."""
    return audio_relpath.rsplit(".", 1)[0] + ".chapters.json"


def episode_artwork_path(episode: EpisodeEntry, suffix: str) -> str:
    return f"{episode_page(episode)}artwork{suffix}"


def social_image_path(episode: EpisodeEntry, suffix: str) -> str:
    """The episode's 16:9 social image (``podcast:image``, the page's ``og:image``), written
    content-addressed: ``episodes/x/social-<hash8>.png``, so its URL names its bytes."""
    return f"{episode_page(episode)}social{suffix}"


def person_image_path(key: str, suffix: str) -> str:
    """A host's or guest's picture; ``key`` is the slug of their name."""
    return f"people/{key}{suffix}"
