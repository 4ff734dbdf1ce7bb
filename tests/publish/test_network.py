# ruff: noqa: F811  (the s3 fixtures are imported from tests/s3server.py)
"""Endpoints that are down, silent, not S3 or not even URLs: one message, fast, no secrets.

Real sockets on loopback: a port nobody listens on (refused), a listener that accepts
and never answers (silent), a plain HTTP file server (not S3); and moto for a real S3.
"""

from __future__ import annotations

import http.server
import json
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from click.testing import CliRunner

from podcast.cli import cli
from podcast.paths import LOCK_PATH
from podcast.problems import PodcastError
from podcast.publish import publish
from podcast.publish.redact import redact
from podcast.publish.s3 import NETWORK, Network, S3Destination
from tests.s3server import ENV, free_port, s3, s3_server  # noqa: F401 (fixtures)

SECRET = "s3cr3t-in-the-url"


@pytest.fixture
def credentials(monkeypatch):
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@contextmanager
def silent_endpoint() -> Iterator[tuple[str, list[socket.socket]]]:
    """A loopback listener that accepts every connection and never says a word:
    (its URL, the connections it accepted)."""
    server = socket.create_server(("127.0.0.1", 0))
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                connection, _ = server.accept()
            except TimeoutError:
                continue
            held.append(connection)

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.getsockname()[1]}", held
    finally:
        stop.set()
        thread.join()
        for connection in held:
            connection.close()
        server.close()


def accepted(connections: list[socket.socket], expected: int) -> bool:
    """Whether the listener has accepted exactly ``expected`` connections (given a moment)."""
    deadline = time.monotonic() + 2
    while len(connections) < expected and time.monotonic() < deadline:
        time.sleep(0.05)
    return len(connections) == expected


@contextmanager
def web_server(folder: Path, handler=None) -> Iterator[str]:
    """A plain HTTP file server (python's http.server): HTTP, but not S3."""

    class Quiet(handler or http.server.SimpleHTTPRequestHandler):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, directory=str(folder), **kwargs)

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()


class AlwaysOk(http.server.SimpleHTTPRequestHandler):
    """Answers 200 and a web page to everything, PUTs included."""

    def _ok(self):
        self.rfile.read(int(self.headers.get("Content-Length") or 0))
        body = b"<html><body>Welcome</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    do_GET = do_PUT = do_HEAD = do_POST = do_DELETE = _ok


def test_silent_endpoint_gives_a_message_within_30_s_through_the_cli(show, tmp_path):
    catalog, _ = show
    env = {**ENV, "PATH": "/usr/bin:/bin"}
    with silent_endpoint() as (url, connections):
        command = [sys.executable, "-m", "podcast", "publish", "--quiet", "-c", str(catalog)]
        command += ["-o", str(tmp_path / "feed"), "--to", "s3://show"]
        command += ["--endpoint-url", url.replace("//", f"//key:{SECRET}@")]
        started = time.monotonic()
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=90)
        seconds = time.monotonic() - started
        assert accepted(connections, NETWORK.attempts)  # one request, each try, given up
    assert result.returncode == 1, result.stderr
    assert seconds < 32, seconds  # the state read is the first request: no build before it
    port = url.rsplit(":", 1)[1]
    assert result.stderr == (
        f"error: s3://show/: http://***@127.0.0.1:{port} accepted the connection but did not "
        f"answer within {NETWORK.read_timeout:g} s (tried {NETWORK.attempts} times); "
        "is it up, and is it an S3 endpoint?\n"
    )
    assert SECRET not in result.stdout + result.stderr


def test_silent_endpoint_mid_api_publish_is_bounded_by_timeouts_and_retries(show, credentials):
    _, output = show
    quick = Network(connect_timeout=1, read_timeout=0.5, attempts=2)
    with silent_endpoint() as (url, connections):
        destination = S3Destination.from_url("s3://show", endpoint_url=url, network=quick)
        started = time.monotonic()
        with pytest.raises(PodcastError, match=r"did not answer within 0\.5 s \(tried 2 times\)"):
            publish(output, destination)
        assert time.monotonic() - started < 5
        assert accepted(connections, 2)


def test_refused_connection_is_one_message_without_the_credentials(show, tmp_path):
    catalog, _ = show
    port = free_port()
    endpoint = f"http://admin:{SECRET}@127.0.0.1:{port}"
    args = ["publish", "-c", str(catalog), "-o", str(tmp_path / "feed"), "--to", "s3://show"]
    result = CliRunner().invoke(cli, [*args, "--endpoint-url", endpoint], env=ENV)
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert result.output == (
        f"error: s3://show/: could not connect to http://***@127.0.0.1:{port}: "
        f"[Errno 111] Connection refused (tried {NETWORK.attempts} times)\n"
    )
    assert SECRET not in result.output and ENV["AWS_SECRET_ACCESS_KEY"] not in result.output


