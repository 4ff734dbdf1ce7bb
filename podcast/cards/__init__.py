"""Quote cards and key-takeaway slides: one layout, rendered as PNG, SVG and PPTX.

:mod:`.style` reads the show's fonts and colours, :mod:`.layout` positions
wrapped and fitted text, :mod:`.designs` holds the cards (a quote, a set of
takeaways, an episode's social image), :mod:`.render` draws a layout as PNG or
SVG and :mod:`.slides` as a PowerPoint deck with editable text.
"""

from podcast.cards.designs import (
    episode_layout,
    quote_layout,
    quote_notes,
    takeaways_layout,
    takeaways_title,
)
from podcast.cards.layout import DEFAULT_SIZE, SIZES, CardFrame, CardLayout, TextBlock
from podcast.cards.render import render_png, render_svg
from podcast.cards.slides import render_pptx
from podcast.cards.style import card_colours, card_fonts, matplotlib_font_dir

__all__ = [
    "DEFAULT_SIZE",
    "SIZES",
    "CardFrame",
    "CardLayout",
    "TextBlock",
    "card_colours",
    "card_fonts",
    "episode_layout",
    "matplotlib_font_dir",
    "quote_layout",
    "quote_notes",
    "render_png",
    "render_pptx",
    "render_svg",
    "takeaways_layout",
    "takeaways_title",
]
