"""A real S3-protocol server for tests: moto's standalone server behind a recording proxy.

boto3 talks to it over HTTP through a small proxy that records the requests as
the server receives them (PUTs and their bytes, in order), can fail requests
with 500/503, and can hold a publish mid-way so a subprocess can be killed there.
Use the fixtures with ``from .s3server import s3, s3_server  # noqa: F401``.
"""

from __future__ import annotations

import http.client
import os
import socket
import threading
import uuid
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import boto3
import pytest
from moto.server import ThreadedMotoServer

from podcast.paths import INDEX_PATH, LOCK_PATH

ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing-secret-never-shown",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Request:
    method: str
    key: str  # bucket/key, without the query
    query: str
    size: int


class RecordingProxy:
    """HTTP proxy in front of moto: records requests, injects faults, holds PUTs."""

    def __init__(self, upstream_port: int):
        self.upstream_port = upstream_port
        self.requests: list[Request] = []
        self.lock = threading.Lock()
        self.fail_every = 0  # fail every n-th request (500 and 503 alternating)
        self.faults = 0
        self.failed: list[Request] = []  # the requests answered with an injected 500/503
        self.seen = 0
        self.hold_after = None  # hold content PUTs after this many
        self.holding = threading.Event()
        self.release = threading.Event()
        proxy = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length) if length else b""
                path, _, query = self.path.partition("?")
                request = Request(self.command, path.lstrip("/"), query, len(body))
                if proxy.intercept(self, request):
                    return
                upstream = http.client.HTTPConnection("127.0.0.1", proxy.upstream_port)
                headers = {k: v for k, v in self.headers.items() if k.lower() != "expect"}
                upstream.request(self.command, self.path, body=body, headers=headers)
                response = upstream.getresponse()
                data = response.read()
                self.send_response(response.status)
                for name, value in response.getheaders():
                    if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                        self.send_header(name, value)
                length = response.getheader("Content-Length") if self.command == "HEAD" else None
                self.send_header("Content-Length", length or str(len(data)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(data)
                upstream.close()

            do_GET = do_PUT = do_POST = do_HEAD = do_DELETE = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def intercept(self, handler, request: Request) -> bool:
        with self.lock:
            self.seen += 1
            number = self.seen
            fail = self.fail_every and number % self.fail_every == 0
            if fail:
                self.faults += 1
                self.failed.append(request)
            else:
                self.requests.append(request)
            hold = (
                not fail
                and self.hold_after is not None
                and request in self.content_puts()[self.hold_after :]
            )
        if fail:
            status, code = (503, "SlowDown") if self.faults % 2 else (500, "InternalError")
            body = f"<Error><Code>{code}</Code><Message>injected</Message></Error>".encode()
            handler.send_response(status)
            handler.send_header("Content-Type", "application/xml")
            handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            if handler.command != "HEAD":
                handler.wfile.write(body)
            return True
        if hold:
            self.holding.set()
            self.release.wait(30)
            handler.close_connection = True  # the publisher was killed meanwhile: drop it
            return True
        return False

    def reset(self) -> None:
        with self.lock:
            self.requests.clear()
            self.fail_every = self.faults = self.seen = 0
            self.failed.clear()
            self.hold_after = None
            self.holding.clear()
            self.release.clear()

    def content_puts(self) -> list[Request]:
        """PUTs of show files (not the lock or the index), in the order the server got them."""
        return [
            r
            for r in self.requests
            if r.method == "PUT" and not r.key.endswith((LOCK_PATH, INDEX_PATH))
        ]

    def put_bytes(self) -> int:
        return sum(r.size for r in self.requests if r.method in ("PUT", "POST"))


@pytest.fixture(scope="session")
def s3_server():
    """moto's S3 server on a free loopback port, the proxy in front, AWS_* env set to dummies."""
    saved = {k: os.environ.get(k) for k in [*ENV, "AWS_ENDPOINT_URL", "AWS_PROFILE"]}
    os.environ.update(ENV)
    os.environ.pop("AWS_PROFILE", None)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    proxy = RecordingProxy(port)
    os.environ["AWS_ENDPOINT_URL"] = proxy.url
    yield proxy, f"http://127.0.0.1:{port}"
    proxy.release.set()
    proxy.server.shutdown()
    server.stop()
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture
def s3(s3_server):
    """(proxy, a boto3 client straight to moto, a fresh bucket name)."""
    proxy, moto_url = s3_server
    proxy.reset()
    client = boto3.client("s3", endpoint_url=moto_url)
    bucket = f"show-{uuid.uuid4().hex[:12]}"
    client.create_bucket(Bucket=bucket)
    yield proxy, client, bucket
    proxy.release.set()
