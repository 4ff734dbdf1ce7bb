"""Finding a quote in a transcript: its words aligned against the spoken words.

:func:`spoken_words` turns cues into words with times (a cue's time spread over
its words by characters; a word hyphenated across two cues joined).
:func:`align` finds the passage that matches the quote best: a semi-global
alignment (all of the quote, any stretch of the transcript) with numpy rows.
Words match when their folded forms are equal, or similar enough (a typo);
transcript words may be left out at the quote's elisions almost for free,
bracketed words may be missing, everything else costs.  A second passage
elsewhere that scores as well makes the quote ambiguous.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from podcast.catalog.transcript import Cue
from podcast.catalog.words import QuoteWord, fold, without_elisions

if TYPE_CHECKING:
    import numpy as np

SIMILAR = 0.8  # two words with a difflib ratio this high are the same word misspelt
SPOKEN_INSERTION = 0.001  # a bracketed word that is spoken: part of the passage, barely scored
ELIDED_WORD = 0.02  # the cost of a transcript word left out at an elision
_NEVER = -1e9
_WORD = re.compile(r"\S+")


@dataclass(frozen=True)
class SpokenWord:
    text: str  # folded, as compared
    shown: str  # as the transcript writes it
    start: float
    end: float


def spoken_words(cues: Sequence[Cue], language: str) -> list[SpokenWord]:
    """Every word of the transcript with its time, cue times interpolated by characters."""
    raw: list[tuple[str, float, float]] = []
    joins: set[int] = set()  # indexes of raw words hyphenated into the next cue
    for cue in cues:
        text = without_elisions(cue.text.replace("\n", " "))
        length = len(text.rstrip()) or 1
        span = cue.end - cue.start
        matches = list(_WORD.finditer(text))
        if (
            raw
            and matches
            and raw[-1][0].endswith("-")
            and matches[0].group()[:1].islower()
            and len(raw[-1][0]) > 1
        ):
            joins.add(len(raw) - 1)
        for match in matches:
            start = cue.start + span * match.start() / length
            end = cue.start + span * match.end() / length
            raw.append((match.group(), start, end))
    words: list[SpokenWord] = []
    index = 0
    while index < len(raw):
        shown, start, end = raw[index]
        if index in joins:
            following, _, end = raw[index + 1]
            shown = shown[:-1] + following
            index += 1
        for token in fold(shown, language):
            words.append(SpokenWord(token, shown, start, end))
        index += 1
    return words


@dataclass(frozen=True)
class Match:
    """A passage of the transcript, ``words[first : last + 1]``."""

    first: int
    last: int
    score: float
    quality: float  # score per required word of the quote: 1.0 is every word found
    errors: int  # words changed, missing or added (0: the passage says the quote)


@dataclass(frozen=True)
class Alignment:
    best: Match | None
    rival: Match | None  # a passage elsewhere that scores as well as ``best``


def _similarities(quote: Sequence[QuoteWord], words: Sequence[str], fuzzy: bool) -> np.ndarray:
    """(len(quote), len(words)): 1.0 for equal words, a ratio ≥ SIMILAR for similar ones."""
    import numpy as np  # only when a quote is aligned: not for every command

    vocabulary: dict[str, int] = {}
    ids = np.fromiter((vocabulary.setdefault(w, len(vocabulary)) for w in words), dtype=np.int64)
    types = list(vocabulary)
    rows = np.zeros((len(quote), len(words)))
    cache: dict[str, np.ndarray] = {}
    for k, word in enumerate(quote):
        if word.text not in cache:
            per_type = np.zeros(len(types))
            for t, other in enumerate(types):
                if other == word.text:
                    per_type[t] = 1.0
                elif (
                    fuzzy
                    and other[:1] == word.text[:1]
                    and 0.7 <= len(other) / len(word.text) <= 1.4
                ):
                    ratio = difflib.SequenceMatcher(None, word.text, other).ratio()
                    if ratio >= SIMILAR:
                        per_type[t] = ratio
            cache[word.text] = per_type
        rows[k] = cache[word.text][ids] if len(words) else rows[k]
    return rows


def align(quote: Sequence[QuoteWord], words: Sequence[str], fuzzy: bool = True) -> Alignment:
    """The best passage of ``words`` for ``quote``, and a rival as good elsewhere, if any."""
    import numpy as np  # only when a quote is aligned: not for every command

    n = len(words)
    required = sum(not w.optional for w in quote) or len(quote)
    if n == 0 or not quote:
        return Alignment(None, None)
    sims = _similarities(quote, words, fuzzy)
    cols = np.arange(n + 1)
    score: np.ndarray = np.zeros(n + 1)
    first: np.ndarray = np.full(n + 1, -1)  # first transcript word consumed (-1: none yet)
    end: np.ndarray = np.zeros(n + 1, dtype=np.int64)  # one past the last consumed
    errors: np.ndarray = np.zeros(n + 1, dtype=np.int64)
    for k, word in enumerate(quote):
        gain = SPOKEN_INSERTION if word.optional else 1.0
        match = sims[k]
        found = match > 0
        exact = match >= 1.0
        # diagonal: word k against transcript word j-1 (matched, or substituted)
        diag = np.full(n + 1, _NEVER)
        diag_err = np.zeros(n + 1, dtype=np.int64)
        if word.optional:
            diag[1:] = np.where(found, score[:-1] + gain, _NEVER)
        else:
            diag[1:] = score[:-1] + np.where(found, gain * match, -1.0)
        diag_err[1:] = errors[:-1] + np.where(found & exact, 0, 1)
        diag_first = np.concatenate(([-1], np.where(first[:-1] >= 0, first[:-1], cols[:-1])))
        # vertical: word k left out (free for a bracketed word)
        vert = score + (0.0 if word.optional else -1.0)
        vert_err = errors + (0 if word.optional else 1)
        take_diag = diag > vert
        cand = np.where(take_diag, diag, vert)
        cand_first = np.where(take_diag, diag_first, first)
        cand_end = np.where(take_diag, cols, end)
        cand_err = np.where(take_diag, diag_err, vert_err)
        # horizontal: transcript words left out before the next quote word
        elided = k + 1 < len(quote) and quote[k + 1].after_elision
        gap = ELIDED_WORD if elided else 1.0
        shifted = cand + gap * cols
        best_so_far = np.maximum.accumulate(shifted)
        source = np.maximum.accumulate(np.where(shifted == best_so_far, cols, 0))
        score = best_so_far - gap * cols
        first, end = cand_first[source], cand_end[source]
        errors = cand_err[source] + (0 if elided else (cols - source))
    usable = first >= 0
    if not usable.any():
        return Alignment(None, None)
    final = np.where(usable, score, _NEVER)
    best_j = int(np.argmax(final))

    def match_at(j: int) -> Match:
        value = float(final[j])
        quality = min(1.0, value / required)
        return Match(int(first[j]), int(end[j]) - 1, value, quality, int(errors[j]))

    best = match_at(best_j)
    rival = None
    for j in np.flatnonzero(final >= final[best_j] - 1e-9):
        other = match_at(int(j))
        if other.last < best.first or other.first > best.last:
            rival = other
            break
    return Alignment(best, rival)


def densest(quote: Sequence[QuoteWord], words: Sequence[str]) -> Match | None:
    """The stretch of ``words`` (as long as the quote) holding most of the quote's words:
    what to show as the nearest candidate when no passage matches well."""
    import numpy as np  # only when a quote is aligned: not for every command

    if not quote or not words:
        return None
    sims = _similarities(quote, words, fuzzy=True)
    hits = (sims.max(axis=0) > 0).astype(np.int64)
    width = min(len(words), max(1, len(quote)))
    counts = np.convolve(hits, np.ones(width, dtype=np.int64), mode="valid")
    start = int(np.argmax(counts))
    if counts[start] == 0:
        return None
    inside = np.flatnonzero(hits[start : start + width]) + start
    first, last = int(inside[0]), int(inside[-1])
    required = sum(not w.optional for w in quote) or len(quote)
    found = int(counts[start])
    return Match(first, last, float(found), min(1.0, found / required), required - found)
