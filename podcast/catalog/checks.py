"""Checks across an entry's values and across files: times, quotes, unique numbers and names."""

from __future__ import annotations

from collections.abc import Sequence

from podcast.catalog.limits import APPLE_DESCRIPTION_MAX, MAX_TEXT
from podcast.catalog.models import EpisodeEntry, EpisodeFile, Quote, SeasonEntry, format_timestamp
from podcast.catalog.names import EPISODE_FILE, SEASON_FILE
from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError, format_loc
from podcast.problems import Problems

SOUNDBITE_MIN, SOUNDBITE_MAX = 15.0, 120.0


def check_description(meta: EpisodeFile, source: YamlSource, problems: Problems) -> None:
    """Show notes longer than Apple Podcasts shows are a warning."""
    length = len(meta.description)
    if APPLE_DESCRIPTION_MAX < length <= MAX_TEXT:  # longer ones are errors (limits.py)
        problems.warn(
            source.path,
            source.line(("description",)),
            "description",
            f"is {length} characters long (Apple Podcasts shows the first "
            f"{APPLE_DESCRIPTION_MAX}; put what matters first, or move the rest to the page)",
        )


def check_times(meta: EpisodeFile, duration: float, source: YamlSource, problems: Problems) -> None:
    """Chapters ascend and start inside the audio; quotes lie inside it."""
    length = format_timestamp(duration)
    previous = -1.0
    for index, chapter in enumerate(meta.chapters):
        loc = ("chapters", index, "start")
        if chapter.start <= previous:
            problems.add(
                source.path,
                source.line(loc),
                format_loc(loc),
                f"{format_timestamp(chapter.start)} is not after the previous chapter's "
                f"start {format_timestamp(previous)} (expected ascending starts)",
            )
        if chapter.start >= duration:
            problems.add(
                source.path,
                source.line(loc),
                format_loc(loc),
                f"{format_timestamp(chapter.start)} is past the end of the audio ({length})",
            )
        previous = chapter.start
    for index, quote in enumerate(meta.quotes):
        check_quote(index, quote, duration, source, problems)


def check_quote(
    index: int, quote: Quote, duration: float, source: YamlSource, problems: Problems
) -> None:
    """A quote ends after it starts, inside the audio, and lasts as long as a soundbite."""
    if quote.start is None or quote.end is None:
        return  # not found in the transcript: resolve_quotes has said why
    length = format_timestamp(duration)
    for key in ("start", "end"):
        value = getattr(quote, key)
        if value > duration:
            loc = ("quotes", index, key)
            problems.add(
                source.path,
                source.line(loc),
                format_loc(loc),
                f"{format_timestamp(value)} is past the end of the audio ({length})",
            )
    loc = ("quotes", index, "end")
    if quote.end <= quote.start:
        problems.add(
            source.path,
            source.line(loc),
            format_loc(loc),
            f"{format_timestamp(quote.end)} is not after start "
            f"{format_timestamp(quote.start)} (expected end > start)",
        )
    elif not SOUNDBITE_MIN <= quote.end - quote.start <= SOUNDBITE_MAX:
        problems.warn(
            source.path,
            source.line(("quotes", index)),
            f"quotes[{index}]",
            f"lasts {quote.end - quote.start:.1f} s (a soundbite should last "
            f"{SOUNDBITE_MIN:.0f}–{SOUNDBITE_MAX:.0f} s)",
        )


def _line(path, loc: tuple[str, ...]) -> int | None:
    try:
        return YamlSource.read(path).line(loc)
    except (OSError, YamlSyntaxError):
        return None


def check_unique(
    seasons: Sequence[SeasonEntry],
    episodes: Sequence[tuple[EpisodeEntry, YamlSource]],
    problems: Problems,
) -> None:
    """Season numbers, episode numbers within a season, slugs and explicit guids are unique."""
    seen_seasons: dict[int, SeasonEntry] = {}
    for season in seasons:
        first = seen_seasons.setdefault(season.number, season)
        if first is not season:
            path = season.folder / SEASON_FILE
            problems.add(
                path,
                _line(path, ("number",)),
                "number",
                f"season {season.number} is already "
                f"{problems.display(first.folder / SEASON_FILE)} "
                "(expected unique numbers)",
            )
    numbers: dict[tuple[int, int], EpisodeEntry] = {}
    slugs: dict[str, EpisodeEntry] = {}
    guids: dict[str, EpisodeEntry] = {}
    for entry, source in episodes:
        if entry.number is not None:
            key = (entry.season.number, entry.number)
            other = numbers.setdefault(key, entry)
            if other is not entry:
                problems.add(
                    source.path,
                    source.line(("number",)),
                    "number",
                    f"episode {entry.number} of season {entry.season.number} is already "
                    f"{problems.display(other.folder / EPISODE_FILE)} "
                    "(expected unique episode numbers in a season)",
                )
        other = slugs.setdefault(entry.slug, entry)
        if other is not entry:
            loc = ("slug",) if entry.meta.slug else ()
            problems.add(
                source.path,
                source.line(loc) if loc else None,
                "slug",
                f'"{entry.slug}" is already the slug of '
                f"{problems.display(other.folder / EPISODE_FILE)} "
                "(expected unique slugs: set slug: or rename the folder)",
            )
        if entry.meta.guid is not None:
            other = guids.setdefault(entry.meta.guid, entry)
            if other is not entry:
                problems.add(
                    source.path,
                    source.line(("guid",)),
                    "guid",
                    f'"{entry.meta.guid}" is already the guid of '
                    f"{problems.display(other.folder / EPISODE_FILE)} "
                    "(expected a GUID of its own for every episode)",
                )
