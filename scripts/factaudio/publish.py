"""Publishing targets: an S3 bucket (or S3-compatible server) and a local directory.

Both hold the same layout under their public root: ``audio/<locale>/<hash>.mp3``,
``decks/<language>/<hash>.json`` (content-addressed, never rewritten), ``generations/<id>.json``
(a copy of each manifest) and ``audio-manifest.json``, the one commit point, always written last
and only conditionally (S3: If-Match / If-None-Match; a directory: under an exclusive lock).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from factaudio.constants import (
    CACHE_CONTROL,
    CONTENT_TYPE,
    MANIFEST_CACHE_CONTROL,
)
from factaudio.exceptions import ManifestConflictError, PublishError
from factaudio.plan import StoredObject
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
    """Where audio, decks and the manifest go."""

    def describe(self) -> str: ...

    def list_objects(self) -> dict[str, StoredObject]:
        """Every object under the public root, by relative key."""
        ...

    def list_audio(self) -> set[str]: ...

    def read_manifest(self) -> PublishedManifest: ...

    def read_file(self, key: str) -> bytes | None:
        """An object's bytes, or None when there is none."""
        ...

    def put_audio(self, key: str, data: bytes, *, duration: float) -> None: ...

    def put_file(self, key: str, data: bytes, *, content_type: str = "application/json") -> None:
        """Write an immutable object (a deck, a generation: JSON; captions: WebVTT)."""
        ...

    def touch(self, key: str) -> bool:
        """Make an object young again (a resumed clip: a prune's grace period now covers it);
        False when it is gone (a concurrent prune deleted it): the caller makes it again."""
        ...

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None: ...

    def delete(self, keys: Iterable[str], *, older_than: float | None = None) -> int:
        """Delete `keys` and say how many; with `older_than` (seconds since the epoch), only
        those not written or touched since, where the target can tell at the moment of deleting."""
        ...

    def public_url(self, key: str) -> str | None:
        """Where anyone can GET `key` without credentials, if the target is public."""
        ...


def md5_hex(data: bytes) -> str:
    return hashlib.md5(data, usedforsecurity=False).hexdigest()


