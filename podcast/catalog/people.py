"""People in the catalog: references to show.yaml's ``people:`` and quote speakers resolved."""

from __future__ import annotations

import difflib
from collections.abc import Sequence

from podcast.catalog.models import EpisodeFile, Person
from podcast.catalog.names import SHOW_FILE
from podcast.catalog.yamlsource import YamlSource
from podcast.problems import Problems


def resolve_people(
    refs: Sequence[str | Person],
    people: dict[str, Person],
    source: YamlSource,
    field: str,
    problems: Problems,
) -> tuple[Person, ...]:
    """Person keys looked up in ``people`` (persons written out are kept as they are)."""
    resolved = []
    for index, ref in enumerate(refs):
        if isinstance(ref, Person):
            resolved.append(ref)
        elif ref in people:
            resolved.append(people[ref])
        else:
            close = difflib.get_close_matches(ref, people, n=1, cutoff=0.6)
            hint = (
                f' (did you mean "{close[0]}"?)'
                if close
                else f" (expected a key of {SHOW_FILE}'s people: {', '.join(people) or 'none'})"
            )
            problems.add(
                source.path,
                source.line((field, index)),
                f"{field}[{index}]",
                f'unknown person "{ref}"{hint}',
            )
    return tuple(resolved)


def resolve_speakers(
    meta: EpisodeFile,
    guests: tuple[Person, ...],
    hosts: tuple[Person, ...],
    people: dict[str, Person],
    source: YamlSource,
    problems: Problems,
) -> EpisodeFile:
    """Quote speakers may be person keys or names; they end up as names."""
    names = {p.name for p in (*guests, *hosts)}
    quotes = []
    for index, quote in enumerate(meta.quotes):
        speaker = quote.speaker
        if speaker in people and people[speaker].name in names:
            speaker = people[speaker].name
        elif speaker not in names:
            close = difflib.get_close_matches(speaker, sorted(names), n=1, cutoff=0.6)
            hint = (
                f'did you mean "{close[0]}"?'
                if close
                else f"expected one of: {', '.join(sorted(names)) or 'no guests or hosts'}"
            )
            problems.add(
                source.path,
                source.line(("quotes", index, "speaker")),
                f"quotes[{index}].speaker",
                f'"{speaker}" is not a guest or host of this episode ({hint})',
            )
        quotes.append(quote.model_copy(update={"speaker": speaker}))
    return meta.model_copy(update={"quotes": tuple(quotes)})
