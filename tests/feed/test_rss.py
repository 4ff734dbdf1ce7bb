"""The feed, element by element (XPath), and as real podcast parsers read it."""

from __future__ import annotations

import datetime as dt
import email.utils
import json
import shutil

import feedparser
import podcastparser
import pytest
from lxml import etree

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.feed.ext.podcastindex import PODCAST_NS, podcast_guid
from podcast.feed.ext.psc import PSC_NS
from podcast.feed.rss import EpisodeMedia, cut_at_word, render_feed
from podcast.problems import CatalogError
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NS = {
    "itunes": "http://www.itunes.com/dtds/podcast-1.0.dtd",
    "podcast": PODCAST_NS,
    "psc": PSC_NS,
    "atom": "http://www.w3.org/2005/Atom",
    "content": "http://purl.org/rss/1.0/modules/content/",
}
BASE = "https://cdn.example.org/show/"
VTT = "WEBVTT\n\n00:00:00.000 --> 00:00:04.000\nHallo und willkommen.\n"
SRT = "1\n00:00:00,000 --> 00:00:04,000\nHallo und willkommen.\n"


def test_podcast_guid_follows_the_spec_rule():
    assert podcast_guid("https://podnews.net/rss") == "9b024349-ccf0-5f69-a609-6b82873eab3c"
    assert podcast_guid("http://podnews.net/rss/") == "9b024349-ccf0-5f69-a609-6b82873eab3c"


def test_cut_at_word():
    assert cut_at_word("kurz") == "kurz"
    text = "Wort " * 40
    cut = cut_at_word(text)
    assert len(cut) <= 128 and cut.endswith("Wort…")
    assert cut_at_word("a" * 200).endswith("…") and len(cut_at_word("a" * 200)) == 128


@pytest.fixture
def feed(catalog_dir, tmp_path, artwork_file):
    show = catalog_dir / "show.yaml"
    edit(
        show,
        "    url: https://example.org/rump",
        "    url: https://example.org/rump\n    image: jutta.jpg",
    )
    shutil.copy(artwork_file, catalog_dir / "jutta.jpg")
    edit(
        show,
        "timezone:",
        "copyright: © 2023 Test-Redaktion\nnew_feed_url: https://neu.example.org/feed.xml\ntimezone:",
    )
    season = catalog_dir / "staffel-2"
    (season / "folge-15-weiter/transcript.vtt").write_text(VTT, encoding="utf-8")
    (season / "folge-14-positiv/transcript.srt").write_text(SRT, encoding="utf-8")
    edit(season / "folge-14-positiv/episode.yaml", "number: 14", "number: 14\nexplicit: true")
    options = BuildOptions(
        catalog=catalog_dir, output=tmp_path / "feed", cache=tmp_path / "cache", now=NOW, jobs=2
    )
    result = build(options)
    root = etree.fromstring((options.output / "feed.xml").read_bytes())
    return options, result, root


def one(node, path):
    found = node.xpath(path, namespaces=NS)
    assert len(found) == 1, f"{path}: {len(found)} found"
    return found[0]


def test_channel_elements(feed):
    _, _, root = feed
    channel = one(root, "/rss/channel")
    assert one(channel, "title/text()") == "Der Test-Podcast"
    assert one(channel, "link/text()") == "https://example.org/"
    assert one(channel, "description/text()") == "Ein Podcast über „Tests“ – mit Umlauten."
    assert one(channel, "language/text()") == "de"
    assert one(channel, "copyright/text()") == "© 2023 Test-Redaktion"
    assert one(channel, "generator/text()").startswith("podcast ")
    assert one(channel, "atom:link[@rel='self']/@href") == BASE + "feed.xml"
    assert one(channel, "itunes:author/text()") == "Test-Redaktion"
    assert one(channel, "itunes:owner/itunes:name/text()") == "Erika Mustermann"
    assert one(channel, "itunes:owner/itunes:email/text()") == "erika@example.org"
    assert one(channel, "itunes:image/@href") == BASE + "artwork.jpg"
    assert channel.xpath("itunes:category/@text", namespaces=NS) == [
        "Government",
        "Society & Culture",
    ]
    assert one(channel, "itunes:category[@text='Society & Culture']/itunes:category/@text") == (
        "Documentary"
    )
    assert one(channel, "itunes:explicit/text()") == "false"
    assert one(channel, "itunes:type/text()") == "episodic"
    assert one(channel, "itunes:new-feed-url/text()") == "https://neu.example.org/feed.xml"
    assert one(channel, "podcast:guid/text()") == podcast_guid(BASE + "feed.xml")
    assert one(channel, "podcast:locked/text()") == "yes"
    assert one(channel, "podcast:locked/@owner") == "erika@example.org"
    host = one(channel, "podcast:person")
    assert (host.text, host.get("role"), host.get("group")) == ("Erika Mustermann", "host", "cast")


