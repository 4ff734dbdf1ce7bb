# ruff: noqa: F811  (the s3 fixtures are imported from tests/s3server.py)
"""Publishing to a real S3-protocol server: moto's standalone server on a loopback port,
reached over HTTP through a recording, fault-injecting proxy (tests/s3server.py)."""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import urllib.request

import feedparser
import podcastparser
import pytest
from boto3.s3.transfer import TransferConfig
from click.testing import CliRunner

from podcast.cli import cli
from podcast.paths import INDEX_PATH, LOCK_PATH
from podcast.problems import PodcastError
from podcast.publish import publish
from podcast.publish.local import LocalDestination
from podcast.publish.plan import feed_enclosures, upload_rank
from podcast.publish.s3 import S3Destination, cache_control, content_type
from podcast.writer import file_sha256
from tests.conftest import edit
from tests.publish.showfiles import BASE, add_episode, built_files, enclosure, rebuild
from tests.s3server import ENV, s3, s3_server  # noqa: F401 (fixtures)


def bucket_keys(client, bucket: str, prefix: str = "") -> dict[str, int]:
    pages = client.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=prefix)
    return {o["Key"][len(prefix) :]: o["Size"] for p in pages for o in p.get("Contents", ())}


def assert_feed_complete(client, bucket: str, prefix: str = "") -> dict[str, int | None]:
    """The bucket's feed parses and every enclosure it names is there with its size."""
    feed = client.get_object(Bucket=bucket, Key=prefix + "feed.xml")["Body"].read()
    enclosures = feed_enclosures(feed)
    keys = bucket_keys(client, bucket, prefix)
    assert enclosures
    for relpath, length in enclosures.items():
        assert keys.get(relpath) == length, relpath
    return enclosures


def target(bucket: str, prefix: str = "", **kwargs) -> S3Destination:
    return S3Destination.from_url(f"s3://{bucket}/{prefix}", **kwargs)


def test_first_publish_uploads_everything_feed_last_then_nothing(s3, show):
    proxy, client, bucket = s3
    _, output = show
    files = built_files(output)
    first = publish(output, target(bucket, "podcast"))
    assert {c.relpath for c in first.changes} == set(files)
    assert first.bytes == sum(p.stat().st_size for p in files.values())

    order = [r.key.removeprefix(f"{bucket}/podcast/") for r in proxy.content_puts()]
    assert sorted(order) == sorted(files)  # each file once
    assert order[-1] == "feed.xml"
    enclosures = assert_feed_complete(client, bucket, "podcast/")
    assert all(order.index(e) < order.index("index.html") for e in enclosures)
    ranks = [upload_rank(key) for key in order]
    assert ranks == sorted(ranks)  # media and assets, pages, state, feed: stage after stage
    puts = [r.key for r in proxy.requests if r.method == "PUT"]
    assert puts.index(f"{bucket}/podcast/{INDEX_PATH}") < puts.index(f"{bucket}/podcast/feed.xml")
    assert LOCK_PATH not in bucket_keys(client, bucket, "podcast/")  # released

    proxy.reset()
    again = publish(output, target(bucket, "podcast"))
    assert again.changes == () and again.unchanged == len(files)
    assert proxy.put_bytes() == 0
    assert [r.method for r in proxy.requests].count("PUT") == 0
    # one listing, the index, one HEAD (the feed, which the index cannot hold)
    assert [r.method for r in proxy.requests] == ["GET", "GET", "HEAD"]


def test_content_types_cache_headers_and_hashes_read_back(s3, show):
    _proxy, client, bucket = s3
    _, output = show
    publish(output, target(bucket))
    expected = {
        "feed.xml": ("application/rss+xml; charset=utf-8", "public, max-age=300"),
        "index.html": ("text/html; charset=utf-8", "public, max-age=300"),
        enclosure(output, "folge-14"): ("audio/mpeg", "public, max-age=31536000, immutable"),
        "artwork.jpg": ("image/jpeg", "public, max-age=300"),
    }
    for key, (ctype, cache) in expected.items():
        head = client.head_object(Bucket=bucket, Key=key)
        assert (head["ContentType"], head["CacheControl"]) == (ctype, cache), key
        assert head["Metadata"]["sha256"] == file_sha256(output / key)
    assert content_type("episodes/x/chapters.json") == "application/json+chapters"
    assert content_type("transcripts/x.vtt") == "text/vtt; charset=utf-8"
    assert content_type("transcripts/x.srt") == "application/x-subrip"
    assert content_type("cards/x-1.png") == "image/png"
    assert content_type("cards/deck.pptx").endswith("presentationml.presentation")
    assert cache_control("style.3f9a1c2b.css") == "public, max-age=31536000, immutable"
    assert cache_control("style.css") == "public, max-age=300"


