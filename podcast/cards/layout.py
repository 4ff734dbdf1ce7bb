"""The card layout: positioned blocks of wrapped, fitted text, computed once.

Every text is wrapped and shrunk until it fits its box, measured with the real
font.  The result, a :class:`CardLayout`, is drawn by :mod:`podcast.cards.render`
(PNG, SVG) and :mod:`podcast.cards.slides` (PPTX).
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from podcast.cards.style import (
    Colours,
    FontFace,
    Fonts,
    card_colours,
    card_fonts,
    line_height,
    pil_font,
    text_extent,
    text_width,
)
from podcast.catalog.models import ShowEntry
from podcast.labels import Labels
from podcast.problems import PodcastError

RENDERER_VERSION = "3"  # bump when a change to the layout or drawing changes the images
SIZES = {"1920x1080": (1920, 1080), "1080x1080": (1080, 1080), "1080x1920": (1080, 1920)}
DEFAULT_SIZE = "1920x1080"
Align = Literal["left", "center", "right"]
WRAP_FILL = 0.98


# --- the layout ----------------------------------------------------------

_DIGESTS: dict[tuple[Path, int, int, int], str] = {}


def file_digest(path: Path) -> str:
    """SHA-256 of a font or artwork file, read once per process while its size, mtime and
    inode stay the same (a build fingerprints every card, each naming the same few files)."""
    info = path.stat()
    key = (path, info.st_size, info.st_mtime_ns, info.st_ino)
    if key not in _DIGESTS:
        _DIGESTS[key] = hashlib.sha256(path.read_bytes()).hexdigest()
    return _DIGESTS[key]



@dataclass(frozen=True)
class Box:
    x: int
    y: int
    w: int
    h: int

    @property
    def right(self) -> int:
        return self.x + self.w

    @property
    def bottom(self) -> int:
        return self.y + self.h

    def inside(self, width: int, height: int, margin: int = 0) -> bool:
        return (
            self.x >= margin
            and self.y >= margin
            and self.right <= width - margin
            and self.bottom <= height - margin
        )


@dataclass(frozen=True)
class TextBlock:
    """Wrapped text in its box; ``box`` is exactly the lines' extent."""

    name: str
    text: str
    lines: tuple[str, ...]
    face: FontFace
    size: int
    line_height: int
    colour: str
    align: Align
    box: Box

    def line_positions(self) -> list[tuple[str, float, float]]:
        """Each line with its x and its baseline y, as PNG and SVG draw it."""
        font = pil_font(self.face.path, self.size)
        ascent, descent = font.getmetrics()
        offset = (self.line_height - ascent - descent) / 2 + ascent
        result = []
        for number, line in enumerate(self.lines):
            overhang, width = text_extent(line, self.face, self.size)
            x = {
                "left": self.box.x,
                "center": self.box.x + (self.box.w - width) / 2,
                "right": self.box.right - width,
            }[self.align]
            baseline = self.box.y + number * self.line_height + offset
            result.append((line, x + overhang, baseline))
        return result

    def ink_boxes(self) -> list[Box]:
        """Where the glyphs of each line really land (Pillow's bounding boxes)."""
        font = pil_font(self.face.path, self.size)
        boxes = []
        for line, x, baseline in self.line_positions():
            left, top, right, bottom = font.getbbox(line, anchor="ls")
            boxes.append(
                Box(
                    math.floor(x + left),
                    math.floor(baseline + top),
                    math.ceil(right - left),
                    math.ceil(bottom - top),
                )
            )
        return boxes


@dataclass(frozen=True)
class RectBlock:
    name: str
    box: Box
    fill: str | None
    outline: str | None = None
    outline_width: int = 0
    radius: int = 0


@dataclass(frozen=True)
class ImageBlock:
    name: str
    box: Box
    path: Path


Block = TextBlock | RectBlock | ImageBlock


@dataclass(frozen=True)
class CardLayout:
    width: int
    height: int
    margin: int
    background: str
    blocks: tuple[Block, ...]
    notes: str = ""

    def texts(self) -> list[TextBlock]:
        return [b for b in self.blocks if isinstance(b, TextBlock)]

    def text(self, name: str) -> TextBlock:
        return next(b for b in self.texts() if b.name == name)

    def fingerprint(self) -> str:
        """A hash of everything that makes the image: layout, files and renderer version."""
        known = self.__dict__.get("_fingerprint")  # a layout is frozen: computed once
        if known is not None:
            return known
        digest = hashlib.sha256(RENDERER_VERSION.encode())
        paths = sorted(
            {b.path for b in self.blocks if isinstance(b, ImageBlock)}
            | {b.face.path for b in self.texts()}
        )
        # the files by content, not by name: the same show named by a relative or an
        # absolute --catalog (or moved) keeps its cards
        described = repr(self)
        for path in paths:
            described = described.replace(repr(path), file_digest(path))
        digest.update(described.encode())
        object.__setattr__(self, "_fingerprint", digest.hexdigest()[:32])
        return self.__dict__["_fingerprint"]


