"""Identities survive a lost state, and nothing changes under a listener (issue 13)."""

from __future__ import annotations

import json
import re

import feedparser
import pytest
from click.testing import CliRunner

from podcast.build import BuildOptions, build
from podcast.cli import cli
from podcast.paths import FEED_PATH, STATE_PATH
from podcast.problems import CatalogError, PodcastError
from podcast.publish import publish
from podcast.tags.mutagen_door import audio_span
from tests.build.test_identity import EP14, NOW, Show
from tests.conftest import edit


class FeedShow(Show):
    """Show, with the published feed handed to the build as `podcast publish` does."""

    def __init__(self, catalog, tmp_path, accept_new_guids=False):
        super().__init__(catalog, tmp_path)
        self.accept = accept_new_guids

    def build(self):
        options = BuildOptions(
            catalog=self.catalog,
            output=self.tmp / "feed",
            cache=self.tmp / "cache",
            now=NOW,
            jobs=2,
            previous_state=self.target.read_bytes(STATE_PATH),
            previous_feed=self.target.read_bytes(FEED_PATH),
            accept_new_guids=self.accept,
        )
        return build(options)

    def publish(self, prune=False):
        result = self.build()
        publish(self.tmp / "feed", self.target, prune=prune)
        return result

    def everything(self):
        """{number: (guid, enclosure, page link)} of the published feed."""
        parsed = feedparser.parse((self.tmp / "public/feed.xml").read_bytes())
        return {int(e.itunes_episode): (e.id, e.enclosures[0].href, e.link) for e in parsed.entries}

    def mp3(self, href: str):
        return self.tmp / "public" / href.split("/show/", 1)[1]


@pytest.fixture
def show(catalog_dir, tmp_path):
    show = FeedShow(catalog_dir, tmp_path)
    show.publish()
    return show


def test_deleting_the_state_keeps_every_guid_and_url_and_says_so(show):
    before = show.everything()
    files = {n: show.mp3(enc).read_bytes() for n, (_, enc, _) in before.items()}
    (show.tmp / "public" / STATE_PATH).unlink()
    result = show.publish()
    assert show.everything() == before
    assert {n: show.mp3(enc).read_bytes() for n, (_, enc, _) in before.items()} == files
    [note] = [w for w in result.warnings if w.field == "identities"]
    assert "recovered from" in note.message and "2 published episode(s)" in note.message
    assert (show.tmp / "public" / STATE_PATH).is_file()  # written again


def test_an_unreadable_state_with_a_feed_is_recovered_too(show):
    before = show.everything()
    (show.tmp / "public" / STATE_PATH).write_text('{"episodes": [{"guid": 1}]}')
    result = show.publish()
    assert show.everything() == before
    assert any("cannot be read" in w.message for w in result.warnings)


def test_lost_state_and_a_folder_rename_keep_guid_enclosure_and_page(show):
    before = show.everything()
    (show.tmp / "public" / STATE_PATH).unlink()
    (show.catalog / EP14).rename(show.catalog / "staffel-2/ganz-anders")
    show.publish()
    assert show.everything() == before


def test_a_lost_guid_without_state_stops_with_the_error_then_accepted(show, catalog_dir):
    before = show.everything()
    (show.tmp / "public" / STATE_PATH).unlink()
    # renamed, renumbered and retitled at once: nothing in the feed matches it any more
    (show.catalog / EP14).rename(show.catalog / "staffel-2/ganz-anders")
    path = show.catalog / "staffel-2/ganz-anders/episode.yaml"
    edit(path, "number: 14", "number: 13")
    edit(path, "title: Positiv irritierend", "title: Neu")
    with pytest.raises(CatalogError) as error:
        show.build()
    [problem] = [p for p in error.value.problems if p.severity == "error"]
    assert before[14][0] in problem.message and "Positiv irritierend" in problem.message
    assert "--accept-new-guids" in problem.message and "ganz-anders" in problem.message
    assert (show.tmp / "public/feed.xml").read_bytes()  # nothing published
    assert show.everything() == before
    FeedShow(catalog_dir, show.tmp, accept_new_guids=True).publish()
    after = show.everything()
    assert after[13][0] != before[14][0] and after[15] == before[15]


def resumable(old: bytes, new: bytes, path) -> None:
    """Same length and the same audio bytes at the same offsets."""
    assert len(new) == len(old)
    start, length = audio_span(path)
    assert start == 256 * 1024
    assert new[start : start + length] == old[start : start + length]
    assert new != old  # the tag did change


