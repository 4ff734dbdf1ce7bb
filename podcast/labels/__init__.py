"""The words of the show-notes pages, in one place, per language.

``labels("de-DE")`` gives the German labels; a language without its own table,
and any label a table lacks, falls back to English.
"""

from __future__ import annotations

import datetime as dt
from types import MappingProxyType
from typing import Any

MONTHS_EN = tuple(
    [
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    ]
)
MONTHS_DE = tuple(
    [
        "Januar",
        "Februar",
        "März",
        "April",
        "Mai",
        "Juni",
        "Juli",
        "August",
        "September",
        "Oktober",
        "November",
        "Dezember",
    ]
)

EN: dict[str, Any] = {
    "home": "Home",
    "navigation": "Main navigation",
    "breadcrumb": "You are here",
    "episodes": "Episodes",
    "latest_episodes": "Latest episodes",
    "all_episodes": "All episodes",
    "seasons": "Seasons",
    "season": "Season",
    "episode_number": "Episode {n}",
    "episode_count": "{n} episodes",
    "episode_count_one": "1 episode",
    "no_episodes": "No episodes published yet.",
    "trailer": "Trailer",
    "bonus": "Bonus",
    "subscribe": "Subscribe",
    "subscribe_hint": "Paste this address into your podcast app:",
    "feed_url": "Feed address",
    "copy": "Copy",
    "copied": "Copied to the clipboard.",
    "copy_failed": "Could not copy – please select the address and copy it.",
    "also_on": "Also on",
    "cover": "Cover of {title}",
    "player": "Listen",
    "chapters": "Chapters",
    "seek_to": "Jump to {time}",
    "guests": "Guests",
    "hosts": "Hosted by",
    "photo": "Photo of {name}",
    "website": "Website",
    "quotes": "Quotes",
    "all_quotes": "All quotes",
    "quotes_intro": "Every quote from every episode of the show.",
    "quote_count": "{n} quotes",
    "quote_count_one": "1 quote",
    "filter": "Filter",
    "filter_season": "Season",
    "filter_speaker": "Speaker",
    "filter_all": "All",
    "filter_reset": "Show all",
    "quotes_shown": "{shown} of {total} quotes shown",
    "card": "Quote card: “{text}” – {speaker}",
    "card_download": "Download quote card",
    "clip": "Listen to the quote",
    "listen_at": "Listen from {time}",
    "takeaways": "Key takeaways",
    "show_notes": "Show notes",
    "transcript": "Transcript",
    "transcript_show": "Show transcript",
    "downloads": "Downloads",
    "download_mp3": "Audio (MP3, {size})",
    "download_transcript": "Transcript ({format})",
    "download_chapters": "Chapters (JSON)",
    "loudness": "Loudness",
    "loudness_alt": "Short-term loudness of the episode over time",
    "loudness_report": "Loudness report (JSON)",
    "newer": "Newer episode",
    "older": "Older episode",
    "minutes": "{n} min",
    "rss": "RSS feed",
    "skip": "Skip to content",
    "months": MONTHS_EN,
    "date": "{month} {day}, {year}",
    "decimal": ".",
}

DE: dict[str, Any] = {
    "home": "Start",
    "navigation": "Hauptnavigation",
    "breadcrumb": "Du bist hier",
    "episodes": "Folgen",
    "latest_episodes": "Neueste Folgen",
    "all_episodes": "Alle Folgen",
    "seasons": "Staffeln",
    "season": "Staffel",
    "episode_number": "Folge {n}",
    "episode_count": "{n} Folgen",
    "episode_count_one": "1 Folge",
    "no_episodes": "Noch keine Folgen veröffentlicht.",
    "trailer": "Trailer",
    "bonus": "Bonusfolge",
    "subscribe": "Abonnieren",
    "subscribe_hint": "Diese Adresse in deiner Podcast-App einfügen:",
    "feed_url": "Feed-Adresse",
    "copy": "Kopieren",
    "copied": "In die Zwischenablage kopiert.",
    "copy_failed": "Kopieren ging nicht – bitte die Adresse markieren und kopieren.",
    "also_on": "Auch bei",
    "cover": "Cover von {title}",
    "player": "Anhören",
    "chapters": "Kapitel",
    "seek_to": "Springe zu {time}",
    "guests": "Zu Gast",
    "hosts": "Moderation",
    "photo": "Foto von {name}",
    "website": "Website",
    "quotes": "Zitate",
    "all_quotes": "Alle Zitate",
    "quotes_intro": "Alle Zitate aus allen Folgen des Podcasts.",
    "quote_count": "{n} Zitate",
    "quote_count_one": "1 Zitat",
    "filter": "Filtern",
    "filter_season": "Staffel",
    "filter_speaker": "Person",
    "filter_all": "Alle",
    "filter_reset": "Alle zeigen",
    "quotes_shown": "{shown} von {total} Zitaten",
    "card": "Zitatkarte: „{text}“ – {speaker}",
    "card_download": "Zitatkarte herunterladen",
    "clip": "Zitat anhören",
    "listen_at": "Ab {time} anhören",
    "takeaways": "Key Take-Aways",
    "show_notes": "Shownotes",
    "transcript": "Transkript",
    "transcript_show": "Transkript anzeigen",
    "downloads": "Downloads",
    "download_mp3": "Audio (MP3, {size})",
    "download_transcript": "Transkript ({format})",
    "download_chapters": "Kapitel (JSON)",
    "loudness": "Lautheit",
    "loudness_alt": "Kurzzeit-Lautheit der Folge über die Zeit",
    "loudness_report": "Lautheitsbericht (JSON)",
    "newer": "Neuere Folge",
    "older": "Ältere Folge",
    "minutes": "{n} Min.",
    "rss": "RSS-Feed",
    "skip": "Zum Inhalt springen",
    "months": MONTHS_DE,
    "date": "{day}. {month} {year}",
    "decimal": ",",
}

TABLES: dict[str, dict[str, Any]] = {"en": EN, "de": DE}


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
        self.language = primary if primary in TABLES else "en"
        self._table = MappingProxyType({**EN, **TABLES[self.language]})

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
        return f"{size / 1_000_000:.1f} MB".replace(".", self._table["decimal"])


def labels(language: str) -> Labels:
    return Labels(language)
