"""Quotes for editors: selection, soundbite clips, and exports as cards, slides and Markdown.

:mod:`.selection` finds quotes by season, episode, speaker, tag or text;
:mod:`.clips` cuts each quote's soundbite from the normalized MP3;
:mod:`.export` writes cards, decks, Markdown and clips, for the CLI and the build.
"""

from podcast.quotes.export import build_cards, export_quotes, export_takeaways
from podcast.quotes.selection import QuoteFilter, QuoteRef, select_quotes

__all__ = [
    "QuoteFilter",
    "QuoteRef",
    "build_cards",
    "export_quotes",
    "export_takeaways",
    "select_quotes",
]
