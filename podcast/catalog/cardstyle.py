"""Card colours and the card font, parsed once for the catalog check and the cards stage.

``show.yaml``'s ``cards:`` colours are validated by the model (:class:`CardStyle`),
its font when the show is loaded; :mod:`podcast.cards.style` uses the very same
functions, so a show that validates renders.
"""

from __future__ import annotations

from pathlib import Path

from PIL import ImageColor, ImageFont


class CardStyleError(ValueError):
    """A card colour or font is not usable; the message says what was found."""


def colour_rgb(value: str) -> tuple[int, int, int]:
    """A CSS colour (``#1d3557``, ``rgb(…)``, ``navy``) as an RGB triple."""
    try:
        red, green, blue = ImageColor.getrgb(value)[:3]
    except ValueError:
        raise CardStyleError(
            f'"{value}" is not a colour (expected e.g. #1d3557, rgb(29, 53, 87) or navy)'
        ) from None
    return red, green, blue


def check_colour(value: str) -> str:
    """Pydantic validator: the colour as written, if it parses."""
    colour_rgb(value)
    return value


def font_family(path: Path, name: str) -> str:
    """The family name of the font file at ``path`` (``name``: as show.yaml writes it)."""
    if not path.is_file():
        raise CardStyleError(
            f'font file "{name}" not found (expected a .ttf/.otf file next to show.yaml)'
        )
    try:
        return ImageFont.truetype(str(path), 20).getname()[0] or path.stem
    except OSError as error:
        raise CardStyleError(
            f'"{name}" is not a font ({error}; expected a .ttf/.otf file)'
        ) from None
