"""Limits with reasons, on every text of a catalog file, checked before the file's model.

* No control characters (tabs and line breaks aside) and nothing XML cannot carry
  (lone surrogates, U+FFFE, U+FFFF): the feed's XML writer refuses them, after
  other files were already written, and terminals interpret escape sequences.
* No text longer than :data:`MAX_TEXT` characters: a description goes into the
  feed, the page and every MP3's ID3 comment, so every download would carry it.

The walk is iterative and looks at each mapping and list once, so YAML aliases
(which share one object) cannot make it explode.
"""

from __future__ import annotations

import re
from typing import Any

from podcast.catalog.yamlsource import YamlSource, format_loc
from podcast.problems import Problems

MAX_TEXT = 100_000  # characters; the longest show notes seen in the wild are a few thousand
APPLE_DESCRIPTION_MAX = 4000  # characters Apple Podcasts shows of an episode's description
_FORBIDDEN = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")


def text_problem(text: str) -> str | None:
    """What is wrong with ``text`` as catalog text, or None."""
    bad = _FORBIDDEN.search(text)
    if bad is not None:
        code = ord(bad.group())
        if code < 0x20 or 0x7F <= code <= 0x9F:
            what = f"the control character U+{code:04X}"
        else:
            what = f"the character U+{code:04X}, which XML cannot carry,"
        return (
            f"contains {what} at position {bad.start() + 1} "
            "(expected text without control characters; tabs and line breaks are fine)"
        )
    if len(text) > MAX_TEXT:
        return f"is {len(text)} characters long (expected at most {MAX_TEXT} characters)"
    return None


def check_texts(source: YamlSource, problems: Problems) -> set[tuple[Any, ...]]:
    """Add an error for every text (value or key) in ``source`` that breaks a limit.

    Returns the locations reported, so the schema check need not report them again.
    """
    reported: set[tuple[Any, ...]] = set()

    def report(loc: tuple[Any, ...], message: str, key: bool = False) -> None:
        reported.add(loc)
        problems.add(source.path, source.line(loc, key=key), format_loc(loc), message)

    seen: set[int] = set()
    stack: list[tuple[tuple[Any, ...], Any]] = [((), source.data)]
    while stack:
        loc, value = stack.pop()
        if isinstance(value, str):
            problem = text_problem(value)
            if problem:
                report(loc, problem)
            continue
        if not isinstance(value, dict | list) or id(value) in seen:
            continue
        seen.add(id(value))
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            if isinstance(value, dict) and isinstance(key, str):
                problem = text_problem(key)
                if problem:
                    report((*loc, key), f"the key {problem}", key=True)
            stack.append(((*loc, key), item))
    return reported
