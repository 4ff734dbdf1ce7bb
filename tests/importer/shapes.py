"""The six host shapes: one function each, writing the feed and the files it names."""

from __future__ import annotations

from pathlib import Path
from xml.sax.saxutils import escape

from tests.importer.hosts import (
    ATOM,
    CONTENT,
    CUES,
    ITUNES,
    PODCAST,
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
    srt,
    vtt,
)

CHAPTERS = (
    (0.0, "Intro", None),
    (2.5, "Thema", "https://example.org/thema"),
    (4.125, "Ende", None),
)


def podlove(work: Path, base: str) -> Host:
    """Podlove Publisher (WordPress): paged feed (rel=next), podlove-… GUIDs, tracked file
    URLs that redirect to wp-content, psc:chapters, transcripts as ?podlove_transcript=."""
    episodes = (
        Ep(
            "fs003",
            "FS003 Der dritte Streich",
            "podlove-2023-03-06t17:00:00+00:00-c0ffee3",
            "Mon, 06 Mar 2023 18:00:00 +0100",
            6,
            number=3,
            chapters=CHAPTERS,
            cues=CUES,
        ),
        Ep(
            "fs002",
            "FS002 Zwischenspiel",
            "podlove-2023-02-06t17:00:00+00:00-c0ffee2",
            "Mon, 06 Feb 2023 18:00:00 +0100",
            5,
            number=2,
            chapters=CHAPTERS[:2],
        ),
        Ep(
            "fs001",
            "FS001 Anfang & „Ende“",
            "podlove-2023-01-02t17:00:00+00:00-c0ffee1",
            "Mon, 02 Jan 2023 18:00:00 +0100",
            5,
            number=1,
        ),
    )
    host = Host("podlove", "/feed/mp3/", episodes, "2c9e3b4a-6f4e-5a8e-9d1c-5b7a1e0f4d21")
    channel_art(host, "/wp-content/cover.jpg", artwork(1400))
    items = []
    for n, ep in enumerate(episodes):
        real = f"/wp-content/uploads/{ep.key}.mp3"
        size = serve_audio(host, work, ep, real, 330 + 40 * n)
        tracked = f"/podlove/file/{n + 10}/s/feed/c/mp3/{ep.key}.mp3"
        host.site.redirects[tracked] = base + real
        transcript = ""
        if ep.cues:
            host.site.files[f"/{ep.key}/?podlove_transcript=webvtt"] = (vtt(ep.cues), "text/vtt")
            host.site.files[f"/{ep.key}/?podlove_transcript=json"] = (
                json_transcript(ep.cues),
                "application/json",
            )
            transcript = (
                f'<podcast:transcript url="{base}/{ep.key}/?podlove_transcript=json" '
                'type="application/json"/>'
                f'<podcast:transcript url="{base}/{ep.key}/?podlove_transcript=webvtt" '
                'type="text/vtt"/>'
            )
        items.append(f"""
<item><title>{escape(ep.title)}</title><link>{base}/{ep.key}/</link>
<pubDate>{ep.pub_date}</pubDate>
<guid isPermaLink="false">{ep.guid}</guid>
<description><![CDATA[Kurz: {ep.title}]]></description>
<atom:link rel="http://podlove.org/deep-link" href="{base}/{ep.key}/#"/>
<enclosure url="{base}{tracked}" length="{size}" type="audio/mpeg"/>
<itunes:duration>{_hms(ep.seconds)}</itunes:duration><itunes:author>Tim und Linus</itunes:author>
<itunes:subtitle>Kurz: {escape(ep.title)}</itunes:subtitle>
<itunes:episode>{ep.number}</itunes:episode>
<itunes:episodeType>full</itunes:episodeType>
{psc(ep.chapters)}
<content:encoded><![CDATA[{ep.notes_html}<p>Mit <strong>Gästen</strong>.</p>]]></content:encoded>
{transcript}
</item>""")
    head = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" {ATOM} {ITUNES} {PSC} {CONTENT} {PODCAST}
 xmlns:fh="http://purl.org/syndication/history/1.0">
