"""``podcast serve``: byte ranges, validators, a folder it never leaves, and a Host it never echoes.

Every test talks to a real server on 127.0.0.1 (a random port) with http.client.
"""

from __future__ import annotations

import email
import http.client
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.cli import cli
from podcast.serve import interface_addresses, make_server
from tests.conftest import edit

BASE = "https://cdn.example.org/show"
AUDIO = bytes(range(256)) * 40
FEED = (
    '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel><title>T</title>'
    f'<link>{BASE}/</link><item><enclosure url="{BASE}/audio/a.mp3" length="10240" '
    'type="audio/mpeg"/></item></channel></rss>'
)
PAGE = f'<!doctype html><title>Folge</title><a href="{BASE}/feed.xml">Feed</a>'


@pytest.fixture
def published(tmp_path) -> Path:
    root = tmp_path / "public"
    (root / "audio").mkdir(parents=True)
    (root / "audio" / "a.mp3").write_bytes(AUDIO)
    (root / "feed.xml").write_text(FEED, encoding="utf-8")
    (root / "episodes" / "folge").mkdir(parents=True)
    (root / "episodes" / "folge" / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / ".podcast-index.json").write_text("{}")
    (tmp_path / "secret.txt").write_text("not for the network")
    (tmp_path / "private").mkdir()
    (tmp_path / "private" / "notes.txt").write_text("private notes")
    (root / "leak.txt").symlink_to(tmp_path / "secret.txt")
    (root / "outside").symlink_to(tmp_path / "private", target_is_directory=True)
    (root / "same.mp3").symlink_to(root / "audio" / "a.mp3")
    return root


def start(directory: Path, base_url: str | None = BASE):
    httpd = make_server(directory, "127.0.0.1", 0, base_url=base_url)
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    return httpd


@pytest.fixture
def server(published):
    httpd = start(published)
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


def raw_request(port: int, data: bytes) -> bytes:
    """Bytes as a client sends them (no Host, odd request lines), the full answer back."""
    with socket.create_connection(("127.0.0.1", port), timeout=5) as sock:
        sock.sendall(data)
        chunks = []
        while chunk := sock.recv(65536):
            chunks.append(chunk)
    return b"".join(chunks)


# --- ranges ----------------------------------------------------------------------------------


def test_range_request_returns_partial_content(server):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=100-199"})
    assert response.status == 206
    assert response.getheader("Content-Range") == "bytes 100-199/10240"
    assert response.getheader("Content-Type") == "audio/mpeg"
    assert body == AUDIO[100:200]


def test_suffix_range_and_unsatisfiable_range(server):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=-10"})
    assert response.status == 206
    assert body == AUDIO[-10:]
    response, _ = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=20000-"})
    assert response.status == 416
    assert response.getheader("Content-Range") == "bytes */10240"


def test_head_reports_length_and_accepts_ranges(server):
    response, body = request(server, "HEAD", "/audio/a.mp3")
    assert response.status == 200
    assert response.getheader("Content-Length") == "10240"
    assert response.getheader("Accept-Ranges") == "bytes"
    assert body == b""
    response, _ = request(server, "HEAD", "/audio/a.mp3", {"Range": "bytes=0-1"})
    assert (response.status, response.getheader("Content-Length")) == (200, "10240")


def test_multiple_ranges_come_as_multipart_byteranges(server):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=0-1, 300-309,-5"})
    assert response.status == 206
    kind = response.getheader("Content-Type")
    assert kind.startswith("multipart/byteranges; boundary=")
    assert int(response.getheader("Content-Length")) == len(body)
    message = email.message_from_bytes(f"Content-Type: {kind}\r\n\r\n".encode() + body)
    parts = [
        (p["Content-Range"], p["Content-Type"], p.get_payload(decode=True)) for p in message.walk()
    ][1:]
    assert parts == [
        ("bytes 0-1/10240", "audio/mpeg", AUDIO[0:2]),
        ("bytes 300-309/10240", "audio/mpeg", AUDIO[300:310]),
        ("bytes 10235-10239/10240", "audio/mpeg", AUDIO[-5:]),
    ]


def test_overlapping_ranges_get_the_whole_file(server):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": "bytes=0-100,50-150"})
    assert (response.status, body) == (200, AUDIO)


