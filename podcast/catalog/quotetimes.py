"""Quotes and the transcript: times found where episode.yaml leaves them out, words checked
where it gives them.

The loader calls :func:`resolve_quotes` for every episode: a quote without
``start``/``end`` is looked up in the transcript (:mod:`.align`) and gets the
found passage's times, padded by ``show.yaml``'s ``quotes: margin`` and kept
inside the audio; a quote with times is compared with what the transcript says
there.  No match, an ambiguous match or a missing transcript are errors; words
that differ are warnings (errors with ``--strict``).  ``podcast quotes locate``
prints what :func:`locate_quote` finds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from podcast.catalog.align import Alignment, Match, SpokenWord, align, densest, spoken_words
from podcast.catalog.models import (
    EpisodeFile,
    Quote,
    QuoteSettings,
    TimedQuote,
    format_timestamp,
)
from podcast.catalog.transcript import TranscriptError, parse_transcript
from podcast.catalog.words import quote_words
from podcast.catalog.yamlsource import YamlSource
from podcast.problems import Problems

CHECK_SLACK = 1.0  # seconds around a quote's times searched for its words
SHOWN_WORDS = 40  # at most this many transcript words in a message


@dataclass(frozen=True)
class Passage:
    """Where a quote was found: the times to use and what the transcript says there."""

    start: float
    end: float
    match: Match
    text: str

    @property
    def span(self) -> str:
        return f"{format_timestamp(self.start)}–{format_timestamp(self.end)}"


@dataclass(frozen=True)
class Located:
    """The outcome of looking a quote up: a passage, or why not."""

    passage: Passage | None
    rival: Passage | None  # as good a passage elsewhere: the quote is ambiguous
    best: Passage | None  # the best candidate, also when it matches too little

    @property
    def found(self) -> bool:
        return self.passage is not None


class TranscriptWords:
    """An episode's transcript as words with times, read once per episode."""

    def __init__(self, path: Path, language: str):
        self.path = path
        self.language = language
        self.words: list[SpokenWord] = spoken_words(parse_transcript(path), language)
        self.texts = [w.text for w in self.words]

    def passage(self, match: Match, margin: float, duration: float | None) -> Passage:
        words = self.words[match.first : match.last + 1]
        start = max(0.0, words[0].start - margin)
        end = words[-1].end + margin
        if duration is not None:
            end = min(end, duration)
        return Passage(round(start, 3), round(end, 3), match, shown(words))

    def between(self, start: float, end: float) -> tuple[int, int]:
        """Indexes of the words spoken (by their middle) between ``start`` and ``end``."""
        inside = [i for i, w in enumerate(self.words) if start <= (w.start + w.end) / 2 <= end]
        return (inside[0], inside[-1] + 1) if inside else (0, 0)


