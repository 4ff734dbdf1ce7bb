"""The Podcasting 2.0 tags from show.yaml and episode.yaml: written as configured, checked."""

from __future__ import annotations

import datetime as dt

import podcastparser
import pytest
from lxml import etree

from podcast.build import BuildOptions, build
from podcast.catalog.loader import load_catalog
from podcast.feed.ext.podcastindex import PODCAST_NS
from tests.conftest import edit

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
NS = {"podcast": PODCAST_NS}
PARTNER = "917393e3-1b1e-5cef-ace4-edaa54e1f810"

SHOW_TAGS = f"""\
funding:
  - url: https://example.org/unterstuetzen
    text: Unterstützen Sie den Podcast
license:
  identifier: CC-BY-4.0
location:
  name: Halle (Saale)
  geo: geo:51.4828,11.9697
update_frequency:
  text: Monatlich
  rrule: FREQ=MONTHLY
txt:
  - text: S6lpp-7ZCn8-dZfGc-OoyVG
    purpose: applepodcastsverify
podroll:
  - feed_guid: {PARTNER}
    feed_url: https://partner.example.org/feed.xml
timezone:"""

EPISODE_TAGS = """\
social_interact:
  - uri: https://mastodon.example.org/@test/111
    account_id: "@test@mastodon.example.org"
location:
  name: Landkreis Breisgau-Hochschwarzwald
takeaways:"""


def channel_and_items(root):
    tree = etree.parse(str(root / "feed.xml"))
    return tree.find("channel"), tree.findall("channel/item")


def test_configured_tags_are_written_as_the_spec_says(catalog_dir, tmp_path):
    edit(catalog_dir / "show.yaml", "timezone:", SHOW_TAGS)
    episode = catalog_dir / "staffel-2" / "folge-15-weiter" / "episode.yaml"
    edit(episode, "takeaways:", EPISODE_TAGS)
    trailer = catalog_dir / "staffel-2" / "folge-14-positiv" / "episode.yaml"
    edit(trailer, "number: 14\n", "number: 14\ntype: trailer\n")
    edit(trailer, "title: Positiv", "title: Vorschau – Positiv")
    out = tmp_path / "feed"
    build(BuildOptions(catalog=catalog_dir, output=out, cache=tmp_path / "cache", now=NOW))
    channel, items = channel_and_items(out)

    def one(parent, tag):
        found = parent.findall(f"podcast:{tag}", NS)
        assert len(found) == 1, tag
        return found[0]

    assert one(channel, "medium").text == "podcast"
    funding = one(channel, "funding")
    assert funding.get("url") == "https://example.org/unterstuetzen"
    assert funding.text == "Unterstützen Sie den Podcast"
    assert one(channel, "license").text == "CC-BY-4.0"
    location = one(channel, "location")
    assert (location.text, location.get("geo")) == ("Halle (Saale)", "geo:51.4828,11.9697")
    assert location.get("osm") is None  # unset attributes are left out, not empty
    frequency = one(channel, "updateFrequency")
    assert (frequency.text, frequency.get("rrule")) == ("Monatlich", "FREQ=MONTHLY")
    assert frequency.get("complete") is None
    assert one(channel, "txt").get("purpose") == "applepodcastsverify"
    remote = one(one(channel, "podroll"), "remoteItem")
    assert remote.get("feedGuid") == PARTNER
    trailer_tag = one(channel, "trailer")
    trailer_item = next(i for i in items if i.findtext("title") == trailer_tag.text)
    enclosure = trailer_item.find("enclosure")
    assert trailer_tag.get("url") == enclosure.get("url")
    assert trailer_tag.get("length") == enclosure.get("length")
    assert trailer_tag.get("season") == "2"

    newest = items[0]  # Folge 15
    social = one(newest, "socialInteract")
    assert social.get("protocol") == "activitypub"
    assert social.get("uri") == "https://mastodon.example.org/@test/111"
    assert social.get("accountId") == "@test@mastodon.example.org"
    assert one(newest, "location").text == "Landkreis Breisgau-Hochschwarzwald"
    assert not items[1].findall("podcast:socialInteract", NS)

    # A real client's parser still reads the feed.
    with (out / "feed.xml").open("rb") as stream:
        parsed = podcastparser.parse("https://cdn.example.org/show/feed.xml", stream)
    assert len(parsed["episodes"]) == 2


def test_unconfigured_tags_are_left_out(catalog_dir, tmp_path):
    out = tmp_path / "feed"
    build(BuildOptions(catalog=catalog_dir, output=out, cache=tmp_path / "cache", now=NOW))
    channel, items = channel_and_items(out)
    written = {e.tag.split("}")[1] for e in channel if e.tag.startswith(f"{{{PODCAST_NS}")}
    assert written == {"guid", "locked", "person", "medium"}
    assert not items[0].findall("podcast:socialInteract", NS)


@pytest.mark.parametrize(
    ("yaml", "field", "message"),
    [
        ("license:\n  identifier: Meine-Lizenz\n", "license", "is not an SPDX licence"),
        ("location:\n  name: Halle\n  geo: 51.48,11.97\n", "location", "is not a geo URI"),
        ("location:\n  name: Halle\n  osm: '62638'\n", "location", "is not an OpenStreetMap id"),
        ("update_frequency:\n  text: Oft\n  rrule: WEEKLY\n", "update_frequency", "recurrence"),
        (
            "update_frequency:\n  text: Zehnmal\n  rrule: FREQ=WEEKLY;COUNT=10\n",
            "update_frequency",
            "needs dtstart",
        ),
        ("funding:\n  - url: https://x.org/\n    text: " + "x" * 129 + "\n", "funding", "128"),
        ("podroll:\n  - feed_guid: nicht-eine-guid\n", "podroll", "is not a feed GUID"),
        ("social_interact:\n  - account_id: '@a'\n", "social_interact", "needs its uri"),
    ],
)
def test_bad_values_name_file_line_and_field(catalog_dir, yaml, field, message):
    edit(catalog_dir / "show.yaml", "timezone:", yaml + "timezone:")
    _, problems = load_catalog(catalog_dir)
    errors = [p for p in problems.errors if p.field.startswith(field)]
    assert errors, [str(p) for p in problems.errors]
    assert str(errors[0].file).endswith("show.yaml") and errors[0].line
    assert message in errors[0].message, errors[0].message
