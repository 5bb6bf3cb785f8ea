"""Keep the local stack's audio between runs: the bucket lives in memory, the clips on disk.

Before the pipeline runs, what an earlier run built is uploaded into the fresh local bucket, so
the pipeline finds it there and rebuilds only what changed; afterwards, what it added is copied
back. With nothing changed, `make serve` is ready in seconds instead of re-synthesizing.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from factcontent.layout import AUDIO_DIR, DECKS_DIR, GENERATIONS_DIR, MANIFEST_FILE, PUBLIC_PREFIX

logger = logging.getLogger(__name__)

CONTENT_TYPES = {
    ".mp3": "audio/mpeg",
    ".json": "application/json",
    ".vtt": "text/vtt; charset=utf-8",  # a clip's captions
}
# What a generation consists of: its clips, its decks and its lineage, all content-addressed, and
# the manifest that names them (restoring the manifest without its decks would publish a
# generation whose decks are missing).
KEPT = (AUDIO_DIR + "/", DECKS_DIR + "/", GENERATIONS_DIR + "/")


def _kept(relative: str) -> bool:
    return relative.startswith(KEPT) or relative == MANIFEST_FILE


def _keys(s3: Any, bucket: str) -> dict[str, str]:
    """Every key under the public prefix, with its ETag."""
    keys: dict[str, str] = {}
    for page in s3.get_paginator("list_objects_v2").paginate(Bucket=bucket, Prefix=PUBLIC_PREFIX):
        for item in page.get("Contents", []):
            keys[item["Key"]] = item["ETag"]
    return keys


def restore(s3: Any, bucket: str, cache: Path) -> int:
    """Upload the cached clips and manifest into `bucket`; return how many files."""
    count = 0
    for path in sorted(cache.rglob("*")):
        if not path.is_file() or path.suffix not in CONTENT_TYPES:
            continue
        relative = path.relative_to(cache).as_posix()
        if not _kept(relative):
            continue
        s3.put_object(
            Bucket=bucket,
            Key=PUBLIC_PREFIX + relative,
            Body=path.read_bytes(),
            ContentType=CONTENT_TYPES[path.suffix],
        )
        count += 1
    return count


def save(s3: Any, bucket: str, cache: Path) -> int:
    """Copy the bucket's clips and manifest that the cache lacks (or has older) into `cache`."""
    count = 0
    for key in _keys(s3, bucket):
        relative = key.removeprefix(PUBLIC_PREFIX)
        if not _kept(relative):
            continue
        target = cache / relative
        if target.exists() and relative != MANIFEST_FILE:
            continue  # clips are content-addressed: a cached one never changes
        target.parent.mkdir(parents=True, exist_ok=True)
        body = s3.get_object(Bucket=bucket, Key=key)["Body"].read()
        partial = target.with_suffix(target.suffix + ".part")
        partial.write_bytes(body)
        partial.replace(target)
        count += 1
    return count