@pytest.mark.parametrize("header", ["items=0-5", "bytes=abc", "bytes=9-3", "bytes="])
def test_unknown_units_and_malformed_ranges_are_ignored(server, header):
    response, body = request(server, "GET", "/audio/a.mp3", {"Range": header})
    assert (response.status, body) == (200, AUDIO)


def test_rewritten_feed_honours_range(server):
    _, whole = request(server, "GET", "/feed.xml")
    response, body = request(server, "GET", "/feed.xml", {"Range": "bytes=-40"})
    assert response.status == 206
    assert (
        response.getheader("Content-Range")
        == f"bytes {len(whole) - 40}-{len(whole) - 1}/{len(whole)}"
    )
    assert body == whole[-40:]


# --- validators --------------------------------------------------------------------------------


def test_etag_and_last_modified_make_304(server, published):
    response, _ = request(server, "GET", "/audio/a.mp3")
    etag, modified = response.getheader("ETag"), response.getheader("Last-Modified")
    assert re.fullmatch(r'"[^"]+"', etag) and modified.endswith("GMT")
    response, body = request(server, "GET", "/audio/a.mp3", {"If-None-Match": f'"x", {etag}'})
    assert (response.status, body, response.getheader("ETag")) == (304, b"", etag)
    response, _ = request(server, "GET", "/audio/a.mp3", {"If-Modified-Since": modified})
    assert response.status == 304
    response, body = request(server, "GET", "/audio/a.mp3", {"If-None-Match": '"other"'})
    assert (response.status, body) == (200, AUDIO)
    os.utime(published / "audio" / "a.mp3", (1_700_000_000, 1_700_000_000))
    response, _ = request(server, "GET", "/audio/a.mp3", {"If-None-Match": etag})
    assert response.status == 200  # the file changed: a new ETag


def test_if_range_applies_ranges_only_to_the_same_file(server):
    response, _ = request(server, "HEAD", "/audio/a.mp3")
    etag = response.getheader("ETag")
    response, body = request(
        server, "GET", "/audio/a.mp3", {"Range": "bytes=0-1", "If-Range": etag}
    )
    assert (response.status, body) == (206, AUDIO[:2])
    response, body = request(
        server, "GET", "/audio/a.mp3", {"Range": "bytes=0-1", "If-Range": '"old"'}
    )
    assert (response.status, body) == (200, AUDIO)


def test_rewritten_feed_has_its_own_etag(server):
    response, _ = request(server, "GET", "/feed.xml")
    response2, _ = request(server, "GET", "/feed.xml", {"Host": "phone.local:9000"})
    assert response.getheader("ETag") != response2.getheader("ETag")
    again, _ = request(server, "GET", "/feed.xml", {"If-None-Match": response.getheader("ETag")})
    assert again.status == 304


# --- the folder and nothing else ---------------------------------------------------------------


def test_symlinks_out_of_the_folder_are_refused(server):
    for path in ("/leak.txt", "/outside/notes.txt", "/outside/"):
        response, body = request(server, "GET", path)
        assert response.status == 404, path
        assert b"not for the network" not in body and b"private notes" not in body
    response, body = request(server, "GET", "/same.mp3")  # a link inside the folder is fine
    assert (response.status, body) == (200, AUDIO)


def test_folders_are_never_listed(server):
    response, body = request(server, "GET", "/audio/")
    assert response.status == 404
    assert b"a.mp3" not in body
    response, body = request(server, "GET", "/episodes/folge/")
    assert (response.status, body) == (
        200,
        PAGE.replace(BASE, f"http://127.0.0.1:{server}").encode(),
    )
    response, _ = request(server, "GET", "/episodes/folge?x=1")
    assert (response.status, response.getheader("Location")) == (301, "/episodes/folge/")


@pytest.mark.parametrize(
    ("path", "status"),
    [
        ("/%00", 400),
        ("/feed.xml%00.mp3", 400),
        ("/%ff", 400),
        ("/%0d%0aSet-Cookie:x", 400),
        ("/..%2f..%2fsecret.txt", 404),
        ("/audio/..%2f..%2fsecret.txt", 404),
        ("/.podcast-index.json", 404),
        ("/audio%5c..%5cfeed.xml", 404),
        ("//etc/passwd", 404),
        ("/nothing-here", 404),
    ],
)
def test_odd_paths_are_400_or_404_without_traceback(server, capfd, path, status):
    response, body = request(server, "GET", path)
    assert response.status == status
    assert b"not for the network" not in body
    assert "Traceback" not in capfd.readouterr().err


