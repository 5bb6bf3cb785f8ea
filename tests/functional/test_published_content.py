"""Content updates without a deploy: the skill adopts newly published generations.

A generation (manifest format 2) is a manifest naming content-addressed decks; the skill fetches
the manifest and the deck of the language asked for, within one deadline, without a redirect.
"""

from __future__ import annotations

import copy
import datetime as dt
import hashlib
import ipaddress
import json
import logging
import socket
import ssl
import threading
import time
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from factcontent.layout import published_deck_key
from factcontent.manifest import text_digest
from factskill import remote
from factskill.config import Settings
from factskill.content import ContentStore
from factskill.remote import REFRESH_DEADLINE_SECONDS, Fetched, RemoteError, https_fetch
from factskill.wiring import build_handler
from tests.conftest import ASSETS_DIR, load_event
from tests.support import ssml_of, text_of

EN_DECK = json.loads((ASSETS_DIR / "decks" / "en.json").read_text())
DE_DECK = json.loads((ASSETS_DIR / "decks" / "de.json").read_text())
MANIFEST = "audio-manifest.json"
BASE_URL = "https://b.s3.eu-west-1.amazonaws.com/public/"
APOLOGY = "Sorry"


def new_deck(text: str, deck: dict[str, Any] = EN_DECK) -> dict[str, Any]:
    """`deck` (English by default) with every fact saying `text` (so any pick proves the update)."""
    deck = copy.deepcopy(deck)
    for fact in deck["facts"]:
        fact["text"] = text
    return deck


def encode(data: object) -> bytes:
    return data if isinstance(data, bytes) else json.dumps(data).encode()


def generation(
    decks: dict[str, object], *, locales: dict[str, Any] | None = None, **ref: Any
) -> dict[str, bytes]:
    """The files of a generation: each deck under its content-addressed key, and its manifest.

    `ref` overrides fields of every deck's reference (a wrong sha256 or size).
    """
    files: dict[str, bytes] = {}
    refs: dict[str, dict[str, Any]] = {}
    for language, deck in decks.items():
        body = encode(deck)
        digest = hashlib.sha256(body).hexdigest()
        key = published_deck_key(language, digest)
        files[key] = body
        refs[language] = {"key": key, "sha256": digest, "size": len(body), **ref}
    manifest = {"format": 2, "generation": hashlib.sha256(encode(refs)).hexdigest()[:32]}
    files[MANIFEST] = encode({**manifest, "decks": refs, "locales": locales or {}})
    return files


def audio_for(deck: dict[str, Any], locale: str = "en-US") -> dict[str, Any]:
    """Manifest locales giving every fact of `deck` a clip made from its text."""
    return {
        locale: {
            fact["id"]: {
                "key": f"https://cdn.example.test/{fact['id']}.mp3",
                "duration": 2.0,
                "text_sha256": text_digest(fact["text"]),
            }
            for fact in deck["facts"]
        }
    }


class Bucket:
    """A fake public bucket: files by path, ETags, and a switch to make it unreachable."""

    def __init__(self) -> None:
        self.files: dict[str, bytes] = {}
        self.down = False
        self.requests: list[tuple[str, str | None]] = []

    def put(self, path: str, data: object) -> None:
        self.files[path] = encode(data)

    def publish(self, files: dict[str, bytes]) -> None:
        self.files.update(files)

    def etag(self, path: str) -> str:
        return '"' + hashlib.md5(self.files[path]).hexdigest() + '"'  # like S3's ETag

    def fetch(self, url: str, etag: str | None, timeout: float) -> Fetched:
        assert 0 < timeout <= REFRESH_DEADLINE_SECONDS
        path = url.split("/public/", 1)[1]
        self.requests.append((path, etag))
        if self.down:
            raise RemoteError(f"{url}: timed out")
        if path not in self.files:
            raise RemoteError(f"{url}: HTTP 403")
        if etag == self.etag(path):
            return Fetched(None, etag)
        return Fetched(self.files[path], self.etag(path))

    def paths(self) -> list[str]:
        return [path for path, _ in self.requests]


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
        content_base_url=BASE_URL, content_refresh_seconds=300, content_dir=str(ASSETS_DIR)
    )
    return ContentStore(settings, fetch=bucket.fetch, clock=clock)