def wrap(text: str, face: FontFace, size: int, width: float) -> list[str]:
    """Greedy word wrap; a word wider than the line is split between characters.

    Lines are filled to 98 % of ``width``: the slide's text boxes get the whole
    width, so PowerPoint and LibreOffice, which measure a little differently,
    break the lines where the PNG does.
    """
    width *= WRAP_FILL
    lines: list[str] = []
    for paragraph in text.split("\n"):
        current = ""
        for word in paragraph.split():
            candidate = f"{current} {word}" if current else word
            if text_width(candidate, face, size) <= width:
                current = candidate
                continue
            if current:
                lines.append(current)
            current = ""
            for char in word:
                if current and text_width(current + char, face, size) > width:
                    lines.append(current)
                    current = ""
                current += char
        lines.append(current)
    return lines


@dataclass(frozen=True)
class Fitted:
    lines: tuple[str, ...]
    size: int
    line_height: int

    @property
    def height(self) -> int:
        return len(self.lines) * self.line_height


def fit(
    text: str,
    face: FontFace,
    width: float,
    height: float,
    max_size: int,
    min_size: int = 6,
    max_lines: int | None = None,
) -> Fitted:
    """The largest size (from ``max_size`` down) at which ``text`` fits ``width`` × ``height``.

    ``max_lines`` is kept while the size stays above ``min_size``; below it only the
    box counts, down to 4 px, so that text is never cut.
    """
    size = max(max_size, 4)
    while True:
        lines = wrap(text, face, size, width)
        lh = line_height(face, size)
        fits = len(lines) * lh <= height
        if fits and (max_lines is None or len(lines) <= max_lines or size <= min_size):
            return Fitted(tuple(lines), size, lh)
        if size <= 4:
            raise PodcastError(f"text does not fit a card even at 4 px: {text[:60]!r}")
        size = max(4, min(size - 1, int(size * 0.95)))


def text_block(name, text, fitted: Fitted, face, colour, align, x, y, w) -> TextBlock:
    box = Box(x, y, w, fitted.height)
    return TextBlock(
        name, text, fitted.lines, face, fitted.size, fitted.line_height, colour, align, box
    )


def default_heading(show: ShowEntry) -> str:
    """The show title up to its first '. ', in capitals: 'DER KOMMUNEN-PODCAST'."""
    heading = show.meta.cards.heading
    if heading:
        return heading
    return show.meta.title.split(". ", 1)[0].upper()


@dataclass(frozen=True)
class CardFrame:
    """What every card shares: size, colours, fonts, the heading with the artwork, and the
    words of the show's language."""

    width: int
    height: int
    colours: Colours
    fonts: Fonts
    heading: str
    artwork: Path
    labels: Labels

    @classmethod
    def for_show(cls, show: ShowEntry, size: str = DEFAULT_SIZE) -> CardFrame:
        width, height = parse_size(size)
        style = show.meta.cards
        return cls(
            width,
            height,
            card_colours(style, show.root),
            card_fonts(style, show.root),
            default_heading(show),
            show.artwork,
            Labels(show.meta.language),
        )

    @property
    def unit(self) -> int:
        return min(self.width, self.height)

    @property
    def margin(self) -> int:
        return round(0.065 * self.unit)

    def header(self, title: str, subline: str | None) -> tuple[list[Block], int]:
        """Artwork top right; heading, title and subline to its left. Returns the blocks
        and the y below them."""
        u, m = self.unit, self.margin
        art = round(0.14 * u)
        gap = round(0.03 * u)
        width = self.width - 2 * m - art - gap
        blocks: list[Block] = [
            ImageBlock("artwork", Box(self.width - m - art, m, art, art), self.artwork)
        ]
        y = m
        fitted = fit(self.heading, self.fonts.bold, width, u, round(0.034 * u), max_lines=1)
        blocks.append(
            text_block(
                "heading",
                self.heading,
                fitted,
                self.fonts.bold,
                self.colours.accent,
                "left",
                m,
                y,
                width,
            )
        )
        y += fitted.height + round(0.012 * u)
        fitted = fit(title, self.fonts.bold, width, 0.2 * u, round(0.046 * u), round(0.03 * u), 3)
        blocks.append(
            text_block(
                "title",
                title,
                fitted,
                self.fonts.bold,
                self.colours.foreground,
                "left",
                m,
                y,
                width,
            )
        )
        y += fitted.height
        if subline:
            y += round(0.008 * u)
            fitted = fit(
                subline, self.fonts.regular, width, 0.12 * u, round(0.03 * u), round(0.022 * u), 2
            )
            blocks.append(
                text_block(
                    "episode",
                    subline,
                    fitted,
                    self.fonts.regular,
                    self.colours.foreground,
                    "left",
                    m,
                    y,
                    width,
                )
            )
            y += fitted.height
        y = max(y, m + art) + round(0.025 * u)
        rule = Box(m, y, round(0.09 * u), max(2, round(0.006 * u)))
        blocks.append(RectBlock("rule", rule, self.colours.accent))
        return blocks, rule.bottom + round(0.04 * u)


def parse_size(size: str) -> tuple[int, int]:
    if size not in SIZES:
        raise PodcastError(
            f"card size {size!r} is not supported (expected one of {', '.join(SIZES)})"
        )
    return SIZES[size]
