"""Published content: the audio manifest and the decks it names, polled from CONTENT_BASE_URL.

The audio pipeline publishes a generation (manifest format 2): content-addressed decks, then the
manifest that names them, its one commit point. A warm container checks the manifest every
CONTENT_REFRESH_SECONDS with a conditional GET (ETag) and fetches only the deck of the language
being asked for, when the manifest names another one than the deck in use; so a new deck reaches
the skill without a code deploy. No AWS SDK: a public HTTPS GET, all of it (DNS, connect, TLS,
body) within one deadline per check, and no redirect followed. Anything unreachable, late or
invalid keeps the copy in use (at first, the one bundled with the function), logged once.
"""

from __future__ import annotations

import contextlib
import functools
import json
import logging
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING
from urllib.parse import SplitResult, urlsplit

from factcontent.deck import Deck, parse_deck
from factcontent.exceptions import ContentError, DeckError
from factcontent.layout import MANIFEST_FILE
from factcontent.locales import locales_of
from factcontent.manifest import DeckRef, Manifest, loads_manifest
from factcontent.records import Record

if TYPE_CHECKING:
    import http.client
    import socket
    import ssl

logger = logging.getLogger(__name__)

# One check (the manifest, and maybe one deck) must end well inside a request: Alexa waits 8 s,
# the function times out after 7 s.
REFRESH_DEADLINE_SECONDS = 1.0
MAX_CONTENT_BYTES = 2 * 1024 * 1024
READ_CHUNK_BYTES = 64 * 1024
USER_AGENT = "serverless-facts-skill"


class RemoteError(Exception):
    """A published file could not be fetched."""


class Fetched(Record):
    """A conditional GET's answer: `body` is None when the file is unchanged (304)."""

    body: bytes | None
    etag: str | None


# fetch(url, etag, timeout): the whole GET within `timeout` seconds; RemoteError otherwise.
Fetch = Callable[[str, "str | None", float], Fetched]


@functools.cache
def tls_context() -> ssl.SSLContext:
    """Return the TLS settings of every fetch (verified, system CAs), made once: ~35 ms each."""
    import ssl

    return ssl.create_default_context()


def https_fetch(url: str, etag: str | None, timeout: float = REFRESH_DEADLINE_SECONDS) -> Fetched:
    """GET `url`, conditional on `etag`, DNS to last byte within `timeout` seconds.

    Raise RemoteError on anything but 200 or 304: redirects (never followed), a body larger than
    MAX_CONTENT_BYTES, a late answer. The GET runs in a daemon thread the caller waits for at
    most `timeout`: getaddrinfo ignores timeouts, and a trickling server defeats per-read ones.
    """
    # Imported here: http.client pulls in ssl and email, ~30 ms of cold start.
    import http.client  # noqa: F401 - loaded before the worker starts, not inside it

    parts = urlsplit(url)
    if parts.scheme not in ("https", "http") or not parts.hostname:
        raise RemoteError(f"{url}: only http(s) URLs are fetched")
    exchange = _Exchange(url, parts, etag, time.monotonic() + timeout)
    worker = threading.Thread(target=exchange.run, name="content-fetch", daemon=True)
    worker.start()
    worker.join(timeout)
    if exchange.result is None:
        exchange.cancel()
        raise RemoteError(f"{url}: timed out (no complete answer within {timeout:.2f} s)")
    if isinstance(exchange.result, RemoteError):
        raise exchange.result
    return exchange.result