@pytest.mark.parametrize("change", ["retitle", "rename", "renumber"])
def test_metadata_edits_keep_the_mp3_resumable_at_its_url(show, change):
    before = show.everything()
    enclosure = before[14][1]
    old = show.mp3(enclosure).read_bytes()
    if change == "retitle":
        edit(show.catalog / EP14 / "episode.yaml", "title: Positiv irritierend", "title: Anders")
    elif change == "rename":
        (show.catalog / EP14).rename(show.catalog / "staffel-2/folge-14-umbenannt")
    else:
        edit(show.catalog / EP14 / "episode.yaml", "number: 14", "number: 16")
    show.publish()
    after = show.everything()
    number = 16 if change == "renumber" else 14
    assert after[number][:2] == before[14][:2]  # same GUID, same enclosure URL
    assert after[number][2] == before[14][2]  # same page URL (also after a rename)
    if change == "rename":
        assert (show.mp3(enclosure).read_bytes()) == old  # the tag says nothing of the folder
        return
    resumable(old, show.mp3(enclosure).read_bytes(), show.mp3(enclosure))


def test_a_tag_that_no_longer_fits_gets_a_new_file_name(catalog_dir, tmp_path, monkeypatch):
    monkeypatch.setattr("podcast.tags.id3.TAG_REGION", 32 * 1024)  # a region soon too small
    show = FeedShow(catalog_dir, tmp_path)
    show.publish()
    before = show.everything()
    old_path = show.mp3(before[14][1])
    old = old_path.read_bytes()
    assert audio_span(old_path)[0] == 32 * 1024
    long = "„Sehr“ lang. " * 6000  # UTF-16 in the tag: ~160 KB of COMM frame
    edit(catalog_dir / EP14 / "episode.yaml", "Show notes with", long + "Show notes with")
    show.publish()
    after = show.everything()
    assert after[14][0] == before[14][0] and after[14][1] != before[14][1]
    assert old_path.read_bytes() == old  # the old URL's bytes never changed
    audio_hash = re.search(r"-([0-9a-f]{8})\.mp3$", before[14][1]).group(1)
    assert re.search(rf"/audio/folge-14-positiv-{audio_hash}-[0-9a-f]{{8}}\.mp3$", after[14][1])
    new_path = show.mp3(after[14][1])
    start, _ = audio_span(new_path)
    assert start % (64 * 1024) == 0 and start > 160_000  # a fresh, larger region
    assert new_path.read_bytes()[start:] == old[32 * 1024 :]  # the same audio
    assert after[15] == before[15]
    published = new_path.read_bytes()
    for tagged in (tmp_path / "cache/tagged").glob("*"):
        tagged.unlink()  # tagged again from scratch: the same bytes
    show.publish()
    assert show.everything() == after and new_path.read_bytes() == published
    # the state lost now: the re-tagged file is recovered as it is, the old one untouched
    (tmp_path / "public" / STATE_PATH).unlink()
    show.publish()
    assert show.everything() == after
    assert new_path.read_bytes() == published and old_path.read_bytes() == old


def test_a_changed_slug_leaves_a_redirect_page_that_prune_keeps(show):
    before = show.everything()
    edit(show.catalog / EP14 / "episode.yaml", "number: 14", "number: 14\nslug: positiv")
    show.publish(prune=True)
    after = show.everything()
    assert after[14][0] == before[14][0] and after[14][1] == before[14][1]
    assert after[14][2] == "https://cdn.example.org/show/episodes/positiv/"
    old = (show.tmp / "public/episodes/folge-14-positiv/index.html").read_text()
    new_page = "https://cdn.example.org/show/episodes/positiv/"
    assert f'<meta http-equiv="refresh" content="0; url={new_page}">' in old
    assert f'<link rel="canonical" href="{new_page}">' in old
    assert 'lang="de"' in old and "Diese Folge ist umgezogen" in old
    assert (show.tmp / "public/episodes/positiv/index.html").is_file()
    show.publish(prune=True)  # and again: the redirect page stays
    assert (show.tmp / "public/episodes/folge-14-positiv/index.html").read_text() == old


