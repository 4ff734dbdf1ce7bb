"""Values as hosts write them, parsed: dates (RFC 822 with named zones, or ISO 8601),
durations (seconds or ``HH:MM:SS``) and ``itunes:explicit`` (yes/no/clean/true/false)."""

from __future__ import annotations

import datetime as dt
import email.utils

# Zones RFC 822 does not name but feeds write anyway (hours east of UTC).
NAMED_ZONES = {
    "UTC": 0,
    "GMT": 0,
    "UT": 0,
    "Z": 0,
    "WET": 0,
    "BST": 1,
    "CET": 1,
    "MEZ": 1,
    "WEST": 1,
    "CEST": 2,
    "MESZ": 2,
    "EET": 2,
    "EEST": 3,
    "MSK": 3,
    "IST": 5.5,
    "JST": 9,
    "AEST": 10,
    "AEDT": 11,
    "NZST": 12,
    "NZDT": 13,
    "EST": -5,
    "EDT": -4,
    "CST": -6,
    "CDT": -5,
    "MST": -7,
    "MDT": -6,
    "PST": -8,
    "PDT": -7,
    "AKST": -9,
    "AKDT": -8,
    "HST": -10,
}
TRUE_WORDS = {"yes", "true", "explicit", "1"}
FALSE_WORDS = {"no", "false", "clean", "0"}


def parse_date(text: str | None) -> dt.datetime | None:
    """An aware date-time from RFC 822 (named zones included) or ISO 8601; None if neither."""
    if not text or not text.strip():
        return None
    text = " ".join(text.split())
    try:
        value = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError):
        value = None
    if value is not None:
        zone = text.rsplit(" ", 1)[-1].upper()
        if zone == "-0000":
            zone = "UTC"  # RFC 5322's "local time unknown", as UTC
        if value.tzinfo is None or (zone in NAMED_ZONES and zone not in {"GMT", "UT", "Z"}):
            if zone not in NAMED_ZONES:
                return None  # a zone nobody can know: not an instant
            offset = dt.timezone(dt.timedelta(hours=NAMED_ZONES[zone]))
            value = value.replace(tzinfo=offset)
        return value
    try:
        value = dt.datetime.fromisoformat(text.replace(" ", "T", 1) if "T" not in text else text)
    except ValueError:
        return None
    return value if value.tzinfo is not None else None


def parse_duration(text: str | None) -> float | None:
    """Seconds from ``3600``, ``3600.5``, ``MM:SS`` or ``HH:MM:SS[.mmm]``."""
    if not text or not text.strip():
        return None
    parts = text.strip().split(":")
    if len(parts) > 3:
        return None
    try:
        numbers = [float(p) for p in parts]
    except ValueError:
        return None
    if any(n < 0 for n in numbers):
        return None
    seconds = 0.0
    for number in numbers:
        seconds = seconds * 60 + number
    return seconds


def parse_explicit(text: str | None) -> bool | None:
    word = (text or "").strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    return None
