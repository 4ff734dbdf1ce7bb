"""The show's language: a BCP 47-style code, its ISO 639-2 code for ID3, its labels."""

from __future__ import annotations

import re

import pycountry

from podcast.catalog.yamlsource import YamlSource
from podcast.labels import supported
from podcast.problems import Problems

LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2}|-[0-9]{3}|-[A-Z][a-z]{3})?$")
UNDETERMINED_LANGUAGE = "und"  # ISO 639-2 for "undetermined"


def iso639_2(language: str) -> str | None:
    """``de``/``de-AT`` → ``deu``; a three-letter code is kept if ISO 639-2 knows it."""
    code = language.split("-")[0].lower()
    found = (
        pycountry.languages.get(alpha_2=code)
        if len(code) == 2
        else pycountry.languages.get(alpha_3=code) or pycountry.languages.get(bibliographic=code)
    )
    return getattr(found, "alpha_3", None)


def check_language(language: str, source: YamlSource, problems: Problems) -> None:
    """An error for a code that is none; warnings for one without ISO 639-2 code or labels."""
    if not LANGUAGE.match(language):
        problems.add(
            source.path,
            source.line(("language",)),
            "language",
            f'"{language}" is not a language code (expected e.g. de, en, de-AT)',
        )
        return
    notes = []
    if iso639_2(language) is None:
        notes.append(
            f'"{language}" has no ISO 639-2 code: the MP3s get no TLAN frame '
            f'and their comment says "{UNDETERMINED_LANGUAGE}"'
        )
    if not supported(language):
        notes.append(
            f'"{language}" has no labels of its own: pages, feed notes and cards '
            "fall back to English"
        )
    if notes:  # one warning for the one field
        problems.warn(source.path, source.line(("language",)), "language", "; ".join(notes))
