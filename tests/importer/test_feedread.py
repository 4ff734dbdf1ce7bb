"""Reading what hosts write: dates, durations, explicit, namespaces, CDATA and escaped HTML."""

from __future__ import annotations

import datetime as dt

import pytest

from podcast.importer.feedread import FeedError, read_feed
from podcast.importer.markdown import to_markdown, to_paragraphs, to_text
from podcast.importer.values import parse_date, parse_duration, parse_explicit

UTC = dt.UTC


@pytest.mark.parametrize(
    ("text", "instant", "offset_hours"),
    [
        ("Mon, 06 Mar 2023 18:00:00 +0100", dt.datetime(2023, 3, 6, 17, tzinfo=UTC), 1),
        ("Thu, 05 Jan 2023 10:00:00 GMT", dt.datetime(2023, 1, 5, 10, tzinfo=UTC), 0),
        ("Thu, 05 Jan 2023 06:00:00 EST", dt.datetime(2023, 1, 5, 11, tzinfo=UTC), -5),
        ("Wed, 01 Feb 2023 07:00:00 CET", dt.datetime(2023, 2, 1, 6, tzinfo=UTC), 1),
        ("Sat, 01 Jul 2023 07:00:00 CEST", dt.datetime(2023, 7, 1, 5, tzinfo=UTC), 2),
        ("5 Jan 2023 10:00 -0000", dt.datetime(2023, 1, 5, 10, tzinfo=UTC), 0),
        ("2023-03-01T07:00:00+01:00", dt.datetime(2023, 3, 1, 6, tzinfo=UTC), 1),
        ("2023-03-01T07:00:00Z", dt.datetime(2023, 3, 1, 7, tzinfo=UTC), 0),
        ("  Mon,  06 Mar 2023 18:00:00 +0100 ", dt.datetime(2023, 3, 6, 17, tzinfo=UTC), 1),
    ],
)
def test_dates_keep_their_instant_and_offset(text, instant, offset_hours):
    parsed = parse_date(text)
    assert parsed == instant
    assert parsed.utcoffset() == dt.timedelta(hours=offset_hours)


@pytest.mark.parametrize(
    "text", ["", "yesterday", "2023-03-01T07:00:00", "Mon, 06 Mar 2023 18:00 XYZ"]
)
def test_dates_without_a_knowable_instant_are_none(text):
    assert parse_date(text) is None


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("3600", 3600), ("75.5", 75.5), ("01:02", 62), ("01:02:03", 3723), ("00:00:06.250", 6.25)],
)
def test_durations(text, seconds):
    assert parse_duration(text) == seconds


@pytest.mark.parametrize("text", ["", "abc", "1:2:3:4", "-5"])
def test_bad_durations_are_none(text):
    assert parse_duration(text) is None


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("yes", True),
        ("Yes", True),
        ("true", True),
        ("explicit", True),
        ("no", False),
        ("No", False),
        ("false", False),
        ("clean", False),
        ("", None),
        ("maybe", None),
    ],
)
def test_explicit_spellings(text, value):
    assert parse_explicit(text) is value


def _feed(namespace: str, item: str) -> bytes:
    return f"""<?xml version="1.0"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/DTDs/Podcast-1.0.dtd"
 xmlns:podcast="{namespace}" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>T</title><podcast:guid>917393e3-1b1e-5cef-ace4-edaa54e1f810</podcast:guid>
<itunes:keywords>a,b</itunes:keywords>
{item}</channel></rss>""".encode()


@pytest.mark.parametrize(
    "namespace",
    [
        "https://podcastindex.org/namespace/1.0",
        "https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md",
    ],
)
def test_both_podcast_namespace_uris_and_any_itunes_case(namespace):
    channel = read_feed(
        _feed(
            namespace,
            '<item><title>A</title><podcast:season name="Eins">1</podcast:season>'
            "<itunes:duration>00:01:05</itunes:duration><itunes:explicit>clean</itunes:explicit>"
            "</item>",
        )
    )
    assert channel.guid == "917393e3-1b1e-5cef-ace4-edaa54e1f810"
    [item] = channel.items
    assert (item.season, item.season_name, item.duration, item.explicit) == ("1", "Eins", 65, False)
    assert channel.unread == ("itunes:keywords",)


def test_cdata_escaped_html_and_html_entities_xml_does_not_know():
    channel = read_feed(
        _feed(
            "https://podcastindex.org/namespace/1.0",
            "<item><title>Caf&eacute; &amp; Co</title>"
            "<guid isPermaLink='false'><![CDATA[ abc-123 ]]></guid>"
            "<description>&lt;p&gt;Hallo&amp;nbsp;&lt;a href=&quot;https://x.org/?a=1&amp;amp;b=2&quot;&gt;"
            "Welt&lt;/a&gt;&lt;/p&gt;</description>"
            "<content:encoded><![CDATA[<p>Mit <b>CDATA</b>&nbsp;und <a href='https://y.org'>Link</a></p>]]>"
            "</content:encoded></item>",
        )
    )
    [item] = channel.items
    assert item.title == "Café & Co"
    assert item.guid == "abc-123"
    assert to_markdown(item.description_html) == "Hallo [Welt](https://x.org/?a=1&b=2)"
    assert to_markdown(item.content_html) == "Mit **CDATA** und [Link](https://y.org)"


def test_not_rss_is_an_error():
    with pytest.raises(FeedError, match="not an RSS feed"):
        read_feed(b"<html><body>Moved</body></html>")
    with pytest.raises(FeedError, match="not XML"):
        read_feed(b"")


def test_show_notes_to_markdown():
    html = (
        "<h2>Links</h2><p>Eins<br>zwei *drei*</p><ul><li>a <em>b</em></li>"
        "<li>c<ol><li>d</li></ol></li></ul><blockquote><p>Zitat</p></blockquote><hr>"
        "<p><img src='https://x.org/i.png' alt='Bild 1'><script>x()</script></p>"
    )
    assert to_markdown(html) == (
        "## Links\n\nEins\\\nzwei \\*drei\\*\n\n- a *b*\n- c\n  1. d\n\n> Zitat\n\n---\n\n"
        "[Bild 1](https://x.org/i.png)"
    )
    assert to_text("<p>A <b>b</b></p><p>c</p>") == "A b c"
    assert to_paragraphs("<p>A <b>b</b> <a href='https://x.org'>x</a></p><p>c</p>") == (
        "A b x (https://x.org)\n\nc"
    )
