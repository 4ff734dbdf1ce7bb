"""Quote cards, decks, Markdown and clips written to a folder, and the build's cards stage.

``podcast quotes export`` and ``podcast takeaways export`` call :func:`export_quotes`
and :func:`export_takeaways`; ``podcast build`` calls :func:`build_cards`, which
puts every public quote's PNG cards (and clip), the slide decks and the takeaway
slides into the build, re-rendering only what changed (cached in ``.cache/cards``,
``.cache/clips``, ``.cache/slides`` and ``.cache/decks``, see :mod:`.decks`).
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
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
from podcast.jobs import default_jobs
from podcast.labels import Labels
from podcast.paths import (
    ALL_QUOTES_DECK,
    ALL_TAKEAWAYS_DECK,
    CARD_SHAPES,
    VIDEO_SHAPES,
    card_path,
    clip_path,
    episode_deck_path,
    season_deck_path,
    takeaways_path,
    video_path,
)
from podcast.progress import FileProgress
from podcast.quotes.clips import cached_clips
from podcast.quotes.decks import cached_card, cached_deck
from podcast.quotes.selection import (
    QuoteFilter,
    QuoteRef,
    all_quotes,
    quote_time_url,
    quotes_markdown,
)
from podcast.quotes.video import cached_video
from podcast.writer import Writer

QUOTE_FORMATS = ("png", "svg", "pptx", "md", "mp3", "mp4")
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
    file, MP3 clips (one each) or MP4 videos (16:9 and 9:16 each) into ``out``; returns
    the files written."""
    if fmt == "md":
        return [_write(out / "quotes.md", quotes_markdown(catalog, refs).encode("utf-8"))]
    if fmt in ("mp3", "mp4"):
        encoded = encode_all(
            list({r.episode.slug: r.episode for r in refs}.values()),
            catalog.show.meta.audio,
            cache,
            default_jobs(),
            catalog.show.root,
        )
        square = CardFrame.for_show(catalog.show, CARD_SHAPES["1x1"])
        written = []
        clips = cached_clips(catalog, refs, encoded, cache, default_jobs())
        for ref, clip in zip(refs, clips, strict=True):
            if fmt == "mp3":
                progress(f"{file_stem(ref)}.mp3")
                written.append(_write(out / f"{file_stem(ref)}.mp3", clip.read_bytes()))
                continue
            layout = quote_card(catalog, ref, square)
            for shape in VIDEO_SHAPES:
                name = f"{file_stem(ref)}-{shape}.mp4"
                progress(name)
                language = catalog.show.meta.language
                video = cached_video(layout, square, ref, clip, shape, cache, language)
                written.append(_write(out / name, video.read_bytes()))
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

    slug: str  # the season's or the episode's
    title: str
    items: tuple[tuple[str, str | None], ...]
    episode: EpisodeEntry | None = None  # None: a season's

    @property
    def stem(self) -> str:
        return f"takeaways-{self.slug}"


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
                        season_entry.slug,
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
                    entry.slug,
                    takeaways_title(labels, None, entry),
                    tuple((t.title, t.text) for t in entry.meta.takeaways),
                    entry,
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


def build_cards(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    encoded: Mapping[str, EncodedAudio],
    writer: Writer,
    cache: Path,
    jobs: int = 1,
) -> None:
    """Put into the build what editors take from the site: every quote of ``episodes`` as
    PNG cards (16:9, 1:1, 9:16) and an MP3 clip, the quote decks (all quotes, one per
    season, one per episode) and the takeaway slides (PNG and PPTX) of every season and
    of ``episodes``.

    Cards and clips not in the cache yet are made ``jobs`` at a time (clips by ffmpeg
    processes that cut many each, cards by PNG encodes). The pages link them afterwards by asking
    ``writer`` what was written.
    """
    frames = {shape: CardFrame.for_show(catalog.show, size) for shape, size in CARD_SHAPES.items()}
    refs = all_quotes(episodes)
    language = catalog.show.meta.language
    layouts = [{shape: quote_card(catalog, ref, frame) for shape, frame in frames.items()}
               for ref in refs]  # fmt: skip
    slides = [shapes["16x9"] for shapes in layouts]
    # the decks are Python (python-pptx), the clips and cards mostly not (ffmpeg processes,
    # PNG encodes without the GIL): the decks are made alongside them, on a core they leave
    with ThreadPoolExecutor(max_workers=1) as deck_maker:
        decks = deck_maker.submit(deck_files, catalog, refs, slides, cache)
        clips = cached_clips(catalog, refs, encoded, cache, jobs)
        with ThreadPoolExecutor(max_workers=max(1, jobs)) as pool:
            unique = {lay.fingerprint(): lay for shapes in layouts for lay in shapes.values()}
            rendered = pool.map(lambda lay: cached_card(lay, cache), unique.values())
            cards = dict(zip(unique, rendered, strict=True))
        for ref, shapes, clip in zip(refs, layouts, clips, strict=True):
            for shape, layout in shapes.items():
                card = card_path(ref.episode, ref.index, shape=shape)
                writer.copy_file(card, cards[layout.fingerprint()], "cards")
            writer.copy_file(clip_path(ref.episode, ref.index), clip, "clips")
            if catalog.show.meta.cards.video:
                square = frames["1x1"]
                layout = shapes["1x1"]
                for shape in VIDEO_SHAPES:
                    video = cached_video(layout, square, ref, clip, shape, cache, language)
                    writer.copy_file(video_path(ref.episode, ref.index, shape), video, "videos")
        for relpath, deck in decks.result():
            writer.copy_file(relpath, deck, "decks")
    write_takeaways(catalog, episodes, frames["16x9"], writer, cache)


def deck_files(
    catalog: Catalog,
    refs: Sequence[QuoteRef],
    slides: Sequence[CardLayout],
    cache: Path,
) -> list[tuple[str, Path]]:
    """One deck of every quote, one per season and one per episode (16:9 slides): each
    one's path in the build and its file in the cache (rendered when new)."""
    if not refs:
        return []
    decks = [(ALL_QUOTES_DECK, cached_deck(slides, cache))]
    for season in catalog.seasons:
        chosen = [
            slide
            for ref, slide in zip(refs, slides, strict=True)
            if ref.episode.season.number == season.number
        ]
        if chosen:
            decks.append((season_deck_path(season), cached_deck(chosen, cache)))
    by_episode: dict[str, tuple[EpisodeEntry, list[CardLayout]]] = {}
    for ref, slide in zip(refs, slides, strict=True):
        by_episode.setdefault(ref.episode.slug, (ref.episode, []))[1].append(slide)
    for episode, chosen in by_episode.values():
        decks.append((episode_deck_path(episode), cached_deck(chosen, cache)))
    return decks


def write_takeaways(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    frame: CardFrame,
    writer: Writer,
    cache: Path,
) -> None:
    """Each season's and each published episode's takeaway slide, as PNG and as a
    one-slide deck, and all of them in one deck."""
    public = {e.slug for e in episodes}
    sets = [s for s in takeaway_sets(catalog) if s.episode is None or s.episode.slug in public]
    layouts = [takeaways_layout(frame, s.title, s.items, s.title) for s in sets]
    for entry, layout in zip(sets, layouts, strict=True):
        png = takeaways_path(entry.slug, "png")
        writer.copy_file(png, cached_card(layout, cache, "slides"), "decks")
        writer.copy_file(takeaways_path(entry.slug, "pptx"), cached_deck([layout], cache), "decks")
    if layouts:
        writer.copy_file(ALL_TAKEAWAYS_DECK, cached_deck(layouts, cache), "decks")
