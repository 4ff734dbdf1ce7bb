"""Still frames of a quote video: the 1:1 card beside (16:9) or above (9:16) a caption panel.

:func:`video_frames` draws one PNG per caption (and one without words, for the
pauses); :mod:`podcast.quotes.video` turns them into the MP4 with the soundbite and
a progress bar.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass

from PIL import Image, ImageDraw

from podcast.cards.layout import CardFrame, fit
from podcast.cards.style import pil_font, rgb, text_width

#: video sizes per shape, and the 1:1 card's place in them (x, y, side)
VIDEO_SIZES = {"16x9": (1920, 1080), "9x16": (1080, 1920)}
BAR_HEIGHT = 14  # the progress bar along the bottom edge


@dataclass(frozen=True)
class Panel:
    """Where the card and the captions go in a video of one shape."""

    width: int
    height: int
    card: tuple[int, int, int]  # x, y, side of the square card
    captions: tuple[int, int, int, int]  # x, y, w, h

    @classmethod
    def for_shape(cls, shape: str) -> Panel:
        width, height = VIDEO_SIZES[shape]
        side = min(width, height)
        if width > height:  # the card left, the captions right
            captions = (side, 0, width - side, height - BAR_HEIGHT)
        else:  # the card on top, the captions below
            captions = (0, side, width, height - side - BAR_HEIGHT)
        return cls(width, height, (0, 0, side), captions)


def video_frames(
    card_png: bytes, frame: CardFrame, shape: str, captions: Sequence[str]
) -> list[bytes]:
    """One PNG per caption, then one with no words (index ``len(captions)``)."""
    panel = Panel.for_shape(shape)
    x, y, side = panel.card
    with Image.open(io.BytesIO(card_png)) as source:
        card = source.convert("RGB").resize((side, side), Image.Resampling.LANCZOS)
    base = Image.new("RGB", (panel.width, panel.height), rgb(frame.colours.background))
    base.paste(card, (x, y))
    draw = ImageDraw.Draw(base)
    cx, cy, cw, ch = panel.captions
    rule = (cx + round(0.08 * cw), cy + round(0.1 * ch))
    draw.rectangle((*rule, rule[0] + round(0.12 * cw), rule[1] + 6), fill=frame.colours.accent)
    out = []
    for text in (*captions, ""):
        image = base.copy()
        if text:
            _caption(image, frame, panel, text)
        buffer = io.BytesIO()
        image.save(buffer, "PNG", compress_level=1)
        out.append(buffer.getvalue())
    return out


def _caption(image: Image.Image, frame: CardFrame, panel: Panel, text: str) -> None:
    """The caption centred in its panel, as large as fits (at most a fifth of the panel)."""
    cx, cy, cw, ch = panel.captions
    pad = round(0.08 * cw)
    width, height = cw - 2 * pad, ch - 2 * pad
    face = frame.fonts.bold
    size = round(0.085 * min(cw, ch))
    longest = max(text.split(), key=lambda word: text_width(word, face, size))
    while size > 12 and text_width(longest, face, size) > width:
        size -= 2  # no word is broken
    fitted = fit(text, face, width, height, max_size=size, max_lines=4)
    font = pil_font(face.path, fitted.size)
    draw = ImageDraw.Draw(image)
    top = cy + (ch - fitted.height) / 2
    for number, line in enumerate(fitted.lines):
        baseline = top + (number + 0.8) * fitted.line_height
        draw.text(
            (cx + cw / 2, baseline), line, font=font, fill=frame.colours.foreground, anchor="ms"
        )
