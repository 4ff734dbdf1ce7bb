"""Loading and validating the catalog in one pass.

:func:`load_catalog` reads ``show.yaml``, every ``season.yaml`` and every
``episode.yaml``, checks each against its model and then across files (numbers,
slugs, speakers, times inside the audio, media files), collecting every
problem with its file, line and field.  Only when the whole pass is over does
it abort, once, with all of them.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
import types
import typing
import unicodedata
import zoneinfo
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from podcast.catalog.categories import category_problem
from podcast.catalog.media import MediaError, check_artwork, probe_audio
from podcast.catalog.models import (
    UNION_TAGS,
    AudioInfo,
    Catalog,
    EpisodeEntry,
    EpisodeFile,
    Person,
    Quote,
    SeasonEntry,
    SeasonFile,
    ShowEntry,
    ShowFile,
    format_timestamp,
)
from podcast.catalog.quotetimes import resolve_quotes
from podcast.catalog.transcript import TranscriptError, parse_transcript
from podcast.catalog.yamlsource import YamlSource, YamlSyntaxError, format_loc
from podcast.problems import Problems

SHOW_FILE = "show.yaml"
SEASON_FILE = "season.yaml"
EPISODE_FILE = "episode.yaml"
ARTWORK_NAMES = ("artwork.jpg", "artwork.jpeg", "artwork.png")
TRANSCRIPT_NAMES = ("transcript.vtt", "transcript.srt", "transcript.json")
MIN_SAMPLE_RATE = 22050
SOUNDBITE_MIN, SOUNDBITE_MAX = 15.0, 120.0
DESCRIPTION_MAX_BYTES = 4000  # Apple Podcasts' limit for the channel description
LANGUAGE = re.compile(r"^[a-z]{2,3}(-[A-Za-z]{2}|-[0-9]{3}|-[A-Z][a-z]{3})?$")
_TRANSLITERATE = str.maketrans(
    {"ä": "ae", "ö": "oe", "ü": "ue", "ß": "ss", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue"}
)


def slugify(text: str) -> str:
    """An ASCII URL slug: umlauts transliterated, everything else folded to a-z0-9-."""
    text = unicodedata.normalize("NFKD", text.translate(_TRANSLITERATE))
    text = text.encode("ascii", "ignore").decode("ascii").lower()
    return re.sub(r"[^a-z0-9]+", "-", text).strip("-") or "episode"


# --- pydantic errors to problems ---------------------------------------------------


def _unwrap(annotation: Any) -> list[Any]:
    """The types an annotation may hold, with Annotated/Optional/containers opened."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return _unwrap(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType):
        return [t for arg in typing.get_args(annotation) for t in _unwrap(arg)]
    return [annotation]


def _model_at(model: type[BaseModel], loc: Sequence[str | int]) -> type[BaseModel] | None:
    """The model whose keys are valid at ``loc`` (for "did you mean")."""
    current: Any = model
    for part in loc:
        if part in UNION_TAGS or isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        info = current.model_fields.get(str(part))
        if info is None:
            return None
        current = None
        for candidate in _unwrap(info.annotation):
            origin = typing.get_origin(candidate)
            if origin in (tuple, list):
                candidate = _unwrap(typing.get_args(candidate)[0])[-1]
            elif origin is dict:
                candidate = _unwrap(typing.get_args(candidate)[1])[-1]
            if isinstance(candidate, type) and issubclass(candidate, BaseModel):
                current = candidate
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _found(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list | tuple):
        return "a list"
    if value is None:
        return "nothing"
    return repr(value)


def _describe(model: type[BaseModel], error: Any) -> str:
    kind, loc, message = error["type"], error["loc"], error["msg"]
    if kind == "missing":
        return "required key is missing"
    if kind == "extra_forbidden":
        parent = _model_at(model, loc[:-1])
        hint = ""
        if parent is not None:
            close = difflib.get_close_matches(str(loc[-1]), parent.model_fields, n=1, cutoff=0.6)
            if close:
                hint = f' (did you mean "{close[0]}"?)'
            else:
                hint = f" (expected one of: {', '.join(parent.model_fields)})"
        return f"unknown key{hint}"
    if message.startswith("Value error, "):
        return message.removeprefix("Value error, ")
    message = message.replace("Input should be", "expected")
    message = message.replace("String should", "expected text to")
    return f"{message}, found {_found(error.get('input'))}"