def test_item_elements(feed):
    options, result, root = feed
    items = root.xpath("/rss/channel/item", namespaces=NS)
    assert [one(i, "itunes:episode/text()") for i in items] == ["15", "14"]  # newest first
    item = items[1]  # episode 14: SRT transcript, explicit
    episode = next(e for e in result.episodes if e.number == 14)
    media = result.media[episode.slug]
    assert (
        one(item, "title/text()")
        == "Positiv irritierend – die Jugendhilfeplanung in Halle (Saale)!"
    )
    assert one(item, "guid/text()") == media.guid
    assert one(item, "guid/@isPermaLink") == "false"
    assert one(item, "pubDate/text()") == "Wed, 01 Mar 2023 00:00:00 +0100"  # Europe/Berlin
    assert email.utils.parsedate_to_datetime(one(items[0], "pubDate/text()")) == dt.datetime(
        2023, 4, 1, 8, 0, tzinfo=dt.UTC
    )
    enclosure = one(item, "enclosure")
    assert enclosure.get("url") == BASE + media.relpath
    assert int(enclosure.get("length")) == (options.output / media.relpath).stat().st_size
    assert enclosure.get("type") == "audio/mpeg"
    assert one(item, "itunes:duration/text()") == "20"
    assert one(item, "itunes:season/text()") == "2"
    assert one(item, "itunes:episodeType/text()") == "full"
    assert one(item, "itunes:image/@href") == BASE + "artwork.jpg"
    assert one(item, "itunes:explicit/text()") == "true"
    assert one(items[0], "itunes:explicit/text()") == "false"  # the show's default
    assert one(item, "description/text()") == "Eine Folge über „Irritation“."

    notes = one(item, "content:encoded/text()")
    assert "<strong>Markdown</strong>" in notes
    assert '<a href="https://example.org/rump">Prof. Dr. Jutta Rump</a>' in notes
    assert "00:00:05" in notes and '<a href="https://example.org/mitte">Mitte</a>' in notes
    assert "„Neues Arbeiten bedeutet" in notes and "— Prof. Dr. Jutta Rump" in notes
    assert "<strong>Zeit</strong>" in notes
    assert f'href="{BASE}episodes/{episode.slug}/"' in notes

    assert one(item, "podcast:season/text()") == "2"
    assert one(item, "podcast:season/@name") == "Staffel 2"
    assert one(item, "podcast:episode/text()") == "14"
    guest = one(item, "podcast:person[@role='guest']")
    assert guest.text == "Prof. Dr. Jutta Rump"
    assert guest.get("group") == "cast"
    assert guest.get("href") == "https://example.org/rump"
    assert guest.get("img") == BASE + "people/prof-dr-jutta-rump.jpg"
    assert (options.output / "people/prof-dr-jutta-rump.jpg").is_file()
    assert one(item, "podcast:person[@role='host']/text()") == "Erika Mustermann"
    soundbite = one(item, "podcast:soundbite")
    assert (soundbite.get("startTime"), soundbite.get("duration")) == ("2", "16")
    assert soundbite.text.startswith("Neues Arbeiten") and len(soundbite.text) <= 128

    srt = one(item, "podcast:transcript")
    assert srt.get("type") == "application/x-subrip" and srt.get("rel") is None
    assert srt.get("url") == BASE + media.relpath.removesuffix(".mp3") + ".srt"
    assert (options.output / media.relpath.removesuffix(".mp3")).with_suffix(".srt").is_file()
    vtt = one(items[0], "podcast:transcript")
    assert (vtt.get("type"), vtt.get("rel"), vtt.get("language")) == ("text/vtt", "captions", "de")
    assert vtt.get("url").endswith(".vtt")

    chapters = one(item, "podcast:chapters")
    assert chapters.get("type") == "application/json+chapters"
    document = json.loads((options.output / chapters.get("url").removeprefix(BASE)).read_text())
    assert document["version"] == "1.2"
    assert document["chapters"] == [
        {"startTime": 0.0, "title": "Anfang"},
        {"startTime": 5.5, "title": "Mitte", "url": "https://example.org/mitte"},
    ]
    assert one(item, "psc:chapters/@version") == "1.2"
    psc = item.xpath("psc:chapters/psc:chapter", namespaces=NS)
    assert [(c.get("start"), c.get("title"), c.get("href")) for c in psc] == [
        ("00:00:00.000", "Anfang", None),
        ("00:00:05.500", "Mitte", "https://example.org/mitte"),
    ]


