"""``podcast serve``: byte ranges, HEAD, and feeds pointing at the local server."""

from __future__ import annotations

import http.client
import threading

import pytest

from podcast.serve import make_server


@pytest.fixture
def server(tmp_path):
    (tmp_path / "audio").mkdir()
    (tmp_path / "audio" / "a.mp3").write_bytes(bytes(range(256)) * 40)
    (tmp_path / "feed.xml").write_text(
        '<rss><enclosure url="https://cdn.example.org/show/audio/a.mp3"/></rss>'
    )
    httpd = make_server(tmp_path, "127.0.0.1", 0, base_url="https://cdn.example.org/show/")
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()
    httpd.server_close()


def request(port: int, method: str, path: str, headers: dict[str, str] | None = None):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
    conn.request(method, path, headers=headers or {})
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response, body


def test_range_request_returns_partial_content(server):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=100-199"})
    assert response.status == 206
    assert response.getheader("Content-Range") == "bytes 100-199/10240"
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert body == (bytes(range(256)) * 40)[100:200]


def test_suffix_range_and_unsatisfiable_range(server):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=-10"})
    assert response.status == 206
    assert body == (bytes(range(256)) * 40)[-10:]
    response, _ = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=20000-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == "bytes */10240"


def test_head_reports_length_and_accepts_ranges(server):
    response, body = request(server, "HEAD", "/audio/a.mp3")
    assert response.status == 200
    assert response.getheader("Content-Length") == "10240"
    assert response.getheader("Accept-Ranges") == "bytes"
    assert body == b""


def test_feed_points_at_the_local_server(server):
    response, body = request(server, "GET", "/feed.xml")
    assert response.status == 200
    assert f'url="http://127.0.0.1:{server}/audio/a.mp3"'.encode() in body
    assert response.getheader("Content-Length") == str(len(body))
