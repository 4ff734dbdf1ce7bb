"""The label table: every word the outputs print, per language.

Pages, the feed's show notes, quote cards, slide decks, takeaway slides, clip
tags and quote listings all take their words from :class:`Labels`.  Each
language is one module (``en``, ``de``, ``fr``) with one ``TABLE``, registered
in :data:`TABLES`; a language without a table, and any label a table lacks,
falls back to English.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from types import MappingProxyType
from typing import Any

from podcast.labels.de import TABLE as GERMAN
from podcast.labels.en import TABLE as ENGLISH
from podcast.labels.fr import TABLE as FRENCH

FALLBACK = "en"
TABLES: Mapping[str, Mapping[str, Any]] = MappingProxyType(
    {"en": ENGLISH, "de": GERMAN, "fr": FRENCH}
)
# Marks that may already stand around a quote in the catalog; quoted() replaces them.
ANY_QUOTE_MARK = "„“”‚‘’«»‹›\"' \u00a0\u202f"


def primary_language(language: str) -> str:
    """'de-DE' -> 'de'."""
    return language.split("-")[0].split("_")[0].lower()


def supported(language: str) -> bool:
    """Whether the show's language has a label table of its own (else English is used)."""
    return primary_language(language) in TABLES


class Labels:
    """The labels of one language; ``labels.copy`` or ``labels["copy"]`` in templates."""

    def __init__(self, language: str):
        primary = primary_language(language)
        self.language = primary if primary in TABLES else FALLBACK
        self._table = MappingProxyType({**TABLES[FALLBACK], **TABLES[self.language]})

    def __repr__(self) -> str:
        return f"Labels({self.language!r})"

    def __getitem__(self, key: str) -> Any:
        return self._table[key]

    def __getattr__(self, key: str) -> Any:
        try:
            return self._table[key]
        except KeyError:
            raise AttributeError(key) from None

    def date(self, value: dt.date) -> str:
        month = self._table["months"][value.month - 1]
        return self._table["date"].format(day=value.day, month=month, year=value.year)

    def count(self, key: str, n: int) -> str:
        """'3 Folgen', '1 Folge': the ``key + "_one"`` label for one."""
        return self._table[f"{key}_one"] if n == 1 else self._table[key].format(n=n)

    def megabytes(self, size: int) -> str:
        number = f"{size / 1_000_000:.1f}".replace(".", self._table["decimal"])
        return self._table["size_mb"].format(n=number)

    def quoted(self, text: str) -> str:
        """``text`` in this language's quotation marks (marks already around it replaced)."""
        opening, closing = self._table["quote_marks"]
        return opening + " ".join(text.split()).strip(ANY_QUOTE_MARK) + closing

    def episode(self, number: int | None, title: str) -> str:
        """'Folge 14', or the title of an episode without a number."""
        return self._table["episode_number"].format(n=number) if number is not None else title

    def listing(self, items: Sequence[str]) -> str:
        """'A', 'A und B', 'A, B und C'."""
        if len(items) <= 1:
            return "".join(items)
        return ", ".join(items[:-1]) + f" {self._table['and']} " + items[-1]