def test_parsers_read_the_feed(feed):
    options, _, _ = feed
    data = (options.output / "feed.xml").read_bytes()
    parsed = feedparser.parse(data)
    assert parsed.bozo == 0, parsed.get("bozo_exception")
    with (options.output / "feed.xml").open("rb") as handle:
        gpodder = podcastparser.parse(BASE + "feed.xml", handle)
    assert [e.id for e in parsed.entries] == [e["guid"] for e in gpodder["episodes"]]
    for episode in gpodder["episodes"]:
        assert [c["title"] for c in episode["chapters"]] == ["Anfang", "Mitte"]
        assert episode["chapters"][1]["start"] == 5  # podcastparser keeps whole seconds
        assert episode["chapters_json_url"].endswith(".chapters.json")
        assert episode["transcript_url"].startswith(BASE + "audio/")
        assert {(p["name"], p["role"], p["group"]) for p in episode["persons"]} == {
            ("Prof. Dr. Jutta Rump", "guest", "cast"),
            ("Erika Mustermann", "host", "cast"),
        }
    assert gpodder["episodes"][0]["transcript_url"].endswith(".vtt")


def test_channel_description_longer_than_4000_bytes_is_refused(catalog_dir, tmp_path):
    edit(
        catalog_dir / "show.yaml",
        "description: Ein Podcast über „Tests“ – mit Umlauten.",
        "description: " + "ä" * 2001,
    )
    options = BuildOptions(catalog=catalog_dir, output=tmp_path / "f", cache=tmp_path / "c")
    with pytest.raises(CatalogError) as error:
        build(options)
    [problem] = error.value.problems
    assert (problem.file, problem.line, problem.field) == ("episodes/show.yaml", 3, "description")
    assert "4002 bytes" in problem.message


def show_notes(catalog_dir, language: str) -> list[str]:
    """The content:encoded of every item when the show's language is ``language``."""
    edit(catalog_dir / "show.yaml", "language: de", f"language: {language}")
    catalog, problems = load_catalog(catalog_dir)
    assert catalog is not None, problems
    episodes = catalog.public_episodes(NOW)
    media = {
        e.slug: EpisodeMedia(e.slug, f"{e.slug}.mp3", f"{BASE}{e.slug}.mp3", 1000, 20.0)
        for e in episodes
    }
    root = etree.fromstring(render_feed(catalog, episodes, media, NOW))
    return root.xpath("channel/item/content:encoded/text()", namespaces=NS)


def test_show_notes_in_the_show_language(catalog_dir):
    for notes in show_notes(catalog_dir, "en"):
        for heading in ("Guests", "Chapters", "Quotes", "Key takeaways"):
            assert f"<h3>{heading}</h3>" in notes
        assert "<p>“Neues Arbeiten bedeutet" in notes and "bleiben.”</p>" in notes
        assert ">This episode on the website</a>" in notes
        for german in ("Zu Gast", "Kapitel", "Zitate", "Zum Mitnehmen", "Folge", "„"):
            assert german not in notes


def test_show_notes_in_french(catalog_dir):
    for notes in show_notes(catalog_dir, "fr-FR"):
        assert "<h3>Invités</h3>" in notes and "<h3>À retenir</h3>" in notes
        assert "<p>«\u00a0Neues Arbeiten bedeutet" in notes
