"""Words as quotes and transcripts write them, folded so the two can be compared.

A quote's text says more than its words: "(...)" and "…" mark where the editor
left words out, "[so]" a word the editor put in, and punctuation, case, German
quotation marks and hyphens are style.  :func:`quote_words` turns a quote into
:class:`QuoteWord` tokens (each marked optional when bracketed, or as following an
elision); :func:`fold` gives the form both sides are compared in: lower case,
letters and digits only, numbers written as words in the show's language.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

_ELISION = re.compile(r"\((?:\.\.\.|…)\)|\[(?:\.\.\.|…)\]|\.\.\.|…")
_DIGITS = re.compile(r"^\d{1,6}$")

_DE_UNITS = [
    "null",
    "eins",
    "zwei",
    "drei",
    "vier",
    "fünf",
    "sechs",
    "sieben",
    "acht",
    "neun",
    "zehn",
    "elf",
    "zwölf",
    "dreizehn",
    "vierzehn",
    "fünfzehn",
    "sechzehn",
    "siebzehn",
    "achtzehn",
    "neunzehn",
]
_DE_TENS = [
    "_",
    "_",
    "zwanzig",
    "dreißig",
    "vierzig",
    "fünfzig",
    "sechzig",
    "siebzig",
    "achtzig",
    "neunzig",
]
_EN_UNITS = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
]
_EN_TENS = ["_", "_", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety"]


def _german(n: int) -> str:
    """A whole number below a million in German words, as one word: 360 -> dreihundertsechzig."""
    if n < 20:
        return _DE_UNITS[n]
    if n < 100:
        tens, unit = divmod(n, 10)
        if not unit:
            return _DE_TENS[tens]
        return ("ein" if unit == 1 else _DE_UNITS[unit]) + "und" + _DE_TENS[tens]
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        head = ("" if hundreds == 1 else _german(hundreds)) + "hundert"
        return head + (_german(rest) if rest else "")
    thousands, rest = divmod(n, 1000)
    head = ("" if thousands == 1 else _german(thousands)) + "tausend"
    return head + (_german(rest) if rest else "")


def _english(n: int) -> list[str]:
    """A whole number below a million in English words: 360 -> three hundred sixty."""
    if n < 20:
        return [_EN_UNITS[n]]
    if n < 100:
        tens, unit = divmod(n, 10)
        return [_EN_TENS[tens]] + ([_EN_UNITS[unit]] if unit else [])
    if n < 1000:
        hundreds, rest = divmod(n, 100)
        return [_EN_UNITS[hundreds], "hundred"] + (_english(rest) if rest else [])
    thousands, rest = divmod(n, 1000)
    return [*_english(thousands), "thousand"] + (_english(rest) if rest else [])


def number_words(n: int, language: str) -> list[str]:
    """``n`` as words in ``language`` (German and English; other languages keep digits)."""
    base = language.split("-")[0].lower()
    if base == "de":
        return [_german(n)]
    if base == "en":
        return _english(n)
    return [str(n)]


def _canonical(word: str, language: str) -> list[str]:
    """One folded word as the tokens it is compared as (a number becomes its words)."""
    if _DIGITS.match(word):
        return number_words(int(word), language)
    if language.split("-")[0].lower() == "de":
        # "einhundert" and "hundert", "eintausend" and "tausend" are the same number
        for big in ("hundert", "tausend"):
            if word.startswith("ein" + big):
                word = word[3:]
    return [word]


def fold(raw: str, language: str) -> list[str]:
    """A written word as the tokens it is compared as: lower case, without punctuation,
    hyphens or quotation marks, numbers as words ('„360°-Festival“' -> two tokens)."""
    text = unicodedata.normalize("NFKC", raw).casefold()
    text = "".join(ch for ch in text if ch.isalnum() or ch.isspace())
    # digits glued to letters ("360grad") are split, so the number is read as a number
    parts = re.findall(r"\d+|[^\W\d_]+", text)
    return [token for part in parts for token in _canonical(part, language)]


@dataclass(frozen=True)
class QuoteWord:
    """One compared token of a quote."""

    text: str  # as folded
    optional: bool  # put in by the editor in [brackets]: may be missing from the audio
    after_elision: bool  # "(...)" or "…" stands before it: words may be left out there


def quote_words(text: str, language: str) -> list[QuoteWord]:
    """The quote's tokens, with what the editor marked: elisions and [insertions]."""
    text = _ELISION.sub(" \u2026 ", text)
    words: list[QuoteWord] = []
    depth = 0
    elided = False
    for raw in text.split():
        if raw == "\u2026":
            elided = bool(words)  # an elision before the first word changes nothing
            continue
        opens, closes = raw.count("["), raw.count("]")
        optional = depth > 0 or opens > 0
        depth = max(0, depth + opens - closes)
        for token in fold(raw, language):
            words.append(QuoteWord(token, optional, elided))
            elided = False
    return words


def without_elisions(text: str) -> str:
    """``text`` with "(...)" and "…" blanked out (same length, so offsets stay)."""
    return _ELISION.sub(lambda m: " " * len(m.group()), text)
