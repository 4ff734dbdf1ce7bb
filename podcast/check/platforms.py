"""Apple's, Spotify's and YouTube's feed rules, checked on the feed as published."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from podcast.check.feed import Feed
from podcast.check.report import Level, RuleResult

APPLE, SPOTIFY, YOUTUBE = "Apple Podcasts", "Spotify", "YouTube"
ALL = (APPLE, SPOTIFY, YOUTUBE)
ARTWORK_MIN, ARTWORK_MAX = 1400, 3000
EXPLICIT_VALUES = {"true", "false", "yes", "no", "clean", "explicit"}
#: an episode number written into the title ("Folge 14: …", "#14 …", "Ep. 3 – …")
NUMBERED_TITLE = re.compile(r"(?i)(?:^|[\s(\[])(?:#|ep\.?\s*|episode\s+|folge\s+|épisode\s+)\d+\b")


@dataclass(frozen=True)
class Artwork:
    """The show's artwork as downloaded: what Pillow read, or why it could not."""

    format: str | None = None
    width: int = 0
    height: int = 0
    mode: str | None = None
    error: str | None = None


def _owner_email(feed: Feed, artwork: Artwork) -> str | None:
    return None if feed.owner_email else "no <itunes:owner><itunes:email>"


def _artwork(feed: Feed, artwork: Artwork) -> str | None:
    if not feed.artwork:
        return "no <itunes:image href>"
    if artwork.error:
        return f"artwork {artwork.error}"
    problems = []
    if artwork.format not in ("JPEG", "PNG"):
        problems.append(f"{artwork.format}, expected JPEG or PNG")
    if artwork.width != artwork.height:
        problems.append(f"{artwork.width}×{artwork.height} is not square")
    if not ARTWORK_MIN <= artwork.width <= ARTWORK_MAX:
        problems.append(f"{artwork.width} px wide, expected {ARTWORK_MIN}–{ARTWORK_MAX}")
    if artwork.mode != "RGB":
        problems.append(f"colour mode {artwork.mode}, expected RGB")
    return "; ".join(problems) or None


def _square(feed: Feed, artwork: Artwork) -> str | None:
    if not feed.artwork:
        return "no <itunes:image href>"
    if artwork.error:
        return f"artwork {artwork.error}"
    if artwork.format not in ("JPEG", "PNG") or artwork.width != artwork.height:
        return f"{artwork.format} {artwork.width}×{artwork.height}, expected a square JPEG or PNG"
    return None


def _explicit(feed: Feed, artwork: Artwork) -> str | None:
    if feed.explicit is None:
        return "no <itunes:explicit> on the show"
    if feed.explicit.lower() not in EXPLICIT_VALUES:
        return f'<itunes:explicit> is "{feed.explicit}", expected true or false'
    return None


def _categories(feed: Feed, artwork: Artwork) -> str | None:
    return None if feed.categories else "no <itunes:category>"


def _enclosures(feed: Feed, artwork: Artwork) -> str | None:
    missing = [episode.title for episode in feed.episodes if episode.enclosure is None]
    if missing:
        return f"no enclosure: {', '.join(missing)}"
    urls = Counter(e.enclosure.url for e in feed.episodes if e.enclosure is not None)
    twice = [url for url, count in urls.items() if count > 1]
    return f"the same enclosure URL in several episodes: {', '.join(twice)}" if twice else None


def _guids(feed: Feed, artwork: Artwork) -> str | None:
    missing = [episode.title for episode in feed.episodes if not episode.guid]
    if missing:
        return f"no <guid>: {', '.join(missing)}"
    guids = Counter(episode.guid for episode in feed.episodes)
    twice = [str(guid) for guid, count in guids.items() if count > 1]
    return f"the same GUID in several episodes: {', '.join(twice)}" if twice else None


def _pub_dates(feed: Feed, artwork: Artwork) -> str | None:
    missing = [episode.title for episode in feed.episodes if not episode.pub_date]
    return f"no <pubDate>: {', '.join(missing)}" if missing else None


def _author(feed: Feed, artwork: Artwork) -> str | None:
    return None if feed.author else "no <itunes:author>"


def _basics(feed: Feed, artwork: Artwork) -> str | None:
    missing = [
        name
        for name, value in (
            ("title", feed.title),
            ("description", feed.description),
            ("language", feed.language),
        )
        if not value
    ]
    return f"no {', '.join(missing)}" if missing else None


def _numbered_titles(feed: Feed, artwork: Artwork) -> str | None:
    numbered = [e.title for e in feed.episodes if NUMBERED_TITLE.search(e.title)]
    if numbered:
        return "episode numbers in titles (Apple asks for <itunes:episode> instead): " + ", ".join(
            numbered
        )
    return None


Rule = Callable[[Feed, Artwork], "str | None"]
#: (platforms, what is checked, how bad a failure is, the check)
RULES: tuple[tuple[tuple[str, ...], str, Level, Rule], ...] = (
    ((SPOTIFY, YOUTUBE), "owner e-mail", Level.ERROR, _owner_email),
    ((APPLE,), "owner e-mail", Level.WARNING, _owner_email),
    ((APPLE,), "artwork 1400–3000 px, square, RGB", Level.ERROR, _artwork),
    ((SPOTIFY, YOUTUBE), "square artwork", Level.ERROR, _square),
    ((APPLE,), "explicit", Level.ERROR, _explicit),
    ((APPLE,), "category", Level.ERROR, _categories),
    (ALL, "one distinct enclosure per episode", Level.ERROR, _enclosures),
    (ALL, "distinct GUIDs", Level.ERROR, _guids),
    ((SPOTIFY, YOUTUBE), "pubDate on every episode", Level.ERROR, _pub_dates),
    ((SPOTIFY, YOUTUBE), "author", Level.ERROR, _author),
    ((APPLE,), "author", Level.WARNING, _author),
    (ALL, "title, description, language", Level.ERROR, _basics),
    ((APPLE,), "titles without episode numbers", Level.WARNING, _numbered_titles),
)


def check_rules(feed: Feed, artwork: Artwork) -> list[RuleResult]:
    results = []
    for platforms, name, level, rule in RULES:
        problem = rule(feed, artwork)
        results.append(RuleResult(platforms, name, level if problem else Level.OK, problem or ""))
    return results
