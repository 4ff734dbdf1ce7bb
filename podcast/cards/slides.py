"""Card layouts as a PowerPoint deck: editable text boxes, one slide per card."""

from __future__ import annotations

import io
from collections.abc import Sequence

from podcast.cards.layout import WRAP_FILL, CardLayout, ImageBlock, RectBlock
from podcast.cards.render import artwork_png
from podcast.cards.style import rgb
from podcast.problems import PodcastError

EMU_PER_PX = 6350  # 1920 px = 13.333 in, PowerPoint's 16:9 slide
PT_PER_PX = 0.5  # 144 px per inch, 72 pt per inch


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
        return RGBColor(*rgb(value))

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
                    io.BytesIO(artwork_png(block.path, box.w * 2, box.h * 2)),
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