def test_changed_episode_uploads_only_what_changed(s3, show, tmp_path):
    proxy, client, bucket = s3
    _, output = show
    publish(output, target(bucket))
    changed = rebuild(
        show,
        tmp_path,
        lambda c: edit(c / "staffel-2/folge-15/episode.yaml", "Eine Folge", "Eine neue Folge"),
    )
    # the summary is drawn on the social image: it is new, under a new name, and the old
    # one goes; everything else that changed keeps its name
    new = {r for r in built_files(changed) if not (output / r).exists()}
    gone = {r for r in built_files(output) if not (changed / r).exists()}
    assert [r.split("social-")[0] for r in (*new, *gone)] == ["episodes/folge-15/"] * 2
    differ = {
        r
        for r, p in built_files(changed).items()
        if r not in new and file_sha256(p) != file_sha256(output / r)
    }
    assert "episodes/folge-15/index.html" in differ and enclosure(output, "folge-14") not in differ
    proxy.reset()
    dry = publish(changed, target(bucket), dry_run=True)
    expected = {("update", r) for r in differ} | {("upload", r) for r in new}
    assert {(c.action, c.relpath) for c in dry.changes} == expected
    assert all(c.size > 0 for c in dry.changes)
    assert proxy.content_puts() == []
    report = publish(changed, target(bucket))
    sent = differ | new
    assert {r.key.removeprefix(f"{bucket}/") for r in proxy.content_puts()} == sent
    content = sum(r.size for r in proxy.content_puts())
    assert content == report.bytes == sum((changed / r).stat().st_size for r in sent)
    assert gone <= set(bucket_keys(client, bucket, ""))  # kept for old pages (no --prune)
    assert (
        client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read()
        == (changed / "feed.xml").read_bytes()
    )


def test_publish_survives_a_server_failing_requests(s3, show):
    proxy, client, bucket = s3
    _, output = show
    proxy.fail_every = 4  # every fourth request gets a 503 or a 500
    report = publish(output, target(bucket, "flaky"))
    assert proxy.faults >= 5
    failed = {r.method for r in proxy.failed}
    assert "PUT" in failed and failed - {"PUT"}, failed  # uploads and reads both failed
    assert report.uploads == len(built_files(output))
    keys = bucket_keys(client, bucket, "flaky/")
    for relpath, path in built_files(output).items():
        head = client.head_object(Bucket=bucket, Key=f"flaky/{relpath}")
        assert keys[relpath] == path.stat().st_size
        assert head["Metadata"]["sha256"] == file_sha256(path)
    assert_feed_complete(client, bucket, "flaky/")


def test_large_file_goes_multipart_and_is_still_incremental(s3, show, tmp_path):
    proxy, client, bucket = s3
    _, output = show
    build_dir = tmp_path / "build"
    shutil.copytree(output, build_dir)
    (build_dir / "media").mkdir()
    (build_dir / "media/big.bin").write_bytes(os.urandom(11 * 1024 * 1024))
    small_parts = TransferConfig(multipart_threshold=5 << 20, multipart_chunksize=5 << 20)
    s3target = target(bucket)
    s3target.transfer = small_parts
    publish(build_dir, s3target)
    head = client.head_object(Bucket=bucket, Key="media/big.bin")
    assert head["ETag"].strip('"').endswith("-3")  # a multipart ETag: not an MD5
    assert head["Metadata"]["sha256"] == file_sha256(build_dir / "media/big.bin")
    assert any("uploadId" in r.query for r in proxy.requests)
    proxy.reset()
    assert publish(build_dir, s3target).changes == ()
    assert proxy.put_bytes() == 0


