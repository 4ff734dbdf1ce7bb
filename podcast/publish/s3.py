"""Publishing to S3-compatible object storage (AWS S3, MinIO, Cloudflare R2, Hetzner, Scaleway …).

:class:`S3Destination` implements :class:`podcast.publish.Destination`; all ordering,
hashing and locking is in :mod:`podcast.publish.run`.  Credentials, region and
endpoint come from boto3's own chain only (``AWS_ACCESS_KEY_ID`` …,
``AWS_PROFILE`` and ``~/.aws``, ``AWS_ENDPOINT_URL``), plus ``--endpoint-url``.
Nothing here prints or logs them.

- Each object carries its sha256 as user metadata (``x-amz-meta-sha256``):
  multipart ETags are not MD5s, so ETags are never compared.
- Transient errors are retried by botocore's *standard* retry mode, a bounded
  number of times (:data:`NETWORK`), with connect and read timeouts: an endpoint
  that is down, refuses or never answers gets a message within about 30 s.
- Every message goes through :func:`podcast.publish.redact.redact`: credentials in
  an endpoint URL (``https://key:secret@host``) or a signed URL never show.
- An endpoint that answers HTTP but not S3 (a web server, a wrong port) is called
  that, not "bucket does not exist".
- Large files go up multipart; files within one stage upload in parallel
  (boto3's transfer manager).
- The publish lock is created with a conditional put (``If-None-Match: *``),
  which AWS S3, MinIO, R2 and moto honour.  On a store that ignores the header
  two publishes could both take the lock; one that rejects it gets a clear error.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from http.client import responses
from urllib.parse import urlparse

import boto3
from boto3.s3.transfer import TransferConfig, create_transfer_manager
from botocore.config import Config
from botocore.exceptions import (
    BotoCoreError,
    ClientError,
    ConnectTimeoutError,
    EndpointConnectionError,
    NoCredentialsError,
    ReadTimeoutError,
)
from botocore.parsers import ResponseParserError
from s3transfer.subscribers import BaseSubscriber

from podcast.mime import MEDIA_SUFFIXES, content_type, suffix_of
from podcast.paths import FEED_PATH, INDEX_PATH, LOCK_PATH, STATE_PATH
from podcast.problems import PodcastError
from podcast.publish.destination import Upload, UploadProgress
from podcast.publish.redact import redact
from podcast.writer import OutputError

MB = 1024 * 1024
TRANSFER = TransferConfig(
    multipart_threshold=16 * MB, multipart_chunksize=16 * MB, max_concurrency=8
)


@dataclass(frozen=True)
class Network:
    """How long to wait for the endpoint, and how often to try each request."""

    connect_timeout: float = 5.0  # seconds to establish a connection
    read_timeout: float = 5.0  # seconds of silence on an open connection
    # tries per request (the first one and three retries): enough to ride out a server's
    # passing 500/503s, few enough that a silent endpoint is given up on within ~30 s
    attempts: int = 4

    def config(self, pool: int) -> Config:
        return Config(
            connect_timeout=self.connect_timeout,
            read_timeout=self.read_timeout,
            retries={"mode": "standard", "total_max_attempts": self.attempts},
            max_pool_connections=pool,
        )


#: a silent endpoint is given up on after at most 4 x 5 s (+ at most 7 s of backoff)
NETWORK = Network()

LONG = "public, max-age=31536000, immutable"
SHORT = "public, max-age=300"
NO_CACHE = "no-cache"
#: file names with a content hash in them, e.g. ``style.3f9a1c2b.css`` or ``folge-14-3f9a1c2b.mp3``
CONTENT_HASHED = re.compile(r"[.-][0-9a-f]{8,64}\.[A-Za-z0-9]+$")


def cache_control(relpath: str) -> str:
    """Media and content-hashed files: cached for a year; feed, pages and the rest: 5 minutes."""
    if relpath in (FEED_PATH, STATE_PATH):
        return SHORT
    name = relpath.rsplit("/", 1)[-1].lower()
    if suffix_of(name) in MEDIA_SUFFIXES or CONTENT_HASHED.search(name):
        return LONG
    return SHORT


def parse_url(url: str) -> tuple[str, str]:
    """``s3://bucket/some/prefix`` -> (bucket, ``some/prefix/``)."""
    parsed = urlparse(url)
    if parsed.scheme != "s3" or not parsed.netloc:
        raise PodcastError(f"{redact(url)}: expected s3://bucket or s3://bucket/prefix")
    prefix = parsed.path.strip("/")
    return parsed.netloc, prefix + "/" if prefix else ""