def respond(store: ContentStore, locale: str = "en-US") -> str:
    return ssml_of(build_handler(store, skill_id=None)(load_event("launch", locale=locale), None))


def said(store: ContentStore, locale: str = "en-US") -> str:
    return text_of(respond(store, locale))


def warnings_naming(caplog: pytest.LogCaptureFixture, text: str) -> int:
    """How many warnings were logged about `text` (one message may name it more than once)."""
    return sum(text in r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING)


# --- the store, with a fake bucket ---


def test_without_published_content_the_bundled_deck_answers(
    store: ContentStore, bucket: Bucket, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        assert "Welcome" in said(store)
        assert "Welcome" in said(store)
    assert warnings_naming(caplog, "published content unusable") == 1
    assert bucket.paths() == [MANIFEST]  # no manifest: no deck is asked for


def test_new_generation_is_adopted_within_the_refresh_interval(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    assert "Welcome" in said(store)
    bucket.publish(generation({"en": new_deck("Freshly published fact.")}))
    clock.now += 299
    assert "Freshly published fact." not in said(store)  # not due yet: no request at all
    requests = len(bucket.requests)
    assert "Freshly published fact." not in said(store) and len(bucket.requests) == requests
    clock.now += 1
    assert "Freshly published fact." in said(store)


def test_new_manifest_and_its_deck_are_adopted_together(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    deck = new_deck("Audio fact.")
    said(store)
    assert store.for_locale("en-US").audio == {}
    bucket.publish(generation({"en": deck}, locales=audio_for(deck)))
    clock.now += 300
    ssml = respond(store)
    assert '<audio src="https://cdn.example.test/' in ssml  # the new manifest's clip ...
    assert store.for_locale("en-US").deck.facts[0].text == "Audio fact."  # ... for the new deck


def test_unchanged_manifest_is_revalidated_and_no_deck_is_fetched_again(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    files = generation({"en": new_deck("Published once.")})
    bucket.publish(files)
    said(store)
    clock.now += 300
    said(store)
    key = json.loads(files[MANIFEST])["decks"]["en"]["key"]
    assert bucket.requests == [(MANIFEST, None), (key, None), (MANIFEST, bucket.etag(MANIFEST))]
    assert "Published once." in said(store)


def test_a_second_language_fetches_its_deck_on_its_first_request_only(
    store: ContentStore, bucket: Bucket
) -> None:
    files = generation({"en": new_deck("English."), "de": new_deck("Deutsch.", DE_DECK)})
    bucket.publish(files)
    assert "English." in said(store)
    assert len(bucket.requests) == 2  # the manifest and the English deck only
    assert "Deutsch." in said(store, "de-DE")
    assert "Deutsch." in said(store, "de-DE")
    de_key = json.loads(files[MANIFEST])["decks"]["de"]["key"]
    assert bucket.paths()[2:] == [de_key]  # once, and no second manifest request


def test_other_languages_switch_to_the_new_deck_on_their_own_next_request(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    bucket.publish(generation({"en": new_deck("One."), "de": new_deck("Eins.", DE_DECK)}))
    assert "One." in said(store) and "Eins." in said(store, "de-DE")
    second = generation({"en": new_deck("Two."), "de": new_deck("Zwei.", DE_DECK)})
    bucket.publish(second)
    clock.now += 300
    assert "Two." in said(store)
    de_key = json.loads(second[MANIFEST])["decks"]["de"]["key"]
    assert de_key not in bucket.paths()  # the English request fetched the English deck only
    before = len(bucket.requests)
    assert "Zwei." in said(store, "de-DE")
    assert bucket.paths()[before:] == [de_key]


def test_format_1_manifest_keeps_the_bundled_decks(
    store: ContentStore, bucket: Bucket, clock: Clock
) -> None:
    bucket.put(MANIFEST, {"format": 1, "locales": {}})
    bucket.put("decks/en.json", new_deck("Old layout."))  # no longer read
    assert "Old layout." not in said(store)
    clock.now += 300
    assert "Old layout." not in said(store)
    assert set(bucket.paths()) == {MANIFEST}


NESTED = {
    "nested lists": b"[" * 5000 + b"]" * 5000,
    "nested objects": b'{"a":' * 5000 + b"1" + b"}" * 5000,
}


@pytest.mark.parametrize(
    ("files", "logged"),
    [
        (generation({"en": b"{not json"}), "not valid JSON"),
        (generation({"en": {**EN_DECK, "facts": [{"id": "x", "topic": "no", "text": "t"}]}}), "en"),
        (generation({"en": {**EN_DECK, "language": "de"}}), "'de'"),
        *[(generation({"en": body}), "RecursionError") for body in NESTED.values()],
        (generation({"en": new_deck("Tampered.")}, sha256="0" * 64), "SHA-256"),
        (generation({"en": new_deck("Truncated.")}, size=10), "10"),
    ],
    ids=["not json", "bad topic", "other language", *NESTED, "sha256", "size"],
)
def test_invalid_published_deck_keeps_the_copy_in_use_and_logs_once(
    store: ContentStore,
    bucket: Bucket,
    clock: Clock,
    files: dict[str, bytes],
    logged: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bucket.publish(generation({"en": new_deck("Good version.")}))
    assert "Good version." in said(store)
    bucket.publish(files)
    bad_key = json.loads(files[MANIFEST])["decks"]["en"]["key"]
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        for _ in range(3):
            clock.now += 300
            speech = said(store)
            assert "Good version." in speech and APOLOGY not in speech
    assert warnings_naming(caplog, bad_key) == 1
    assert logged in caplog.text
    assert bucket.paths().count(bad_key) == 3  # tried again after each manifest check only


@pytest.mark.parametrize("body", [b"{not json", *NESTED.values()], ids=["not json", *NESTED])
def test_invalid_published_manifest_keeps_the_copy_in_use_and_logs_once(
    store: ContentStore,
    bucket: Bucket,
    clock: Clock,
    body: bytes,
    caplog: pytest.LogCaptureFixture,
) -> None:
    bucket.publish(generation({"en": new_deck("Good version.")}))
    assert "Good version." in said(store)
    good_etag = bucket.etag(MANIFEST)
    bucket.put(MANIFEST, body)
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        for _ in range(3):
            clock.now += 300
            speech = said(store)
            assert "Good version." in speech and APOLOGY not in speech
    assert warnings_naming(caplog, MANIFEST) == 1
    manifest_requests = [etag for path, etag in bucket.requests if path == MANIFEST]
    assert manifest_requests[1:] == [good_etag, None, None]  # rejected: its ETag forgotten


@pytest.mark.parametrize("body", NESTED.values(), ids=NESTED)
def test_deeply_nested_manifest_never_reaches_the_listener(
    store: ContentStore, bucket: Bucket, body: bytes
) -> None:
    bucket.put(MANIFEST, body)
    speech = said(store)
    assert "Welcome" in speech and APOLOGY not in speech


def test_new_manifest_waits_for_its_deck(store: ContentStore, bucket: Bucket, clock: Clock) -> None:
    """A generation whose deck cannot be had is not half adopted: the old one keeps playing."""
    one = new_deck("One.")
    bucket.publish(generation({"en": one}, locales=audio_for(one)))
    assert "cdn.example.test" in respond(store)
    two = new_deck("Two.")
    files = generation({"en": two}, locales=audio_for(two))
    late_key = json.loads(files[MANIFEST])["decks"]["en"]["key"]
    bucket.publish({MANIFEST: files[MANIFEST]})  # the deck is not there (yet)
    clock.now += 300
    assert "cdn.example.test" in respond(store)  # generation one's clips, for its deck
    assert store.for_locale("en-US").deck.facts[0].text == "One."
    bucket.publish(files)
    clock.now += 300
    assert "cdn.example.test" in respond(store)
    assert bucket.requests[-2:] == [(MANIFEST, bucket.etag(MANIFEST)), (late_key, None)]
    assert store.for_locale("en-US").deck.facts[0].text == "Two."  # with generation two's clips


def test_unreachable_bucket_keeps_the_copy_in_use_and_logs_once(
    store: ContentStore, bucket: Bucket, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    bucket.publish(generation({"en": new_deck("Published before the outage.")}))
    said(store)
    bucket.down = True
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        for _ in range(3):
            clock.now += 300
            assert "Published before the outage." in said(store)
    assert warnings_naming(caplog, "timed out") == 1  # the manifest; the deck in use is current
    bucket.down = False
    bucket.publish(generation({"en": new_deck("After the outage.")}))
    clock.now += 300
    assert "After the outage." in said(store)


def test_other_languages_keep_their_bundled_decks(store: ContentStore, bucket: Bucket) -> None:
    bucket.publish(generation({"en": new_deck("English only.")}))
    assert store.for_locale("de-DE").deck.facts[0].text != "English only."
    assert store.for_locale("en-GB").deck.facts[0].text == "English only."


def test_a_check_on_the_network_holds_up_no_other_request(bucket: Bucket, clock: Clock) -> None:
    """While one request waits for the bucket, another answers with the content in use."""
    bucket.publish(generation({"en": new_deck("Published.")}))
    entered, release = threading.Event(), threading.Event()

    def slow_fetch(url: str, etag: str | None, timeout: float) -> Fetched:
        entered.set()
        release.wait(10)
        return bucket.fetch(url, etag, timeout)

    settings = Settings(
        content_base_url=BASE_URL, content_refresh_seconds=300, content_dir=str(ASSETS_DIR)
    )
    store = ContentStore(settings, fetch=slow_fetch, clock=clock)
    checking = threading.Thread(target=store.for_locale, args=("en-US",), daemon=True)
    checking.start()
    assert entered.wait(5)
    answered: list[str] = []
    other = threading.Thread(target=lambda: answered.append(said(store, "de-DE")), daemon=True)
    other.start()
    other.join(3)
    waited = other.is_alive()
    release.set()
    checking.join(5)
    other.join(5)
    assert not waited and answered and APOLOGY not in answered[0]
    assert "Published." in said(store)


# --- the real fetcher, against servers on loopback ---


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


Serve = Callable[[socket.socket, threading.Event], None]
Start = Callable[..., str]


def read_request(conn: socket.socket) -> str:
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(4096)
        if not chunk:
            break
        data += chunk
    return data.decode("latin-1")


@pytest.fixture
def raw_server() -> Iterator[Start]:
    """Start a server that runs `serve(connection, stop)` per connection; return its base URL."""
    stop = threading.Event()
    sockets: list[socket.socket] = []

    def start(serve: Serve, *, host: str = "127.0.0.1", tls: ssl.SSLContext | None = None) -> str:
        listener = socket.create_server((host, 0))
        sockets.append(listener)

        def accept() -> None:
            while not stop.is_set():
                try:
                    conn, _ = listener.accept()
                    if tls is not None:
                        conn = tls.wrap_socket(conn, server_side=True)
                except OSError:
                    if listener.fileno() == -1:
                        return
                    continue
                sockets.append(conn)
                threading.Thread(target=serve, args=(conn, stop), daemon=True).start()

        threading.Thread(target=accept, daemon=True).start()
        scheme = "https" if tls is not None else "http"
        return f"{scheme}://{host}:{listener.getsockname()[1]}"

    yield start
    stop.set()
    for sock in sockets:
        sock.close()


def black_hole(conn: socket.socket, stop: threading.Event) -> None:
    stop.wait(30)  # accepted, never answered


def trickle_body(conn: socket.socket, stop: threading.Event) -> None:
    """Headers at once, then a 50-byte body at 1 byte every 0.2 s: 10 s in all."""
    read_request(conn)
    conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 50\r\n\r\n")
    _trickle(conn, stop, b"x" * 50)


def trickle_headers(conn: socket.socket, stop: threading.Event) -> None:
    read_request(conn)
    _trickle(conn, stop, b"HTTP/1.1 200 OK\r\n" + b"X-Slow: y\r\n" * 5)


def _trickle(conn: socket.socket, stop: threading.Event, data: bytes) -> None:
    for index in range(len(data)):
        if stop.wait(0.2):
            return
        try:
            conn.sendall(data[index : index + 1])
        except OSError:
            return


def answer(body: bytes, *, length: bool = True) -> Serve:
    def serve(conn: socket.socket, stop: threading.Event) -> None:
        read_request(conn)
        head = f"Content-Length: {len(body)}\r\n" if length else ""
        conn.sendall(f"HTTP/1.1 200 OK\r\n{head}Connection: close\r\n\r\n".encode() + body)
        conn.close()

    return serve


def redirect_to(base: str, requests: list[str]) -> Serve:
    def serve(conn: socket.socket, stop: threading.Event) -> None:
        request = read_request(conn)
        requests.append(request)
        path = request.split(" ")[1]
        conn.sendall(
            f"HTTP/1.1 302 Found\r\nLocation: {base}{path}\r\nContent-Length: 0\r\n"
            "Connection: close\r\n\r\n".encode()
        )
        conn.close()

    return serve


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


def test_https_fetch_of_a_server_that_never_accepts_gives_up_at_the_deadline() -> None:
    with socket.socket() as silent:
        silent.bind(("127.0.0.1", 0))
        silent.listen()  # the kernel completes the handshake; nobody ever reads or writes
        started = time.monotonic()
        with pytest.raises(RemoteError, match="timed out"):
            https_fetch(f"http://127.0.0.1:{silent.getsockname()[1]}/decks/en.json", None)
        elapsed = time.monotonic() - started
    assert REFRESH_DEADLINE_SECONDS <= elapsed < REFRESH_DEADLINE_SECONDS + 2


@pytest.mark.parametrize("serve", [black_hole, trickle_body, trickle_headers])
def test_https_fetch_gives_up_at_its_deadline_whatever_the_server_does(
    raw_server: Start, serve: Serve
) -> None:
    base = raw_server(serve)
    started = time.monotonic()
    with pytest.raises(RemoteError, match="timed out"):
        https_fetch(base + "/public/audio-manifest.json", None)
    assert time.monotonic() - started < 3  # a trickled answer would take 10 s


def test_https_fetch_bounds_a_dns_lookup_that_hangs(monkeypatch: pytest.MonkeyPatch) -> None:
    """getaddrinfo takes no timeout: a resolver that never answers must not hold the request."""
    answered = threading.Event()

    def hanging_lookup(*args: object, **kwargs: object) -> list[Any]:
        answered.wait(10)
        raise socket.gaierror("no answer")

    monkeypatch.setattr(socket, "getaddrinfo", hanging_lookup)
    started = time.monotonic()
    try:
        with pytest.raises(RemoteError, match="timed out"):
            https_fetch("https://bucket.example.test/public/audio-manifest.json", None)
    finally:
        answered.set()
    assert time.monotonic() - started < 3


def test_black_holed_bucket_costs_one_deadline_per_request(
    raw_server: Start, clock: Clock, caplog: pytest.LogCaptureFixture
) -> None:
    """Five languages in use, a bucket that accepts and never answers: each request ~1 s."""
    settings = Settings(
        content_base_url=raw_server(black_hole) + "/public/",
        content_refresh_seconds=300,
        content_dir=str(ASSETS_DIR),
        allow_http_audio=True,
    )
    store = ContentStore(settings, clock=clock)
    durations = []
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        for locale in ("en-US", "de-DE", "es-ES", "fr-FR", "ja-JP", "en-US"):
            started = time.monotonic()
            speech = said(store, locale)
            durations.append(time.monotonic() - started)
            assert APOLOGY not in speech
            clock.now += 60
    assert max(durations) < 3, durations
    assert warnings_naming(caplog, "timed out") == 1


def test_https_fetch_follows_no_redirect_to_another_host(raw_server: Start) -> None:
    served: list[str] = []
    other = raw_server(answer(b'{"x": 1}'), host="localhost")
    base = raw_server(redirect_to(other, served))
    with pytest.raises(RemoteError, match="HTTP 302 redirect"):
        https_fetch(base + "/public/audio-manifest.json", None)
    assert len(served) == 1


def _tls_contexts(tmp_path: Path) -> tuple[ssl.SSLContext, ssl.SSLContext]:
    """A throw-away CA and a certificate for 127.0.0.1: (server context, client context)."""
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes, serialization
    from cryptography.hazmat.primitives.asymmetric import ec
    from cryptography.x509.oid import NameOID

    now = dt.datetime.now(dt.UTC)
    ca_key, leaf_key = (
        ec.generate_private_key(ec.SECP256R1()),
        ec.generate_private_key(ec.SECP256R1()),
    )
    ca_name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Published content test CA")])
    usage = dict.fromkeys(
        ("content_commitment", "key_encipherment", "data_encipherment", "key_agreement"), False
    )
    ca = (
        x509.CertificateBuilder()
        .subject_name(ca_name)
        .issuer_name(ca_name)
        .public_key(ca_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=False,
                key_cert_sign=True,
                crl_sign=True,
                encipher_only=False,
                decipher_only=False,
                **usage,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(ca_key.public_key()), False)
        .sign(ca_key, hashes.SHA256())
    )
    leaf = (
        x509.CertificateBuilder()
        .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")]))
        .issuer_name(ca_name)
        .public_key(leaf_key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - dt.timedelta(days=1))
        .not_valid_after(now + dt.timedelta(days=1))
        .add_extension(
            x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
            critical=False,
        )
        .add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(ca_key.public_key()), False
        )
        .sign(ca_key, hashes.SHA256())
    )
    cert_file, key_file = tmp_path / "leaf.pem", tmp_path / "leaf.key"
    cert_file.write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        leaf_key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    server = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    server.load_cert_chain(cert_file, key_file)
    client = ssl.create_default_context(cadata=ca.public_bytes(serialization.Encoding.PEM).decode())
    return server, client


@pytest.fixture
def tls_server(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> ssl.SSLContext:
    """A server TLS context that the fetcher trusts (for this test only)."""
    server, client = _tls_contexts(tmp_path)
    monkeypatch.setattr(remote, "tls_context", lambda: client)
    return server


def test_https_fetch_verifies_tls(raw_server: Start, tls_server: ssl.SSLContext) -> None:
    base = raw_server(answer(b'{"x": 1}'), tls=tls_server)
    assert https_fetch(base + "/public/audio-manifest.json", None).body == b'{"x": 1}'


def test_https_fetch_follows_no_redirect_down_to_http(
    raw_server: Start, tls_server: ssl.SSLContext
) -> None:
    served: list[str] = []
    plain = raw_server(answer(b'{"x": 1}'))
    base = raw_server(redirect_to(plain, served), tls=tls_server)
    with pytest.raises(RemoteError, match="HTTP 302 redirect to 'http://"):
        https_fetch(base + "/public/audio-manifest.json", None)
    assert len(served) == 1


@pytest.mark.parametrize("length", [True, False], ids=["Content-Length", "until closed"])
def test_https_fetch_refuses_a_body_over_the_cap(
    raw_server: Start, monkeypatch: pytest.MonkeyPatch, length: bool
) -> None:
    monkeypatch.setattr(remote, "MAX_CONTENT_BYTES", 10)
    base = raw_server(answer(b"x" * 11, length=length))
    with pytest.raises(RemoteError, match="larger than 10 bytes"):
        https_fetch(base + "/public/audio-manifest.json", None)


def test_skill_adopts_a_generation_from_a_real_server(
    server: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factskill import app

    files = generation({"en": new_deck("Served over HTTP.")})
    _Handler.files = {f"/public/{path}": body for path, body in files.items()}
    monkeypatch.setenv("ALLOW_HTTP_AUDIO", "true")
    monkeypatch.setenv("CONTENT_BASE_URL", server + "/public/")
    bundled = (ASSETS_DIR / "decks" / "en.json").read_bytes()
    assert "Served over HTTP." in text_of(ssml_of(app.handler(load_event("launch"), None)))
    assert (ASSETS_DIR / "decks" / "en.json").read_bytes() == bundled  # adopted in memory only