def test_second_publisher_refused_and_stale_lock_broken_on_request(s3, show):
    _proxy, client, bucket = s3
    _, output = show
    since = dt.datetime.now(dt.UTC) - dt.timedelta(minutes=5)
    lock = {
        "holder": "erika@studio-mac",
        "host": "studio-mac",
        "pid": 4242,
        "since": since.isoformat(timespec="seconds"),
        "token": "theirs",
    }
    client.put_object(Bucket=bucket, Key=LOCK_PATH, Body=json.dumps(lock).encode())
    with pytest.raises(PodcastError, match=r"another publish is running: locked by erika@studio"):
        publish(output, target(bucket))
    with pytest.raises(PodcastError, match="only breaks locks older than 30 min"):
        publish(output, target(bucket), break_lock=True)
    assert "feed.xml" not in bucket_keys(client, bucket)
    lock["since"] = (since - dt.timedelta(minutes=30)).isoformat(timespec="seconds")
    client.put_object(Bucket=bucket, Key=LOCK_PATH, Body=json.dumps(lock).encode())
    with pytest.raises(PodcastError, match=r"\(pid 4242\) since .* \(35 min ago\)"):
        publish(output, target(bucket))
    publish(output, target(bucket), break_lock=True)
    assert_feed_complete(client, bucket)
    assert LOCK_PATH not in bucket_keys(client, bucket)


def test_publish_killed_midway_keeps_old_feed_and_rerun_completes(s3, show, tmp_path):
    proxy, client, bucket = s3
    catalog, output = show
    publish(output, target(bucket))
    old_feed = client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read()

    # Version 2 adds an episode: a new enclosure the new feed must not name before it is there.
    new_catalog = tmp_path / "episodes"
    shutil.copytree(catalog, new_catalog)
    shutil.copytree(catalog.parent / ".cache", tmp_path / ".cache")
    add_episode(new_catalog, 16, new_catalog / "staffel-2/folge-15/master.flac")
    proxy.reset()
    proxy.hold_after = 1
    command = [sys.executable, "-m", "podcast", "publish", "-c", str(new_catalog)]
    command += ["-o", str(tmp_path / "feed"), "--to", f"s3://{bucket}"]
    publisher = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        assert proxy.holding.wait(30), publisher.communicate(timeout=5)[0].decode()
        # Mid-way: the published feed is still the old one, and it works.
        assert client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read() == old_feed
        assert_feed_complete(client, bucket)
        # A second publisher meanwhile is refused, told who holds the lock.
        with pytest.raises(PodcastError, match=rf"another publish .*\(pid {publisher.pid}\)"):
            publish(tmp_path / "feed", target(bucket))
        os.kill(publisher.pid, signal.SIGKILL)
        publisher.wait(10)
    finally:
        proxy.release.set()
        if publisher.poll() is None:
            publisher.kill()
            publisher.wait()
    assert publisher.returncode == -signal.SIGKILL
    uploaded_before_kill = {r.key for r in proxy.content_puts()}
    assert f"{bucket}/feed.xml" not in uploaded_before_kill
    assert LOCK_PATH in bucket_keys(client, bucket)  # left behind by the killed publish
    assert client.get_object(Bucket=bucket, Key="feed.xml")["Body"].read() == old_feed

    proxy.reset()
    rerun = publish(tmp_path / "feed", target(bucket))  # takes over the dead publisher's lock
    assert rerun.changes[-1].relpath == "feed.xml"
    enclosures = assert_feed_complete(client, bucket)
    assert enclosure(tmp_path / "feed", "folge-16") in enclosures
    assert LOCK_PATH not in bucket_keys(client, bucket)
    again = publish(tmp_path / "feed", target(bucket))
    assert again.changes == ()


def test_dry_run_and_prune_keep_media_a_published_episode_refers_to(s3, show, tmp_path):
    proxy, client, bucket = s3
    _, output = show
    publish(output, target(bucket))
    client.put_object(Bucket=bucket, Key="old/stale.html", Body=b"<p>old</p>")
    client.put_object(Bucket=bucket, Key="audio/unused.mp3", Body=b"ID3 unused")
    client.put_object(Bucket=bucket, Key="audio/in-state.mp3", Body=b"ID3 kept")
    state = {"episodes": {"x": {"enclosure": BASE + "audio/in-state.mp3"}}}
    client.put_object(Bucket=bucket, Key="podcast-state.json", Body=json.dumps(state).encode())
    # Version 2 drops episode 15: its audio is still named by the published (old) feed.
    smaller = rebuild(show, tmp_path, lambda c: shutil.rmtree(c / "staffel-2/folge-15"))
    proxy.reset()
    dry = publish(smaller, target(bucket), prune=True, dry_run=True)
    deletes = {c.relpath: c.size for c in dry.changes if c.action == "delete"}
    old_audio = enclosure(output, "folge-15")
    gone = set(built_files(output)) - set(built_files(smaller)) - {old_audio}
    assert "episodes/folge-15/index.html" in gone
    assert deletes == {
        "old/stale.html": 10,
        "audio/unused.mp3": 10,
        **{relpath: (output / relpath).stat().st_size for relpath in gone},
    }
    assert set(dry.kept) == {old_audio, "audio/in-state.mp3"}
    assert not [r for r in proxy.requests if r.method in ("PUT", "POST", "DELETE")]
    publish(smaller, target(bucket), prune=True)
    keys = bucket_keys(client, bucket)
    assert not set(deletes) & set(keys)
    assert {old_audio, "audio/in-state.mp3"} <= set(keys)
    assert old_audio not in assert_feed_complete(client, bucket)


