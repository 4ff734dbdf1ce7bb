"""The catalog's quotes: selected by filters, listed, and written as Markdown.

A :class:`QuoteRef` is one quote together with the episode it comes from and
its index in ``episode.yaml`` (which names its card and clip, see
:mod:`podcast.paths`).  Card images, slide decks and clips are made from
QuoteRefs in :mod:`podcast.cards` and :mod:`podcast.quotes.clips`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from podcast.catalog.models import Catalog, EpisodeEntry, Person, TimedQuote, format_timestamp
from podcast.labels import Labels
from podcast.paths import card_path, clip_path, episode_page, episode_page_at


@dataclass(frozen=True)
class QuoteRef:
    episode: EpisodeEntry
    index: int
    quote: TimedQuote

    @property
    def speaker(self) -> Person | None:
        return self.episode.speaker(self.quote)

    @property
    def duration(self) -> float:
        return self.quote.end - self.quote.start


@dataclass(frozen=True)
class QuoteFilter:
    """What ``podcast quotes`` selects; every given criterion must match."""

    season: int | None = None
    episode: str | None = None  # an episode number or (part of) its slug
    speaker: str | None = None  # a substring of the speaker's name, any case
    tag: str | None = None  # a tag, any case
    search: str | None = None  # a substring of the quote, any case

    def matches_episode(self, episode: EpisodeEntry) -> bool:
        if self.season is not None and episode.season.number != self.season:
            return False
        if self.episode is None:
            return True
        wanted = self.episode.strip().casefold()
        if wanted.isdigit():
            return episode.number == int(wanted)
        return wanted in episode.slug.casefold()

    def matches(self, ref: QuoteRef) -> bool:
        quote = ref.quote
        if not self.matches_episode(ref.episode):
            return False
        if self.speaker and self.speaker.casefold() not in quote.speaker.casefold():
            return False
        if self.tag and self.tag.casefold() not in (t.casefold() for t in quote.tags):
            return False
        return not (self.search and self.search.casefold() not in quote.text.casefold())


def all_quotes(episodes: Iterable[EpisodeEntry]) -> list[QuoteRef]:
    """Every quote, oldest episode first, in the order of each episode.yaml."""
    ordered = sorted(episodes, key=lambda e: (e.published, e.number or 0, e.slug))
    return [
        QuoteRef(episode, index, quote)
        for episode in ordered
        for index, quote in enumerate(episode.quotes)
    ]


def select_quotes(catalog: Catalog, wanted: QuoteFilter) -> list[QuoteRef]:
    return [ref for ref in all_quotes(catalog.episodes) if wanted.matches(ref)]


def episode_label(episode: EpisodeEntry, labels: Labels) -> str:
    """'Folge 14' (or the title of an episode without a number), in ``labels``' language."""
    return labels.episode(episode.number, episode.title)


def first_words(text: str, limit: int = 60) -> str:
    """The start of ``text``, cut at a word boundary, with … when shortened."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip(" ,.;:–-") + "…"


def quote_time_url(catalog: Catalog, ref: QuoteRef) -> str:
    """The episode page, seeking to the quote: ``…/episodes/slug/#t=MM:SS``."""
    return catalog.show.url(episode_page_at(ref.episode, ref.quote.start))


def quote_record(catalog: Catalog, ref: QuoteRef) -> dict:
    """One quote as plain data, for ``podcast quotes --json``."""
    episode = ref.episode
    return {
        "season": episode.season.number,
        "episode": episode.number,
        "episode_slug": episode.slug,
        "episode_title": episode.title,
        "index": ref.index,
        "speaker": ref.quote.speaker,
        "start": format_timestamp(ref.quote.start),
        "end": format_timestamp(ref.quote.end),
        "start_seconds": ref.quote.start,
        "end_seconds": ref.quote.end,
        "text": ref.quote.text,
        "tags": list(ref.quote.tags),
        "url": quote_time_url(catalog, ref),
        "page": catalog.show.url(episode_page(episode)),
        "card": card_path(episode, ref.index),
        "clip": clip_path(episode, ref.index),
    }


def quotes_markdown(catalog: Catalog, refs: Sequence[QuoteRef]) -> str:
    """The quotes as Markdown: the quote, who said it, and a link into the episode."""
    show = catalog.show.meta.title
    labels = Labels(catalog.show.meta.language)
    lines = [f"# {labels.quotes} – {show}", ""]
    for ref in refs:
        episode = ref.episode
        text = " ".join(ref.quote.text.split())
        speaker = ref.speaker
        who = ref.quote.speaker + (f" ({speaker.role})" if speaker and speaker.role else "")
        when = format_timestamp(ref.quote.start, millis=False)
        lines += [
            f"> {labels.quoted(text)}",
            ">",
            f"> – {who}",
            "",
            f"{episode_label(episode, labels)}: "
            f"[{_link_text(episode.title)} – {labels.from_time.format(time=when)}]"
            f"({quote_time_url(catalog, ref)})",
            "",
        ]
        if ref.quote.tags:
            lines += [f"{labels.tags}: " + ", ".join(ref.quote.tags), ""]
    return "\n".join(lines).rstrip() + "\n"


def _link_text(text: str) -> str:
    """Text safe inside a Markdown link's brackets."""
    return text.replace("\\", "\\\\").replace("[", "\\[").replace("]", "\\]")