def test_files_that_are_not_regular_files_are_404(server, published):
    os.mkfifo(published / "pipe.mp3")  # opening it would block the server's thread
    response, _ = request(server, "GET", "/pipe.mp3")
    assert response.status == 404


def test_unknown_methods_and_bad_request_lines(server, capfd):
    response, _ = request(server, "DELETE", "/feed.xml")
    assert response.status == 501
    assert raw_request(server, b"GET feed.xml HTTP/1.1\r\nHost: x\r\n\r\n").startswith(
        b"HTTP/1.1 400"
    )
    assert "Traceback" not in capfd.readouterr().err


# --- Host --------------------------------------------------------------------------------------


def test_feed_points_at_the_local_server(server):
    response, body = request(server, "GET", "/feed.xml")
    assert response.status == 200
    assert f'url="http://127.0.0.1:{server}/audio/a.mp3"'.encode() in body
    assert response.getheader("Content-Length") == str(len(body))
    assert response.getheader("Content-Type") == "application/rss+xml; charset=utf-8"


def test_feed_follows_the_host_the_app_used(server):
    _, body = request(server, "GET", "/feed.xml", {"Host": "phone-sees.local:9000"})
    root = ET.fromstring(body)
    assert (
        root.find("channel/item/enclosure").get("url") == "http://phone-sees.local:9000/audio/a.mp3"
    )


@pytest.mark.parametrize(
    "host", ['a"b<c', "<script>alert(1)</script>", "x y", "a:b:c", "é.example"]
)
def test_hostile_host_header_is_refused(server, host):
    for path in ("/feed.xml", "/", "/episodes/folge/"):
        response, body = request(server, "GET", path, {"Host": host})
        assert response.status == 400
        assert b"<script>" not in body and b'a"b' not in body


def test_without_host_the_bound_address_is_used(server):
    answer = raw_request(server, b"GET /feed.xml HTTP/1.0\r\n\r\n")
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 200")
    assert ET.fromstring(body).find("channel/link").text == f"http://127.0.0.1:{server}/"


# --- the command -------------------------------------------------------------------------------


def run_serve(*args: str, cwd: Path) -> tuple[subprocess.Popen, list[str]]:
    """``podcast serve`` in its own process; returns it and what it printed up to 'Ctrl-C'."""
    process = subprocess.Popen(
        [sys.executable, "-m", "podcast", "serve", "--port", "0", *args],
        cwd=cwd,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "PODCAST_SERVE_QUIET": "1"},
    )
    lines = []
    assert process.stdout is not None
    for line in process.stdout:
        lines.append(line.rstrip("\n"))
        if line.startswith("Ctrl-C"):
            break
    else:
        process.wait(5)
        assert process.stderr is not None
        pytest.fail(f"podcast serve stopped: {lines} {process.stderr.read()}")
    return process, lines


def printed_urls(lines: list[str]) -> list[str]:
    return [m[1] for line in lines if (m := re.search(r"(http://\S+/feed\.xml)", line))]


def fetch(url: str, timeout: float = 5) -> tuple[int, bytes]:
    address = re.fullmatch(r"http://([^/]+)(/.*)", url)
    assert address
    host, port = address[1].rsplit(":", 1)
    conn = http.client.HTTPConnection(host, int(port), timeout=timeout)
    conn.request("GET", address[2])
    response = conn.getresponse()
    body = response.read()
    conn.close()
    return response.status, body


def test_serve_binds_loopback_and_says_which_catalog(tmp_path, published, catalog_dir):
    process, lines = run_serve(cwd=tmp_path)
    try:
        assert lines[0] == (
            f"serving public/ for the catalog episodes/show.yaml: {BASE} is replaced by this server"
        )
        urls = printed_urls(lines)
        assert len(urls) == 1 and urls[0].startswith("http://127.0.0.1:")
        status, body = fetch(urls[0])
        assert status == 200
        assert urls[0].removesuffix("feed.xml").encode() + b"audio/a.mp3" in body
        port = int(urls[0].split(":")[2].split("/")[0])
        for address in interface_addresses():
            if not address.startswith("127."):
                with pytest.raises(OSError):
                    socket.create_connection((address, port), timeout=2).close()
    finally:
        process.terminate()
        process.wait(5)


