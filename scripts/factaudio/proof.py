"""Proof after an S3 publish: anonymous HTTPS GETs of the manifest and of one clip.

moto checks no bucket policy, and account-level S3 Block Public Access silently turns a public
bucket policy off: only a GET without credentials, from outside, proves listeners can play the
audio. A failure says what to change.
"""

from __future__ import annotations

import logging
import urllib.error
import urllib.request

from factaudio.exceptions import PipelineError
from factcontent.layout import MANIFEST_FILE
from factcontent.manifest import Manifest

logger = logging.getLogger(__name__)

TIMEOUT_SECONDS = 10.0
HINT = (
    "the bucket is not publicly readable: check the bucket policy (template.yaml, "
    "AudioBucketPolicy) and S3 Block Public Access on the bucket and on the account "
    "(aws s3control get-public-access-block --account-id ...), or pass --public-url for a CDN"
)


def public_base(*, bucket: str, prefix: str, region: str | None, endpoint: str | None) -> str:
    """Where anyone reads the prefix: the endpoint's path-style URL, else the bucket's
    virtual-hosted HTTPS address in its region."""
    if endpoint:
        return f"{endpoint.rstrip('/')}/{bucket}/{prefix}"
    return f"https://{bucket}.s3.{region or 'us-east-1'}.amazonaws.com/{prefix}"


def get(url: str) -> bytes:
    """GET `url` with no credentials; raise PipelineError saying what to change."""
    request = urllib.request.Request(url, headers={"User-Agent": "serverless-facts-proof"})  # noqa: S310 - our own https/http URL
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            body: bytes = response.read()
    except urllib.error.HTTPError as exc:
        raise PipelineError(f"published, but GET {url} answered HTTP {exc.code}: {HINT}") from exc
    except (OSError, ValueError) as exc:
        raise PipelineError(f"published, but GET {url} failed ({exc}): {HINT}") from exc
    if not body:
        raise PipelineError(f"published, but GET {url} returned nothing: {HINT}")
    return body


def prove_public(base: str, manifest: Manifest) -> list[str]:
    """GET the manifest and one clip anonymously; return the URLs that answered."""
    urls = [base.rstrip("/") + "/" + MANIFEST_FILE]
    clips = sorted(e.key for entries in manifest.locales.values() for e in entries.values())
    if clips:
        urls.append(base.rstrip("/") + "/" + clips[0])
    for url in urls:
        get(url)
        logger.info("publicly readable: %s", url)
    return urls