<channel><title>Freiraum-Show</title><link>{base}/</link>
<description>Ein Podcast über &lt;b&gt;Freiräume&lt;/b&gt; &amp; Technik.</description>
<lastBuildDate>Mon, 06 Mar 2023 18:00:00 +0000</lastBuildDate><language>de-DE</language>
<generator>Podlove Podcast Publisher v4.1.0</generator>
<atom:link rel="self" type="application/rss+xml" href="{base}/feed/mp3/"/>
<atom:link rel="first" href="{base}/feed/mp3/"/>
{{paging}}
<copyright>© 2023 Freiraum</copyright>
<itunes:author>Tim und Linus</itunes:author><itunes:type>episodic</itunes:type>
<itunes:summary>Ein Podcast über Freiräume und Technik.</itunes:summary>
<itunes:category text="Technology"/>
<itunes:owner><itunes:name>Tim</itunes:name><itunes:email>tim@example.org</itunes:email>
</itunes:owner>
<itunes:image href="{base}/wp-content/cover.jpg"/>
<itunes:subtitle>Freiräume &amp; Technik</itunes:subtitle>
<itunes:block>no</itunes:block><itunes:explicit>no</itunes:explicit>
<podcast:guid>{host.podcast_guid}</podcast:guid>
<podcast:person role="host" img="{base}/wp-content/tim.jpg" href="https://example.org/tim">Tim</podcast:person>
<podcast:person role="host">Linus</podcast:person>
"""
    tail = "</channel></rss>"
    next_link = f'<atom:link rel="next" href="{base}/feed/mp3/?paged=2"/>'
    host.site.files["/feed/mp3/"] = (
        (head.replace("{paging}", next_link) + "".join(items[:2]) + tail).encode(),
        "application/rss+xml; charset=utf-8",
    )
    prev_link = f'<atom:link rel="prev" href="{base}/feed/mp3/"/>'
    host.site.files["/feed/mp3/?paged=2"] = (
        (head.replace("{paging}", prev_link) + "".join(items[2:]) + tail).encode(),
        "application/rss+xml; charset=utf-8",
    )
    return host


def castopod(work: Path, base: str) -> Host:
    """Castopod: canonical podcast namespace, serial show, seasons with podcast:season,
    analytics route with a query string that redirects to the media, SRT transcripts,
    JSON chapters, soundbites with text, guests as podcast:person, a PNG cover."""
    episodes = (
        Ep(
            "second",
            "The second one",
            f"{base}/@kommune/episodes/the-second-one",
            "Tue, 10 Oct 2023 08:00:00 +0000",
            6,
            season=2,
            number=1,
            chapters=CHAPTERS,
            cues=CUES,
            soundbites=((1.0, 3.0, "Planning is a team sport."),),
        ),
        Ep(
            "first",
            "The first one",
            f"{base}/@kommune/episodes/the-first-one",
            "Tue, 12 Sep 2023 08:00:00 +0000",
            5,
            season=1,
            number=1,
            cues=CUES,
        ),
    )
    host = Host("castopod", "/@kommune/feed.xml", episodes, "7f2d9a31-0c5b-5e0b-8d57-6e1c4a2b9f10")
    channel_art(
        host, "/media/podcasts/kommune/cover.png", artwork(1500, "PNG", "RGBA"), "image/png"
    )
    channel_art(host, "/media/jo.jpg", artwork(300))  # the host's picture, kept in people/
    items = []
    for n, ep in enumerate(episodes):
        media = f"/media/podcasts/kommune/{ep.key}.mp3"
        size = serve_audio(host, work, ep, media, 500 + 30 * n)
        host.site.redirects[f"/audio/@kommune/{ep.key}.mp3?_from=feed"] = base + media
        extra = ""
        if ep.cues:
            host.site.files[f"/media/podcasts/kommune/{ep.key}.srt"] = (
                srt(ep.cues),
                "application/x-subrip",
            )
            extra += (
                f'<podcast:transcript url="{base}/media/podcasts/kommune/{ep.key}.srt" '
                'type="application/x-subrip" language="en"/>'
            )
        if ep.chapters:
            host.site.files[f"/media/podcasts/kommune/{ep.key}-chapters.json"] = (
                json_chapters(ep.chapters),
                "application/json",
            )
            extra += (
                f'<podcast:chapters url="{base}/media/podcasts/kommune/'
                f'{ep.key}-chapters.json" type="application/json+chapters"/>'
            )
        for start, length, text in ep.soundbites:
            extra += (
                f'<podcast:soundbite startTime="{start}" duration="{length}">'
                f"{text}</podcast:soundbite>"
            )
        items.append(f"""