class _Exchange:
    """One GET, run by a worker thread; every socket read is bounded by what is left."""

    def __init__(self, url: str, parts: SplitResult, etag: str | None, deadline: float) -> None:
        self.url = url
        self.parts = parts
        self.etag = etag
        self.deadline = deadline
        self.result: Fetched | RemoteError | None = None
        self.sock: socket.socket | None = None
        self.cancelled = False

    def run(self) -> None:
        import http.client

        try:
            self.result = self._get()
        except RemoteError as exc:
            self.result = exc
        except (OSError, http.client.HTTPException, ValueError) as exc:  # timeouts, resets, TLS
            self.result = _failure(f"{self.url}: {str(exc) or type(exc).__name__}", exc)
        except Exception as exc:  # an answer for the caller, never a traceback on stderr
            self.result = _failure(f"{self.url}: {type(exc).__name__}: {exc}", exc)

    def cancel(self) -> None:
        """Give up: shut the socket so the worker's pending read ends now."""
        self.cancelled = True
        sock = self.sock
        if sock is not None:
            import socket

            with contextlib.suppress(OSError):  # already closed by the worker
                sock.shutdown(socket.SHUT_RDWR)

    def _remaining(self) -> float:
        remaining = self.deadline - time.monotonic()
        if remaining <= 0 or self.cancelled:
            raise RemoteError(f"{self.url}: timed out (deadline passed)")
        return remaining

    def _get(self) -> Fetched:
        connection = self._connection()
        try:
            connection.connect()  # DNS, TCP and TLS
            self.sock = connection.sock
            self._remaining()  # cancel() may have run while there was no socket to shut
            headers = {"User-Agent": USER_AGENT, "Accept-Encoding": "identity"}
            if self.etag:
                headers["If-None-Match"] = self.etag
            target = self.parts.path or "/"
            target += f"?{self.parts.query}" if self.parts.query else ""
            connection.request("GET", target, headers=headers)
            self._bound_reads()
            response = connection.getresponse()
            try:
                return self._answer(response)
            finally:
                response.close()
        finally:
            connection.close()

    def _connection(self) -> http.client.HTTPConnection:
        import http.client

        host, port, timeout = self.parts.hostname or "", self.parts.port, self._remaining()
        if self.parts.scheme == "https":
            return http.client.HTTPSConnection(host, port, timeout=timeout, context=tls_context())
        return http.client.HTTPConnection(host, port, timeout=timeout)

    def _bound_reads(self) -> None:
        if self.sock is not None:
            self.sock.settimeout(self._remaining())

    def _answer(self, response: http.client.HTTPResponse) -> Fetched:
        status = response.status
        if status == 304:
            return Fetched(None, self.etag)
        if 300 <= status < 400:
            raise RemoteError(
                f"{self.url}: HTTP {status} redirect to {response.getheader('Location')!r} not "
                "followed: published content is read from CONTENT_BASE_URL itself"
            )
        if status != 200:
            raise RemoteError(f"{self.url}: HTTP {status}")
        if response.length is not None and response.length > MAX_CONTENT_BYTES:
            raise RemoteError(f"{self.url} is larger than {MAX_CONTENT_BYTES} bytes")
        return Fetched(self._body(response), response.getheader("ETag"))

    def _body(self, response: http.client.HTTPResponse) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            self._bound_reads()
            chunk = response.read1(READ_CHUNK_BYTES)
            if not chunk:
                return b"".join(chunks)
            size += len(chunk)
            if size > MAX_CONTENT_BYTES:
                raise RemoteError(f"{self.url} is larger than {MAX_CONTENT_BYTES} bytes")
            chunks.append(chunk)


def _failure(message: str, cause: Exception) -> RemoteError:
    error = RemoteError(message)
    error.__cause__ = cause
    return error


def rejection(source: str, exc: Exception) -> str:
    """Say why a fetched file from `source` cannot be used (ContentError names it already)."""
    if isinstance(exc, ContentError):
        return str(exc)
    if isinstance(exc, ValueError):
        return f"{source}: not valid JSON ({exc})"
    return f"{source}: unreadable ({type(exc).__name__}: {exc})"


def parse_published_deck(body: bytes, ref: DeckRef, *, language: str, source: str) -> Deck:
    """Check `body` is the deck `ref` names (size, SHA-256), then parse it as `language`'s."""
    import hashlib  # on first use: loading OpenSSL costs ~3 ms of cold start

    if len(body) != ref.size:
        raise DeckError(f"{source}: {len(body)} bytes, the manifest names {ref.size}: not adopted")
    digest = hashlib.sha256(body).hexdigest()
    if digest != ref.sha256:
        raise DeckError(
            f"{source}: SHA-256 {digest} is not the manifest's {ref.sha256}: not adopted, "
            "publish the deck again"
        )
    locales = locales_of(language)
    deck = parse_deck(json.loads(body), source=source, locales=locales)
    if deck.language != language:
        raise DeckError(f"{source}: is a deck of {deck.language!r}, named for {language!r}")
    return deck