class _Subscriber(BaseSubscriber):
    def __init__(self, progress: UploadProgress, relpath: str):
        self.progress = progress
        self.relpath = relpath

    def on_progress(self, future, bytes_transferred, **kwargs):
        self.progress.advance(bytes_transferred)

    def on_done(self, future, **kwargs):
        self.progress.file_done(self.relpath)


class S3Destination:
    def __init__(
        self, bucket: str, prefix: str, client, acl: str | None = None, network: Network = NETWORK
    ):
        self.bucket = bucket
        self.prefix = prefix
        self.client = client
        self.acl = acl
        self.network = network
        self.transfer = TRANSFER

    @classmethod
    def from_url(
        cls,
        url: str,
        *,
        endpoint_url: str | None = None,
        acl: str | None = None,
        network: Network = NETWORK,
    ):
        bucket, prefix = parse_url(url)
        try:
            client = boto3.session.Session().client(
                "s3",
                endpoint_url=endpoint_url or None,
                config=network.config(TRANSFER.max_request_concurrency),
            )
        except ValueError as error:  # botocore: "Invalid endpoint: ..."
            given = endpoint_url or os.environ.get("AWS_ENDPOINT_URL", "")
            source = "--endpoint-url" if endpoint_url else "the configured endpoint"
            raise PodcastError(
                f"{source} {redact(given)!r} is not a URL: expected e.g. "
                "https://s3.eu-central-1.amazonaws.com or http://localhost:9000"
            ) from error
        except BotoCoreError as error:
            raise PodcastError(f"{redact(url)}: {redact(str(error))}") from error
        return cls(bucket, prefix, client, acl, network)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def endpoint(self) -> str:
        """The endpoint URL, for messages (credentials removed)."""
        return redact(str(getattr(self.client.meta, "endpoint_url", "") or "the S3 endpoint"))

    def key(self, relpath: str) -> str:
        return self.prefix + relpath

    @contextmanager
    def errors(self) -> Iterator[None]:
        """boto's errors as one-line messages, with every secret redacted."""
        try:
            yield
        except PodcastError:
            raise
        except NoCredentialsError as error:
            raise PodcastError(
                f"{self.describe()}: no credentials found; set AWS_ACCESS_KEY_ID and "
                "AWS_SECRET_ACCESS_KEY, or AWS_PROFILE with ~/.aws/credentials"
            ) from error
        except ClientError as error:
            raise PodcastError(redact(self._client_error(error))) from error
        except (ReadTimeoutError, ConnectTimeoutError, EndpointConnectionError) as error:
            raise PodcastError(redact(self._network_error(error))) from error
        except ResponseParserError as error:
            raise PodcastError(redact(self._not_s3("an answer that is not S3's XML"))) from error
        except BotoCoreError as error:
            raise PodcastError(redact(f"{self.describe()}: {error}")) from error
        except OSError as error:  # reading a build file to upload it
            path = error.filename or "a build file"
            raise OutputError(path, error, "read") from error

    def _not_s3(self, what: str) -> str:
        return (
            f"{self.describe()}: {self.endpoint()} does not answer like an S3 endpoint "
            f"({what}); check --endpoint-url or AWS_ENDPOINT_URL"
        )

    def _client_error(self, error: ClientError) -> str:
        info = error.response.get("Error", {})
        code = str(info.get("Code", "error"))
        message = info.get("Message") or ""
        operation = error.operation_name
        if code == "NoSuchBucket":
            return f"{self.describe()}: bucket {self.bucket} does not exist (at {self.endpoint()})"
        if code.isdigit() and not operation.startswith("Head"):
            # S3 answers every failed GET, PUT, POST and DELETE with an XML error
            # document; a bare HTTP status means something else answered.
            reason = message or responses.get(int(code), "")
            if code.startswith("5"):
                return (
                    f"{self.describe()}: {operation} failed: {self.endpoint()} answered "
                    f"HTTP {code} {reason} (tried {self.network.attempts} times)".rstrip()
                )
            return self._not_s3(f"HTTP {code} {reason} to {operation}".replace("  ", " "))
        return f"{self.describe()}: {operation} failed: {code} {message}".rstrip()

    def _network_error(self, error: BotoCoreError) -> str:
        net = self.network
        tries = f"tried {net.attempts} times"
        if isinstance(error, ReadTimeoutError):
            return (
                f"{self.describe()}: {self.endpoint()} accepted the connection but did not "
                f"answer within {net.read_timeout:g} s ({tries}); is it up, and is it an "
                "S3 endpoint?"
            )
        if isinstance(error, ConnectTimeoutError):
            return (
                f"{self.describe()}: could not connect to {self.endpoint()} within "
                f"{net.connect_timeout:g} s ({tries})"
            )
        cause = getattr(error, "kwargs", {}).get("error")
        detail = f": {_reason(cause)}" if cause else ""
        return f"{self.describe()}: could not connect to {self.endpoint()}{detail} ({tries})"

    def _missing(self, error: ClientError) -> bool:
        """A HEAD's "not found" (HEAD answers carry no error document)."""
        return error.response.get("Error", {}).get("Code") in ("404", "NoSuchKey", "NotFound")

    def list_sizes(self) -> dict[str, int]:
        sizes = {}
        with self.errors():
            paginator = self.client.get_paginator("list_objects_v2")
            for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
                if "Name" not in page:  # every S3 listing names its bucket
                    raise PodcastError(self._not_s3("its answer to a bucket listing is not S3's"))
                for item in page.get("Contents", ()):
                    relpath = item["Key"][len(self.prefix) :]
                    if relpath and not relpath.endswith("/"):
                        sizes[relpath] = item["Size"]
        return sizes

    def _head(self, relpath: str) -> dict | None:
        with self.errors():
            try:
                return self.client.head_object(Bucket=self.bucket, Key=self.key(relpath))
            except ClientError as error:
                if self._missing(error):
                    return None
                raise

    def stored_sha256(self, relpath: str) -> str | None:
        head = self._head(relpath)
        return head.get("Metadata", {}).get("sha256") if head else None

    def size(self, relpath: str) -> int | None:
        head = self._head(relpath)
        return head["ContentLength"] if head else None

    def read_bytes(self, relpath: str) -> bytes | None:
        with self.errors():
            try:
                response = self.client.get_object(Bucket=self.bucket, Key=self.key(relpath))
            except ClientError as error:
                # S3 says NoSuchKey; a bare 404 is a web server that is not S3
                if error.response.get("Error", {}).get("Code") == "NoSuchKey":
                    return None
                raise
            if not response.get("ETag"):  # S3 sends one with every object
                raise PodcastError(self._not_s3(f"{relpath} came without an ETag"))
            return response["Body"].read()

    def _put_args(self, relpath: str, sha256: str | None = None) -> dict[str, object]:
        args: dict[str, object] = {
            "ContentType": content_type(relpath),
            "CacheControl": cache_control(relpath),
        }
        if relpath in (INDEX_PATH, LOCK_PATH):
            args["CacheControl"] = NO_CACHE
        if sha256:
            args["Metadata"] = {"sha256": sha256}
        if self.acl and relpath not in (INDEX_PATH, LOCK_PATH):
            args["ACL"] = self.acl
        return args

    def write_bytes(self, relpath: str, data: bytes) -> None:
        with self.errors():
            self.client.put_object(
                Bucket=self.bucket, Key=self.key(relpath), Body=data, **self._put_args(relpath)
            )

    def create_exclusive(self, relpath: str, data: bytes) -> bool:
        with self.errors():
            try:
                self.client.put_object(
                    Bucket=self.bucket,
                    Key=self.key(relpath),
                    Body=data,
                    IfNoneMatch="*",
                    **self._put_args(relpath),
                )
            except ClientError as error:
                code = error.response.get("Error", {}).get("Code")
                if code in ("PreconditionFailed", "412", "ConditionalRequestConflict", "409"):
                    return False
                if code in ("NotImplemented", "501"):
                    raise PodcastError(
                        f"{self.describe()}: this storage does not support conditional puts "
                        "(If-None-Match), which the publish lock needs"
                    ) from error
                raise
        return True

    def upload(self, uploads: Sequence[Upload], progress: UploadProgress) -> None:
        with self.errors(), create_transfer_manager(self.client, self.transfer) as manager:
            futures = [
                manager.upload(
                    str(item.source),
                    self.bucket,
                    self.key(item.relpath),
                    extra_args=self._put_args(item.relpath, item.sha256),
                    subscribers=[_Subscriber(progress, item.relpath)],
                )
                for item in uploads
            ]
            for future in futures:  # on an error, leaving the manager cancels the rest
                future.result()

    def redirect(self, relpath: str, url: str) -> str:
        """Set ``x-amz-website-redirect-location`` on ``relpath`` (copied onto itself).

        S3 answers it with a 301 on the bucket's *website* endpoint only; the note
        says whether the bucket serves as a website.
        """
        key = self.key(relpath)
        with self.errors():
            head = self.client.head_object(Bucket=self.bucket, Key=key)
            args = {**self._put_args(relpath), "Metadata": head.get("Metadata", {})}
            self.client.copy_object(
                Bucket=self.bucket,
                Key=key,
                CopySource={"Bucket": self.bucket, "Key": key},
                MetadataDirective="REPLACE",
                WebsiteRedirectLocation=url,
                **args,
            )
            try:
                self.client.get_bucket_website(Bucket=self.bucket)
                website = True
            except ClientError as error:
                if error.response.get("Error", {}).get("Code") != "NoSuchWebsiteConfiguration":
                    raise
                website = False
        if website:
            return (
                f"{self.describe()}{relpath} redirects to {url} (x-amz-website-redirect-location) "
                "on the bucket's website endpoint"
            )
        return (
            f"{self.describe()}{relpath} has x-amz-website-redirect-location: {url}, but bucket "
            f"{self.bucket} does not serve as a website, so S3 does not redirect: enable static "
            "website hosting for it, or redirect the feed where it is served (CDN, web server)"
        )

    def delete(self, relpaths: Sequence[str]) -> None:
        with self.errors():
            for start in range(0, len(relpaths), 1000):
                batch = relpaths[start : start + 1000]
                response = self.client.delete_objects(
                    Bucket=self.bucket,
                    Delete={"Objects": [{"Key": self.key(r)} for r in batch], "Quiet": True},
                )
                errors = response.get("Errors", [])
                if errors:
                    first = errors[0]
                    raise PodcastError(
                        f"{self.describe()}: could not delete {len(errors)} object(s), e.g. "
                        f"{first.get('Key')}: {first.get('Code')} {first.get('Message', '')}"
                    )


def _reason(cause: object) -> str:
    """'[Errno 111] Connection refused' out of urllib3's wrapped connection errors."""
    text = str(cause)
    found = re.search(r"\[Errno -?\d+\] [^'\")]+", text)
    return found.group(0) if found else text