def test_endpoint_that_is_not_a_url_is_a_message(show, tmp_path, monkeypatch):
    catalog, _ = show
    args = ["publish", "-c", str(catalog), "-o", str(tmp_path / "feed"), "--to", "s3://show"]
    result = CliRunner().invoke(cli, [*args, "--endpoint-url", "not-a-url"], env=ENV)
    assert result.exit_code == 1 and isinstance(result.exception, SystemExit), result.output
    assert result.output == (
        "error: --to: --endpoint-url 'not-a-url' is not a URL: expected e.g. "
        "https://s3.eu-central-1.amazonaws.com or http://localhost:9000\n"
    )
    monkeypatch.setenv("AWS_ENDPOINT_URL", f"ftp:/x:{SECRET}@")
    with pytest.raises(PodcastError, match=r"^the configured endpoint 'ftp:/x:.*' is not a URL"):
        S3Destination.from_url("s3://show")


def test_web_server_that_is_not_s3_is_called_that(show, tmp_path, credentials):
    catalog, output = show
    (tmp_path / "site").mkdir()
    (tmp_path / "site/index.html").write_text("<p>a web site</p>")
    with web_server(tmp_path / "site") as url:
        with pytest.raises(PodcastError) as listing:
            publish(output, S3Destination.from_url("s3://show", endpoint_url=url))
        args = ["publish", "-c", str(catalog), "-o", str(tmp_path / "feed"), "--to", "s3://show"]
        result = CliRunner().invoke(cli, [*args, "--endpoint-url", url], env=ENV)
    assert str(listing.value) == (
        f"s3://show/: {url} does not answer like an S3 endpoint (HTTP 404 Not Found to "
        "ListObjectsV2); check --endpoint-url or AWS_ENDPOINT_URL"
    )
    assert result.exit_code == 1, result.output
    assert result.output == (  # the build reads the published state first: a GET
        f"error: s3://show/: {url} does not answer like an S3 endpoint (HTTP 404 Not Found "
        "to GetObject); check --endpoint-url or AWS_ENDPOINT_URL\n"
    )
    assert "does not exist" not in result.output


def test_server_that_says_ok_to_everything_is_not_taken_for_s3(show, tmp_path, credentials):
    _, output = show
    with web_server(tmp_path, AlwaysOk) as url:
        destination = S3Destination.from_url("s3://show", endpoint_url=url)
        with pytest.raises(PodcastError, match="its answer to a bucket listing is not S3's"):
            publish(output, destination)
        with pytest.raises(PodcastError, match=r"podcast-state\.json came without an ETag"):
            destination.read_bytes("podcast-state.json")


def test_missing_bucket_on_a_real_s3_server_is_still_called_that(s3, show):
    proxy, _client, _bucket = s3
    _, output = show
    with pytest.raises(PodcastError) as error:
        publish(output, S3Destination.from_url("s3://no-such-bucket/x"))
    assert str(error.value) == (
        f"s3://no-such-bucket/x/: bucket no-such-bucket does not exist (at {proxy.url})"
    )


def test_empty_lock_object_is_taken_over_with_a_note(s3, show):
    _proxy, client, bucket = s3
    _, output = show
    client.put_object(Bucket=bucket, Key=LOCK_PATH, Body=b"")
    report = publish(output, S3Destination.from_url(f"s3://{bucket}"))
    assert report.notes == (
        f"s3://{bucket}/: took over an empty publish lock ({LOCK_PATH}, 0 bytes): "
        "no running publish writes one like that",
    )
    keys = {o["Key"] for o in client.list_objects_v2(Bucket=bucket)["Contents"]}
    assert "feed.xml" in keys and LOCK_PATH not in keys
    client.put_object(Bucket=bucket, Key=LOCK_PATH, Body=json.dumps({"holder": 1}).encode()[:7])
    assert publish(output, S3Destination.from_url(f"s3://{bucket}")).changes == ()  # up to date


@pytest.mark.parametrize(
    ("text", "shown"),
    [
        (
            'Could not connect to "http://AKIA:abc/def@host:9000/b"',
            'Could not connect to "http://***@host:9000/b"',
        ),
        ("https://t0ken@r2.example/x", "https://***@r2.example/x"),
        (
            "GET https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIA%2F2024&X-Amz-Signature=f00d&x=1",
            "GET https://b.s3.amazonaws.com/k?X-Amz-Credential=***&X-Amz-Signature=***&x=1",
        ),
        ("s3://bucket/prefix/ and http://host/", "s3://bucket/prefix/ and http://host/"),
    ],
)
def test_redact_removes_credentials_from_urls(text, shown):
    assert redact(text) == shown


def test_redact_removes_the_secret_key_wherever_it_is(monkeypatch):
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "wJalrXUtnFEMI/K7MDENG")
    assert redact("signature for wJalrXUtnFEMI/K7MDENG failed") == "signature for *** failed"
