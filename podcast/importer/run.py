"""``podcast import``, in order: read the feed, then per item download the audio,
chapters, transcript and artwork and write ``episode.yaml``, then ``season.yaml``
files and ``show.yaml``.

A broken enclosure (an HTTP error, text instead of audio, a file that does not
decode) skips that item, with the reason, and the import goes on.  The target
folder must be empty or new, so an import never mixes with an existing catalog; it is
written as ``.<name>.importing`` next to it and renamed when complete, so an
interrupted import leaves no half catalog, and running it again resumes its downloads.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from podcast.catalog.media import MediaError, probe_audio
from podcast.catalog.names import EPISODE_FILE, SEASON_FILE, SHOW_FILE, slugify
from podcast.catalog.transcript import TranscriptError, parse_transcript
from podcast.importer import chapters as chapter_sources
from podcast.importer import mapping
from podcast.importer.feedread import FeedChannel, FeedItem
from podcast.importer.fetch import ByteProgress, FetchError, download, fetch_bytes
from podcast.importer.files import (
    NOT_AUDIO,
    ImportFailed,
    check_target,
    fresh_folder,
    master_name,
    prune,
    staging_folder,
)
from podcast.importer.images import ImageError, save_artwork, save_picture
from podcast.importer.notes import Notes, item_label
from podcast.importer.source import note_unread, read_source
from podcast.importer.transcripts import Choice, json_to_vtt, rank
from podcast.importer.write import FORBIDDEN, write_yaml

PEOPLE_FOLDER = "people"

#: told when an item starts: (item number, items in all, title)
ItemProgress = Callable[[int, int, str], None]


@dataclass(frozen=True)
class ImportOptions:
    source: str  # a feed URL or a local file
    into: Path
    base_url: str | None = None
    audio: bool = True  # False: --no-audio (masters named in episode.yaml, not downloaded)


@dataclass(frozen=True)
class ImportReport:
    into: Path
    title: str
    episodes: tuple[str, ...]  # folders written, relative to ``into``
    seasons: tuple[str, ...]
    notes: Notes
    resumed: bool = False  # an interrupted import's partial downloads were picked up

    @property
    def skipped(self) -> int:
        return len(self.notes.skipped_episodes)


@dataclass
class _Season:
    number: int
    name: str | None
    folder: str


def _seasons(channel: FeedChannel, language: str) -> dict[int, _Season]:
    """The season of every item, each with its folder; season numbers are checked (and
    noted) per item in :meth:`_Importer.episode`."""
    seasons: dict[int, _Season] = {}
    word = "staffel" if language.startswith("de") else "season"
    taken: set[str] = {PEOPLE_FOLDER, "theme"}  # not season folders
    for item in channel.items:
        number = mapping.season_number(item, "", Notes())  # noted with the item later
        season = seasons.setdefault(number, _Season(number, None, ""))
        season.name = season.name or item.season_name
    for number, season in sorted(seasons.items()):
        base = slugify(season.name) if season.name else f"{word}-{number}"
        season.folder = mapping.folder_name(base, taken, f"{word}-{number}")
    return seasons


class _Importer:
    def __init__(
        self, options: ImportOptions, progress: ByteProgress | None, on_item: ItemProgress | None
    ):
        self.options = options
        self.progress = progress
        self.on_item = on_item
        self.notes = Notes()
        self.remote = options.source.startswith(("http://", "https://"))
        self.episode_folders: set[str] = set()
        self.numbers: dict[tuple[int, int], str] = {}
        self.guids: dict[str, int] = {}  # guid → item number
        self.wrong_lengths: list[int] = []  # items whose enclosure length was not the file's

    def allowed(self, url: str) -> bool:
        """A feed from the web names only web addresses: never a file on this machine."""
        return not self.remote or url.startswith(("http://", "https://"))

    def fetch_optional(self, url: str, where: str, field: str) -> bytes | None:
        if not self.allowed(url):
            self.notes.add(where, field, f"{url}: not an http(s) URL")
            return None
        try:
            data, _ = fetch_bytes(url)
        except FetchError as error:
            self.notes.add(where, field, f"{url}: {error}")
            return None
        return data

    def master(self, item: FeedItem, folder: Path, where: str) -> tuple[str, float | None] | None:
        """The audio master's file name and duration; None when the item must be skipped."""
        enclosure = item.enclosure
        if enclosure is None:
            self.notes.skip(where, "enclosure", "the item has no enclosure: no audio to import")
            return None
        declared = (enclosure.type or "").lower()
        if declared.startswith(("video/", "image/")) or NOT_AUDIO.match(declared):
            self.notes.skip(where, "enclosure", f"type {declared} is not audio")
            return None
        if not self.options.audio:
            name = master_name(enclosure.url, None, declared)
            if name is None:
                self.notes.skip(where, "enclosure", f"{enclosure.url}: not a known audio format")
                return None
            return name, item.duration
        if not self.allowed(enclosure.url):
            self.notes.skip(where, "enclosure", f"{enclosure.url}: not an http(s) URL")
            return None
        part = folder / "download"
        try:
            got = download(
                enclosure.url, part, expected_length=enclosure.length, progress=self.progress
            )
        except FetchError as error:
            self.notes.skip(where, "enclosure", f"{enclosure.url}: {error}")
            return None
        name = master_name(got.final_url, got.content_type, declared)
        if got.content_type and NOT_AUDIO.match(got.content_type):
            self.notes.skip(
                where,
                "enclosure",
                f"{enclosure.url}: the server sent {got.content_type}, not audio",
            )
            return None
        if name is None:
            self.notes.skip(
                where,
                "enclosure",
                f"{got.final_url}: {got.content_type or declared} "
                "is not an audio format the catalog takes",
            )
            return None
        part.replace(folder / name)
        try:
            info = probe_audio(folder / name)
        except MediaError as error:
            self.notes.skip(where, "enclosure", f"{enclosure.url}: {error}")
            return None
        if enclosure.length and enclosure.length != got.size:
            self.wrong_lengths.append(item.index)
        return name, info.duration

    def chapters(self, item: FeedItem, master: Path | None, where: str):
        if item.psc_chapters:
            return chapter_sources.from_psc(item.psc_chapters)
        if item.chapters_url:
            data = self.fetch_optional(item.chapters_url, where, "podcast:chapters")
            if data is not None:
                return chapter_sources.from_json(data)
        if master is not None and master.suffix == ".mp3":
            return chapter_sources.from_id3(master)
        return chapter_sources.Chapters((), "")

    def transcript(self, item: FeedItem, folder: Path, where: str) -> str | None:
        """The best transcript that downloads and parses, saved next to episode.yaml."""
        choices, others = rank(item.transcripts)
        for link in others:
            self.notes.add(
                where,
                "podcast:transcript",
                f"{link.type or link.url}: not a format the catalog takes (.vtt or .srt)",
            )
        for index, choice in enumerate(choices):
            name = self.save_transcript(choice, folder, where)
            if name:
                for other in choices[index + 1 :]:
                    self.notes.add(
                        where,
                        "podcast:transcript",
                        f"{other.link.type} copy not "
                        f"kept (the catalog keeps one transcript: {choice.link.type})",
                    )
                return name
        return None

    def save_transcript(self, choice: Choice, folder: Path, where: str) -> str | None:
        data = self.fetch_optional(choice.link.url, where, "podcast:transcript")
        if data is None:
            return None
        if choice.convert_json:
            try:
                data = json_to_vtt(data)
            except (ValueError, KeyError, TypeError) as error:
                self.notes.add(where, "podcast:transcript", f"JSON transcript not read ({error})")
                return None
        path = folder / f"transcript{choice.suffix}"
        path.write_bytes(data)
        try:
            parse_transcript(path)
        except (TranscriptError, UnicodeDecodeError) as error:
            path.unlink()
            self.notes.add(where, "podcast:transcript", f"{choice.link.url}: {error}")
            return None
        return path.name

    def artwork(self, url: str, target: Path, where: str, field: str) -> bool:
        data = self.fetch_optional(url, where, field)
        if data is None:
            return False
        try:
            change = save_artwork(data, target)
        except ImageError as error:
            self.notes.add(where, field, f"{url} {error}")
            return False
        if change:
            self.notes.add(where, field, change)
        return True

    def pictures(self, people: dict[str, dict], root: Path) -> None:
        """Pictures of people downloaded into ``people/``, so they outlive the old host."""
        for key, entry in people.items():
            url = entry.get("image")
            if not url:
                continue
            where = f"people: {entry['name']}"
            data = self.fetch_optional(url, where, "podcast:person img")
            try:
                name = save_picture(data, root / PEOPLE_FOLDER, key) if data else None
            except ImageError as error:
                self.notes.add(where, "podcast:person img", f"{url} {error}")
                name = None
            if name:
                entry["image"] = f"{PEOPLE_FOLDER}/{name}"
            else:
                del entry["image"]

    def number(self, item: FeedItem, season: int, folder: str, where: str) -> int | None:
        number = mapping.episode_number(item, where, self.notes)
        if number is None:
            return None
        other = self.numbers.setdefault((season, number), folder)
        if other != folder:
            self.notes.add(
                where,
                "itunes:episode",
                f"{number} is already {other}'s number in season {season}: left out",
            )
            return None
        return number

    def episode(
        self,
        item: FeedItem,
        channel: FeedChannel,
        seasons: dict[int, _Season],
        people: mapping.People,
        root: Path,
    ) -> str | None:
        where = item_label(item.index, item.title)
        if not item.title:
            self.notes.skip(where, "title", "the item has no title")
            return None
        if item.published is None:
            self.notes.skip(where, "pubDate", f'"{item.pub_date or ""}" is not a date and time')
            return None
        guid = item.guid or (item.enclosure.url if item.enclosure else None)
        if guid is not None and FORBIDDEN.search(guid):
            self.notes.skip(
                where,
                "guid",
                f"{guid!r} has control characters, which the "
                "catalog cannot hold (and so not keep exactly)",
            )
            return None
        if guid is not None and guid in self.guids:
            self.notes.skip(
                where,
                "guid",
                f'"{guid}" is also the guid of item '
                f"{self.guids[guid]}: apps show them as one episode",
            )
            return None
        number_season = mapping.season_number(item, where, self.notes)
        season = seasons[number_season]
        name = mapping.folder_name(item.title, self.episode_folders, f"episode-{item.index}")
        folder = root / season.folder / name
        fresh_folder(folder)
        found = self.master(item, folder, where)
        if found is None:
            shutil.rmtree(folder)
            self.episode_folders.discard(name)
            return None
        audio, duration = found
        if guid is not None:
            self.guids[guid] = item.index
        if item.guid is None:
            self.notes.add(where, "guid", "no <guid>: took the enclosure URL, as apps do")
        guests, hosts = mapping.episode_people(item, people, where, self.notes)
        episode: dict = {
            "title": item.title,
            "number": self.number(item, number_season, f"{season.folder}/{name}", where),
            "type": item.episode_type
            if item.episode_type in {"full", "trailer", "bonus"}
            else "full",
            "date": item.published.isoformat(),
            "audio": audio,
            "summary": mapping.summary_of(item),
            "description": mapping.description_of(item, channel.generator),
            "guid": guid,
        }
        if episode["number"] is None:
            del episode["number"]
        if item.explicit is not None and item.explicit != bool(channel.explicit):
            episode["explicit"] = item.explicit
        if guests:
            episode["guests"] = guests
        if hosts is not None:
            episode["hosts"] = hosts
        master = folder / audio if self.options.audio else None
        marks = self.chapters(item, master, where)
        for note in marks.notes:
            self.notes.add(where, marks.source, note)
        chapter_list = mapping.chapter_entries(marks.marks, duration, where, self.notes)
        if chapter_list:
            episode["chapters"] = chapter_list
        speaker_keys = [*guests, *(hosts if hosts is not None else people.hosts)]
        speaker = people.people[speaker_keys[0]]["name"] if speaker_keys else None
        quotes = mapping.quote_entries(item, speaker, duration, where, self.notes)
        if quotes:
            episode["quotes"] = quotes
            self.notes.add(
                where,
                "quotes",
                f"a soundbite does not say who speaks: {len(quotes)} "
                f"quote(s) given to {speaker}, check them",
            )
        if (
            item.image
            and item.image != channel.image
            and self.artwork(item.image, folder / "artwork.jpg", where, "itunes:image")
        ):
            episode["artwork"] = "artwork.jpg"
        transcript = self.transcript(item, folder, where)
        if transcript:
            episode["transcript"] = transcript
        episode.update(mapping.item_extras(item, where, self.notes))
        self.write(
            folder / EPISODE_FILE,
            episode,
            where,
            f"Imported from {self.options.source}, item {item.index} (<guid> {guid})",
        )
        return f"{season.folder}/{name}"

    def write(self, path: Path, data: dict, where: str, comment: str) -> None:
        removed = write_yaml(path, data, comment)
        if removed:
            self.notes.add(
                where,
                path.name,
                f"{removed} control character(s) left out of the "
                "text (the catalog does not take them)",
            )

    def run(self) -> ImportReport:
        options = self.options
        check_target(options.into)
        channel, feed_url = read_source(options.source, self.notes)
        base_url = mapping.base_url_of(channel, options.source, options.base_url, self.notes)
        if base_url is None:
            raise ImportFailed(
                f"{options.source}: the feed has no self link to derive base_url "
                "from: give --base-url (where the show will be published)"
            )
        show, people = mapping.show_fields(channel, base_url, feed_url, self.notes)
        note_unread(channel, self.notes)
        root = staging_folder(options.into)
        resumed = root.is_dir()
        root.mkdir(parents=True, exist_ok=True)
        for path in root.iterdir():  # a resumed run keeps its folders (and partial downloads)
            if path.is_file():
                path.unlink()
        if not channel.image or not self.artwork(
            channel.image, root / "artwork.jpg", "channel", "itunes:image"
        ):
            self.notes.add(
                "channel",
                "artwork",
                "no show artwork could be imported: add artwork.jpg (square, 1400–3000 px)",
            )
        seasons = _seasons(channel, show["language"])
        written = []
        for item in channel.items:
            if self.on_item:
                self.on_item(item.index, len(channel.items), item.title)
            folder = self.episode(item, channel, seasons, people, root)
            if folder:
                written.append(folder)
        if self.wrong_lengths:
            numbers = ", ".join(map(str, self.wrong_lengths))
            self.notes.add(
                f"{len(self.wrong_lengths)} item(s) ({numbers})",
                "enclosure length",
                "not the size of the file the server sent; the published feed gives the real sizes",
            )
        used = {path.split("/", 1)[0] for path in written}
        word = "Staffel" if show["language"].startswith("de") else "Season"
        for season in seasons.values():
            if season.folder in used:
                data = {"number": season.number, "title": season.name or f"{word} {season.number}"}
                self.write(
                    root / season.folder / SEASON_FILE,
                    data,
                    f"season {season.number}",
                    f"Season {season.number}, imported from {options.source}",
                )
        self.pictures(people.people, root)
        show["people"] = people.people  # episodes may have added guests
        if not show["people"]:
            del show["people"]
        stamp = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d")
        self.write(root / SHOW_FILE, show, "channel", f"Imported from {options.source} on {stamp}")
        prune(root, written, {PEOPLE_FOLDER})
        if options.into.exists():
            options.into.rmdir()  # empty, as checked at the start
        root.rename(options.into)
        return ImportReport(
            options.into, channel.title, tuple(written), tuple(sorted(used)), self.notes, resumed
        )


def import_show(
    options: ImportOptions,
    progress: ByteProgress | None = None,
    on_item: ItemProgress | None = None,
) -> ImportReport:
    """Write the catalog of ``options.source`` into ``options.into``."""
    if options.base_url is not None and not options.base_url.startswith(("http://", "https://")):
        raise ImportFailed(
            f'--base-url "{options.base_url}" is not an http(s) URL '
            "(expected e.g. https://podcast.example.org)"
        )
    try:
        return _Importer(options, progress, on_item).run()
    except OSError as error:  # the disk, not the network (downloads report their own faults)
        where = error.filename or options.into
        raise ImportFailed(f"{where}: cannot be written ({error.strerror or error})") from None