def _validate(model: type[BaseModel], source: YamlSource, problems: Problems) -> Any:
    data = source.data
    if data is None:
        data = {}
    if not isinstance(data, dict):
        problems.add(source.path, 1, "", f"expected a mapping of keys, found {_found(data)}")
        return None
    try:
        return model.model_validate(data)
    except ValidationError as errors:
        for error in errors.errors():
            loc = tuple(p for p in error["loc"] if p not in UNION_TAGS)
            line = source.line(loc, key=error["type"] == "extra_forbidden")
            problems.add(source.path, line, format_loc(loc), _describe(model, error))
        return None


def _read(path: Path, model: type[BaseModel], problems: Problems) -> tuple[Any, YamlSource | None]:
    try:
        source = YamlSource.read(path)
    except YamlSyntaxError as error:
        problems.add(path, error.line, "", error.message)
        return None, None
    except OSError as error:
        problems.add(path, None, "", f"cannot be read ({error.strerror})")
        return None, None
    return _validate(model, source, problems), source


# --- the loader --------------------------------------------------------------------------


class _Loader:
    def __init__(self, root: Path, problems: Problems, probe_media: bool):
        self.root = root
        self.problems = problems
        self.probe_media = probe_media

    # people ---------------------------------------------------------------------------

    def resolve_people(
        self,
        refs: Sequence[str | Person],
        people: dict[str, Person],
        source: YamlSource,
        field: str,
    ) -> tuple[Person, ...]:
        resolved = []
        for index, ref in enumerate(refs):
            if isinstance(ref, Person):
                resolved.append(ref)
            elif ref in people:
                resolved.append(people[ref])
            else:
                close = difflib.get_close_matches(ref, people, n=1, cutoff=0.6)
                hint = (
                    f' (did you mean "{close[0]}"?)'
                    if close
                    else (
                        f" (expected a key of {SHOW_FILE}'s people: {', '.join(people) or 'none'})"
                    )
                )
                self.problems.add(
                    source.path,
                    source.line((field, index)),
                    f"{field}[{index}]",
                    f'unknown person "{ref}"{hint}',
                )
        return tuple(resolved)

    # media -------------------------------------------------------------------------------

    def artwork(self, path: Path, source: YamlSource, loc: tuple[str, ...]) -> Path | None:
        if not path.is_file():
            self.problems.add(
                source.path,
                source.line(loc),
                format_loc(loc),
                f'file "{self.problems.display(path)}" not found (expected a JPEG or PNG image)',
            )
            return None
        if self.probe_media:
            try:
                check_artwork(path)
            except MediaError as error:
                self.problems.add(source.path, source.line(loc), format_loc(loc), str(error))
                return None
        return path

    def jingle(self, path: Path, source: YamlSource, loc: tuple[str, ...]) -> None:
        """An intro or outro must exist and decode, like a master."""
        line, field = source.line(loc), format_loc(loc)
        if not path.is_file():
            self.problems.add(
                source.path,
                line,
                field,
                f'file "{self.problems.display(path)}" not found (expected an audio file)',
            )
            return
        if self.probe_media:
            try:
                probe_audio(path)
            except MediaError as error:
                self.problems.add(source.path, line, field, str(error))

    def audio(self, path: Path, source: YamlSource) -> AudioInfo | None:
        def problem(message: str) -> None:
            # the line is looked up only for a problem: it costs a second, round-trip parse
            self.problems.add(source.path, source.line(("audio",)), "audio", message)

        if not path.is_file():
            problem(
                f'file "{path.name}" not found next to {EPISODE_FILE} (expected the audio master)'
            )
            return None
        if path.stat().st_size == 0:
            problem(f'"{path.name}" is empty (0 bytes)')
            return None
        try:
            info = probe_audio(path)
        except MediaError as error:
            problem(str(error))
            return None
        if info.sample_rate < MIN_SAMPLE_RATE:
            problem(
                f'"{path.name}" is sampled at {info.sample_rate} Hz '
                f"(expected at least {MIN_SAMPLE_RATE} Hz)"
            )
        return info

    # show ---------------------------------------------------------------------------

    def show(self) -> tuple[ShowEntry | None, YamlSource | None]:
        path = self.root / SHOW_FILE
        if not path.is_file():
            self.problems.add(path, None, "", f"not found (every catalog needs a {SHOW_FILE})")
            return None, None
        meta, source = _read(path, ShowFile, self.problems)
        if meta is None or source is None:
            return None, source
        if not LANGUAGE.match(meta.language):
            self.problems.add(
                path,
                source.line(("language",)),
                "language",
                f'"{meta.language}" is not a language code (expected e.g. de, en, de-AT)',
            )
        size = len(meta.description.encode("utf-8"))
        if size > DESCRIPTION_MAX_BYTES:
            self.problems.add(
                path,
                source.line(("description",)),
                "description",
                f"is {size} bytes long in UTF-8 (expected at most {DESCRIPTION_MAX_BYTES}: "
                "Apple Podcasts rejects longer ones)",
            )
        for index, category in enumerate(meta.categories):
            problem = category_problem(category)
            if problem:
                self.problems.add(
                    path, source.line(("categories", index)), f"categories[{index}]", problem
                )
        try:
            timezone = zoneinfo.ZoneInfo(meta.timezone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            self.problems.add(
                path,
                source.line(("timezone",)),
                "timezone",
                f'"{meta.timezone}" is not a time zone (expected e.g. Europe/Berlin or UTC)',
            )
            timezone = zoneinfo.ZoneInfo("UTC")
        artwork = self.artwork(self.root / meta.artwork, source, ("artwork",))
        for field in ("intro", "outro"):
            jingle = getattr(meta.audio, field)
            if jingle is not None:
                self.jingle(self.root / jingle, source, ("audio", field))
        for key, person in meta.people.items():
            self.person_image(person, self.root, source, ("people", key, "image"))
        hosts = self.resolve_people(meta.hosts, meta.people, source, "hosts")
        # With bad artwork the show is still returned, so its episodes get checked too;
        # the error already recorded keeps the catalog from being used.
        return ShowEntry(
            meta=meta,
            root=self.root,
            artwork=artwork or self.root / meta.artwork,
            hosts=hosts,
            timezone=timezone,
        ), source

    def person_image(
        self, person: Person, folder: Path, source: YamlSource, loc: tuple[str | int, ...]
    ) -> None:
        if person.image and not person.image.startswith(("http://", "https://")):
            image = folder / person.image
            if not image.is_file():
                self.problems.add(
                    source.path,
                    source.line(loc),
                    format_loc(loc),
                    f'file "{self.problems.display(image)}" not found (expected an image or URL)',
                )

    # seasons and episodes --------------------------------------------------------------

    def season(self, folder: Path) -> SeasonEntry | None:
        meta, _ = _read(folder / SEASON_FILE, SeasonFile, self.problems)
        if meta is None:
            return None
        return SeasonEntry(meta=meta, folder=folder, slug=slugify(folder.name))

    @staticmethod
    def broken_season(folder: Path) -> SeasonEntry:
        """Stands in for a season.yaml with errors, so its episodes are still checked."""
        meta = SeasonFile.model_construct(number=-1, title=folder.name, takeaways=())
        return SeasonEntry.model_construct(meta=meta, folder=folder, slug=slugify(folder.name))

    def episode(
        self, folder: Path, season: SeasonEntry, show: ShowEntry
    ) -> tuple[EpisodeEntry | None, YamlSource | None]:
        path = folder / EPISODE_FILE
        meta, source = _read(path, EpisodeFile, self.problems)
        if meta is None or source is None:
            return None, source
        people = show.meta.people
        guests = self.resolve_people(meta.guests, people, source, "guests")
        hosts = (
            self.resolve_people(meta.hosts, people, source, "hosts")
            if meta.hosts is not None
            else show.hosts
        )
        for index, ref in enumerate(meta.guests):
            if isinstance(ref, Person):
                self.person_image(ref, folder, source, ("guests", index, "image"))
        meta = self.resolve_speakers(meta, guests, hosts, people, source)
        audio_path = folder / meta.audio
        audio = self.audio(audio_path, source)
        artwork = None
        if meta.artwork:
            artwork = self.artwork(folder / meta.artwork, source, ("artwork",))
        else:
            found = next((folder / n for n in ARTWORK_NAMES if (folder / n).is_file()), None)
            artwork = found and self.artwork(found, source, ("artwork",))
        transcript = self.transcript(folder, meta, source)
        meta = resolve_quotes(
            meta,
            transcript,
            audio.duration if audio is not None else None,
            show.meta.quotes,
            show.meta.language,
            source,
            self.problems,
        )
        if audio is not None:
            self.check_times(meta, audio.duration, source)
        if audio is None:
            return None, source
        if isinstance(meta.date, dt.datetime):
            published = meta.date
        else:
            published = dt.datetime.combine(meta.date, dt.time(0, 0), tzinfo=show.timezone)
        return EpisodeEntry(
            meta=meta,
            folder=folder,
            slug=meta.slug or slugify(folder.name),
            season=season,
            published=published,
            hosts=hosts,
            guests=guests,
            audio_path=audio_path,
            audio=audio,
            artwork=artwork,
            transcript=transcript,
        ), source

    def transcript(self, folder: Path, meta: EpisodeFile, source: YamlSource) -> Path | None:
        if meta.transcript:
            path = folder / meta.transcript
            if not path.is_file():
                self.problems.add(
                    source.path,
                    source.line(("transcript",)),
                    "transcript",
                    f'file "{meta.transcript}" not found '
                    "(expected a .vtt, .srt or .json transcript)",
                )
                return None
        else:
            path = next((folder / n for n in TRANSCRIPT_NAMES if (folder / n).is_file()), None)
            if path is None:
                return None
        try:
            parse_transcript(path)
        except TranscriptError as error:
            self.problems.add(path, error.line or None, "", str(error))
            return None
        except UnicodeDecodeError:
            self.problems.add(path, None, "", "not UTF-8 text")
            return None
        return path

    def resolve_speakers(
        self,
        meta: EpisodeFile,
        guests: tuple[Person, ...],
        hosts: tuple[Person, ...],
        people: dict[str, Person],
        source: YamlSource,
    ) -> EpisodeFile:
        """Quote speakers may be person keys or names; they end up as names."""
        names = {p.name for p in (*guests, *hosts)}
        quotes = []
        for index, quote in enumerate(meta.quotes):
            speaker = quote.speaker
            if speaker in people and people[speaker].name in names:
                speaker = people[speaker].name
            elif speaker not in names:
                close = difflib.get_close_matches(speaker, sorted(names), n=1, cutoff=0.6)
                hint = (
                    f'did you mean "{close[0]}"?'
                    if close
                    else (f"expected one of: {', '.join(sorted(names)) or 'no guests or hosts'}")
                )
                self.problems.add(
                    source.path,
                    source.line(("quotes", index, "speaker")),
                    f"quotes[{index}].speaker",
                    f'"{speaker}" is not a guest or host of this episode ({hint})',
                )
            quotes.append(quote.model_copy(update={"speaker": speaker}))
        return meta.model_copy(update={"quotes": tuple(quotes)})

    def check_times(self, meta: EpisodeFile, duration: float, source: YamlSource) -> None:
        length = format_timestamp(duration)
        previous = -1.0
        for index, chapter in enumerate(meta.chapters):
            loc = ("chapters", index, "start")
            if chapter.start <= previous:
                self.problems.add(
                    source.path,
                    source.line(loc),
                    format_loc(loc),
                    f"{format_timestamp(chapter.start)} is not after the previous chapter's "
                    f"start {format_timestamp(previous)} (expected ascending starts)",
                )
            if chapter.start >= duration:
                self.problems.add(
                    source.path,
                    source.line(loc),
                    format_loc(loc),
                    f"{format_timestamp(chapter.start)} is past the end of the audio ({length})",
                )
            previous = chapter.start
        for index, quote in enumerate(meta.quotes):
            self.check_quote(index, quote, duration, source)

    def check_quote(self, index: int, quote: Quote, duration: float, source: YamlSource) -> None:
        if quote.start is None or quote.end is None:
            return  # not found in the transcript: resolve_quotes has said why
        length = format_timestamp(duration)
        for key in ("start", "end"):
            value = getattr(quote, key)
            if value > duration:
                loc = ("quotes", index, key)
                self.problems.add(
                    source.path,
                    source.line(loc),
                    format_loc(loc),
                    f"{format_timestamp(value)} is past the end of the audio ({length})",
                )
        loc = ("quotes", index, "end")
        if quote.end <= quote.start:
            self.problems.add(
                source.path,
                source.line(loc),
                format_loc(loc),
                f"{format_timestamp(quote.end)} is not after start "
                f"{format_timestamp(quote.start)} (expected end > start)",
            )
        elif not SOUNDBITE_MIN <= quote.end - quote.start <= SOUNDBITE_MAX:
            self.problems.warn(
                source.path,
                source.line(("quotes", index)),
                f"quotes[{index}]",
                f"lasts {quote.end - quote.start:.1f} s (a soundbite should last "
                f"{SOUNDBITE_MIN:.0f}–{SOUNDBITE_MAX:.0f} s)",
            )

    # the whole catalog ---------------------------------------------------------------

    def load(self) -> Catalog | None:
        show, _ = self.show()
        seasons: list[SeasonEntry] = []
        episodes: list[tuple[EpisodeEntry, YamlSource]] = []
        for folder in sorted(p for p in self.root.iterdir() if p.is_dir()):
            if folder.name.startswith((".", "_")) or folder.name == "theme":
                continue
            if (folder / EPISODE_FILE).is_file():
                self.problems.add(
                    folder / EPISODE_FILE,
                    None,
                    "",
                    f"episode folder outside a season (expected {self.root.name}/<season>/"
                    f"{folder.name}/{EPISODE_FILE} with a {SEASON_FILE} in <season>)",
                )
                continue
            episode_folders = sorted(
                p for p in folder.iterdir() if p.is_dir() and (p / EPISODE_FILE).is_file()
            )
            if not (folder / SEASON_FILE).is_file():
                if episode_folders:
                    self.problems.add(
                        folder / SEASON_FILE,
                        None,
                        "",
                        "not found (expected a season.yaml in every folder holding episodes)",
                    )
                continue
            season = self.season(folder)
            if season is None:
                season = self.broken_season(folder)
            else:
                seasons.append(season)
            if show is None:
                continue
            for episode_folder in episode_folders:
                entry, source = self.episode(episode_folder, season, show)
                if entry is not None and source is not None:
                    episodes.append((entry, source))
        self.check_unique(seasons, episodes)
        if show is None or self.problems.errors:
            return None
        ordered = sorted(
            (entry for entry, _ in episodes),
            key=lambda e: (e.published, e.season.number, e.number or 0),
            reverse=True,
        )
        return Catalog(
            show=show,
            seasons=tuple(sorted(seasons, key=lambda s: s.number)),
            episodes=tuple(ordered),
        )

    def check_unique(
        self, seasons: list[SeasonEntry], episodes: list[tuple[EpisodeEntry, YamlSource]]
    ) -> None:
        seen_seasons: dict[int, SeasonEntry] = {}
        for season in seasons:
            other = seen_seasons.setdefault(season.number, season)
            if other is not season:
                path = season.folder / SEASON_FILE
                source = YamlSource.read(path)
                self.problems.add(
                    path,
                    source.line(("number",)),
                    "number",
                    f"season {season.number} is already "
                    f"{self.problems.display(other.folder / SEASON_FILE)} "
                    "(expected unique numbers)",
                )
        numbers: dict[tuple[int, int], EpisodeEntry] = {}
        slugs: dict[str, EpisodeEntry] = {}
        for entry, source in episodes:
            if entry.number is not None:
                key = (entry.season.number, entry.number)
                other = numbers.setdefault(key, entry)
                if other is not entry:
                    self.problems.add(
                        source.path,
                        source.line(("number",)),
                        "number",
                        f"episode {entry.number} of season {entry.season.number} is already "
                        f"{self.problems.display(other.folder / EPISODE_FILE)} "
                        "(expected unique episode numbers in a season)",
                    )
            other = slugs.setdefault(entry.slug, entry)
            if other is not entry:
                loc = ("slug",) if entry.meta.slug else ()
                self.problems.add(
                    source.path,
                    source.line(loc) if loc else None,
                    "slug",
                    f'"{entry.slug}" is already the slug of '
                    f"{self.problems.display(other.folder / EPISODE_FILE)} "
                    "(expected unique slugs: set slug: or rename the folder)",
                )


def load_catalog(
    root: Path, *, probe_media: bool = True, base: Path | None = None
) -> tuple[Catalog | None, Problems]:
    """Load and validate the catalog at ``root``; problems name files relative to ``base``."""
    problems = Problems(base=base if base is not None else root.parent)
    if not root.is_dir():
        problems.add(root, None, "", "catalog folder not found")
        return None, problems
    catalog = _Loader(root, problems, probe_media).load()
    return catalog, problems
