"""Three more host shapes: Spotify for Podcasters (Anchor), Buzzsprout, Podigee."""

from __future__ import annotations

import urllib.parse
from pathlib import Path
from xml.sax.saxutils import escape

from tests.importer.hosts import (
    ATOM,
    CONTENT,
    CUES,
    ITUNES,
    PODCAST,
    PODCAST_LEGACY,
    PSC,
    Ep,
    Host,
    _hms,
    artwork,
    channel_art,
    json_chapters,
    json_transcript,
    psc,
    serve_audio,
    vtt,
)
from tests.importer.shapes import CHAPTERS


def anchor(work: Path, base: str) -> Host:
    """Anchor / Spotify for Podcasters: the legacy podcast namespace URI, UUID GUIDs, GMT
    dates, play/ prefix URLs with the URL-encoded CDN address, enclosure lengths that do
    not match the file, per-episode artwork, an expired episode that serves HTML."""
    episodes = (
        Ep(
            "e2c3",
            "Ep. 3 – Spotify era",
            "0f1e2d3c-4b5a-6978-8796-a5b4c3d2e1f0",
            "Thu, 05 Jan 2023 10:00:00 GMT",
            6,
            season=2,
            number=3,
        ),
        Ep(
            "e2c2",
            "Ep. 2 – gone",
            "1a2b3c4d-0000-4000-8000-00000000e2c2",
            "Thu, 29 Dec 2022 10:00:00 GMT",
            5,
            season=2,
            number=2,
            broken="html",
        ),
        Ep(
            "e2c1",
            "Ep. 1 – Anchor days",
            "1a2b3c4d-0000-4000-8000-00000000e2c1",
            "Thu, 22 Dec 2022 10:00:00 GMT",
            5,
            season=1,
            number=1,
        ),
    )
    host = Host("anchor", "/s/abc123/podcast/rss", episodes, None)
    channel_art(host, "/pod/cover.jpg", artwork(1400))
    channel_art(host, "/pod/ep3.jpg", artwork(1000))  # too small for Apple: enlarged
    items = []
    for n, ep in enumerate(episodes):
        cdn = f"/staging/2023-0-5/{ep.key}-44.1k-v1.mp3"
        serve_audio(host, work, ep, cdn, 700 + 20 * n)
        target = urllib.parse.quote(base + cdn, safe="")
        url = f"{base}/s/abc123/podcast/play/6310000{n}/{target}"
        image = f'<itunes:image href="{base}/pod/ep3.jpg"/>' if n == 0 else ""
        items.append(f"""
<item><title><![CDATA[{ep.title}]]></title>
<description><![CDATA[{ep.notes_html}<p>---</p><p>Send in a voice message</p>]]></description>
<link>https://podcasters.spotify.com/pod/show/x/episodes/{ep.key}</link>
<guid isPermaLink="false">{ep.guid}</guid><dc:creator><![CDATA[Sam]]></dc:creator>
<pubDate>{ep.pub_date}</pubDate>
<enclosure url="{escape(url)}" length="95327" type="audio/mpeg"/>
<itunes:summary>&lt;p&gt;{escape(ep.title)}&lt;/p&gt;</itunes:summary>
<itunes:explicit>No</itunes:explicit><itunes:duration>{_hms(ep.seconds)}</itunes:duration>
{image}<itunes:season>{ep.season}</itunes:season><itunes:episode>{ep.number}</itunes:episode>
<itunes:episodeType>full</itunes:episodeType>
</item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:dc="http://purl.org/dc/elements/1.1/" {CONTENT} {ATOM} version="2.0" {ITUNES}
 {PODCAST_LEGACY} xmlns:anchor="https://anchor.fm/xmlns"><channel>
<title><![CDATA[Sam's Side Project]]></title>
<description><![CDATA[A show that started on Anchor.]]></description>
<link>https://podcasters.spotify.com/pod/show/x</link>
<image><url>{base}/pod/cover.jpg</url><title>Sam's Side Project</title>
<link>https://podcasters.spotify.com/pod/show/x</link></image>
<generator>Anchor Podcasts</generator><lastBuildDate>Thu, 05 Jan 2023 10:05:00 GMT</lastBuildDate>
<atom:link href="{base}/s/abc123/podcast/rss" rel="self" type="application/rss+xml"/>
<author><![CDATA[Sam]]></author><copyright><![CDATA[Sam]]></copyright><language><![CDATA[en]]>
</language>
<atom:link rel="hub" href="https://pubsubhubbub.appspot.com/"/>
<itunes:author>Sam</itunes:author><itunes:summary>A show that started on Anchor.</itunes:summary>
<itunes:type>episodic</itunes:type>
<itunes:owner><itunes:name>Sam</itunes:name><itunes:email>sam@example.org</itunes:email>
</itunes:owner>
<itunes:explicit>No</itunes:explicit><itunes:category text="Leisure">
<itunes:category text="Hobbies"/></itunes:category>
<itunes:image href="{base}/pod/cover.jpg"/>
{"".join(items)}
</channel></rss>"""
    host.site.files[host.feed_path] = (feed.encode(), "application/rss+xml; charset=utf-8")
    return host


def buzzsprout(work: Path, base: str) -> Host:
    """Buzzsprout: Buzzsprout-NNN GUIDs, numeric offsets, durations in seconds, JSON
    chapters and transcripts (plus an HTML one), a soundbite without text, a 404 enclosure,
    and an enclosure that breaks off half-way once (resumed)."""
    episodes = (
        Ep(
            "12345679",
            "Growing the Garden",
            "Buzzsprout-12345679",
            "Mon, 06 Feb 2023 08:00:00 -0500",
            6,
            season=1,
            number=2,
            chapters=CHAPTERS,
            cues=CUES,
            soundbites=((2.0, 2.0, ""),),
        ),
        Ep(
            "12345678",
            "Seeds",
            "Buzzsprout-12345678",
            "Mon, 02 Jan 2023 08:00:00 -0500",
            5,
            season=1,
            number=1,
            broken="404",
        ),
        Ep(
            "12345677",
            "Trailer",
            "Buzzsprout-12345677",
            "Sun, 01 Jan 2023 08:00:00 -0500",
            4,
            season=1,
        ),
    )
    host = Host("buzzsprout", "/123456.rss", episodes, "b1a9e0a4-7c9e-5d2c-8a55-0a4d1b2c3e4f")
    channel_art(host, "/rss/cover.jpg", artwork(1400))
    items = []
    for n, ep in enumerate(episodes):
        cdn = f"/cdn/{ep.key}-{ep.key[-2:]}.mp3"
        size = serve_audio(host, work, ep, cdn, 800 + 25 * n)
        host.site.redirects[f"/123456/{ep.key}-slug.mp3"] = base + cdn
        if n == 0:
            host.site.drop_once.add(cdn)
        extra = ""
        if ep.chapters:
            host.site.files[f"/123456/{ep.key}/chapters.json"] = (
                json_chapters(ep.chapters),
                "application/json",
            )
            extra += (
                f'<podcast:chapters url="{base}/123456/{ep.key}/chapters.json" '
                'type="application/json"/>'
            )
        if ep.cues:
            host.site.files[f"/123456/{ep.key}/transcript.json"] = (
                json_transcript(ep.cues),
                "application/json",
            )
            host.site.files[f"/123456/{ep.key}/transcript"] = (b"<p>Hello</p>", "text/html")
            extra += (
                f'<podcast:transcript url="{base}/123456/{ep.key}/transcript" '
                'type="text/html"/>'
                f'<podcast:transcript url="{base}/123456/{ep.key}/transcript.json" '
                'type="application/json"/>'
            )
        for start, length, text in ep.soundbites:
            extra += (
                f'<podcast:soundbite startTime="{start}" duration="{length}">'
                f"{text}</podcast:soundbite>"
            )
        number = f"<itunes:episode>{ep.number}</itunes:episode>" if ep.number else ""
        kind = "full" if ep.number else "trailer"
        items.append(f"""
<item><itunes:title>{escape(ep.title)}</itunes:title><title>{escape(ep.title)}</title>
<description><![CDATA[{ep.notes_html}]]></description><itunes:author>Gardening Gang</itunes:author>
<enclosure url="{base}/123456/{ep.key}-slug.mp3" length="{size}" type="audio/mpeg"/>
<guid isPermaLink="false">{ep.guid}</guid><pubDate>{ep.pub_date}</pubDate>{extra}
<itunes:duration>{ep.seconds}</itunes:duration><itunes:season>{ep.season}</itunes:season>
{number}<itunes:episodeType>{kind}</itunes:episodeType><itunes:explicit>false</itunes:explicit>
</item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss {ITUNES} {PODCAST} version="2.0" {ATOM}><channel>
<atom:link href="{base}/123456.rss" rel="self" type="application/rss+xml"/>
<title>Gardening Gang</title><description><![CDATA[<p>We grow things.</p>]]></description>
<generator>Buzzsprout (https://www.buzzsprout.com)</generator>
<itunes:summary><![CDATA[<p>We grow things.</p>]]></itunes:summary><language>en-us</language>
<itunes:author>Gardening Gang</itunes:author><link>https://gardening.example.org</link>
<image><url>{base}/rss/cover.jpg</url><title>Gardening Gang</title>
<link>https://gardening.example.org</link></image>
<itunes:image href="{base}/rss/cover.jpg"/>
<itunes:owner><itunes:name>Gardening Gang</itunes:name>
<itunes:email>grow@example.org</itunes:email></itunes:owner>
<itunes:category text="Leisure"><itunes:category text="Home &amp; Garden"/></itunes:category>
<itunes:explicit>false</itunes:explicit><itunes:type>episodic</itunes:type>
<podcast:guid>{host.podcast_guid}</podcast:guid>
{"".join(items)}
</channel></rss>"""
    host.site.files[host.feed_path] = (feed.encode(), "application/rss+xml; charset=utf-8")
    return host


def podigee(work: Path, base: str) -> Host:
    """Podigee: entity-escaped HTML in <description>, CDATA in content:encoded, CDN URLs with
    ?v=…&source=feed, psc:chapters without milliseconds, "clean" explicit, a CET date and
    an ISO 8601 pubDate, VTT transcripts."""
    episodes = (
        Ep(
            "3-sommer",
            "3: Sommerpause? Nein!",
            "a1b2c3d4e5f60718293a4b5c6d7e8f90",
            "2023-03-01T07:00:00+01:00",
            6,
            season=1,
            number=3,
            chapters=CHAPTERS,
            cues=CUES,
        ),
        Ep(
            "2-winter",
            "2: Winter in der Verwaltung",
            "a1b2c3d4e5f60718293a4b5c6d7e8f91",
            "Wed, 01 Feb 2023 07:00:00 CET",
            5,
            season=1,
            number=2,
        ),
        Ep(
            "1-neu",
            "1: Alles neu",
            "a1b2c3d4e5f60718293a4b5c6d7e8f92",
            "Sun, 01 Jan 2023 07:00:00 +0100",
            5,
            season=1,
            number=1,
            chapters=((0.0, "Los geht's", None), (3.0, "Und weiter", None)),
        ),
    )
    host = Host("podigee", "/feed/mp3", episodes, "5d3c2b1a-0f9e-5d8c-a7b6-c5d4e3f2a1b0")
    channel_art(host, "/images/cover.jpg", artwork(1400))
    items = []
    for n, ep in enumerate(episodes):
        media = f"/media/podcast_77_show_episode_{n}_{ep.key}.mp3"
        size = serve_audio(host, work, ep, media, 900 + 30 * n)
        url = f"{base}{media}?v=1675230000&amp;source=feed"
        chapters = psc(ep.chapters).replace('.000"', '"')  # Podigee writes whole seconds bare
        transcript = ""
        if ep.cues:
            host.site.files[f"/transcripts/{ep.key}.vtt"] = (vtt(ep.cues), "text/vtt")
            transcript = (
                f'<podcast:transcript url="{base}/transcripts/{ep.key}.vtt" type="text/vtt"/>'
            )
        items.append(f"""
<item><title>{escape(ep.title)}</title><itunes:title>{escape(ep.title)}</itunes:title>
<itunes:subtitle>Folge {ep.number}</itunes:subtitle>
<description>{escape(ep.notes_html)}</description>
<content:encoded><![CDATA[{ep.notes_html}<ul><li>Punkt eins</li><li>Punkt zwei</li></ul>]]>
</content:encoded>
<link>{base}/{ep.key}</link><guid isPermaLink="false">{ep.guid}</guid>
<pubDate>{ep.pub_date}</pubDate>
<enclosure url="{url}" type="audio/mpeg" length="{size}"/>
<itunes:episodeType>full</itunes:episodeType><itunes:episode>{ep.number}</itunes:episode>
<itunes:season>{ep.season}</itunes:season><itunes:duration>{ep.seconds}</itunes:duration>
<itunes:explicit>clean</itunes:explicit>{chapters}{transcript}
</item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {ATOM} {CONTENT} {ITUNES} {PSC} {PODCAST}
 xmlns:googleplay="http://www.google.com/schemas/play-podcasts/1.0"><channel>
<title>Verwaltung &amp; Wandel</title>
<atom:link href="{base}/feed/mp3" rel="self" type="application/rss+xml"/>
<atom:link href="{base}/feed/mp3" rel="first"/>
<link>{base}/</link>
<description>&lt;p&gt;Gespräche über &lt;strong&gt;Verwaltung&lt;/strong&gt;.&lt;/p&gt;
</description>
<itunes:type>episodic</itunes:type><generator>Podigee (https://podigee.com)</generator>
<copyright>Verwaltung &amp; Wandel</copyright><language>de</language>
<itunes:subtitle>Gespräche</itunes:subtitle><itunes:explicit>clean</itunes:explicit>
<itunes:author>Anna Amt</itunes:author>
<itunes:owner><itunes:name>Anna Amt</itunes:name><itunes:email>anna@example.org</itunes:email>
</itunes:owner>
<itunes:category text="Government"/><itunes:image href="{base}/images/cover.jpg"/>
<googleplay:author>Anna Amt</googleplay:author>
<podcast:guid>{host.podcast_guid}</podcast:guid>
{"".join(items)}
</channel></rss>"""
    host.site.files[host.feed_path] = (feed.encode(), "application/rss+xml; charset=utf-8")
    return host
