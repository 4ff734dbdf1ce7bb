"""The feed's records mapped onto the catalog's fields (``show.yaml``, ``episode.yaml``).

Pure functions: everything downloaded has been downloaded already.  What a field
cannot take is noted (see :mod:`podcast.importer.notes`), never silently dropped.
"""

from __future__ import annotations

import html
import re
import typing
import urllib.parse
from dataclasses import dataclass
from typing import Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from podcast.catalog.categories import category_problem
from podcast.catalog.fields import HttpUrl
from podcast.catalog.language import LANGUAGE
from podcast.catalog.models import NUMBER_MAX, NUMBER_MIN, format_timestamp
from podcast.catalog.names import slugify
from podcast.catalog.podcasting20 import Funding, License, Location, Medium
from podcast.catalog.show import DESCRIPTION_MAX_BYTES
from podcast.feed.ext.podcastindex import podcast_guid
from podcast.importer.chapters import ChapterMark
from podcast.importer.feedread import FeedChannel, FeedItem, PersonInfo, Tagged
from podcast.importer.markdown import to_markdown, to_paragraphs, to_text
from podcast.importer.notes import Notes
from podcast.labels.table import TABLES

SUMMARY_MAX = 255
SLUG_MAX = 60
CHANNEL = "channel"
# what podcast's own feed appends to the show notes (templates/content_encoded.html), in
# every language it writes
_OWN_KEYS = ("guests", "chapters", "quotes", "notes_takeaways")
OWN_SECTIONS = tuple(
    f"<h3>{html.escape(t[k])}</h3>" for t in TABLES.values() for k in _OWN_KEYS if k in t
)
_OWN_PAGE_LINK = re.compile(
    r"\s*<p><a href=\"[^\"]*\">(?:"
    + "|".join(
        re.escape(html.escape(t["on_website"])) for t in TABLES.values() if "on_website" in t
    )
    + r")</a></p>\s*$"
)
_EMAIL = re.compile(r"[^@\s<>()]+@[^@\s<>()]+\.[^@\s<>()]+")


@dataclass(frozen=True)
class People:
    """``people:`` of show.yaml, keyed, and the keys of the show's hosts."""

    people: dict[str, dict]
    hosts: tuple[str, ...]

    def key_of(self, name: str) -> str | None:
        return next((k for k, p in self.people.items() if p["name"] == name), None)


_HTTP_URL: TypeAdapter[str] = TypeAdapter(HttpUrl)


def is_url(value: str | None) -> bool:
    """An absolute http(s) URL as the catalog takes it."""
    try:
        _HTTP_URL.validate_python(value)
    except ValidationError:
        return False
    return True


def person_entry(person: PersonInfo) -> dict:
    entry: dict = {"name": person.name}
    if is_url(person.href):
        entry["url"] = person.href
    if is_url(person.img):
        entry["image"] = person.img
    return entry


def add_person(people: dict[str, dict], person: PersonInfo) -> str:
    """The key of ``person`` in ``people``, adding it under a new key if it is not there."""
    for key, entry in people.items():
        if entry["name"] == person.name:
            return key
    base = slugify(person.name)
    key, n = base, 2
    while key in people:
        key, n = f"{base}-{n}", n + 1
    people[key] = person_entry(person)
    return key


def base_url_of(channel: FeedChannel, source: str, given: str | None, notes: Notes) -> str | None:
    """``--base-url``, else the folder of the feed's self link (or of the feed URL)."""
    if given:
        return given.rstrip("/")
    feed_url = channel.self_link or (source if source.startswith(("http://", "https://")) else None)
    if not feed_url:
        return None
    parsed = urllib.parse.urlsplit(feed_url)
    folder = parsed.path.rsplit("/", 1)[0] if "." in parsed.path.rsplit("/", 1)[-1] else parsed.path
    base = urllib.parse.urlunsplit((parsed.scheme, parsed.netloc, folder.rstrip("/"), "", ""))
    notes.add(
        CHANNEL, "base_url", f"{base} (from the feed's address; set --base-url for the new one)"
    )
    return base


def _language(value: str, notes: Notes) -> str:
    parts = value.strip().replace("_", "-").split("-")
    language = parts[0].lower() + ("-" + parts[1].upper() if len(parts) > 1 else "")
    if LANGUAGE.match(language):
        return language
    if LANGUAGE.match(parts[0].lower()):
        return parts[0].lower()
    notes.add(CHANNEL, "language", f'"{value}" is not a language code; wrote "en", correct it')
    return "en"


def _owner(channel: FeedChannel, notes: Notes) -> dict:
    email = channel.owner_email
    if not _EMAIL.fullmatch(email or ""):
        found = _EMAIL.search(channel.managing_editor or "")
        email = found.group(0) if found else ""
        if email:
            notes.add(
                CHANNEL, "owner.email", f"no itunes:owner e-mail; took managingEditor {email}"
            )
        else:
            notes.add(CHANNEL, "owner.email", "the feed names no owner e-mail: fill it in")
    name = channel.owner_name or channel.author or channel.title
    return {"name": name, "email": email}


