"""Quote cards and key-takeaway slides: one layout, rendered as PNG, SVG and PPTX.

The layout is computed once (:func:`quote_layout`, :func:`takeaways_layout`):
every text is wrapped and shrunk until it fits its box, measured with the real
font.  The result, a :class:`CardLayout` of positioned blocks, is then drawn
three ways: :func:`render_png` (Pillow), :func:`render_svg` (text stays text)
and :func:`render_pptx` (editable text boxes, one slide per card).

Fonts: DejaVu Sans, shipped inside matplotlib (a dependency), so umlauts, ß,
„“ and – render the same on every installation; or the show's own font
(``cards.font`` in show.yaml).
"""

from __future__ import annotations

import base64
import hashlib
import io
import math
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache, lru_cache
from pathlib import Path
from typing import Literal
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageColor, ImageDraw, ImageFont

from podcast.catalog.models import CardStyle, EpisodeEntry, SeasonEntry, ShowEntry, format_timestamp
from podcast.problems import PodcastError

RENDERER_VERSION = "3"  # bump when a change to the layout or drawing changes the images
SIZES = {"1920x1080": (1920, 1080), "1080x1080": (1080, 1080), "1080x1920": (1080, 1920)}
DEFAULT_SIZE = "1920x1080"
EMU_PER_PX = 6350  # 1920 px = 13.333 in, PowerPoint's 16:9 slide
PT_PER_PX = 0.5  # 144 px per inch, 72 pt per inch
Align = Literal["left", "center", "right"]
WRAP_FILL = 0.98


# --- fonts ---------------------------------------------------------------


def matplotlib_font_dir() -> Path:
    import matplotlib

    return Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"


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
        if not path.is_file():
            raise PodcastError(
                f"{show_root / 'show.yaml'}: cards.font: font file {style.font!r} not found "
                f"(expected a .ttf/.otf file next to show.yaml)"
            )
        try:
            family = ImageFont.truetype(str(path), 20).getname()[0]
        except OSError as error:
            raise PodcastError(
                f"{show_root / 'show.yaml'}: cards.font: {style.font!r} is not a font "
                f"({error}; expected a .ttf/.otf file)"
            ) from None
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


def _rgb(value: str) -> tuple[int, int, int]:
    return ImageColor.getrgb(value)[:3]


def _hex(rgb: Sequence[float]) -> str:
    return "#" + "".join(f"{round(c):02x}" for c in rgb[:3])


def card_colours(style: CardStyle, show_root: Path) -> Colours:
    values = {}
    for key in ("background", "foreground", "accent"):
        try:
            values[key] = _hex(_rgb(getattr(style, key)))
        except ValueError:
            raise PodcastError(
                f"{show_root / 'show.yaml'}: cards.{key}: {getattr(style, key)!r} is not a "
                f"colour (expected e.g. #1d3557)"
            ) from None
    bg, fg = _rgb(values["background"]), _rgb(values["foreground"])
    tile = _hex([b + (f - b) * 0.1 for b, f in zip(bg, fg, strict=True)])
    return Colours(**values, tile=tile)


# --- the layout ----------------------------------------------------------


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
        digest = hashlib.sha256(RENDERER_VERSION.encode())
        digest.update(repr(self).encode())
        for path in sorted(
            {b.path for b in self.blocks if isinstance(b, ImageBlock)}
            | {b.face.path for b in self.texts()}
        ):
            digest.update(path.read_bytes())
        return digest.hexdigest()[:32]


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