def test_a_state_without_lengths_takes_them_from_the_feed(show):
    """A state written before lengths and regions: the unchanged file keeps its bytes."""
    before = show.everything()
    files = {n: show.mp3(enc).read_bytes() for n, (_, enc, _) in before.items()}
    path = show.tmp / "public" / STATE_PATH
    state = json.loads(path.read_text())
    for record in state["episodes"]:
        del record["size"], record["tag_region"]
    path.write_text(json.dumps(state))
    show.publish()
    assert show.everything() == before
    assert {n: show.mp3(enc).read_bytes() for n, (_, enc, _) in before.items()} == files
    records = json.loads(path.read_text())["episodes"]
    assert {r["tag_region"] for r in records} == {256 * 1024}
    assert {r["size"] for r in records} == {len(f) for f in files.values()}


def test_cli_publish_without_state_says_so_and_names_the_lost_guid(catalog_dir, tmp_path):
    runner = CliRunner()
    target = tmp_path / "public"
    args = ["-c", str(catalog_dir), "-o", str(tmp_path / "feed"), "--to", str(target)]
    assert runner.invoke(cli, ["publish", *args]).exit_code == 0
    before = FeedShow(catalog_dir, tmp_path).everything()
    (target / STATE_PATH).unlink()
    again = runner.invoke(cli, ["publish", *args])
    assert again.exit_code == 0, again.output
    assert "recovered from" in again.output and str(target / FEED_PATH) in again.output
    assert FeedShow(catalog_dir, tmp_path).everything() == before
    (target / STATE_PATH).unlink()
    edit(catalog_dir / EP14 / "episode.yaml", "number: 14", "number: 13")
    edit(catalog_dir / EP14 / "episode.yaml", "title: Positiv", "title: Neu")
    (catalog_dir / EP14).rename(catalog_dir / "staffel-2/anders")
    refused = runner.invoke(cli, ["publish", *args])
    assert refused.exit_code == 1 and "Traceback" not in refused.output
    assert before[14][0] in refused.output and "--accept-new-guids" in refused.output
    assert FeedShow(catalog_dir, tmp_path).everything() == before  # nothing published
    accepted = runner.invoke(cli, ["publish", *args, "--accept-new-guids"])
    assert accepted.exit_code == 0, accepted.output
    assert before[14][0] not in {
        g for g, _, _ in FeedShow(catalog_dir, tmp_path).everything().values()
    }


RECOVERABLE = b"""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:itunes="http://www.itunes.com/dtds/podcast-1.0.dtd"
 xmlns:podcast="https://github.com/Podcastindex-org/podcast-namespace/blob/main/docs/1.0.md">
<channel><title>T</title><podcast:guid>chan-guid</podcast:guid>
<item><title><![CDATA[Eins & zwei]]></title><guid isPermaLink="false">g-1</guid>
 <link>https://cdn.example.org/show/episodes/eins/</link>
 <enclosure url="https://dts.example.net/track/cdn.example.org/show/audio/eins-0123abcd.mp3?x=1"
  length="1234" type="audio/mpeg"/>
 <itunes:season>2</itunes:season><itunes:episode>7</itunes:episode></item>
<item><title>Elsewhere</title>
 <enclosure url="https://old-host.example.com/media/ep2.mp3" length="99" type="audio/mpeg"/>
</item>
</channel></rss>"""


def test_recovered_state_reads_what_the_feed_has():
    from podcast.build.recovery import recover_state

    state = recover_state(RECOVERABLE, "https://cdn.example.org/show/", "t/feed.xml")
    assert state.recovered_from == "t/feed.xml" and state.podcast_guid == "chan-guid"
    first, second = state.episodes
    assert (first.guid, first.slug, first.season, first.number, first.title) == (
        "g-1",
        "eins",
        2,
        7,
        "Eins & zwei",
    )
    # behind an analytics prefix, with a query string: still our own file
    assert (first.enclosure, first.audio_sha256, first.size) == (
        "audio/eins-0123abcd.mp3",
        "0123abcd",
        1234,
    )
    # no <guid>: the enclosure URL, as apps do; not our file, so no enclosure to keep
    assert second.guid == "https://old-host.example.com/media/ep2.mp3"
    assert (second.enclosure, second.size, second.slug) == ("", None, "")
    assert "recovered_from" not in state.to_bytes().decode()


def test_an_unreadable_feed_without_state_is_one_message(show):
    (show.tmp / "public" / STATE_PATH).unlink()
    (show.tmp / "public" / FEED_PATH).write_text("<rss><channel>")
    with pytest.raises(PodcastError, match="feed cannot be read"):
        show.build()
