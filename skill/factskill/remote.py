"""Published content: decks and the audio manifest, polled from CONTENT_BASE_URL over HTTPS.

The audio pipeline publishes them next to the audio; a warm container checks them every
CONTENT_REFRESH_SECONDS with a conditional GET (ETag), so a new deck reaches the skill without a
code deploy. No AWS SDK: a public HTTPS GET with a short timeout. Anything unreachable or
invalid keeps the copy in use (at first, the one bundled with the function), logged once.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from factcontent.records import Record

logger = logging.getLogger(__name__)

FETCH_TIMEOUT_SECONDS = 1.0
MAX_CONTENT_BYTES = 2 * 1024 * 1024


class RemoteError(Exception):
    """A published file could not be fetched."""


class Fetched(Record):
    """A conditional GET's answer: `body` is None when the file is unchanged (304)."""

    body: bytes | None
    etag: str | None


Fetch = Callable[[str, "str | None"], Fetched]


def https_fetch(url: str, etag: str | None) -> Fetched:
    """GET `url`, conditional on `etag`; raise RemoteError on anything but 200 or 304."""
    # Imported here: urllib.request pulls in http.client, ssl and email, ~30 ms of cold start.
    import urllib.error
    import urllib.request

    if not url.lower().startswith(("https://", "http://")):
        raise RemoteError(f"{url}: only http(s) URLs are fetched")
    headers = {"If-None-Match": etag} if etag else {}
    request = urllib.request.Request(url, headers=headers)  # noqa: S310 - scheme checked above
    try:
        # The base URL is https (or, for local development, http) per Settings: never file:.
        with urllib.request.urlopen(request, timeout=FETCH_TIMEOUT_SECONDS) as response:  # noqa: S310
            body = response.read(MAX_CONTENT_BYTES + 1)
            if len(body) > MAX_CONTENT_BYTES:
                raise RemoteError(f"{url} is larger than {MAX_CONTENT_BYTES} bytes")
            return Fetched(body, response.headers.get("ETag"))
    except urllib.error.HTTPError as exc:
        if exc.code == 304:
            return Fetched(None, etag)
        raise RemoteError(f"{url}: HTTP {exc.code}") from exc
    except (OSError, ValueError) as exc:  # URLError, timeouts, connection resets
        raise RemoteError(f"{url}: {exc}") from exc


class PublishedFile:
    """One published file: its last ETag, and whether it is failing (to log once)."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.etag: str | None = None
        self.failing = False

    def fetch(self, fetch: Fetch) -> bytes | None:
        """Return the new body, or None when unchanged or unreachable (logged once)."""
        try:
            fetched = fetch(self.url, self.etag)
        except RemoteError as exc:
            self.fail(str(exc))
            return None
        if fetched.body is None:
            self.recover()
            return None
        self.etag = fetched.etag
        return fetched.body

    def fail(self, reason: str) -> None:
        if not self.failing:
            logger.warning("published content unusable, keeping the copy in use: %s", reason)
        self.failing = True

    def recover(self) -> None:
        if self.failing:
            logger.info("published content reachable again: %s", self.url)
        self.failing = False

    def reject(self, reason: str) -> None:
        """The body arrived but is invalid: forget its ETag so a fixed copy is fetched."""
        self.etag = None
        self.fail(reason)


class PublishedContent:
    """The published files under one base URL, checked at most every `interval` seconds."""

    def __init__(
        self,
        base_url: str,
        interval: float,
        *,
        fetch: Fetch = https_fetch,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.interval = interval
        self.fetch = fetch
        self.clock = clock
        self._next_check = float("-inf")
        self._files: dict[str, PublishedFile] = {}

    def due(self) -> bool:
        """True when a check is due; the next one is then scheduled `interval` from now."""
        now = self.clock()
        if now < self._next_check:
            return False
        self._next_check = now + self.interval
        return True

    def file(self, path: str) -> PublishedFile:
        if path not in self._files:
            self._files[path] = PublishedFile(self.base_url + path)
        return self._files[path]
