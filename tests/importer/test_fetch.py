"""Downloads: redirects followed, a dropped connection resumed with Range, retries on 5xx,
none on 404, sizes checked."""

from __future__ import annotations

import pytest

from podcast.importer import fetch
from podcast.importer.fetch import FetchError, download, fetch_bytes
from tests.importer.hostserver import HostServer

BODY = bytes(range(256)) * 4000  # 1 MB, every byte position recognisable


@pytest.fixture(autouse=True)
def no_backoff(monkeypatch):
    monkeypatch.setattr(fetch, "BACKOFF", 0.01)


def test_a_dropped_download_is_resumed_with_a_range_request(tmp_path):
    with HostServer() as server:
        server.site.files["/cdn/a.mp3"] = (BODY, "audio/mpeg")
        server.site.redirects["/track/a.mp3?src=feed"] = server.base + "/cdn/a.mp3"
        server.site.drop_once.add("/cdn/a.mp3")
        seen = []
        got = download(
            server.base + "/track/a.mp3?src=feed",
            tmp_path / "a.mp3",
            expected_length=len(BODY),
            progress=lambda done, total: seen.append((done, total)),
        )
        ranges = [r for path, r in server.site.requests if path == "/cdn/a.mp3"]
    assert (tmp_path / "a.mp3").read_bytes() == BODY
    assert not (tmp_path / "a.mp3.part").exists()
    assert got.resumed and got.attempts == 2 and got.final_url == server.base + "/cdn/a.mp3"
    assert ranges[0] is None and ranges[1] == f"bytes={len(BODY) // 2}-"
    assert seen[-1] == (len(BODY), len(BODY))


def test_without_content_length_the_enclosure_length_decides(tmp_path):
    with HostServer() as server:
        server.site.files["/a.mp3"] = (BODY, "audio/mpeg")
        server.site.no_length.add("/a.mp3")
        server.site.drop_once.add("/a.mp3")
        got = download(server.base + "/a.mp3", tmp_path / "a.mp3", expected_length=len(BODY))
    assert got.size == len(BODY) and got.resumed
    assert (tmp_path / "a.mp3").read_bytes() == BODY


def test_server_errors_are_retried_and_a_404_is_not(tmp_path):
    with HostServer() as server:
        server.site.files["/a.mp3"] = (BODY, "audio/mpeg")
        server.site.failures["/a.mp3"] = 2
        assert download(server.base + "/a.mp3", tmp_path / "a.mp3").attempts == 3
        server.site.failures["/a.mp3"] = 3
        with pytest.raises(FetchError, match="HTTP 503"):
            download(server.base + "/a.mp3", tmp_path / "b.mp3")
        before = len(server.site.requests)
        with pytest.raises(FetchError, match="HTTP 404"):
            fetch_bytes(server.base + "/missing.xml")
        assert len(server.site.requests) == before + 1


def test_a_connection_refused_names_the_reason(tmp_path):
    with HostServer() as server:
        url = server.base + "/a.mp3"
    with pytest.raises(FetchError, match="cannot connect"):
        fetch_bytes(url, retries=1)


def test_local_files_are_read_directly(tmp_path):
    (tmp_path / "feed.xml").write_bytes(b"<rss/>")
    assert fetch_bytes(str(tmp_path / "feed.xml"))[0] == b"<rss/>"
    assert fetch_bytes((tmp_path / "feed.xml").as_uri())[0] == b"<rss/>"
    with pytest.raises(FetchError, match="cannot be read"):
        fetch_bytes(str(tmp_path / "nope.xml"))


def test_a_partial_file_bigger_than_the_resource_starts_over(tmp_path):
    (tmp_path / "a.mp3.part").write_bytes(b"x" * (len(BODY) + 10))  # left by another version
    with HostServer() as server:
        server.site.files["/a.mp3"] = (BODY, "audio/mpeg")
        got = download(server.base + "/a.mp3", tmp_path / "a.mp3")
    assert (tmp_path / "a.mp3").read_bytes() == BODY and got.attempts == 2
