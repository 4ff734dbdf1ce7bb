"""GUIDs and enclosure URLs never change silently: the published state read back from the target."""

from __future__ import annotations

import datetime as dt
import json

import feedparser
import pytest
from click.testing import CliRunner

from podcast.build import BuildOptions, build
from podcast.cli import cli
from podcast.feed.ext.podcastindex import podcast_guid
from podcast.paths import STATE_PATH
from podcast.problems import CatalogError, PodcastError
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from tests.conftest import edit, make_tone

NOW = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
EP14 = "staffel-2/folge-14-positiv"


class Show:
    """Build and publish the catalog to a local target, the way ``podcast publish`` does."""

    def __init__(self, catalog, tmp_path):
        self.catalog = catalog
        self.tmp = tmp_path
        self.target = LocalDestination(tmp_path / "public")

    def build(self):
        options = BuildOptions(
            catalog=self.catalog,
            output=self.tmp / "feed",
            cache=self.tmp / "cache",
            now=NOW,
            jobs=2,
            previous_state=self.target.read_bytes(STATE_PATH),
        )
        return build(options)

    def publish(self):
        result = self.build()
        publish(self.tmp / "feed", self.target)
        return result

    def items(self):
        """Published episodes: {episode number: (guid, enclosure url)} from the feed."""
        parsed = feedparser.parse((self.tmp / "public/feed.xml").read_bytes())
        return {int(e.itunes_episode): (e.id, e.enclosures[0].href) for e in parsed.entries}


@pytest.fixture
def show(catalog_dir, tmp_path):
    show = Show(catalog_dir, tmp_path)
    show.publish()
    return show


def test_first_publish_records_the_state(show):
    state = json.loads((show.tmp / "public" / STATE_PATH).read_text())
    assert state["podcast_guid"] == podcast_guid("https://cdn.example.org/show/feed.xml")
    assert {e["number"] for e in state["episodes"]} == {14, 15}
    guids = {e["guid"] for e in state["episodes"]}
    assert len(guids) == 2  # the same master, still two GUIDs
    assert guids == {guid for guid, _ in show.items().values()}


def test_retitle_rename_and_renumber_keep_guid_and_enclosure(show):
    before = show.items()
    path = show.catalog / EP14 / "episode.yaml"
    edit(path, "title: Positiv irritierend", "title: Ganz neu betitelt")
    show.publish()
    assert show.items() == before

    (show.catalog / EP14).rename(show.catalog / "staffel-2/folge-14-umbenannt")
    result = show.publish()
    assert show.items() == before
    # the episode keeps its published slug (page URL) after the folder rename
    assert result.identities["folge-14-positiv"].matched_by == "audio"

    path = show.catalog / "staffel-2/folge-14-umbenannt/episode.yaml"
    edit(path, "number: 14", "number: 16")
    result = show.publish()
    after = show.items()
    assert after[16] == before[14] and after[15] == before[15]
    # the folder's slug (folge-14-umbenannt) is not the published one: matched by its audio
    assert result.identities["folge-14-positiv"].matched_by == "audio"


def test_rename_and_renumber_together_keep_the_guid(show):
    before = show.items()
    (show.catalog / EP14).rename(show.catalog / "staffel-2/anders")
    edit(show.catalog / "staffel-2/anders/episode.yaml", "number: 14", "number: 13")
    show.publish()
    assert show.items()[13] == before[14]


def test_changed_audio_gets_a_new_url_and_keeps_the_guid(show, tmp_path):
    before = show.items()
    make_tone(show.catalog / EP14 / "master.flac", seconds=19.0)
    show.publish()
    after = show.items()
    assert after[14][0] == before[14][0]
    assert after[14][1] != before[14][1]
    assert after[14][1].startswith("https://cdn.example.org/show/audio/folge-14-positiv-")
    assert after[15] == before[15]


def test_changing_a_published_guid_is_refused(show):
    guid = show.items()[14][0]
    path = show.catalog / EP14 / "episode.yaml"
    edit(path, "number: 14", f'number: 14\nguid: "{guid}"')
    show.publish()  # the published GUID written out: fine
    assert show.items()[14][0] == guid
    edit(path, f'guid: "{guid}"', 'guid: "eine-andere-guid"')
    with pytest.raises(CatalogError) as error:
        show.build()
    [problem] = error.value.problems
    assert (problem.file, problem.line, problem.field) == (
        "episodes/staffel-2/folge-14-positiv/episode.yaml",
        3,
        "guid",
    )
    assert f'guid: "{guid}"' in problem.message and "new slug" in problem.message


def test_a_guid_taken_by_another_episode_is_refused(show):
    guid15 = show.items()[15][0]
    edit(show.catalog / EP14 / "episode.yaml", "number: 14", f'number: 14\nguid: "{guid15}"')
    with pytest.raises(CatalogError) as error:
        show.build()
    messages = [str(p) for p in error.value.problems]
    assert any("folge-15-weiter/episode.yaml" in m and guid15 in m for m in messages), messages


def test_channel_guid_is_kept_when_base_url_changes(show):
    guid = podcast_guid("https://cdn.example.org/show/feed.xml")
    edit(show.catalog / "show.yaml", "https://cdn.example.org/show", "https://neu.example.org")
    show.publish()
    feed = (show.tmp / "public/feed.xml").read_text()
    assert f"<podcast:guid>{guid}</podcast:guid>" in feed
    assert "https://neu.example.org/audio/folge-14-positiv-" in feed
    edit(
        show.catalog / "show.yaml",
        "timezone:",
        'guid: "00000000-0000-0000-0000-000000000000"\ntimezone:',
    )
    with pytest.raises(CatalogError) as error:
        show.build()
    assert error.value.problems[0].field == "guid"
    assert guid in error.value.problems[0].message


def test_an_episode_back_from_draft_gets_its_guid_back(show):
    before = show.items()
    path = show.catalog / EP14 / "episode.yaml"
    edit(path, "number: 14", "number: 14\ndraft: true")
    show.publish()
    assert list(show.items()) == [15]
    state = json.loads((show.tmp / "public" / STATE_PATH).read_text())
    assert before[14][0] in {e["guid"] for e in state["episodes"]}  # kept in the state
    edit(path, "draft: true", "draft: false")
    show.publish()
    assert show.items() == before


def test_unreadable_state_stops_the_build(show):
    (show.tmp / "public" / STATE_PATH).write_text('{"episodes": [{"guid": 1}]}')
    with pytest.raises(PodcastError, match="cannot be read"):
        show.build()


def test_cli_build_and_publish_read_the_state_from_the_target(catalog_dir, tmp_path):
    runner = CliRunner()
    target = tmp_path / "public"
    args = ["-c", str(catalog_dir), "-o", str(tmp_path / "feed"), "--to", str(target)]
    first = runner.invoke(cli, ["publish", *args])
    assert first.exit_code == 0, first.output
    before = Show(catalog_dir, tmp_path).items()
    (catalog_dir / EP14).rename(catalog_dir / "staffel-2/umbenannt")
    edit(catalog_dir / "staffel-2/umbenannt/episode.yaml", "number: 14", "number: 12")
    again = runner.invoke(cli, ["publish", *args])
    assert again.exit_code == 0, again.output
    assert Show(catalog_dir, tmp_path).items()[12] == before[14]
    edit(catalog_dir / "staffel-2/umbenannt/episode.yaml", "number: 12", 'number: 12\nguid: "x"')
    refused = runner.invoke(cli, ["build", *args])
    assert refused.exit_code == 1
    assert "umbenannt/episode.yaml:3: guid:" in refused.output
    assert "Traceback" not in refused.output