def shown(words: Sequence[SpokenWord]) -> str:
    """The transcript's own words, once each (a word folded into two tokens is one word)."""
    texts: list[str] = []
    previous: SpokenWord | None = None
    for word in words:
        if previous is None or word.shown != previous.shown or word.start != previous.start:
            texts.append(word.shown)
        previous = word
    if len(texts) > SHOWN_WORDS:
        texts = [*texts[: SHOWN_WORDS // 2], "…", *texts[-SHOWN_WORDS // 2 :]]
    return " ".join(texts)


def locate_quote(
    text: str, transcript: TranscriptWords, settings: QuoteSettings, duration: float | None
) -> Located:
    """Find ``text`` in the transcript: the best passage if it matches well enough and
    no other passage matches as well."""
    words = quote_words(text, transcript.language)
    result: Alignment = align(words, transcript.texts)
    if result.best is None:
        return Located(None, None, None)
    best = transcript.passage(result.best, settings.margin, duration)
    if result.best.quality < settings.min_match:
        nearest = densest(words, transcript.texts)
        if nearest is not None and nearest.quality > result.best.quality:
            best = transcript.passage(nearest, settings.margin, duration)
        return Located(None, None, best)
    if result.rival is not None:
        rival = transcript.passage(result.rival, settings.margin, duration)
        return Located(None, rival, best)
    return Located(best, None, best)


def words_differ(quote: Quote, transcript: TranscriptWords) -> tuple[bool, str]:
    """Does the transcript at the quote's times say something else? And what it says there."""
    assert quote.start is not None and quote.end is not None
    first, stop = transcript.between(quote.start - CHECK_SLACK, quote.end + CHECK_SLACK)
    words = transcript.words[first:stop]
    result = align(quote_words(quote.text, transcript.language), [w.text for w in words])
    first, stop = transcript.between(quote.start, quote.end)
    said = shown(transcript.words[first:stop])
    return result.best is None or result.best.errors > 0, said


def _quote_line(source: YamlSource, index: int, key: str) -> int | None:
    return source.line(("quotes", index, key)) or source.line(("quotes", index))


def resolve_quotes(
    meta: EpisodeFile,
    transcript_path: Path | None,
    duration: float | None,
    settings: QuoteSettings,
    language: str,
    source: YamlSource,
    problems: Problems,
) -> EpisodeFile:
    """``meta`` with every quote timed: times found for quotes without them, and the words
    of every quote checked against the transcript. Problems go to ``problems``; a quote
    whose times cannot be found stays untimed (the error stops the catalog)."""
    if not meta.quotes:
        return meta
    transcript = None
    if transcript_path is not None:
        try:
            transcript = TranscriptWords(transcript_path, language)
        except (TranscriptError, UnicodeDecodeError, OSError):
            transcript = None  # the transcript check has reported it
    name = transcript_path.name if transcript_path is not None else "the transcript"
    quotes: list[Quote] = []
    for index, quote in enumerate(meta.quotes):
        field = f"quotes[{index}]"
        if quote.start is not None and quote.end is not None:
            timed = TimedQuote.model_validate(quote.model_dump())
            if transcript is not None:
                differ, said = words_differ(timed, transcript)
                if differ:
                    span = f"{format_timestamp(timed.start)}–{format_timestamp(timed.end)}"
                    elsewhere = locate_quote(quote.text, transcript, settings, duration).passage
                    hint = (
                        f"; its words are at {elsewhere.span}"
                        if elsewhere is not None and not elsewhere.match.errors
                        else ""
                    )
                    problems.warn(
                        source.path,
                        _quote_line(source, index, "text"),
                        f"{field}.text",
                        f"{name} says something else at {span}: "
                        f'"{said or "(no words)"}" (expected the quote\'s words; '
                        f"fix the text or the times{hint})",
                    )
            quotes.append(timed)
            continue
        missing = "start" if quote.start is None else "end"
        if transcript is None:
            problems.add(
                source.path,
                _quote_line(source, index, "text"),
                f"{field}.{missing}",
                "required key is missing (the episode has no transcript to find the quote's "
                "times in: add start: and end:, or a transcript.vtt, .srt or .json)",
            )
            quotes.append(quote)
            continue
        located = locate_quote(quote.text, transcript, settings, duration)
        if located.passage is None:
            problems.add(
                source.path,
                _quote_line(source, index, "text"),
                f"{field}.text",
                _not_found(located, name, settings),
            )
            quotes.append(quote)
            continue
        passage = located.passage
        start = quote.start if quote.start is not None else passage.start
        end = quote.end if quote.end is not None else passage.end
        if passage.match.errors:
            problems.warn(
                source.path,
                _quote_line(source, index, "text"),
                f"{field}.text",
                f"{name} says it a little differently at {passage.span}: "
                f'"{passage.text}" (the times were found; check the quote\'s words)',
            )
        quotes.append(TimedQuote.model_validate({**quote.model_dump(), "start": start, "end": end}))
    return meta.model_copy(update={"quotes": tuple(quotes)})


def _not_found(located: Located, name: str, settings: QuoteSettings) -> str:
    best = located.best
    if best is None:
        return f"cannot be found in {name}: it has no words (add start: and end:)"
    if located.rival is not None:
        return (
            f"matches two passages of {name} equally well: {best.span} "
            f'"{best.text}" and {located.rival.span} "{located.rival.text}" '
            "(add start: and end: to say which)"
        )
    return (
        f"cannot be found in {name}: the best passage, {best.span} "
        f'"{best.text}", matches {max(best.match.quality, 0.0):.0%} of the quote\'s words '
        f"(expected at least {settings.min_match:.0%}; fix the words, or add start: and end:)"
    )
