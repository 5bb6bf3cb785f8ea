"""Content updates without a deploy: the skill adopts newly published decks and manifests."""

from __future__ import annotations

import copy
import hashlib
import json
import logging
import socket
import threading
import time
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from factskill.config import Settings
from factskill.content import ContentStore
from factskill.remote import FETCH_TIMEOUT_SECONDS, Fetched, RemoteError, https_fetch
from factskill.wiring import build_handler
from tests.conftest import ASSETS_DIR, load_event
from tests.support import ssml_of, text_of

EN_DECK = json.loads((ASSETS_DIR / "decks" / "en.json").read_text())


def new_deck(text: str) -> dict[str, Any]:
    """The English deck with every fact saying `text` (so any pick proves the update)."""
    deck = copy.deepcopy(EN_DECK)
    for fact in deck["facts"]:
        fact["text"] = text
    return deck


class Bucket:
    """A fake public bucket: files by path, ETags, and a switch to make it unreachable."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.down = False
        self.requests: list[tuple[str, str | None]] = []

    def put(self, path: str, data: object) -> None:
        self.files[path] = data if isinstance(data, bytes) else json.dumps(data).encode()

    def etag(self, path: str) -> str:
        return '"' + hashlib.md5(self.files[path]).hexdigest() + '"'  # like S3's ETag

    def fetch(self, url: str, etag: str | None) -> Fetched:
        path = url.split("/public/", 1)[1]
        self.requests.append((path, etag))
        if self.down:
            raise RemoteError(f"{url}: timed out")
        if path not in self.files:
            raise RemoteError(f"{url}: HTTP 403")
        if etag == self.etag(path):
            return Fetched(None, etag)
        return Fetched(self.files[path], self.etag(path))


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def bucket() -> Bucket:
    return Bucket()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def store(bucket: Bucket, clock: Clock) -> ContentStore:
    settings = Settings(
        content_base_url="https://b.s3.eu-west-1.amazonaws.com/public/",
        content_refresh_seconds=300,
        content_dir=str(ASSETS_DIR),
    )
    return ContentStore(settings, fetch=bucket.fetch, clock=clock)


def said(store: ContentStore) -> str:
    return text_of(ssml_of(build_handler(store, skill_id=None)(load_event("launch"), None)))


def test_without_published_content_the_bundled_deck_answers(
    store: ContentStore, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert "Welcome" in said(store)
        assert "Welcome" in said(store)
    assert caplog.text.count("published content unusable") == 2  # manifest and deck, once each


def test_new_deck_is_adopted_within_the_refresh_interval(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    assert "Welcome" in said(store)
    bucket.put("decks/en.json", new_deck("Freshly published fact."))
    clock.now += 299
    assert "Freshly published fact." not in said(store)  # not due yet: no request at all
    requests = len(bucket.requests)
    assert "Freshly published fact." not in said(store) and len(bucket.requests) == requests
    clock.now += 1
    assert "Freshly published fact." in said(store)


def test_unchanged_content_is_revalidated_with_etags(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    bucket.put("decks/en.json", new_deck("Published once."))
    said(store)
    clock.now += 300
    said(store)
    deck_requests = [etag for path, etag in bucket.requests if path == "decks/en.json"]
    assert deck_requests == [None, bucket.etag("decks/en.json")]
    assert "Published once." in said(store)


@pytest.mark.parametrize(
    "body",
    [
        b"{not json",
        json.dumps({**EN_DECK, "facts": [{"id": "x", "topic": "nope", "text": "t"}]}).encode(),
        json.dumps({**EN_DECK, "language": "de"}).encode(),
    ],
)
def test_invalid_published_deck_keeps_the_copy_in_use_and_logs_once(
    store: ContentStore, bucket: Bucket, clock: Clock, body: bytes, caplog: pytest.LogCaptureFixture
) -> None:
    bucket.put("decks/en.json", new_deck("Good version."))
    assert "Good version." in said(store)
    bucket.put("decks/en.json", body)
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        for _ in range(3):
            clock.now += 300
            speech = said(store)
            assert "Good version." in speech and "problem" not in speech.lower()
    assert caplog.text.count("decks/en.json") == 1


def test_unreachable_bucket_keeps_the_copy_in_use_and_logs_once(
    store: ContentStore, bucket: Bucket, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    bucket.put("decks/en.json", new_deck("Published before the outage."))
    bucket.put("audio-manifest.json", {"format": 1, "locales": {}})
    said(store)
    bucket.down = True
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        for _ in range(3):
            clock.now += 300
            assert "Published before the outage." in said(store)
    assert caplog.text.count("timed out") == 2  # the manifest and the deck, once each
    bucket.down = False
    bucket.put("decks/en.json", new_deck("After the outage."))
    clock.now += 300
    assert "After the outage." in said(store)


def test_new_manifest_is_adopted_and_never_plays_stale_audio(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    from factcontent.manifest import text_digest

    deck = new_deck("Audio fact.")
    entry = {
        "key": "https://cdn.example.test/a.mp3",
        "duration": 2.0,
        "text_sha256": text_digest("Audio fact."),
    }
    manifest = {"format": 1, "locales": {"en-US": {f["id"]: entry for f in deck["facts"]}}}
    bucket.put("audio-manifest.json", manifest)
    said(store)  # bundled deck: the manifest's hashes do not match it
    assert store.for_locale("en-US").audio == {}
    bucket.put("decks/en.json", deck)
    clock.now += 300
    ssml = ssml_of(build_handler(store, skill_id=None)(load_event("launch"), None))
    assert '<audio src="https://cdn.example.test/a.mp3"/>' in ssml


def test_other_languages_keep_their_bundled_decks(store: ContentStore, bucket: Bucket) -> None:
    bucket.put("decks/en.json", new_deck("English only."))
    assert store.for_locale("de-DE").deck.facts[0].text != "English only."
    assert store.for_locale("en-GB").deck.facts[0].text == "English only."


# --- the real fetcher, against an HTTP server on loopback ---


class _Handler(BaseHTTPRequestHandler):
    files: dict[str, bytes] = {}  # noqa: RUF012 - set by each test

    def do_GET(self) -> None:
        body = self.files.get(self.path)
        if body is None:
            self.send_response(404)
            self.end_headers()
            return
        etag = '"' + hashlib.sha256(body).hexdigest()[:16] + '"'
        if self.headers.get("If-None-Match") == etag:
            self.send_response(304)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("ETag", etag)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()
    httpd.server_close()


def test_https_fetch_does_conditional_gets(server: str) -> None:
    _Handler.files = {"/public/decks/en.json": b'{"x": 1}'}
    first = https_fetch(server + "/public/decks/en.json", None)
    assert first.body == b'{"x": 1}' and first.etag
    assert https_fetch(server + "/public/decks/en.json", first.etag) == Fetched(None, first.etag)
    with pytest.raises(RemoteError, match="HTTP 404"):
        https_fetch(server + "/public/missing.json", None)
    with pytest.raises(RemoteError, match="only http"):
        https_fetch("file:///etc/passwd", None)


def test_https_fetch_refused_connection_is_a_remote_error() -> None:
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]  # nothing listens here once the socket is closed
    with pytest.raises(RemoteError, match="refused"):
        https_fetch(f"http://127.0.0.1:{port}/public/decks/en.json", None)


def test_https_fetch_of_a_silent_server_gives_up_after_its_timeout() -> None:
    """A server that accepts and never answers costs one timeout, then a RemoteError."""
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or writes
        started = time.monotonic()
        with pytest.raises(RemoteError, match="timed out"):
            https_fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/decks/en.json", None)
        elapsed = time.monotonic() - started
    assert FETCH_TIMEOUT_SECONDS <= elapsed < FETCH_TIMEOUT_SECONDS + 2


def test_skill_adopts_deck_from_a_real_server(server: str, monkeypatch: pytest.MonkeyPatch) -> None:
    from factskill import app

    _Handler.files = {"/public/decks/en.json": json.dumps(new_deck("Served over HTTP.")).encode()}
    monkeypatch.setenv("ALLOW_HTTP_AUDIO", "true")
    monkeypatch.setenv("CONTENT_BASE_URL", server + "/public/")
    bundled = (ASSETS_DIR / "decks" / "en.json").read_bytes()
    assert "Served over HTTP." in text_of(ssml_of(app.handler(load_event("launch"), None)))
    assert (ASSETS_DIR / "decks" / "en.json").read_bytes() == bundled  # adopted in memory only