class PublishedFile:
    """One published file: its last ETag, and whether it is failing (to log once)."""

    def __init__(self, url: str, *, conditional: bool = True) -> None:
        self.url = url
        self.conditional = conditional  # decks are immutable: fetched whole, never revalidated
        self.etag: str | None = None
        self.failing = False

    def fetch(self, fetch: Fetch, timeout: float) -> bytes | None:
        """Return the new body, or None when unchanged or unreachable (logged once)."""
        try:
            fetched = fetch(self.url, self.etag, timeout)
        except RemoteError as exc:
            self.fail(str(exc))
            return None
        if fetched.body is None:
            self.recover()
            return None
        if self.conditional:
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


class Generation(Record):
    """What a language adopts: the newest published manifest, and the deck it names, if new."""

    manifest: Manifest
    deck: Deck | None = None
    deck_key: str | None = None


class PublishedContent:
    """The published files under one base URL; the manifest checked at most every `interval` s.

    Not thread-safe: the caller lets one request at a time check (the others answer from the
    content in use instead of waiting for the network). `clock` schedules the checks and
    measures each one's deadline; `fetch` is given what is left of it.
    """

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
        self.manifest: Manifest | None = None  # the newest valid one fetched, adopted or not
        self._next_check = float("-inf")
        self._files: dict[str, PublishedFile] = {}
        self._tried: set[str] = set()  # deck keys asked for since the last manifest check
        base = urlsplit(self.base_url)
        self._origin = (base.scheme, base.netloc)

    def due(self) -> bool:
        """True when a check is due; the next one is then scheduled `interval` from now."""
        now = self.clock()
        if now < self._next_check:
            return False
        self._next_check = now + self.interval
        return True

    def file(self, path: str, *, conditional: bool = True) -> PublishedFile:
        if path not in self._files:
            self._files[path] = PublishedFile(self.base_url + path, conditional=conditional)
        return self._files[path]

    def check(
        self, language: str, *, deck_key: str | None, in_use: Manifest | None
    ) -> Generation | None:
        """Return what `language` should adopt, or None to keep `in_use` and its deck.

        A new manifest is adopted with the deck it names for `language` or not at all; it
        waits (ETag kept) until that deck can be had. A deck that failed is tried again after
        the next manifest check.
        """
        deadline = self.clock() + REFRESH_DEADLINE_SECONDS
        if self.due():
            self._tried.clear()
            self._refresh_manifest(deadline)
        latest = self.manifest
        if latest is None:
            return None
        ref = latest.decks.get(language)
        if ref is None or ref.key == deck_key:
            return None if latest is in_use else Generation(latest)
        deck = self._deck(ref, language, deadline)
        return None if deck is None else Generation(latest, deck, ref.key)

    def _get(self, file: PublishedFile, deadline: float) -> bytes | None:
        remaining = deadline - self.clock()
        if remaining <= 0:
            return None  # the check's time is spent: tried at the next request
        parts = urlsplit(file.url)
        if (parts.scheme, parts.netloc) != self._origin or parts.query or parts.fragment:
            file.reject(f"{file.url}: not under CONTENT_BASE_URL {self.base_url}")
            return None
        return file.fetch(self.fetch, remaining)

    def _refresh_manifest(self, deadline: float) -> None:
        file = self.file(MANIFEST_FILE)
        body = self._get(file, deadline)
        if body is None:
            return
        try:
            self.manifest = loads_manifest(body, source=file.url)
        except Exception as exc:  # any parse failure (RecursionError too) rejects the file
            file.reject(rejection(file.url, exc))
            return
        file.recover()

    def _deck(self, ref: DeckRef, language: str, deadline: float) -> Deck | None:
        if ref.key in self._tried or deadline <= self.clock():
            return None  # failed since the last manifest check, or no time left for it
        self._tried.add(ref.key)  # once adopted, it is the deck in use: never asked for again
        file = self.file(ref.key, conditional=False)
        body = self._get(file, deadline)
        if body is None:
            return None
        try:
            deck = parse_published_deck(body, ref, language=language, source=file.url)
        except Exception as exc:  # any parse failure (RecursionError too) rejects the file
            file.reject(rejection(file.url, exc))
            return None
        file.recover()
        del self._files[ref.key]  # adopted: never fetched again, nothing left to log once
        return deck
