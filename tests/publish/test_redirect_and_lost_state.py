# ruff: noqa: F811  (the s3 fixtures are imported from tests/s3server.py)
"""`podcast publish --redirect-feed-to URL` (the website redirect header on feed.xml), and a
bucket that lost its podcast-state.json."""

from __future__ import annotations

from click.testing import CliRunner

from podcast.cli import cli
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from podcast.publish.s3 import S3Destination
from tests.s3server import ENV, s3, s3_server  # noqa: F401 (fixtures)

NEW = "https://new-host.example.net/feed.rss"


def test_s3_feed_gets_the_website_redirect_header_and_keeps_its_body(s3, show):
    _, client, bucket = s3
    _, output = show
    destination = S3Destination.from_url(f"s3://{bucket}/")
    publish(output, destination)
    body = client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read()
    report = publish(output, destination, redirect_feed_to=NEW)
    head = client.head_object(Bucket=bucket, Key="feed.xml")
    assert head["WebsiteRedirectLocation"] == NEW
    assert head["ContentType"].startswith("application/rss+xml")
    assert head["Metadata"]["sha256"]  # the incremental publish still knows its hash
    assert client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read() == body
    [note] = report.notes
    assert "does not serve as a website" in note  # no website configuration yet
    client.put_bucket_website(
        Bucket=bucket, WebsiteConfiguration={"IndexDocument": {"Suffix": "index.html"}}
    )
    [note] = publish(output, destination, redirect_feed_to=NEW).notes
    assert "redirects to" in note and "website endpoint" in note
    assert publish(output, destination).changes == ()  # nothing else changed


def test_local_folder_says_it_does_not_apply(show, tmp_path):
    _, output = show
    report = publish(output, LocalDestination(tmp_path / "public"), redirect_feed_to=NEW)
    [note] = report.notes
    assert "does not apply to a local folder" in note
    assert (tmp_path / "public/feed.xml").is_file()


def test_cli_refuses_a_redirect_that_is_not_a_url(show, tmp_path):
    catalog, _ = show
    args = ["publish", "-c", str(catalog), "-o", str(tmp_path / "feed"), "--to", str(tmp_path)]
    result = CliRunner().invoke(cli, [*args, "--redirect-feed-to", "feed.rss"])
    assert result.exit_code == 1 and "http(s)://" in result.output


def test_s3_lost_state_publish_keeps_guids_and_urls_and_uploads_only_the_state(s3, show, tmp_path):
    proxy, client, bucket = s3
    catalog, _ = show
    runner = CliRunner()
    env = {"PODCAST_BUCKET": f"s3://{bucket}/show"}
    args = ["publish", "-c", str(catalog), "-o", str(tmp_path / "feed")]
    assert runner.invoke(cli, args, env=env).exit_code == 0
    feed = client.get_object(Bucket=bucket, Key="show/feed.xml")["Body"].read()
    client.delete_object(Bucket=bucket, Key="show/podcast-state.json")
    proxy.reset()
    again = runner.invoke(cli, args, env=env)
    assert again.exit_code == 0, again.output
    assert f"recovered from s3://{bucket}/show/feed.xml" in again.output
    assert client.get_object(Bucket=bucket, Key="show/feed.xml")["Body"].read() == feed
    assert "1 file(s) uploaded" in again.output  # the state, written again
    client.head_object(Bucket=bucket, Key="show/podcast-state.json")