<item><guid isPermaLink="false">{ep.guid}</guid><title>{ep.title}</title>
<enclosure url="{base}/audio/@kommune/{ep.key}.mp3?_from=feed" length="{size}" type="audio/mpeg"/>
<itunes:duration>{ep.seconds}</itunes:duration><pubDate>{ep.pub_date}</pubDate>
<link>{base}/@kommune/episodes/{ep.key}</link>
<description><![CDATA[{ep.notes_html}]]></description><content:encoded><![CDATA[{ep.notes_html}]]>
</content:encoded>
<itunes:explicit>false</itunes:explicit><itunes:episode>{ep.number}</itunes:episode>
<podcast:episode>{ep.number}</podcast:episode><itunes:season>{ep.season}</itunes:season>
<podcast:season name="Season {ep.season}: the {"start" if ep.season == 1 else "sequel"}">
{ep.season}</podcast:season>
<itunes:episodeType>full</itunes:episodeType>{extra}
<podcast:person role="guest" group="cast">Ada Guest</podcast:person>
<podcast:person role="host" group="cast">Jo Host</podcast:person>
</item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss {ITUNES} {PODCAST} {ATOM} {CONTENT} version="2.0"><channel>
<atom:link href="{base}/@kommune/feed.xml" rel="self" type="application/rss+xml"/>
<podcast:guid>{host.podcast_guid}</podcast:guid><title>Kommune Cast</title>
<description><![CDATA[<p>A <em>serial</em> show about municipalities.</p>]]></description>
<itunes:type>serial</itunes:type><link>{base}/@kommune</link>
<generator>Castopod - https://castopod.org/</generator><language>en</language>
<copyright>© 2023 Kommune Cast</copyright>
<podcast:locked owner="jo@example.org">yes</podcast:locked>
<itunes:image href="{base}/media/podcasts/kommune/cover.png"/>
<image><url>{base}/media/podcasts/kommune/cover.png</url><title>Kommune Cast</title>
<link>{base}/@kommune</link></image>
<itunes:explicit>false</itunes:explicit>
<itunes:category text="Society &amp; Culture"><itunes:category text="Documentary"/>
</itunes:category>
<itunes:author>Jo Host</itunes:author>
<itunes:owner><itunes:name>Jo Host</itunes:name><itunes:email>jo@example.org</itunes:email>
</itunes:owner>
<podcast:person role="host" group="cast" img="{base}/media/jo.jpg">Jo Host</podcast:person>
<podcast:funding url="https://example.org/support">Support the show</podcast:funding>
{"".join(items)}
</channel></rss>"""
    host.site.files[host.feed_path] = (feed.encode(), "application/rss+xml; charset=utf-8")
    return host


def libsyn(work: Path, base: str) -> Host:
    """Libsyn: CDATA everywhere (even the GUID), traffic.libsyn.com-style URLs with
    ?dest-id= that redirect, HH:MM:SS durations, yes/no explicit, chapters only in the
    MP3's ID3 tag, an item without <guid>, an EST date."""
    episodes = (
        Ep(
            "ep12",
            "Episode 12: Budget Season",
            "6a1f2c3e-1b2d-4c5e-9f80-123456789abc",
            "Thu, 05 Jan 2023 06:00:00 EST",
            6,
            number=12,
            chapters=CHAPTERS,
        ),
        Ep(
            "ep11",
            "Episode 11: Old Hand-Made Item",
            None,
            "Wed, 04 Jan 2023 11:00:00 +0000",
            5,
            number=11,
        ),
    )
    host = Host("libsyn", "/123456/rss", episodes, None)
    channel_art(host, "/images/cover.jpg", artwork(3000))
    items = []
    for n, ep in enumerate(episodes):
        cdn = f"/cdn/show/{ep.key}.mp3"
        size = serve_audio(host, work, ep, cdn, 600 + 50 * n, id3_chapters=bool(ep.chapters))
        tracked = f"/secure/show/{ep.key}.mp3?dest-id=123456"
        host.site.redirects[tracked] = base + cdn
        guid = f'<guid isPermaLink="false"><![CDATA[{ep.guid}]]></guid>' if ep.guid else ""
        items.append(f"""
<item><title><![CDATA[{ep.title}]]></title><itunes:title><![CDATA[{ep.title}]]></itunes:title>
<pubDate>{ep.pub_date}</pubDate>{guid}
<link><![CDATA[https://show.libsyn.com/{ep.key}]]></link>
<itunes:image href="{base}/images/cover.jpg"/>
<description><![CDATA[{ep.notes_html}]]></description>
<content:encoded><![CDATA[{ep.notes_html}]]></content:encoded>
<enclosure length="{size}" type="audio/mpeg" url="{base}{tracked}"/>
<itunes:duration>{_hms(ep.seconds)}</itunes:duration><itunes:explicit>yes</itunes:explicit>
<itunes:keywords>budget,city</itunes:keywords>
<itunes:subtitle><![CDATA[About {ep.title}]]></itunes:subtitle>
<itunes:episode>{ep.number}</itunes:episode><itunes:episodeType>full</itunes:episodeType>
</item>""")
    feed = f"""<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:cc="http://web.resource.org/cc/" {ITUNES} {ATOM} {CONTENT} {PODCAST}
 xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" version="2.0"><channel>
<atom:link href="{base}/123456/rss" rel="self" type="application/rss+xml"/>
<title><![CDATA[City Hall Weekly]]></title><pubDate>Thu, 05 Jan 2023 11:00:00 +0000</pubDate>
<generator>Libsyn WebEngine 2.0</generator><link><![CDATA[https://cityhall.example.org]]></link>
<language><![CDATA[en]]></language><copyright><![CDATA[2023 City Hall]]></copyright>
<docs>https://www.libsyn.com</docs><managingEditor><![CDATA[editor@example.org (Ed)]]>
</managingEditor>
<itunes:summary><![CDATA[Weekly news from city hall.]]></itunes:summary>
<image><url>{base}/images/cover.jpg</url><title>City Hall Weekly</title><link>
<![CDATA[https://cityhall.example.org]]></link></image>
<itunes:author>City Hall Media</itunes:author><itunes:keywords>city,news</itunes:keywords>
<itunes:category text="News"><itunes:category text="Politics"/></itunes:category>
<itunes:image href="{base}/images/cover.jpg"/><itunes:explicit>yes</itunes:explicit>
<itunes:owner><itunes:name><![CDATA[Ed Editor]]></itunes:name>
<itunes:email>editor@example.org</itunes:email></itunes:owner>
<description><![CDATA[<p>Weekly news from <b>city hall</b>.</p>]]></description>
<itunes:type>episodic</itunes:type><podcast:locked owner="editor@example.org">no</podcast:locked>
{"".join(items)}
</channel></rss>"""
    host.site.files[host.feed_path] = (feed.encode(), "application/rss+xml; charset=UTF-8")
    return host
