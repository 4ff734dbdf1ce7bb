#!/usr/bin/env python3
"""Draw the demo show's cover: episodes/artwork.jpg (1400×1400 px, RGB JPEG).

A filing cabinet (the "Aktenschrank") inside a 360° ring, its top drawer open
and the files flying out, over the show's title.  The colours are the ones in
show.yaml's ``cards:`` section.  Run with the project's virtualenv (Pillow and
matplotlib's DejaVu fonts)::

    .venv/bin/python tools/make_artwork.py
"""

from __future__ import annotations

from pathlib import Path

import matplotlib
from PIL import Image, ImageDraw, ImageFont

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "episodes" / "artwork.jpg"
FONTS = Path(matplotlib.__file__).parent / "mpl-data" / "fonts" / "ttf"
BOLD = str(FONTS / "DejaVuSans-Bold.ttf")

SIZE = 1400
SCALE = 2  # drawn at twice the size, then scaled down for smooth edges

PETROL_TOP = (16, 66, 82)  # #104252
PETROL_BOTTOM = (8, 38, 50)  # #082632  (cards: background #0d3645, between the two)
CREAM = (251, 245, 234)  # #fbf5ea  (cards: foreground)
ORANGE = (242, 158, 76)  # #f29e4c  (cards: accent)
MINT = (127, 209, 193)  # #7fd1c1


def s(value: float) -> int:
    return round(value * SCALE)


def font(size: float) -> ImageFont.FreeTypeFont:
    return ImageFont.truetype(BOLD, s(size))


def gradient(width: int, height: int) -> Image.Image:
    column = Image.new("RGB", (1, height))
    for y in range(height):
        t = y / (height - 1)
        column.putpixel(
            (0, y),
            tuple(round(a + (b - a) * t) for a, b in zip(PETROL_TOP, PETROL_BOTTOM, strict=True)),
        )
    return column.resize((width, height))


def spaced(draw: ImageDraw.ImageDraw, y: float, text: str, size: float, fill, tracking: float):
    """Centered text with extra letter spacing."""
    f = font(size)
    widths = [draw.textlength(ch, font=f) for ch in text]
    total = sum(widths) + s(tracking) * (len(text) - 1)
    x = (s(SIZE) - total) / 2
    for ch, w in zip(text, widths, strict=True):
        draw.text((x, s(y)), ch, font=f, fill=fill)
        x += w + s(tracking)


def centered(draw: ImageDraw.ImageDraw, y: float, text: str, size: float, fill) -> None:
    f = font(size)
    width = draw.textlength(text, font=f)
    draw.text(((s(SIZE) - width) / 2, s(y)), text, font=f, fill=fill)


def ring(draw: ImageDraw.ImageDraw, cx: float, cy: float, r: float, width: float) -> None:
    """The 360° ring: three arcs with gaps; the files escape through the one at the top."""
    box = [s(cx - r), s(cy - r), s(cx + r), s(cy + r)]
    for start, end, colour in ((-80, 40, ORANGE), (52, 172, MINT), (184, 268, CREAM)):
        draw.arc(box, start, end, fill=colour, width=s(width))


def cabinet(draw: ImageDraw.ImageDraw, cx: float, cy: float) -> None:
    w, h = 250, 330
    left, top = cx - w / 2, cy - h / 2
    outline = s(12)
    draw.rounded_rectangle(
        [s(left), s(top), s(left + w), s(top + h)],
        radius=s(18),
        fill=PETROL_BOTTOM,
        outline=CREAM,
        width=outline,
    )
    drawer_h = (h - 40) / 3
    for i in range(3):
        y = top + 20 + i * drawer_h
        if i == 0:
            # the open drawer, pulled out towards the viewer
            draw.rounded_rectangle(
                [s(left - 34), s(y + 8), s(left + w + 34), s(y + drawer_h - 4)],
                radius=s(10),
                fill=ORANGE,
            )
            draw.rounded_rectangle(
                [s(cx - 34), s(y + 38), s(cx + 34), s(y + 54)], radius=s(8), fill=PETROL_BOTTOM
            )
        else:
            draw.rounded_rectangle(
                [s(left + 22), s(y + 10), s(left + w - 22), s(y + drawer_h - 8)],
                radius=s(8),
                outline=CREAM,
                width=s(8),
            )
            draw.rounded_rectangle(
                [s(cx - 34), s(y + 36), s(cx + 34), s(y + 52)], radius=s(8), fill=CREAM
            )


def paper(canvas: Image.Image, x: float, y: float, angle: float, colour) -> None:
    """One sheet flying out of the drawer (with three lines of 'text')."""
    w, h = 96, 124
    sheet = Image.new("RGBA", (s(w), s(h)), (0, 0, 0, 0))
    d = ImageDraw.Draw(sheet)
    d.rounded_rectangle([0, 0, s(w) - 1, s(h) - 1], radius=s(8), fill=colour)
    for i in range(3):
        d.rounded_rectangle(
            [s(16), s(26 + i * 26), s(w - 16 - (i == 2) * 24), s(36 + i * 26)],
            radius=s(4),
            fill=PETROL_TOP,
        )
    sheet = sheet.rotate(angle, resample=Image.BICUBIC, expand=True)
    canvas.paste(sheet, (s(x) - sheet.width // 2, s(y) - sheet.height // 2), sheet)


def main() -> None:
    canvas = gradient(s(SIZE), s(SIZE))
    draw = ImageDraw.Draw(canvas)

    spaced(draw, 92, "DER KOMMUNEN-PODCAST", 50, ORANGE, 9)

    cx, cy = 700, 540
    ring(draw, cx, cy, 290, 30)
    cabinet(draw, cx, cy + 40)
    for x, y, angle, colour in (
        (560, 330, 24, CREAM),
        (700, 275, -8, MINT),
        (850, 320, -28, CREAM),
        (955, 215, -40, ORANGE),
    ):
        paper(canvas, x, y, angle, colour)

    centered(draw, 905, "Rebellion im", 118, CREAM)
    centered(draw, 1040, "Aktenschrank", 118, ORANGE)

    draw.rounded_rectangle([s(560), s(1213), s(840), s(1219)], radius=s(3), fill=MINT)
    centered(draw, 1245, "Kommune 360°", 62, MINT)

    image = canvas.resize((SIZE, SIZE), Image.LANCZOS).convert("RGB")
    image.save(OUT, "JPEG", quality=88, optimize=True, progressive=True)
    print(
        f"wrote {OUT.relative_to(ROOT)}: {image.size[0]}×{image.size[1]}, "
        f"{OUT.stat().st_size / 1024:.0f} KiB"
    )


if __name__ == "__main__":
    main()
