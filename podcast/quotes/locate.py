"""``podcast quotes locate``: each quote's times as found in the transcript, as YAML to paste.

The times are on the master's timeline (as episode.yaml gives them, before any
intro), padded like the loader pads them.  Catalog files are only read.
"""

from __future__ import annotations

from collections.abc import Sequence

from podcast.catalog.loader import EPISODE_FILE
from podcast.catalog.models import Catalog, EpisodeEntry, format_timestamp
from podcast.catalog.quotetimes import TranscriptWords, locate_quote
from podcast.catalog.yamlsource import YamlSource
from podcast.quotes.selection import first_words


def locate_lines(catalog: Catalog, episodes: Sequence[EpisodeEntry]) -> list[str]:
    """For every quote of ``episodes``: a comment naming it, then its start: and end:."""
    settings = catalog.show.meta.quotes
    lines: list[str] = []
    for episode in episodes:
        if not episode.meta.quotes:
            continue
        path = episode.folder / EPISODE_FILE
        name = path.relative_to(catalog.show.root).as_posix()
        source = YamlSource.read(path)
        lines.append(f"# {name}")
        if episode.transcript is None:
            lines += ["#   no transcript: its quotes' times cannot be found", ""]
            continue
        transcript = TranscriptWords(episode.transcript, catalog.show.meta.language)
        for index, quote in enumerate(episode.meta.quotes):
            line = source.line(("quotes", index, "text"))
            where = f"line {line}, " if line else ""
            lines.append(f"# {where}quotes[{index}]: {first_words(quote.text, 60)}")
            located = locate_quote(quote.text, transcript, settings, episode.audio.duration)
            if located.passage is None:
                lines.append("#   not found (podcast validate says why)")
                continue
            passage = located.passage
            lines.append(f'    start: "{format_timestamp(passage.start)}"')
            lines.append(f'    end: "{format_timestamp(passage.end)}"')
        lines.append("")
    return lines
