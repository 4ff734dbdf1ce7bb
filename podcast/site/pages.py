"""The site stage: show-notes pages rendered from Jinja2 templates.

Pages: the index, one page per season, one per published episode, and one with
every quote.  Templates and the static assets (``assets/style.css``,
``assets/player.js``) live in the package (``podcast/templates``); a ``theme/``
folder next to the catalog overrides any of them by file name.

All catalog text is escaped by Jinja2's autoescape; Markdown show notes are
rendered with markdown-it-py and sanitized with nh3; JSON-LD is serialized with
``json.dumps`` with ``<``, ``>`` and ``&`` escaped so no catalog text can end the
script element.  Pages link only files that are in the build: the stages that
write transcripts, chapters JSON and quote cards run before this one, and this
stage asks the writer what was written.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from markupsafe import Markup

from podcast.catalog import slugify
from podcast.catalog.models import (
    Catalog,
    EpisodeEntry,
    Person,
    SeasonEntry,
    TimedQuote,
)
from podcast.catalog.transcript import Cue, parse_transcript
from podcast.feed.rss import EpisodeMedia
from podcast.labels import Labels
from podcast.paths import (
    ALL_QUOTES_DECK,
    ALL_TAKEAWAYS_DECK,
    ASSETS,
    CARD_SHAPES,
    QUOTES_PAGE,
    VIDEO_SHAPES,
    card_path,
    chapters_path,
    clip_path,
    episode_artwork_path,
    episode_deck_path,
    episode_page,
    loudness_plot_path,
    loudness_report_path,
    page_file,
    person_image_path,
    season_deck_path,
    season_page,
    takeaways_path,
    transcript_path,
    video_path,
)
from podcast.templating import environment
from podcast.writer import Writer

OWNER = "site"
ASSET_FILES = ("style.css", "player.js")
LATEST_ON_INDEX = 10
# Raw HTML in show notes is shown as text (html=False); nh3 then cleans what Markdown made.
_CSS_COLOR = re.compile(r"^(#[0-9a-fA-F]{3,8}|[a-zA-Z]{3,20}|(rgb|hsl)a?\([0-9.,%\s/]+\))$")


def json_ld(data: Mapping[str, Any]) -> Markup:
    """``data`` as the body of a ``<script type="application/ld+json">``.

    ``<``, ``>`` and ``&`` are written as JSON escapes, so a title containing
    ``</script>`` stays inside the string.
    """
    text = json.dumps(data, ensure_ascii=False, indent=1)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return Markup(text)


def css_color(value: str, default: str) -> str:
    """A colour from show.yaml that is safe to put into a style attribute."""
    return value if _CSS_COLOR.match(value.strip()) else default


def iso_duration(seconds: float) -> str:
    total = round(seconds)
    hours, rest = divmod(total, 3600)
    minutes, secs = divmod(rest, 60)
    return f"PT{hours}H{minutes}M{secs}S" if hours else f"PT{minutes}M{secs}S"


def sentences(cues: Sequence[Cue], most_words: int = 40) -> list[Cue]:
    """Cues as the page lists them: a transcript with a segment per word (as JSON
    transcripts often are) joined into sentences of one speaker."""
    joined: list[Cue] = []
    for cue in cues:
        last = joined[-1] if joined else None
        if (
            last is not None
            and len(last.text.split()) < most_words
            and (cue.speaker or last.speaker) == last.speaker
            and not last.text.rstrip().endswith((".", "?", "!", "…"))
            and len(cue.text.split()) <= 2
        ):
            joined[-1] = Cue(last.start, cue.end, f"{last.text} {cue.text}", last.speaker)
        else:
            joined.append(cue)
    return joined


@dataclass(frozen=True)
class Download:
    label: str
    relpath: str


@dataclass(frozen=True)
class QuoteItem:
    """A quote as the pages show it."""

    episode: EpisodeEntry
    index: int
    quote: TimedQuote
    speaker: Person | None
    card: str | None  # relpath of the quote card, when the build has one
    clip: str | None  # relpath of the soundbite, when the build has one
    files: tuple[Download, ...] = ()  # its cards in every shape, soundbite and videos

    @property
    def seconds(self) -> int:
        """The soundbite's length in whole seconds (as players count), shown before it plays."""
        return max(1, int(self.quote.end - self.quote.start))


