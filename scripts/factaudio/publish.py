"""Publishing targets: an S3 bucket (or S3-compatible server) and a local directory.

Both hold the same layout under their public root: ``audio/<locale>/<hash>.mp3`` and
``audio-manifest.json``. The manifest is always written last.
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from factaudio.constants import (
    CACHE_CONTROL,
    CONTENT_TYPE,
    MANIFEST_CACHE_CONTROL,
)
from factaudio.exceptions import ManifestConflictError, PublishError
from factaudio.validate import check_alexa_mp3
from factcontent.layout import AUDIO_DIR, MANIFEST_FILE, PUBLIC_PREFIX
from factcontent.manifest import EMPTY_MANIFEST, Manifest, loads_manifest

if TYPE_CHECKING:
    from mypy_boto3_s3 import S3Client

logger = logging.getLogger(__name__)


class PublishedManifest(NamedTuple):
    """The manifest as published, with the version token a conditional write needs."""

    manifest: Manifest
    etag: str | None


class Target(Protocol):
    """Where audio and the manifest go."""

    def describe(self) -> str: ...

    def list_audio(self) -> set[str]: ...

    def publish_file(self, path: str, data: bytes) -> bool: ...

    def read_manifest(self) -> PublishedManifest: ...

    def put_audio(self, key: str, data: bytes, *, duration: float) -> None: ...

    def audio_duration(self, key: str) -> float: ...

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None: ...

    def delete_audio(self, keys: Iterable[str]) -> None: ...


class DirectoryTarget:
    """A directory: MP3s under audio/, the manifest replaced by an atomic rename."""

    def __init__(self, root: Path) -> None:
        self.root = root

    def describe(self) -> str:
        return str(self.root)

    def list_audio(self) -> set[str]:
        base = self.root / AUDIO_DIR
        if not base.is_dir():
            return set()
        return {p.relative_to(self.root).as_posix() for p in base.rglob("*.mp3")}

    def read_manifest(self) -> PublishedManifest:
        path = self.root / MANIFEST_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return PublishedManifest(EMPTY_MANIFEST, None)
        stat = path.stat()
        return PublishedManifest(
            loads_manifest(data, source=str(path)), f"{stat.st_mtime_ns}-{stat.st_size}"
        )

    def _atomic_write(self, path: Path, data: bytes, *, durable: bool = True) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
                if durable:
                    file.flush()
                    os.fsync(file.fileno())
            os.chmod(tmp, 0o644)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(tmp)
            raise

    def put_audio(self, key: str, data: bytes, *, duration: float) -> None:
        # No fsync per file (it made builds disk-bound): write_manifest syncs them all at once,
        # before the manifest that references them is published.
        self._atomic_write(self.root / key, data, durable=False)

    def publish_file(self, path: str, data: bytes) -> bool:
        """Write a content file (a deck) unless it is already there, byte for byte."""
        target = self.root / path
        if target.is_file() and target.read_bytes() == data:
            return False
        self._atomic_write(target, data)
        return True

    def audio_duration(self, key: str) -> float:
        return check_alexa_mp3((self.root / key).read_bytes(), where=key)

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None:
        current = self.read_manifest().etag
        if current != expected:
            raise ManifestConflictError(
                f"{self.root / MANIFEST_FILE} changed while this run was building: run it again"
            )
        os.sync()  # every MP3 the manifest references is on disk before the manifest is
        self._atomic_write(self.root / MANIFEST_FILE, manifest.dumps().encode("utf-8"))

    def delete_audio(self, keys: Iterable[str]) -> None:
        for key in keys:
            (self.root / key).unlink(missing_ok=True)


class S3Target:
    """An S3 bucket: content-addressed MP3s under the public prefix, no ACLs ever."""

    def __init__(self, client: S3Client, bucket: str, *, prefix: str = PUBLIC_PREFIX) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self._etags: dict[str, str] = {}  # what the last listing saw, by relative key

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, relative: str) -> str:
        return self.prefix + relative

    def list_audio(self) -> set[str]:
        """One ListObjectsV2 per page of the public prefix, instead of a HEAD per object."""
        self._etags = {}
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                self._etags[item["Key"][len(self.prefix) :]] = item.get("ETag", "")
        return {key for key in self._etags if key.startswith(AUDIO_DIR + "/")}

    def publish_file(self, path: str, data: bytes) -> bool:
        """Upload a content file (a deck) unless the listing saw the same bytes (its MD5 ETag)."""
        digest = '"' + hashlib.md5(data, usedforsecurity=False).hexdigest() + '"'
        if self._etags.get(path) == digest:
            return False
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(path),
            Body=data,
            ContentType="application/json",
            CacheControl=MANIFEST_CACHE_CONTROL,
        )
        self._etags[path] = digest
        return True

    def read_manifest(self) -> PublishedManifest:
        from botocore.exceptions import ClientError

        key = self._key(MANIFEST_FILE)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if exc.response.get("Error", {}).get("Code") in ("NoSuchKey", "404"):
                return PublishedManifest(EMPTY_MANIFEST, None)
            raise PublishError(f"cannot read s3://{self.bucket}/{key}: {exc}") from exc
        body = response["Body"].read()
        return PublishedManifest(
            loads_manifest(body, source=f"s3://{self.bucket}/{key}"), response["ETag"]
        )

    def put_audio(self, key: str, data: bytes, *, duration: float) -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=CONTENT_TYPE,
            CacheControl=CACHE_CONTROL,
            Metadata={"duration": f"{duration:.3f}"},
        )

    def audio_duration(self, key: str) -> float:
        """Duration of an MP3 an earlier, interrupted run uploaded (from its metadata)."""
        head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        try:
            return float(head["Metadata"]["duration"])
        except (KeyError, ValueError):
            body = self.client.get_object(Bucket=self.bucket, Key=self._key(key))["Body"].read()
            return check_alexa_mp3(body, where=key)

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None:
        """Write the manifest only if nobody else did since we read it (S3 conditional write)."""
        from botocore.exceptions import ClientError

        condition = {"IfMatch": expected} if expected else {"IfNoneMatch": "*"}
        try:
            self.client.put_object(
                Bucket=self.bucket,
                Key=self._key(MANIFEST_FILE),
                Body=manifest.dumps().encode("utf-8"),
                ContentType="application/json",
                CacheControl=MANIFEST_CACHE_CONTROL,
                **condition,  # type: ignore[arg-type]
            )
        except ClientError as exc:
            code = exc.response.get("Error", {}).get("Code")
            if code in ("PreconditionFailed", "ConditionalRequestConflict", "412"):
                raise ManifestConflictError(
                    f"s3://{self.bucket}/{self._key(MANIFEST_FILE)} changed while this run was "
                    "building (another run published): run it again"
                ) from exc
            raise PublishError(f"cannot write the manifest: {exc}") from exc

    def delete_audio(self, keys: Iterable[str]) -> None:
        batch: list[Any] = [{"Key": self._key(k)} for k in keys]
        for start in range(0, len(batch), 1000):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True}
            )
