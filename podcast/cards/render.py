"""A card layout drawn as PNG (Pillow) and as SVG (text stays text)."""

from __future__ import annotations

import base64
import io
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape, quoteattr

from PIL import Image, ImageDraw

from podcast.cards.layout import CardLayout, ImageBlock, RectBlock
from podcast.cards.style import pil_font, rgb


def render_png(layout: CardLayout) -> bytes:
    image = Image.new("RGB", (layout.width, layout.height), rgb(layout.background))
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
            image.paste(scaled_artwork(block.path, box.w, box.h), (box.x, box.y))
        else:
            font = pil_font(block.face.path, block.size)
            for line, x, baseline in block.line_positions():
                draw.text((x, baseline), line, font=font, fill=block.colour, anchor="ls")
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


@cache
def scaled_artwork(path: Path, width: int, height: int) -> Image.Image:
    with Image.open(path) as source:
        return source.convert("RGB").resize((width, height), Image.Resampling.LANCZOS)


@cache
def artwork_png(path: Path, width: int, height: int) -> bytes:
    """The scaled artwork as PNG, encoded once per size (every slide of a deck has it)."""
    out = io.BytesIO()
    scaled_artwork(path, width, height).save(out, "PNG")
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
            data = base64.b64encode(artwork_png(block.path, box.w, box.h)).decode()
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