class Site:
    """Renders every page of one build; all output goes through ``writer``."""

    def __init__(
        self,
        catalog: Catalog,
        episodes: Sequence[EpisodeEntry],
        media: Mapping[str, EpisodeMedia],
        writer: Writer,
        now: dt.datetime,
    ):
        self.catalog = catalog
        self.now = now  # which episodes are public: those the build publishes
        self.show = catalog.show
        self.episodes = tuple(episodes)
        self.media = media
        self.writer = writer
        self.env = environment(catalog)
        self.t = Labels(self.show.meta.language)

    # --- helpers the templates call -----------------------------------------------

    def built(self, relpath: str) -> bool:
        return relpath in self.writer.written

    def date(self, episode: EpisodeEntry) -> str:
        return self.t.date(episode.published.astimezone(self.show.timezone).date())

    def kicker(self, episode: EpisodeEntry) -> str:
        """'Staffel 2 · Folge 14' (or Trailer/Bonus)."""
        parts = [episode.season.meta.title]
        if episode.meta.type != "full":
            parts.append(self.t[episode.meta.type])
        if episode.number is not None:
            parts.append(self.t.episode_number.format(n=episode.number))
        return " · ".join(parts)

    def minutes(self, episode: EpisodeEntry) -> str:
        duration = self.media[episode.slug].duration
        return self.t.minutes.format(n=max(1, round(duration / 60)))

    def episode_count(self, season: SeasonEntry) -> str:
        return self.t.count("episode_count", len(self.catalog.season_episodes(season, self.now)))

    def image_of(self, person: Person) -> str | None:
        """The relpath of the person's picture, if the build has it (the build stage
        copies local pictures; remote ones are not shown: the pages make no requests
        to other hosts)."""
        if not person.image or person.image.startswith(("http://", "https://")):
            return None
        relpath = person_image_path(
            slugify(person.name), PurePosixPath(person.image).suffix.lower()
        )
        return relpath if self.built(relpath) else None

    def loudness_plot(self, episode: EpisodeEntry) -> str | None:
        return self.writer.stored_as(loudness_plot_path(episode))

    def artwork_url(self, episode: EpisodeEntry) -> str:
        """The episode's own artwork if the build has it, else the show's (absolute URL)."""
        if episode.artwork is not None:
            relpath = episode_artwork_path(episode, episode.artwork.suffix.lower())
            if self.built(relpath):
                return self.show.url(relpath)
        return self.show.url(self.show.artwork.name)

    # --- data -----------------------------------------------------------------------

    def quotes(self, episode: EpisodeEntry) -> list[QuoteItem]:
        items = []
        for index, quote in enumerate(episode.quotes):
            card, clip = card_path(episode, index), clip_path(episode, index)
            seconds = max(1, int(quote.end - quote.start))
            candidates = [
                *(
                    Download(
                        self.t[f"card_{shape}"] + " (PNG)", card_path(episode, index, shape=shape)
                    )
                    for shape in CARD_SHAPES
                ),
                Download(self.t.soundbite.format(seconds=seconds), clip),
                *(
                    Download(self.t[f"video_{shape}"], video_path(episode, index, shape))
                    for shape in VIDEO_SHAPES
                ),
            ]
            items.append(
                QuoteItem(
                    episode,
                    index,
                    quote,
                    episode.speaker(quote),
                    card if self.built(card) else None,
                    clip if self.built(clip) else None,
                    tuple(d for d in candidates if self.built(d.relpath)),
                )
            )
        return items

    def _built(self, *candidates: Download) -> list[Download]:
        return [d for d in candidates if self.built(d.relpath)]

    def takeaway_files(self, slug: str, title: str) -> list[Download]:
        return self._built(
            Download(self.t.takeaways_png.format(title=title), takeaways_path(slug, "png")),
            Download(self.t.takeaways_pptx.format(title=title), takeaways_path(slug, "pptx")),
        )

    def season_files(self, season: SeasonEntry) -> list[Download]:
        """The season's quote deck and takeaway slides, for the season page."""
        return self._built(
            Download(self.t.deck_season.format(title=season.meta.title), season_deck_path(season))
        ) + self.takeaway_files(season.slug, season.meta.title)

    def episode_files(self, episode: EpisodeEntry) -> list[Download]:
        """The episode's quote deck and takeaway slides, for the episode page."""
        return self._built(
            Download(self.t.deck_episode, episode_deck_path(episode))
        ) + self.takeaway_files(episode.slug, self.t.episode(episode.number, episode.title))

    def editor_files(self, seasons: Sequence[SeasonEntry]) -> list[Download]:
        """Every deck and takeaway slide of the build, for the quotes page."""
        found = self._built(Download(self.t.deck_all, ALL_QUOTES_DECK))
        for season in seasons:
            found += self._built(
                Download(
                    self.t.deck_season.format(title=season.meta.title), season_deck_path(season)
                )
            )
        found += self._built(Download(self.t.takeaways_all, ALL_TAKEAWAYS_DECK))
        for season in seasons:
            found += self.takeaway_files(season.slug, season.meta.title)
        for episode in self.episodes:
            found += self.takeaway_files(
                episode.slug, self.t.episode(episode.number, episode.title)
            )
        return found

    def loudness_report(self, episode: EpisodeEntry) -> str | None:
        """The loudness report (for the producer: linked next to the plot, not a download)."""
        return self.writer.stored_as(loudness_report_path(episode))

    def transcript(self, episode: EpisodeEntry) -> list[Cue]:
        # The catalog stage has parsed it already; errors there stop the build.
        return sentences(parse_transcript(episode.transcript)) if episode.transcript else []

    def downloads(self, episode: EpisodeEntry) -> list[Download]:
        media = self.media[episode.slug]
        found = [
            Download(self.t.download_mp3.format(size=self.t.megabytes(media.size)), media.relpath)
        ]
        if episode.transcript is not None:
            suffix = episode.transcript.suffix.lower()
            transcript = transcript_path(media.relpath, suffix)
            if self.built(transcript):
                label = self.t.download_transcript.format(format=suffix.lstrip(".").upper())
                found.append(Download(label, transcript))
        chapters = chapters_path(media.relpath)
        if self.built(chapters):
            found.append(Download(self.t.download_chapters, chapters))
        if media.social_image is not None:
            found.append(Download(self.t.download_social_image, media.social_image.relpath))
        return found

    def series_ld(self) -> dict[str, Any]:
        meta = self.show.meta
        return {
            "@type": "PodcastSeries",
            "name": meta.title,
            "description": meta.description,
            "url": self.show.url(""),
            "image": self.show.url(self.show.artwork.name),
            "webFeed": self.show.feed_url,
            "inLanguage": meta.language,
            "author": {"@type": "Person", "name": meta.author},
        }

    def season_ld(self, season: SeasonEntry) -> dict[str, Any]:
        return {
            "@type": "PodcastSeason",
            "name": season.meta.title,
            "seasonNumber": season.number,
            "url": self.show.url(season_page(season)),
            "partOfSeries": self.series_ld(),
        }

    def episode_ld(self, episode: EpisodeEntry) -> dict[str, Any]:
        media = self.media[episode.slug]
        data: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "PodcastEpisode",
            "name": episode.title,
            "description": episode.meta.summary,
            "url": self.show.url(episode_page(episode)),
            "datePublished": episode.published.isoformat(),
            "timeRequired": iso_duration(media.duration),
            "image": self.artwork_url(episode),
            "inLanguage": self.show.meta.language,
            "associatedMedia": {
                "@type": "AudioObject",
                "contentUrl": media.url,
                "encodingFormat": media.mime,
                "contentSize": str(media.size),
                "duration": iso_duration(media.duration),
            },
            "partOfSeason": self.season_ld(episode.season),
            "partOfSeries": self.series_ld(),
        }
        if episode.number is not None:
            data["episodeNumber"] = episode.number
        people = [{"@type": "Person", "name": p.name} for p in episode.guests]
        if people:
            data["actor"] = people
        return data

    # --- pages ----------------------------------------------------------------------

    def assets(self) -> dict[str, str]:
        """Write the static files; return their URLs (relative to the site root) with a
        content hash, so browsers never keep a stale copy."""
        urls = {}
        loader = self.env.loader
        assert loader is not None  # templating.environment always has one
        for name in ASSET_FILES:
            text, _, _ = loader.get_source(self.env, f"assets/{name}")
            self.writer.write_text(ASSETS + name, text, OWNER)
            digest = hashlib.sha256(text.encode()).hexdigest()[:10]
            urls[name] = f"{ASSETS}{name}?v={digest}"
        return urls

    def page(self, template: str, relpath: str, **context: Any) -> None:
        depth = relpath.count("/")
        root = "../" * depth
        html = self.env.get_template(template).render(
            site=self,
            show=self.show,
            t=self.t,
            root=root,
            page_url=self.show.url(relpath),
            **context,
        )
        self.writer.write_text(page_file(relpath), html, OWNER)

    def render(self) -> None:
        cards = self.show.meta.cards
        seasons = [s for s in self.catalog.seasons if s.number >= 0]
        common = {
            "assets": self.assets(),
            "seasons": seasons,
            "colors": {
                "background": css_color(cards.background, "#1d3557"),
                "foreground": css_color(cards.foreground, "#ffffff"),
                "accent": css_color(cards.accent, "#f4a261"),
            },
            "feed_url": self.show.feed_url,
            "artwork": self.show.artwork.name,
            "artwork_url": self.show.url(self.show.artwork.name),
            "quotes_page": QUOTES_PAGE,
            "has_quotes": any(e.meta.quotes for e in self.episodes),
        }
        series = {"@context": "https://schema.org", **self.series_ld()}
        self.page(
            "index.html",
            "",
            latest=self.episodes[:LATEST_ON_INDEX],
            jsonld=json_ld(series),
            **common,
        )
        for season in seasons:
            self.page(
                "season.html",
                season_page(season),
                season=season,
                season_episodes=self.catalog.season_episodes(season, self.now),
                jsonld=json_ld({"@context": "https://schema.org", **self.season_ld(season)}),
                **common,
            )
        for position, episode in enumerate(self.episodes):
            newer = self.episodes[position - 1] if position > 0 else None
            older = self.episodes[position + 1] if position + 1 < len(self.episodes) else None
            self.page(
                "episode.html",
                episode_page(episode),
                episode=episode,
                media=self.media[episode.slug],
                quotes=self.quotes(episode),
                cues=self.transcript(episode),
                downloads=self.downloads(episode),
                newer=newer,
                older=older,
                jsonld=json_ld(self.episode_ld(episode)),
                **common,
            )
        items = [item for episode in self.episodes for item in self.quotes(episode)]
        speakers = sorted({item.quote.speaker for item in items}, key=str.casefold)
        quote_seasons = [
            s for s in seasons if any(i.episode.season.number == s.number for i in items)
        ]
        self.page(
            "quotes.html",
            QUOTES_PAGE,
            items=items,
            editor_files=self.editor_files(seasons),
            speakers=speakers,
            quote_seasons=quote_seasons,
            jsonld=json_ld(series),
            **common,
        )


def render_site(
    catalog: Catalog,
    episodes: Sequence[EpisodeEntry],
    media: Mapping[str, EpisodeMedia],
    writer: Writer,
    now: dt.datetime,
) -> None:
    """Write the index, season, episode and quotes pages and their assets.

    ``episodes`` are the catalog's episodes public at ``now`` (the ones the build
    publishes); the season pages list the catalog's public episodes of each season.

    Runs after the stages whose files the pages link (media, feed helpers, quote
    cards), since it links only what ``writer`` has written.
    """
    Site(catalog, episodes, media, writer, now).render()