def test_serve_lan_prints_every_address_it_answers_on(tmp_path, published, catalog_dir):
    process, lines = run_serve("--lan", cwd=tmp_path)
    try:
        urls = printed_urls(lines)
        hosts = [url.split("//")[1].rsplit(":", 1)[0] for url in urls]
        assert hosts == interface_addresses()
        if shutil.which("ip"):
            listed = subprocess.run(["ip", "-4", "-o", "addr"], capture_output=True, text=True)
            assert set(hosts) == set(re.findall(r"inet (\d+\.\d+\.\d+\.\d+)/", listed.stdout))
        for url in urls:
            status, body = fetch(url)
            assert status == 200, url
            enclosure = ET.fromstring(body).find("channel/item/enclosure").get("url")
            assert enclosure == url.removesuffix("feed.xml") + "audio/a.mp3"
    finally:
        process.terminate()
        process.wait(5)


def test_serve_outside_a_project_refuses_to_guess(published, monkeypatch):
    monkeypatch.chdir(published.parent)  # no episodes/ here
    result = CliRunner().invoke(cli, ["serve", "--dir", str(published), "--port", "0"])
    assert result.exit_code == 1
    assert "episodes/show.yaml: not found" in result.output
    assert "--base-url URL, or --as-is" in result.output
    assert "Traceback" not in result.output


def test_serve_reports_catalog_mistakes_like_validate(tmp_path, published, catalog_dir):
    edit(catalog_dir / "show.yaml", "base_url: https://cdn.example.org/show", "base_url: 42")
    edit(catalog_dir / "show.yaml", "language: de", "language: [de]")
    result = CliRunner().invoke(
        cli, ["serve", "--dir", str(published), "--catalog", str(catalog_dir), "--port", "0"]
    )
    assert result.exit_code == 1
    assert re.search(r"show\.yaml:\d+: base_url: ", result.output), result.output
    assert re.search(r"show\.yaml:\d+: language: ", result.output), result.output
    assert "ValidationError" not in result.output and "Traceback" not in result.output


def test_serve_as_is_and_base_url_say_what_they_do(tmp_path, published):
    process, lines = run_serve("--dir", str(published), "--as-is", cwd=tmp_path)
    try:
        assert lines[0] == f"serving {published}/ as published: feed and pages keep their own URLs"
        _, body = fetch(printed_urls(lines)[0])
        assert body == FEED.encode()
    finally:
        process.terminate()
        process.wait(5)
    process, lines = run_serve("--dir", str(published), "--base-url", BASE, cwd=tmp_path)
    try:
        assert lines[0] == f"serving {published}/ with {BASE} (--base-url) replaced by this server"
        url = printed_urls(lines)[0]
        assert url.removesuffix("feed.xml").encode() + b"audio/a.mp3" in fetch(url)[1]
    finally:
        process.terminate()
        process.wait(5)


def test_enclosures_behind_the_analytics_prefix_point_here_too(published):
    prefixed = FEED.replace(f'url="{BASE}/', 'url="https://op3.dev/e/cdn.example.org/show/')
    (published / "feed.xml").write_text(prefixed, encoding="utf-8")
    httpd = make_server(published, "127.0.0.1", 0, BASE, analytics_prefix="https://op3.dev/e/")
    threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True).start()
    try:
        _, body = request(httpd.server_port, "GET", "/feed.xml")
    finally:
        httpd.shutdown()
        httpd.server_close()
    root = ET.fromstring(body)
    url = f"http://127.0.0.1:{httpd.server_port}"
    assert root.find("channel/item/enclosure").get("url") == f"{url}/audio/a.mp3"
    assert root.find("channel/link").text == f"{url}/"


def test_serve_warns_when_the_feed_is_from_another_catalog(tmp_path, published, catalog_dir):
    edit(catalog_dir / "show.yaml", f"base_url: {BASE}", "base_url: https://other.example.org")
    process, lines = run_serve(cwd=tmp_path)
    process.terminate()
    _, errors = process.communicate(timeout=5)
    assert "https://other.example.org is replaced by this server" in lines[0]
    assert (
        "warning: public/feed.xml does not contain https://other.example.org: "
        "was it published from another catalog?"
    ) in errors