class DirectoryTarget:
    """A directory: objects under the root, the manifest replaced by an atomic rename under an
    exclusive lock (flock), so that two runs never both pass the check before either renames."""

    LOCK_FILE = ".publish.lock"

    def __init__(self, root: Path) -> None:
        self.root = root
        # A run lists the directory up to three times (plan, proof, prune): each file is read
        # and hashed once while its size and mtime stay the same.
        self._digests: dict[tuple[str, int, int], str] = {}

    def describe(self) -> str:
        return str(self.root)

    def list_objects(self) -> dict[str, StoredObject]:
        if not self.root.is_dir():
            return {}
        found = {}
        for path in self.root.rglob("*"):
            relative = path.relative_to(self.root).as_posix()
            if relative.startswith(".") or "/." in relative or not path.is_file():
                continue
            stat = path.stat()
            seen = (relative, stat.st_size, stat.st_mtime_ns)
            if seen not in self._digests:
                self._digests[seen] = md5_hex(path.read_bytes())
            found[relative] = StoredObject(stat.st_size, self._digests[seen], stat.st_mtime)
        return found

    def list_audio(self) -> set[str]:
        return {key for key in self.list_objects() if key.startswith(AUDIO_DIR + "/")}

    def read_manifest(self) -> PublishedManifest:
        path = self.root / MANIFEST_FILE
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            return PublishedManifest(EMPTY_MANIFEST, None)
        return PublishedManifest(loads_manifest(data, source=str(path)), md5_hex(data))

    def read_file(self, key: str) -> bytes | None:
        try:
            return (self.root / key).read_bytes()
        except (FileNotFoundError, IsADirectoryError):
            return None

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

    def put_file(self, key: str, data: bytes, *, content_type: str = "application/json") -> None:
        self._atomic_write(self.root / key, data, durable=False)

    def touch(self, key: str) -> bool:
        try:
            os.utime(self.root / key)
        except FileNotFoundError:
            return False
        return True

    @contextlib.contextmanager
    def locked(self) -> Iterator[None]:
        """Hold the publication lock (the manifest's check-sync-rename, a prune's deletes)."""
        import fcntl

        self.root.mkdir(parents=True, exist_ok=True)
        with open(self.root / self.LOCK_FILE, "a+b") as lock:
            fcntl.flock(lock.fileno(), fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(lock.fileno(), fcntl.LOCK_UN)

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None:
        with self.locked():
            current = self.read_manifest().etag
            if current != expected:
                raise ManifestConflictError(
                    f"{self.root / MANIFEST_FILE} changed while this run was building: run it again"
                )
            named = manifest.keys()  # a Manifest's objects, not a mapping's keys
            gone = sorted(key for key in named if not (self.root / key).is_file())
            if gone:  # deleted since this run listed them: publishing would break what is live
                raise PublishError(
                    f"{len(gone)} objects the new manifest names are gone ({', '.join(gone[:3])}): "
                    "nothing published; run again to make them"
                )
            os.sync()  # every file the manifest references is on disk before the manifest is
            self._atomic_write(self.root / MANIFEST_FILE, manifest.dumps().encode("utf-8"))

    def delete(self, keys: Iterable[str], *, older_than: float | None = None) -> int:
        # Under the lock, each file's age is read again: a concurrent build that adopted
        # (touched) it after prune listed it keeps it.
        deleted = 0
        with self.locked():
            for key in keys:
                path = self.root / key
                try:
                    if older_than is not None and path.stat().st_mtime >= older_than:
                        continue
                    path.unlink()
                except FileNotFoundError:
                    continue
                deleted += 1
        return deleted

    def public_url(self, key: str) -> str | None:
        return None


class S3Target:
    """An S3 bucket: content-addressed MP3s under the public prefix, no ACLs ever."""

    def __init__(self, client: S3Client, bucket: str, *, prefix: str = PUBLIC_PREFIX) -> None:
        self.client = client
        self.bucket = bucket
        self.prefix = prefix
        self.public_base: str | None = None  # where anyone reads the prefix (set by the CLI)

    def describe(self) -> str:
        return f"s3://{self.bucket}/{self.prefix}"

    def _key(self, relative: str) -> str:
        return self.prefix + relative

    def list_objects(self) -> dict[str, StoredObject]:
        """One ListObjectsV2 per page of the public prefix, instead of a HEAD per object."""
        found = {}
        paginator = self.client.get_paginator("list_objects_v2")
        for page in paginator.paginate(Bucket=self.bucket, Prefix=self.prefix):
            for item in page.get("Contents", []):
                etag = item.get("ETag", "").strip('"')
                md5 = etag if len(etag) == 32 else None  # a multipart ETag is no MD5
                found[item["Key"][len(self.prefix) :]] = StoredObject(
                    item.get("Size", 0), md5, item["LastModified"].timestamp()
                )
        return found

    def list_audio(self) -> set[str]:
        return {key for key in self.list_objects() if key.startswith(AUDIO_DIR + "/")}

    def _absent(self, exc: Exception, key: str) -> bool:
        """True when a failed GET means the object does not exist. S3 answers 403, not 404, for a
        missing key to a caller that may not list the whole bucket (the publisher policy lists
        only the public prefix): a listing of that one key then tells."""
        code = getattr(exc, "response", {}).get("Error", {}).get("Code")
        if code in ("NoSuchKey", "404"):
            return True
        if code not in ("AccessDenied", "403"):
            return False
        listed = self.client.list_objects_v2(Bucket=self.bucket, Prefix=key, MaxKeys=1)
        return not any(item["Key"] == key for item in listed.get("Contents", []))

    def read_file(self, key: str) -> bytes | None:
        from botocore.exceptions import ClientError

        try:
            response = self.client.get_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if self._absent(exc, self._key(key)):
                return None
            raise PublishError(f"cannot read s3://{self.bucket}/{self._key(key)}: {exc}") from exc
        body: bytes = response["Body"].read()
        return body

    def put_file(self, key: str, data: bytes, *, content_type: str = "application/json") -> None:
        self.client.put_object(
            Bucket=self.bucket,
            Key=self._key(key),
            Body=data,
            ContentType=content_type,
            CacheControl=CACHE_CONTROL,  # content-addressed: never changes
        )

    def touch(self, key: str) -> bool:
        """Copy the object onto itself: S3 gives it a new LastModified (same bytes, same type)."""
        from botocore.exceptions import ClientError

        try:
            head = self.client.head_object(Bucket=self.bucket, Key=self._key(key))
        except ClientError as exc:
            if self._absent(exc, self._key(key)):
                return False
            raise PublishError(f"cannot touch s3://{self.bucket}/{self._key(key)}: {exc}") from exc
        self.client.copy_object(
            Bucket=self.bucket,
            Key=self._key(key),
            CopySource={"Bucket": self.bucket, "Key": self._key(key)},
            MetadataDirective="REPLACE",
            ContentType=head.get("ContentType", CONTENT_TYPE),
            CacheControl=head.get("CacheControl", CACHE_CONTROL),
            Metadata=head.get("Metadata", {}),
        )
        return True

    def public_url(self, key: str) -> str | None:
        return None if self.public_base is None else self.public_base.rstrip("/") + "/" + key

    def read_manifest(self) -> PublishedManifest:
        from botocore.exceptions import ClientError

        key = self._key(MANIFEST_FILE)
        try:
            response = self.client.get_object(Bucket=self.bucket, Key=key)
        except ClientError as exc:
            if self._absent(exc, key):
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

    def delete(self, keys: Iterable[str], *, older_than: float | None = None) -> int:
        # S3 cannot delete on a condition of age: prune's grace period (far longer than a run)
        # is what keeps a concurrent build's objects; a clip adopted meanwhile is made again.
        batch: list[Any] = [{"Key": self._key(k)} for k in keys]
        for start in range(0, len(batch), 1000):
            self.client.delete_objects(
                Bucket=self.bucket, Delete={"Objects": batch[start : start + 1000], "Quiet": True}
            )
        return len(batch)