def _text(name, text, fitted: Fitted, face, colour, align, x, y, w) -> TextBlock:
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
    """What every card shares: size, colours, fonts, the heading with the artwork."""

    width: int
    height: int
    colours: Colours
    fonts: Fonts
    heading: str
    artwork: Path

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
            _text(
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
            _text(
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
                _text(
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


def episode_line(episode: EpisodeEntry) -> str:
    """'Folge 14 mit Stefanie Goy, Jugendhilfeplanerin der Stadt Halle (Saale)'."""
    parts = [f"Folge {episode.number}"] if episode.number is not None else []
    guests = episode.guests
    if len(guests) == 1:
        guest = guests[0]
        parts.append(f"mit {guest.name}" + (f", {guest.role}" if guest.role else ""))
    elif guests:
        names = [g.name for g in guests]
        parts.append("mit " + ", ".join(names[:-1]) + " und " + names[-1])
    return " ".join(parts)


def quoted(text: str) -> str:
    """The text in German quotation marks „…“ (marks already around it are replaced)."""
    return "„" + " ".join(text.split()).strip("„“”\"' ") + "“"


def quote_layout(
    frame: CardFrame,
    episode: EpisodeEntry,
    text: str,
    speaker: str,
    notes: str = "",
) -> CardLayout:
    """The quote card: heading, episode, the quote in „…“, and '– Speaker –'."""
    u, m = frame.unit, frame.margin
    blocks, top = frame.header(episode.title, episode_line(episode))
    inset = round(0.04 * u)  # the quote stands a little in from the header's edges
    width = frame.width - 2 * m - 2 * inset
    bottom = frame.height - m
    speaker_text = f"– {speaker} –"
    speaker_fit = fit(speaker_text, frame.fonts.bold, width, 0.1 * u, round(0.036 * u), max_lines=1)
    gap = round(0.035 * u)
    room = bottom - top - speaker_fit.height - gap
    quote_text = quoted(text)
    quote_fit = fit(quote_text, frame.fonts.regular, width, room, round(0.064 * u))
    group = quote_fit.height + gap + speaker_fit.height
    y = top + max(0, (bottom - top - group) // 2)
    colours = frame.colours
    blocks.append(
        _text(
            "quote",
            quote_text,
            quote_fit,
            frame.fonts.regular,
            colours.foreground,
            "center",
            m + inset,
            y,
            width,
        )
    )
    y += quote_fit.height + gap
    blocks.append(
        _text(
            "speaker",
            speaker_text,
            speaker_fit,
            frame.fonts.bold,
            colours.accent,
            "center",
            m + inset,
            y,
            width,
        )
    )
    return CardLayout(frame.width, frame.height, m, colours.background, tuple(blocks), notes)


def takeaways_title(season: SeasonEntry | None, episode: EpisodeEntry | None) -> str:
    """'Key Take-Aways Staffel 2: Was braucht es für eine Kooperative Kommune?'."""
    if episode is not None:
        if episode.number is None:
            return f"Key Take-Aways: {episode.title}"
        return f"Key Take-Aways Folge {episode.number}: {episode.title}"
    assert season is not None
    if season.meta.takeaways_title:
        return f"Key Take-Aways Staffel {season.number}: {season.meta.takeaways_title}"
    return f"Key Take-Aways {season.meta.title}"


def takeaways_layout(
    frame: CardFrame, title: str, items: Sequence[tuple[str, str | None]], notes: str = ""
) -> CardLayout:
    """A title and the takeaways as a grid of tiles (title bold, optional text below)."""
    u, m = frame.unit, frame.margin
    blocks, top = frame.header(title, None)
    grid = Box(m, top, frame.width - 2 * m, frame.height - m - top)
    gap = round(0.022 * u)
    best = None
    for columns in range(1, len(items) + 1):
        rows = math.ceil(len(items) / columns)
        tile_w = (grid.w - (columns - 1) * gap) / columns
        tile_h = (grid.h - (rows - 1) * gap) / rows
        size = _tile_size(frame.fonts, items, tile_w, tile_h, round(0.05 * u), u)
        if size and (best is None or size > best[0]):
            best = (size, columns, rows, tile_w, tile_h)
    if best is None:
        raise PodcastError(f"{title}: the takeaways do not fit on one card")
    size, columns, rows, tile_w, tile_h = best
    pad = round(0.022 * u)
    colours = frame.colours
    for number, (name, text) in enumerate(items):
        row, column = divmod(number, columns)
        x = round(grid.x + column * (tile_w + gap))
        y = round(grid.y + row * (tile_h + gap))
        tile = Box(x, y, round(tile_w), round(tile_h))
        blocks.append(
            RectBlock(
                f"tile{number + 1}",
                tile,
                colours.tile,
                colours.accent,
                max(2, round(0.003 * u)),
                round(0.012 * u),
            )
        )
        inner_w = tile.w - 2 * pad
        head = fit(name, frame.fonts.bold, inner_w, 10 * u, size)
        body = fit(text, frame.fonts.regular, inner_w, 10 * u, round(size * 0.72)) if text else None
        spacing = round(size * 0.3) if body else 0
        height = head.height + spacing + (body.height if body else 0)
        ty = tile.y + max(pad, (tile.h - height) // 2)
        blocks.append(
            _text(
                f"takeaway{number + 1}",
                name,
                head,
                frame.fonts.bold,
                colours.accent,
                "left",
                tile.x + pad,
                ty,
                inner_w,
            )
        )
        if body and text:
            blocks.append(
                _text(
                    f"takeaway{number + 1}-text",
                    text,
                    body,
                    frame.fonts.regular,
                    colours.foreground,
                    "left",
                    tile.x + pad,
                    ty + head.height + spacing,
                    inner_w,
                )
            )
    return CardLayout(frame.width, frame.height, m, colours.background, tuple(blocks), notes)


def _tile_size(fonts: Fonts, items, tile_w: float, tile_h: float, max_size: int, unit: int) -> int:
    """The largest title size at which every takeaway fits its tile (0: none)."""
    pad = round(0.022 * unit)
    inner_w, inner_h = tile_w - 2 * pad, tile_h - 2 * pad
    if inner_w <= 0 or inner_h <= 0:
        return 0

    def fits(size: int) -> bool:
        return all(_tile_fits(fonts, name, text, inner_w, inner_h, size) for name, text in items)

    low, high = 8, max_size  # binary search: the largest size that fits
    if not fits(low):
        return 0
    while low < high:
        middle = (low + high + 1) // 2
        low, high = (middle, high) if fits(middle) else (low, middle - 1)
    return low


def _tile_fits(
    fonts: Fonts, name: str, text: str | None, width: float, height: float, size: int
) -> bool:
    head = wrap(name, fonts.bold, size, width)
    total = len(head) * line_height(fonts.bold, size)
    if text:
        small = round(size * 0.72)
        total += round(size * 0.3) + len(wrap(text, fonts.regular, small, width)) * line_height(
            fonts.regular, small
        )
    return total <= height


# --- renderers -----------------------------------------------------------


def render_png(layout: CardLayout) -> bytes:
    image = Image.new("RGB", (layout.width, layout.height), _rgb(layout.background))
    draw = ImageDraw.Draw(image)
    for block in layout.blocks:
        box = block.box
        if isinstance(block, RectBlock):
            draw.rounded_rectangle(
                (box.x, box.y, box.right - 1, box.bottom - 1),
                radius=block.radius,
                fill=block.fill,
                outline=block.outline,
                width=block.outline_width,
            )
        elif isinstance(block, ImageBlock):
            image.paste(_artwork(block.path, box.w, box.h), (box.x, box.y))
        else:
            font = pil_font(block.face.path, block.size)
            for line, x, baseline in block.line_positions():
                draw.text((x, baseline), line, font=font, fill=block.colour, anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@cache
def _artwork(path: Path, width: int, height: int) -> Image.Image:
    with Image.open(path) as source:
        return source.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


def _artwork_bytes(path: Path, width: int, height: int) -> bytes:
    out = io.BytesIO()
    _artwork(path, width, height).save(out, "PNG")
    return out.getvalue()


def render_svg(layout: CardLayout) -> str:
    """The same layout as SVG; every text stays a ``<text>`` with its font named."""
    w, h = layout.width, layout.height
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{w}" height="{h}" viewBox="0 0 {w} {h}">',
        f'<rect width="{w}" height="{h}" fill="{layout.background}"/>',
    ]
    for block in layout.blocks:
        box = block.box
        if isinstance(block, RectBlock):
            stroke = (
                f' stroke="{block.outline}" stroke-width="{block.outline_width}"'
                if block.outline
                else ""
            )
            parts.append(
                f'<rect x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" '
                f'rx="{block.radius}" fill="{block.fill or "none"}"{stroke}/>'
            )
        elif isinstance(block, ImageBlock):
            data = base64.b64encode(_artwork_bytes(block.path, box.w, box.h)).decode()
            parts.append(
                f'<image x="{box.x}" y="{box.y}" width="{box.w}" height="{box.h}" '
                f'href="data:image/png;base64,{data}"/>'
            )
        else:
            weight = "bold" if block.face.bold else "normal"
            parts.append(
                f"<g font-family={quoteattr(block.face.family + ', sans-serif')} "
                f'font-size="{block.size}" font-weight="{weight}" fill="{block.colour}">'
            )
            for line, x, baseline in block.line_positions():
                parts.append(
                    f'<text x="{x:.1f}" y="{baseline:.1f}" xml:space="preserve">'
                    f"{escape(line)}</text>"
                )
            parts.append("</g>")
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def render_pptx(layouts: Sequence[CardLayout]) -> bytes:
    """One slide per layout: shapes and editable text boxes placed as in the PNG."""
    from pptx import Presentation
    from pptx.dml.color import RGBColor
    from pptx.enum.shapes import MSO_SHAPE
    from pptx.enum.text import MSO_ANCHOR, MSO_AUTO_SIZE, PP_ALIGN
    from pptx.oxml.ns import qn
    from pptx.util import Emu, Pt

    if not layouts:
        raise PodcastError("nothing to put on slides")
    deck = Presentation()
    deck.slide_width = Emu(layouts[0].width * EMU_PER_PX)
    deck.slide_height = Emu(layouts[0].height * EMU_PER_PX)
    blank = deck.slide_layouts[6]
    aligns = {"left": PP_ALIGN.LEFT, "center": PP_ALIGN.CENTER, "right": PP_ALIGN.RIGHT}

    def emu(value: float) -> Emu:
        return Emu(round(value * EMU_PER_PX))

    def colour(value: str) -> RGBColor:
        return RGBColor(*_rgb(value))

    for layout in layouts:
        slide = deck.slides.add_slide(blank)
        fill = slide.background.fill
        fill.solid()
        fill.fore_color.rgb = colour(layout.background)
        for block in layout.blocks:
            box = block.box
            if isinstance(block, RectBlock):
                kind = MSO_SHAPE.ROUNDED_RECTANGLE if block.radius else MSO_SHAPE.RECTANGLE
                shape = slide.shapes.add_shape(kind, emu(box.x), emu(box.y), emu(box.w), emu(box.h))
                shape.name = block.name
                if block.radius:
                    shape.adjustments[0] = block.radius / min(box.w, box.h)
                if block.fill:
                    shape.fill.solid()
                    shape.fill.fore_color.rgb = colour(block.fill)
                else:
                    shape.fill.background()
                if block.outline:
                    shape.line.color.rgb = colour(block.outline)
                    shape.line.width = emu(block.outline_width)
                else:
                    shape.line.fill.background()
                shape.shadow.inherit = False
                style = shape._element.find(qn("p:style"))  # the theme's shadow and colours
                if style is not None:
                    shape._element.remove(style)
            elif isinstance(block, ImageBlock):
                picture = slide.shapes.add_picture(
                    io.BytesIO(_artwork_bytes(block.path, box.w * 2, box.h * 2)),
                    emu(box.x),
                    emu(box.y),
                    emu(box.w),
                    emu(box.h),
                )
                picture.name = block.name
            else:
                # The lines fill 98 % of the box (see wrap); a box of 99 % leaves PowerPoint
                # room to measure a little wider, but none for a word more than the PNG has.
                width = box.w * (WRAP_FILL + 0.01)
                x = (
                    box.x
                    + {"left": 0, "center": (box.w - width) / 2, "right": box.w - width}[
                        block.align
                    ]
                )
                shape = slide.shapes.add_textbox(emu(x), emu(box.y), emu(width), emu(box.h))
                shape.name = block.name
                frame = shape.text_frame
                frame.word_wrap = True
                frame.auto_size = MSO_AUTO_SIZE.NONE
                frame.vertical_anchor = MSO_ANCHOR.TOP
                frame.margin_left = frame.margin_right = frame.margin_top = frame.margin_bottom = 0
                paragraph = frame.paragraphs[0]
                paragraph.alignment = aligns[block.align]
                paragraph.line_spacing = Pt(block.line_height * PT_PER_PX)
                run = paragraph.add_run()
                run.text = block.text
                font = run.font
                font.name = block.face.family
                font.size = Pt(block.size * PT_PER_PX)
                font.bold = block.face.bold
                font.color.rgb = colour(block.colour)
        if layout.notes:
            slide.notes_slide.notes_text_frame.text = layout.notes
    out = io.BytesIO()
    deck.save(out)
    return out.getvalue()


def quote_notes(episode: EpisodeEntry, speaker: str, start: float, end: float, url: str) -> str:
    """Speaker notes of a quote slide: episode, time, and where to listen."""
    when = f"{format_timestamp(start, millis=False)}–{format_timestamp(end, millis=False)}"
    label = f"Folge {episode.number}: " if episode.number is not None else ""
    return f"{label}{episode.title}\n{speaker}, {when}\n{url}"
