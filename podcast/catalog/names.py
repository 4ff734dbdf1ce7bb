"""The catalog's file names, and the slug a folder or title becomes in URLs."""

from __future__ import annotations

import re
import unicodedata

SHOW_FILE = "show.yaml"
SEASON_FILE = "season.yaml"
EPISODE_FILE = "episode.yaml"
ARTWORK_NAMES = ("artwork.jpg", "artwork.jpeg", "artwork.png")
TRANSCRIPT_NAMES = ("transcript.vtt", "transcript.srt", "transcript.json")

_TRANSLITERATE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slugify(text: str) -> str:
    """An ASCII URL slug: umlauts transliterated, everything else folded to a-z0-9-."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "episode"
