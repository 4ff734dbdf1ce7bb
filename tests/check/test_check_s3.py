"""``podcast check`` against the show published to the S3 test server (moto), with faults."""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

from podcast.build import BuildOptions, build
from podcast.check.report import Level
from podcast.check.run import check_show
from podcast.publish import publish
from podcast.publish.s3 import S3Destination
from tests.conftest import EPISODE_YAML, SEASON_YAML, SHOW_YAML
from tests.s3server import s3, s3_server  # noqa: F401 (fixtures)


@pytest.fixture
def on_s3(tmp_path, tone_master, artwork_file, s3):  # noqa: F811
    """The test catalog built with its base_url in the bucket, published there."""
    _, client, bucket = s3
    moto_url = client.meta.endpoint_url
    season = tmp_path / "episodes" / "staffel-2"
    season.mkdir(parents=True)
    show = SHOW_YAML.replace(
        "base_url: https://cdn.example.org/show", f"base_url: {moto_url}/{bucket}/show"
    )
    (tmp_path / "episodes" / "show.yaml").write_text(show, encoding="utf-8")
    shutil.copy(artwork_file, tmp_path / "episodes" / "artwork.jpg")
    (season / "season.yaml").write_text(SEASON_YAML, encoding="utf-8")
    episode = season / "folge-14"
    episode.mkdir()
    (episode / "episode.yaml").write_text(
        EPISODE_YAML.format(number=14, date="2023-03-01"), encoding="utf-8"
    )
    shutil.copy(tone_master, episode / "master.flac")
    options = BuildOptions(
        catalog=tmp_path / "episodes",
        output=tmp_path / "feed",
        cache=tmp_path / "cache",
        now=dt.datetime(2024, 1, 1, tzinfo=dt.UTC),
    )
    build(options)
    publish(options.output, S3Destination.from_url(f"s3://{bucket}/show", acl="public-read"))
    mp3 = next(key for key in _keys(client, bucket) if key.endswith(".mp3"))
    return client, bucket, mp3, f"{moto_url}/{bucket}/show/feed.xml"


def _keys(client, bucket: str) -> list[str]:
    return [item["Key"] for item in client.list_objects_v2(Bucket=bucket)["Contents"]]


def test_the_show_on_s3_passes(on_s3):
    url = on_s3[3]
    report = check_show(url)
    assert not report.failed, [(i.label, i.detail) for i in report.items if i.level is Level.ERROR]
    kinds = [item.label.split(":")[0] for item in report.items]
    assert kinds == ["feed", "show artwork", "enclosure", "chapters", "social image"]


def test_a_missing_object_on_s3_is_named(on_s3):
    client, bucket, mp3, url = on_s3
    client.delete_object(Bucket=bucket, Key=mp3)
    report = check_show(url)
    failed = [(item.url, item.detail) for item in report.items if item.level is Level.ERROR]
    assert failed == [(url.removesuffix("show/feed.xml") + mp3, "answered 404, expected 200")]


def test_a_wrong_content_type_on_s3_is_named(on_s3):
    client, bucket, mp3, url = on_s3
    body = client.get_object(Bucket=bucket, Key=mp3)["Body"].read()
    client.put_object(
        Bucket=bucket, Key=mp3, Body=body, ContentType="binary/octet-stream", ACL="public-read"
    )
    report = check_show(url)
    failed = [item.detail for item in report.items if item.level is Level.ERROR]
    assert failed == ["Content-Type binary/octet-stream, expected audio/mpeg"]


def test_a_private_bucket_is_named(on_s3):
    client, bucket, _, url = on_s3
    client.put_object_acl(Bucket=bucket, Key="show/feed.xml", ACL="private")
    report = check_show(url)
    assert [(item.label, item.detail) for item in report.items] == [
        ("feed", "answered 403, expected 200 (private? publish with --acl public-read)")
    ]
