"""Card fonts and colours, from show.yaml's ``cards:`` (or the defaults).

Fonts: DejaVu Sans, shipped inside matplotlib (a dependency), so umlauts, ß,
„“ and – render the same on every installation; or the show's own font
(``cards.font`` in show.yaml).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path

from PIL import ImageFont

from podcast.catalog import CardStyle, CardStyleError, colour_rgb, font_family
from podcast.problems import PodcastError

# --- fonts ---------------------------------------------------------------


def matplotlib_font_dir() -> Path:
    """matplotlib's own font folder, found without importing matplotlib (slow to import)."""
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise PodcastError("matplotlib is not installed: the cards use its DejaVu Sans")
    return Path(spec.origin).parent / "mpl-data" / "fonts" / "ttf"


@dataclass(frozen=True)
class FontFace:
    """A font file and how SVG and PowerPoint should name it."""

    path: Path
    family: str
    bold: bool = False


@dataclass(frozen=True)
class Fonts:
    regular: FontFace
    bold: FontFace


def card_fonts(style: CardStyle, show_root: Path) -> Fonts:
    """DejaVu Sans from matplotlib, or the show's font file (used for every text)."""
    if style.font:
        path = show_root / style.font
        try:
            family = font_family(path, style.font)  # as `podcast validate` checked it
        except CardStyleError as error:
            raise PodcastError(f"{show_root / 'show.yaml'}: cards.font: {error}") from None
        face = FontFace(path, family)
        return Fonts(face, face)
    folder = matplotlib_font_dir()
    return Fonts(
        FontFace(folder / "DejaVuSans.ttf", "DejaVu Sans"),
        FontFace(folder / "DejaVuSans-Bold.ttf", "DejaVu Sans", bold=True),
    )


@cache
def pil_font(path: Path, size: int) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(str(path), size)


@lru_cache(maxsize=200_000)
def text_extent(text: str, face: FontFace, size: int) -> tuple[float, float]:
    """``(overhang, width)`` of a line: glyphs may reach left of the pen position
    (``overhang`` ≥ 0) or right of the advance; the width covers ink and advance."""
    font = pil_font(face.path, size)
    left, _, right, _ = font.getbbox(text, anchor="ls") if text else (0, 0, 0, 0)
    overhang = max(0.0, -left)
    return overhang, max(font.getlength(text), right) + overhang


def text_width(text: str, face: FontFace, size: int) -> float:
    return text_extent(text, face, size)[1]


def line_height(face: FontFace, size: int) -> int:
    ascent, descent = pil_font(face.path, size).getmetrics()
    return max(round(size * 1.25), ascent + descent)


# --- colours -------------------------------------------------------------


@dataclass(frozen=True)
class Colours:
    background: str
    foreground: str
    accent: str
    tile: str  # takeaway tiles: the background, a little towards the foreground


def rgb(value: str) -> tuple[int, int, int]:
    return colour_rgb(value)


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb[:3])


def card_colours(style: CardStyle, show_root: Path) -> Colours:
    values = {}
    for key in ("background", "foreground", "accent"):
        try:
            values[key] = _hex(rgb(getattr(style, key)))
        except CardStyleError as error:
            raise PodcastError(f"{show_root / 'show.yaml'}: cards.{key}: {error}") from None
    bg, fg = rgb(values["background"]), rgb(values["foreground"])
    tile = _hex([b + (f - b) * 0.1 for b, f in zip(bg, fg, strict=True)])
    return Colours(**values, tile=tile)
