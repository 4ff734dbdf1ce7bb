"""Downloaded artwork made into what the catalog takes: an RGB JPEG or PNG, square,
1400–3000 px.  Artwork that already fits is kept byte for byte."""

from __future__ import annotations

import io
from pathlib import Path

from PIL import Image, UnidentifiedImageError

MIN_PX, MAX_PX = 1400, 3000


class ImageError(Exception):
    """The bytes are not an image."""


def save_artwork(data: bytes, target: Path) -> str | None:
    """Write ``data`` as ``target`` (a .jpg); a note when it had to be changed."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fmt, mode, (width, height) = image.format, image.mode, image.size
            if fmt == "JPEG" and mode == "RGB" and width == height and MIN_PX <= width <= MAX_PX:
                target.write_bytes(data)
                return None
            picture = image.convert("RGBA") if mode in {"RGBA", "LA", "P"} else image.convert("RGB")
    except (UnidentifiedImageError, OSError) as error:
        raise ImageError(f"is not an image ({error})") from None
    changes = []
    if picture.mode == "RGBA":
        background = Image.new("RGB", picture.size, (255, 255, 255))
        background.paste(picture, mask=picture.getchannel("A"))
        picture = background
        changes.append("transparency on white")
    if width != height:
        side = max(width, height)
        square = Image.new("RGB", (side, side), (255, 255, 255))
        square.paste(picture, ((side - width) // 2, (side - height) // 2))
        picture = square
        changes.append(f"padded from {width}×{height} px to square")
    side = picture.size[0]
    if not MIN_PX <= side <= MAX_PX:
        new_side = min(max(side, MIN_PX), MAX_PX)
        picture = picture.resize((new_side, new_side), Image.Resampling.LANCZOS)
        word = "enlarged" if new_side > side else "reduced"
        changes.append(
            f"{word} from {side} to {new_side} px (replace it with a sharper one)"
            if new_side > side
            else f"{word} from {side} to {new_side} px"
        )
    if fmt != "JPEG":
        changes.append(f"{fmt or 'image'} saved as JPEG")
    picture.save(target, "JPEG", quality=92)
    return ", ".join(changes) or "re-encoded as RGB JPEG"


def save_picture(data: bytes, folder: Path, stem: str) -> str:
    """A person's picture as ``stem.jpg`` or ``stem.png`` in ``folder``; the file name."""
    try:
        with Image.open(io.BytesIO(data)) as image:
            image.load()
            fmt = image.format
            suffix = {"JPEG": ".jpg", "PNG": ".png"}.get(fmt or "")
            folder.mkdir(parents=True, exist_ok=True)
            if suffix:
                (folder / f"{stem}{suffix}").write_bytes(data)
                return f"{stem}{suffix}"
            image.convert("RGB").save(folder / f"{stem}.jpg", "JPEG", quality=92)
            return f"{stem}.jpg"
    except (UnidentifiedImageError, OSError) as error:
        raise ImageError(f"is not an image ({error})") from None
