"""The card designs: a quote card, a key-takeaways slide and an episode's social image."""

from __future__ import annotations

import math
from collections.abc import Sequence

from podcast.cards.layout import Box, CardFrame, CardLayout, RectBlock, fit, text_block, wrap
from podcast.cards.style import Fonts, line_height
from podcast.catalog.models import EpisodeEntry, SeasonEntry, format_timestamp
from podcast.labels import Labels
from podcast.problems import PodcastError


def episode_line(labels: Labels, episode: EpisodeEntry) -> str:
    """'Folge 14 mit Stefanie Goy, Jugendhilfeplanerin der Stadt Halle (Saale)'."""
    parts = [labels.episode_number.format(n=episode.number)] if episode.number is not None else []
    guests = episode.guests
    if len(guests) == 1:
        guest = guests[0]
        name = guest.name + (f", {guest.role}" if guest.role else "")
        parts.append(labels.with_guests.format(names=name))
    elif guests:
        parts.append(labels.with_guests.format(names=labels.listing([g.name for g in guests])))
    return " ".join(parts)


def quote_layout(
    frame: CardFrame,
    episode: EpisodeEntry,
    text: str,
    speaker: str,
    notes: str = "",
) -> CardLayout:
    """The quote card: heading, episode, the quote in the language's marks, '– Speaker –'."""
    u, m = frame.unit, frame.margin
    blocks, top = frame.header(episode.title, episode_line(frame.labels, episode))
    inset = round(0.04 * u)  # the quote stands a little in from the header's edges
    width = frame.width - 2 * m - 2 * inset
    bottom = frame.height - m
    speaker_text = f"– {speaker} –"
    speaker_fit = fit(speaker_text, frame.fonts.bold, width, 0.1 * u, round(0.036 * u), max_lines=1)
    gap = round(0.035 * u)
    room = bottom - top - speaker_fit.height - gap
    quote_text = frame.labels.quoted(text)
    quote_fit = fit(quote_text, frame.fonts.regular, width, room, round(0.064 * u))
    group = quote_fit.height + gap + speaker_fit.height
    y = top + max(0, (bottom - top - group) // 2)
    colours = frame.colours
    blocks.append(
        text_block(
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
        text_block(
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


def episode_layout(frame: CardFrame, episode: EpisodeEntry) -> CardLayout:
    """The episode's social image (``podcast:image``, the page's ``og:image``): the header
    with the title and guests, then the one-line summary, large, in the card's space."""
    u, m = frame.unit, frame.margin
    blocks, top = frame.header(episode.title, episode_line(frame.labels, episode))
    width = frame.width - 2 * m
    room = frame.height - m - top
    summary = fit(episode.meta.summary, frame.fonts.regular, width, room, round(0.06 * u))
    y = top + max(0, (room - summary.height) // 2)
    blocks.append(
        text_block(
            "summary",
            episode.meta.summary,
            summary,
            frame.fonts.regular,
            frame.colours.foreground,
            "left",
            m,
            y,
            width,
        )
    )
    alt = f"{episode.title}: {episode.meta.summary}"
    return CardLayout(frame.width, frame.height, m, frame.colours.background, tuple(blocks), alt)


def takeaways_title(
    labels: Labels, season: SeasonEntry | None, episode: EpisodeEntry | None
) -> str:
    """'Key Take-Aways Staffel 2: Was braucht es für eine Kooperative Kommune?'."""
    if episode is not None:
        if episode.number is None:
            return labels.takeaways_episode_named.format(title=episode.title)
        return labels.takeaways_episode.format(n=episode.number, title=episode.title)
    assert season is not None
    if season.meta.takeaways_title:
        return labels.takeaways_season.format(n=season.number, title=season.meta.takeaways_title)
    return labels.takeaways_season_named.format(title=season.meta.title)


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
            text_block(
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
                text_block(
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


def quote_notes(
    labels: Labels, episode: EpisodeEntry, speaker: str, start: float, end: float, url: str
) -> str:
    """Speaker notes of a quote slide: episode, time, and where to listen."""
    when = f"{format_timestamp(start, millis=False)}–{format_timestamp(end, millis=False)}"
    number = episode.number
    label = labels.episode_number.format(n=number) + ": " if number is not None else ""
    return f"{label}{episode.title}\n{speaker}, {when}\n{url}"
