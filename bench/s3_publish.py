"""Benchmark: ``podcast publish`` of a catalog to a local S3 server (moto), first and unchanged.

    .venv/bin/python bench/s3_publish.py [--catalog episodes] [--build-dir feed]

Starts moto's S3 server on a free loopback port, points ``AWS_ENDPOINT_URL`` at
it (dummy credentials), creates a bucket and runs the real CLI twice with
``PODCAST_BUCKET=s3://bench/show``: the first publish uploads everything, the
second must upload nothing.  Then it reads the feed back over HTTP (a presigned
URL) with podcastparser and checks every episode's enclosure is there with its
size.  Prints files, bytes and seconds of both publishes.  The build is cached
in ``.cache/`` next to the catalog, so run ``podcast build`` once first to keep
encoding out of the figures.
"""

from __future__ import annotations

import argparse
import io
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import boto3
import podcastparser
from moto.server import ThreadedMotoServer


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def run_publish(catalog: Path, build_dir: Path, env: dict) -> tuple[float, str]:
    command = [sys.executable, "-m", "podcast", "publish", "-q", "-c", str(catalog)]
    command += ["-o", str(build_dir)]
    started = time.monotonic()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    seconds = time.monotonic() - started
    if done.returncode != 0:
        sys.exit(f"publish failed:\n{done.stdout}{done.stderr}")
    return seconds, done.stdout.strip().splitlines()[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--catalog", type=Path, default=Path("episodes"))
    parser.add_argument("--build-dir", type=Path, default=Path("feed"))
    args = parser.parse_args()

    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        endpoint = f"http://127.0.0.1:{port}"
        env = dict(os.environ)
        env.update(
            AWS_ACCESS_KEY_ID="bench",
            AWS_SECRET_ACCESS_KEY="bench",
            AWS_DEFAULT_REGION="us-east-1",
            AWS_ENDPOINT_URL=endpoint,
            PODCAST_BUCKET="s3://bench/show",
        )
        os.environ.update({k: env[k] for k in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY")})
        client = boto3.client("s3", endpoint_url=endpoint, region_name="us-east-1")
        client.create_bucket(Bucket="bench")

        # Build once outside the figures (encoding is cached for the publishes).
        build = [sys.executable, "-m", "podcast", "build", "-q", "-c", str(args.catalog)]
        subprocess.run(
            [*build, "-o", str(args.build_dir)],
            check=True,
            capture_output=True,
        )
        files = [p for p in args.build_dir.rglob("*") if p.is_file()]
        total = sum(p.stat().st_size for p in files)
        print(f"build: {len(files)} files, {total:,} bytes")

        first_s, first = run_publish(args.catalog, args.build_dir, env)
        print(f"first publish:     {first_s:6.2f} s (incl. the cached rebuild)  | {first}")
        second_s, second = run_publish(args.catalog, args.build_dir, env)
        print(f"no-change publish: {second_s:6.2f} s (incl. the cached rebuild)  | {second}")

        url = client.generate_presigned_url(
            "get_object", Params={"Bucket": "bench", "Key": "show/feed.xml"}
        )
        feed = urllib.request.urlopen(url).read()
        parsed = podcastparser.parse("https://example.org/feed.xml", io.BytesIO(feed))
        listed = {
            o["Key"]: o["Size"]
            for page in client.get_paginator("list_objects_v2").paginate(Bucket="bench")
            for o in page.get("Contents", ())
        }
        missing = []
        for episode in parsed["episodes"]:
            [enclosure] = episode["enclosures"]
            name = enclosure["url"].split("/audio/", 1)[-1]
            if listed.get(f"show/audio/{name}") != enclosure["file_size"]:
                missing.append(enclosure["url"])
        print(
            f"feed over HTTP: {len(parsed['episodes'])} episode(s), "
            f"{len(missing)} enclosure(s) missing or wrong size"
        )
    finally:
        server.stop()


if __name__ == "__main__":
    main()
