"""Published content without a network: deck checks, logging once, what a check fetches."""

from __future__ import annotations

import hashlib
import json
import logging
from typing import Any

import pytest

from factcontent.exceptions import DeckError
from factcontent.manifest import DeckRef
from factskill.remote import (
    REFRESH_DEADLINE_SECONDS,
    Fetched,
    PublishedContent,
    PublishedFile,
    RemoteError,
    https_fetch,
    parse_published_deck,
    rejection,
)
from tests.conftest import ASSETS_DIR

BASE = "https://b.example/public/"
EN_DECK = (ASSETS_DIR / "decks" / "en.json").read_bytes()


def ref_of(body: bytes, key: str = "decks/en/0123.json", **fields: Any) -> DeckRef:
    values = {"key": key, "sha256": hashlib.sha256(body).hexdigest(), "size": len(body)}
    return DeckRef(**{**values, **fields})


def manifest_naming(decks: dict[str, DeckRef], *, version: int = 2) -> bytes:
    refs = {language: ref.to_json() for language, ref in decks.items()}
    return json.dumps({"format": version, "locales": {}, "decks": refs}).encode()


class FakeBucket:
    """Answers by URL; `cost` seconds of the fake clock pass for each request."""

    def __init__(self, files: dict[str, bytes], *, cost: float = 0.0) -> None:
        self.files = files
        self.cost = cost
        self.now = 0.0
        self.urls: list[str] = []

    def clock(self) -> float:
        return self.now

    def fetch(self, url: str, etag: str | None, timeout: float) -> Fetched:
        self.urls.append(url)
        self.now += self.cost
        path = url.removeprefix(BASE)
        if path not in self.files:
            raise RemoteError(f"{url}: HTTP 403")
        return Fetched(self.files[path], '"etag"')

    def published(self) -> PublishedContent:
        return PublishedContent(BASE, 300, fetch=self.fetch, clock=self.clock)


def test_parse_published_deck_accepts_the_deck_the_manifest_names() -> None:
    deck = parse_published_deck(EN_DECK, ref_of(EN_DECK), language="en", source="s")
    assert deck.language == "en" and deck.facts


@pytest.mark.parametrize(
    ("body", "ref", "language", "message"),
    [
        (EN_DECK, ref_of(EN_DECK, sha256="0" * 64), "en", "SHA-256"),
        (EN_DECK[:-1], ref_of(EN_DECK), "en", "bytes, the manifest names"),
        (EN_DECK, ref_of(EN_DECK), "de", "is a deck of 'en'"),
    ],
    ids=["sha256", "size", "language"],
)
def test_parse_published_deck_refuses_what_the_manifest_does_not_name(
    body: bytes, ref: DeckRef, language: str, message: str
) -> None:
    with pytest.raises(DeckError, match=message):
        parse_published_deck(body, ref, language=language, source="https://b/decks/en/x.json")


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (DeckError("u: 'facts' must be a non-empty list"), "u: 'facts' must be a non-empty list"),
        (ValueError("Expecting value"), "u: not valid JSON (Expecting value)"),
        (RecursionError("maximum recursion depth"), "u: unreadable (RecursionError: maximum"),
    ],
)
def test_rejection_names_the_file_and_the_problem(exc: Exception, expected: str) -> None:
    assert rejection("u", exc).startswith(expected)


def test_published_file_logs_a_failure_once_and_its_recovery(
    caplog: pytest.LogCaptureFixture,
) -> None:
    def down(url: str, etag: str | None, timeout: float) -> Fetched:
        raise RemoteError(f"{url}: timed out")

    file = PublishedFile(BASE + "audio-manifest.json")
    with caplog.at_level(logging.INFO, logger="factskill.remote"):
        assert file.fetch(down, 1.0) is None
        assert file.fetch(down, 1.0) is None
        assert file.fetch(lambda url, etag, timeout: Fetched(None, etag), 1.0) is None
    assert caplog.text.count("timed out") == 1
    assert caplog.text.count("reachable again") == 1


@pytest.mark.parametrize(("conditional", "etag"), [(True, '"e"'), (False, None)])
def test_published_file_revalidates_only_when_conditional(
    conditional: bool, etag: str | None
) -> None:
    sent: list[str | None] = []

    def fetch(url: str, sent_etag: str | None, timeout: float) -> Fetched:
        sent.append(sent_etag)
        return Fetched(b"{}", '"e"')

    file = PublishedFile(BASE + "x.json", conditional=conditional)
    file.fetch(fetch, 1.0)
    file.fetch(fetch, 1.0)
    assert sent == [None, etag]


def test_check_adopts_the_manifest_and_the_deck_it_names_together() -> None:
    ref = ref_of(EN_DECK)
    bucket = FakeBucket({"audio-manifest.json": manifest_naming({"en": ref}), ref.key: EN_DECK})
    generation = bucket.published().check("en", deck_key=None, in_use=None)
    assert generation is not None and generation.deck is not None
    assert generation.deck_key == ref.key and generation.manifest.decks == {"en": ref}


def test_check_of_a_format_1_manifest_fetches_no_deck() -> None:
    bucket = FakeBucket({"audio-manifest.json": manifest_naming({}, version=1)})
    generation = bucket.published().check("en", deck_key=None, in_use=None)
    assert generation is not None and generation.deck is None
    assert bucket.urls == [BASE + "audio-manifest.json"]


@pytest.mark.parametrize("key", ["decks/en/0123.json?x-id=1", "decks/en/0123.json#top"])
def test_check_fetches_no_deck_outside_the_base_url(
    key: str, caplog: pytest.LogCaptureFixture
) -> None:
    bucket = FakeBucket({"audio-manifest.json": manifest_naming({"en": ref_of(EN_DECK, key)})})
    with caplog.at_level(logging.WARNING, logger="factskill.remote"):
        assert bucket.published().check("en", deck_key=None, in_use=None) is None
    assert bucket.urls == [BASE + "audio-manifest.json"]
    assert "not under CONTENT_BASE_URL" in caplog.text


def test_check_leaves_the_deck_for_the_next_request_once_its_deadline_is_spent() -> None:
    ref = ref_of(EN_DECK)
    files = {"audio-manifest.json": manifest_naming({"en": ref}), ref.key: EN_DECK}
    bucket = FakeBucket(files, cost=REFRESH_DEADLINE_SECONDS)
    published = bucket.published()
    assert published.check("en", deck_key=None, in_use=None) is None  # the manifest took it all
    assert bucket.urls == [BASE + "audio-manifest.json"]
    generation = published.check("en", deck_key=None, in_use=None)
    assert generation is not None and generation.deck_key == ref.key
    assert bucket.urls[1:] == [BASE + ref.key]


def test_check_tries_a_failed_deck_again_only_after_the_next_manifest_check() -> None:
    ref = ref_of(EN_DECK)
    bucket = FakeBucket({"audio-manifest.json": manifest_naming({"en": ref})})
    published = bucket.published()
    for _ in range(3):
        assert published.check("en", deck_key=None, in_use=None) is None
    assert bucket.urls.count(BASE + ref.key) == 1
    bucket.now += 300
    assert published.check("en", deck_key=None, in_use=None) is None
    assert bucket.urls.count(BASE + ref.key) == 2


def test_https_fetch_refuses_other_schemes() -> None:
    with pytest.raises(RemoteError, match="only http"):
        https_fetch("ftp://b.example/public/audio-manifest.json", None)
