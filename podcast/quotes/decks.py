"""The editors' files in the build: slide decks and takeaway slides, cached by content.

A deck's PPTX is a zip whose entries carry the time they were written, so the
same slides rendered twice differ byte for byte; keeping each deck in
``.cache/decks`` under a hash of its slides' fingerprints keeps an unchanged
deck the same file, and ``podcast publish`` does not upload it again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Sequence
from pathlib import Path

from podcast.cards import CardLayout, render_png, render_pptx

DECK_VERSION = "1"  # bump when a change to the slides' rendering changes the decks


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f"{path.name}.{os.getpid()}.part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def cached_card(layout: CardLayout, cache: Path, folder: str = "cards") -> Path:
    """The PNG for ``layout`` from ``cache/<folder>``; rendered only if it is not there yet.

    The key is :meth:`CardLayout.fingerprint`: a hash of the quote, the episode's
    title and line, the card style, the fonts, the artwork and the renderer version.
    """
    path = cache / folder / f"{layout.fingerprint()}.png"
    if not path.is_file():
        _write(path, render_png(layout))
    return path


def deck_key(layouts: Sequence[CardLayout]) -> str:
    digest = hashlib.sha256(DECK_VERSION.encode())
    for layout in layouts:
        digest.update(layout.fingerprint().encode())
        digest.update(layout.notes.encode())
    return digest.hexdigest()[:32]


def cached_deck(layouts: Sequence[CardLayout], cache: Path) -> Path:
    """The PPTX of ``layouts`` (one slide each) from ``cache/decks``, rendered when new."""
    path = cache / "decks" / f"{deck_key(layouts)}.pptx"
    if not path.is_file():
        _write(path, render_pptx(layouts))
    return path