def test_cli_publishes_to_bucket_read_by_podcast_parsers_over_http(s3, show, tmp_path):
    proxy, client, bucket = s3
    catalog, _ = show
    runner = CliRunner()
    env = {"PODCAST_BUCKET": f"s3://{bucket}/show"}
    args = ["publish", "-c", str(catalog), "-o", str(tmp_path / "feed"), "--acl", "public-read"]
    first = runner.invoke(cli, args, env=env)
    assert first.exit_code == 0, first.output
    assert f"published to s3://{bucket}/show/:" in first.output
    assert ENV["AWS_SECRET_ACCESS_KEY"] not in first.output

    url = client.generate_presigned_url(
        "get_object", Params={"Bucket": bucket, "Key": "show/feed.xml"}
    )
    with urllib.request.urlopen(url) as response:
        assert response.headers["Content-Type"] == "application/rss+xml; charset=utf-8"
        feed = response.read()
    parsed = feedparser.parse(feed)
    assert parsed.bozo == 0
    episodes = podcastparser.parse(BASE + "feed.xml", io.BytesIO(feed))["episodes"]
    assert len(episodes) == len(parsed.entries) == 2
    for episode in episodes:
        [enclosure] = episode["enclosures"]
        key = "show/" + enclosure["url"].removeprefix(BASE)
        media_url = client.generate_presigned_url(
            "get_object", Params={"Bucket": bucket, "Key": key}
        )
        with urllib.request.urlopen(media_url) as response:
            assert response.headers["Content-Type"] == "audio/mpeg"
            assert len(response.read()) == enclosure["file_size"] > 0
    grants = client.get_object_acl(Bucket=bucket, Key="show/feed.xml")["Grants"]
    assert any(g["Grantee"].get("URI", "").endswith("/global/AllUsers") for g in grants)

    proxy.reset()
    second = runner.invoke(cli, args, env=env)
    assert second.exit_code == 0, second.output
    assert "is up to date: 0 bytes uploaded" in second.output
    assert proxy.put_bytes() == 0

    no_env = {**env, "AWS_ENDPOINT_URL": None}
    dry = runner.invoke(cli, [*args, "--dry-run", "--endpoint-url", proxy.url], env=no_env)
    assert "would publish to" in dry.output and "0 file(s) to upload" in dry.output


def test_missing_bucket_and_credentials_are_clear_errors(s3, show, monkeypatch):
    _, output = show
    with pytest.raises(PodcastError, match="bucket no-such-bucket does not exist"):
        publish(output, target("no-such-bucket"))
    for name in ENV:
        monkeypatch.delenv(name)
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_CONFIG_FILE", "/nonexistent")
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    with pytest.raises(PodcastError, match="no credentials found"):
        publish(output, target("whatever"))


def test_local_target_shares_index_lock_and_enclosure_check(show, tmp_path):
    _, output = show
    public = tmp_path / "public"
    local = LocalDestination(public)
    publish(output, local)
    index = json.loads((public / INDEX_PATH).read_text())["files"]
    assert set(index) == set(built_files(output)) - {"feed.xml"}
    assert not (public / LOCK_PATH).exists()
    (public / LOCK_PATH).write_text(
        json.dumps({"holder": "x@elsewhere", "host": "elsewhere", "pid": 1, "since": "2099-01-01"})
    )
    (public / "index.html").write_text("tampered, different size")
    with pytest.raises(PodcastError, match="locked by x@elsewhere"):
        publish(output, local)
    (public / LOCK_PATH).unlink()
    report = publish(output, local)
    assert [c.relpath for c in report.changes] == ["index.html"]
    audio = enclosure(output, "folge-14")
    (public / audio).unlink()
    (public / "feed.xml").unlink()
    (output / audio).rename(tmp_path / "held.mp3")
    try:
        with pytest.raises(PodcastError, match=f"{re.escape(audio)} is missing"):
            publish(output, local)
    finally:
        (tmp_path / "held.mp3").rename(output / audio)
    assert not (public / "feed.xml").exists()