def _link(channel: FeedChannel, base_url: str, notes: Notes) -> str:
    if channel.link and is_url(channel.link):
        return channel.link
    found = f'"{channel.link}" is not a URL' if channel.link else "no <link>"
    notes.add(CHANNEL, "link", f"{found}: wrote the base URL {base_url}")
    return base_url


def _categories(channel: FeedChannel, notes: Notes) -> list[str]:
    kept = []
    for category in channel.categories:
        problem = category_problem(category)
        if problem:
            notes.add(CHANNEL, "itunes:category", problem)
        elif category not in kept:
            kept.append(category)
    if not kept:
        notes.add(CHANNEL, "categories", 'no Apple category in the feed: wrote "Society & Culture"')
        kept.append("Society & Culture")
    return kept


def _short(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    head = text[: limit - 1].rsplit(" ", 1)[0]
    return head.rstrip(" ,;:.–-") + "…"


def show_fields(
    channel: FeedChannel, base_url: str, feed_url: str | None, notes: Notes
) -> tuple[dict, People]:
    """show.yaml's content (artwork is set by the caller) and the show's people."""
    description = to_paragraphs(channel.description_html or channel.itunes_summary) or channel.title
    if len(description.encode("utf-8")) > DESCRIPTION_MAX_BYTES:
        description = _short(description, DESCRIPTION_MAX_BYTES // 2)
        notes.add(CHANNEL, "description", f"longer than {DESCRIPTION_MAX_BYTES} bytes: shortened")
    people: dict[str, dict] = {}
    hosts = [add_person(people, p) for p in channel.persons if p.role == "host"]
    for person in channel.persons:
        if person.role != "host":
            add_person(people, person)
    author = channel.author or channel.owner_name or channel.title
    if not channel.persons and channel.author:
        hosts.append(add_person(people, PersonInfo(channel.author, "host")))
    show: dict = {
        "title": channel.title,
        "description": description,
        "language": _language(channel.language or "", notes),
        "author": author,
        "owner": _owner(channel, notes),
        "link": _link(channel, base_url, notes),
        "base_url": base_url,
        "artwork": "artwork.jpg",
        "categories": _categories(channel, notes),
        "explicit": bool(channel.explicit),
        "type": channel.type if channel.type in {"episodic", "serial"} else "episodic",
    }
    if channel.subtitle:
        show["subtitle"] = to_text(channel.subtitle)
    if channel.copyright:
        show["copyright"] = channel.copyright
    if hosts:
        show["hosts"] = hosts
    if people:
        show["people"] = people
    if channel.guid:
        show["guid"] = channel.guid
    elif feed_url:
        show["guid"] = podcast_guid(feed_url)
        notes.add(
            CHANNEL,
            "guid",
            f"no podcast:guid: wrote {show['guid']}, the spec's UUID of "
            f"the old feed URL {feed_url}",
        )
    if channel.locked is False:
        show["locked"] = False
    show.update(channel_extras(channel, notes))
    if channel.new_feed_url:
        notes.add(
            CHANNEL,
            "itunes:new-feed-url",
            f"the feed says the show moved to {channel.new_feed_url}: import that feed instead",
        )
    if channel.explicit is None and channel.items:
        notes.add(CHANNEL, "itunes:explicit", "not given or not yes/no/true/false: wrote false")
    return show, People(people, tuple(hosts))


def own_notes(notes: str, generator: str) -> str:
    """Show notes without the sections podcast's own feed adds (guests, chapters, quotes)."""
    if not generator.startswith("podcast "):
        return notes
    cut = min((notes.find(h) for h in OWN_SECTIONS if h in notes), default=len(notes))
    return _OWN_PAGE_LINK.sub("", notes[:cut])


def summary_of(item: FeedItem) -> str:
    for candidate in (item.subtitle, item.itunes_summary, item.description_html, item.content_html):
        text = to_text(candidate)
        if text:
            return _short(text, SUMMARY_MAX)
    return item.title


def description_of(item: FeedItem, generator: str) -> str:
    notes = item.content_html or item.description_html or item.itunes_summary
    return to_markdown(own_notes(notes, generator))


def folder_name(title: str, taken: set[str], fallback: str) -> str:
    """An ASCII folder name (and so slug) from the title, unique in ``taken``."""
    slug = slugify(title)
    if slug == "episode":
        slug = fallback
    if len(slug) > SLUG_MAX:
        slug = slug[:SLUG_MAX].rsplit("-", 1)[0]
    name, n = slug, 2
    while name in taken:
        name, n = f"{slug}-{n}", n + 1
    taken.add(name)
    return name


def chapter_entries(
    marks: tuple[ChapterMark, ...], duration: float | None, where: str, notes: Notes
) -> list[dict]:
    entries: list[dict] = []
    previous = -1.0
    for mark in marks:
        if duration is not None and mark.start >= duration:
            notes.add(
                where,
                "chapters",
                f'"{mark.title}" starts at {format_timestamp(mark.start)}, '
                f"after the audio ends ({format_timestamp(duration)})",
            )
            continue
        if mark.start <= previous:
            notes.add(where, "chapters", f'"{mark.title}" starts with the one before it: left out')
            continue
        entry: dict = {"start": format_timestamp(mark.start), "title": mark.title}
        if is_url(mark.url):
            entry["url"] = mark.url
        elif mark.url:
            notes.add(
                where, "chapters", f'"{mark.title}": link "{mark.url}" is not a URL: left out'
            )
        entries.append(entry)
        previous = mark.start
    return entries


def quote_entries(
    item: FeedItem, speaker: str | None, duration: float | None, where: str, notes: Notes
) -> list[dict]:
    """Soundbites with text, as quotes spoken by the episode's first host or guest."""
    quotes = []
    for bite in item.soundbites:
        label = f"podcast:soundbite at {format_timestamp(bite.start)}"
        if not bite.title:
            notes.add(where, label, "has no text (a quote needs its words)")
            continue
        end = bite.start + bite.duration
        if bite.duration <= 0 or (duration is not None and end > duration):
            notes.add(where, label, "does not lie within the audio")
            continue
        if speaker is None:
            notes.add(where, label, "no host or guest to name as its speaker")
            continue
        quotes.append(
            {
                "text": bite.title,
                "speaker": speaker,
                "start": format_timestamp(bite.start),
                "end": format_timestamp(end),
            }
        )
    return quotes


def episode_people(
    item: FeedItem, people: People, where: str, notes: Notes
) -> tuple[list[str], list[str] | None]:
    """Guest keys and host keys (None: the show's hosts) from the item's podcast:person."""
    guests: list[str] = []
    hosts: list[str] = []
    for person in item.persons:
        key = add_person(people.people, person)
        if person.role == "guest":
            guests.append(key)
        elif person.role == "host":
            hosts.append(key)
        else:
            notes.add(
                where,
                "podcast:person",
                f'{person.name} ("{person.role}"): the catalog '
                "has hosts and guests only; kept in people:",
            )
    same = not hosts or sorted(hosts) == sorted(people.hosts)
    return guests, None if same else hosts


def season_number(item: FeedItem, where: str, notes: Notes) -> int:
    if item.season is None:
        return 1
    text = item.season.strip()
    if text.isdigit() and NUMBER_MIN <= int(text) <= NUMBER_MAX:
        return int(text)
    notes.add(
        where,
        "itunes:season",
        f'"{text}" is not a season number ({NUMBER_MIN}–{NUMBER_MAX}): put in season 1',
    )
    return 1


def episode_number(item: FeedItem, where: str, notes: Notes) -> int | None:
    if item.episode is None:
        return None
    text = item.episode.strip()
    if text.isdigit() and NUMBER_MIN <= int(text) <= NUMBER_MAX:
        return int(text)
    notes.add(
        where,
        "itunes:episode",
        f'"{text}" is not an episode number ({NUMBER_MIN}–{NUMBER_MAX}): left out',
    )
    return None


# --- Podcasting 2.0 tags the catalog also has ---------------------------------------


def _checked(model: type[BaseModel], data: dict, where: str, tag: str, notes: Notes) -> Any:
    try:
        return model.model_validate(data).model_dump(exclude_none=True, exclude_defaults=True)
    except ValidationError as error:
        reason = "; ".join(e["msg"].removeprefix("Value error, ") for e in error.errors())
        notes.add(where, tag, f"not imported ({reason})")
        return None


def _license(tag: Tagged | None, where: str, notes: Notes) -> dict | None:
    if tag is None:
        return None
    return _checked(
        License, {"identifier": tag.text, "url": tag.get("url")}, where, "podcast:license", notes
    )


def _location(tag: Tagged | None, where: str, notes: Notes) -> dict | None:
    if tag is None:
        return None
    data = {"name": tag.text, "geo": tag.get("geo"), "osm": tag.get("osm")}
    return _checked(Location, data, where, "podcast:location", notes)


def channel_extras(channel: FeedChannel, notes: Notes) -> dict:
    """show.yaml's medium, funding, license and location from the channel's tags."""
    extras: dict = {}
    if channel.medium and channel.medium != "podcast":
        if channel.medium in typing.get_args(Medium):
            extras["medium"] = channel.medium
        else:
            notes.add(
                CHANNEL,
                "podcast:medium",
                f'"{channel.medium}" is not a medium the catalog knows: left out',
            )
    funding = [
        _checked(
            Funding, {"url": tag.get("url"), "text": tag.text}, CHANNEL, "podcast:funding", notes
        )
        for tag in channel.funding
    ]
    if any(funding):
        extras["funding"] = [f for f in funding if f]
    for key, value in (
        ("license", _license(channel.license, CHANNEL, notes)),
        ("location", _location(channel.location, CHANNEL, notes)),
    ):
        if value:
            extras[key] = value
    return extras


def item_extras(item: FeedItem, where: str, notes: Notes) -> dict:
    extras: dict = {}
    for key, value in (
        ("license", _license(item.license, where, notes)),
        ("location", _location(item.location, where, notes)),
    ):
        if value:
            extras[key] = value
    return extras
