"""Quote cards, decks, Markdown and clips written to a folder, and the build's cards stage.

``podcast quotes export`` and ``podcast takeaways export`` call :func:`export_quotes`
and :func:`export_takeaways`; ``podcast build`` calls :func:`build_cards`, which
puts every public quote's PNG card (and clip) into the build, re-rendering only
what changed (cached in ``.cache/cards`` and ``.cache/clips``).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from podcast.audio.encode import EncodedAudio, encode_all
from podcast.cards import (
    DEFAULT_SIZE,
    CardFrame,
    CardLayout,
    quote_layout,
    quote_notes,
    render_png,
    render_pptx,
    render_svg,
    takeaways_layout,
    takeaways_title,
)
from podcast.catalog.models import Catalog, EpisodeEntry
from podcast.labels import Labels
from podcast.paths import card_path, clip_path
from podcast.progress import FileProgress
from podcast.quotes.clips import cached_clip
from podcast.quotes.selection import (
    QuoteFilter,
    QuoteRef,
    all_quotes,
    quote_time_url,
    quotes_markdown,
)
from podcast.writer import Writer

QUOTE_FORMATS = ("png", "svg", "pptx", "md", "mp3")
TAKEAWAY_FORMATS = ("png", "svg", "pptx")


def quote_card(catalog: Catalog, ref: QuoteRef, frame: CardFrame) -> CardLayout:
    quote, url = ref.quote, quote_time_url(catalog, ref)
    notes = quote_notes(frame.labels, ref.episode, quote.speaker, quote.start, quote.end, url)
    return quote_layout(frame, ref.episode, ref.quote.text, ref.quote.speaker, notes)


def file_stem(ref: QuoteRef) -> str:
    """'folge-14-positiv-irritierend-2': the same name as the card in the build."""
    return Path(card_path(ref.episode, ref.index)).stem


def _write(path: Path, data: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".part")
    tmp.write_bytes(data)
    os.replace(tmp, path)
    return path


def export_quotes(
    catalog: Catalog,
    refs: Sequence[QuoteRef],
    fmt: str,
    out: Path,
    size: str = DEFAULT_SIZE,
    cache: Path = Path(".cache"),
    progress: FileProgress = lambda _: None,
) -> list[Path]:
    """Write the quotes as PNG/SVG cards (one file each), one PPTX deck, one Markdown
    file, or MP3 clips (one each) into ``out``; returns the files written."""
    if fmt == "md":
        return [_write(out / "quotes.md", quotes_markdown(catalog, refs).encode("utf-8"))]
    if fmt == "mp3":
        encoded = encode_all(
            list({r.episode.slug: r.episode for r in refs}.values()),
            catalog.show.meta.audio,
            cache,
            os.cpu_count() or 1,
            catalog.show.root,
        )
        written = []
        for ref in refs:
            progress(f"{file_stem(ref)}.mp3")
            clip = cached_clip(catalog, ref, encoded[ref.episode.slug], cache)
            written.append(_write(out / f"{file_stem(ref)}.mp3", clip.read_bytes()))
        return written
    frame = CardFrame.for_show(catalog.show, size)
    layouts = [quote_card(catalog, ref, frame) for ref in refs]
    return _write_cards(layouts, [file_stem(r) for r in refs], fmt, out, "quotes", progress)


def _write_cards(
    layouts: Sequence[CardLayout],
    stems: Sequence[str],
    fmt: str,
    out: Path,
    deck: str,
    progress: FileProgress,
) -> list[Path]:
    """One PPTX deck ``deck``.pptx, or one PNG/SVG file per layout named by ``stems``."""
    if fmt == "pptx":
        progress(f"{len(layouts)} slide(s)")
        return [_write(out / f"{deck}.pptx", render_pptx(layouts))]
    written = []
    for stem, layout in zip(stems, layouts, strict=True):
        progress(f"{stem}.{fmt}")
        data = render_png(layout) if fmt == "png" else render_svg(layout).encode("utf-8")
        written.append(_write(out / f"{stem}.{fmt}", data))
    return written


@dataclass(frozen=True)
class TakeawaySet:
    """The takeaways of one season or one episode, and the file they go to."""

    stem: str
    title: str
    items: tuple[tuple[str, str | None], ...]


def takeaway_sets(
    catalog: Catalog, season: int | None = None, episode: str | None = None
) -> list[TakeawaySet]:
    """Each season's takeaways (and each episode's), filtered like ``podcast quotes``."""
    labels = Labels(catalog.show.meta.language)
    wanted = QuoteFilter(season=season, episode=episode)
    sets = []
    if episode is None:
        for season_entry in catalog.seasons:
            if season is not None and season_entry.number != season:
                continue
            if season_entry.meta.takeaways:
                sets.append(
                    TakeawaySet(
                        f"takeaways-{season_entry.slug}",
                        takeaways_title(labels, season_entry, None),
                        tuple((t.title, t.text) for t in season_entry.meta.takeaways),
                    )
                )
    ordered: list[EpisodeEntry] = sorted(
        catalog.episodes, key=lambda e: (e.published, e.number or 0, e.slug)
    )
    for entry in ordered:
        if entry.meta.takeaways and wanted.matches_episode(entry):
            sets.append(
                TakeawaySet(
                    f"takeaways-{entry.slug}",
                    takeaways_title(labels, None, entry),
                    tuple((t.title, t.text) for t in entry.meta.takeaways),
                )
            )
    return sets


def export_takeaways(
    catalog: Catalog,
    sets: Sequence[TakeawaySet],
    fmt: str,
    out: Path,
    size: str = DEFAULT_SIZE,
    progress: FileProgress = lambda _: None,
) -> list[Path]:
    frame = CardFrame.for_show(catalog.show, size)
    layouts = [takeaways_layout(frame, s.title, s.items, s.title) for s in sets]
    return _write_cards(layouts, [s.stem for s in sets], fmt, out, "takeaways", progress)


def cached_card(layout: CardLayout, cache: Path) -> Path:
    """The PNG for ``layout`` from ``cache/cards``; rendered only if it is not there yet.

    The key is :meth:`CardLayout.fingerprint`: a hash of the quote, the episode's
    title and line, the card style, the fonts, the artwork and the renderer version.
    """
    path = cache / "cards" / f"{layout.fingerprint()}.png"
    if not path.is_file():
        _write(path, render_png(layout))
    return path


def build_cards(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    encoded: Mapping[str, EncodedAudio],
    writer: Writer,
    cache: Path,
) -> None:
    """Put a PNG card and an MP3 clip of every quote of ``episodes`` into the build.

    The pages link them afterwards by asking ``writer`` what was written.
    """
    frame = CardFrame.for_show(catalog.show)
    for ref in all_quotes(episodes):
        card = card_path(ref.episode, ref.index)
        writer.copy_file(card, cached_card(quote_card(catalog, ref, frame), cache), "cards")
        clip = clip_path(ref.episode, ref.index)
        writer.copy_file(clip, cached_clip(catalog, ref, encoded[ref.episode.slug], cache), "clips")
