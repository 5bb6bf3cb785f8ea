"""Alexa request verification: every rule Amazon lists, against a local test PKI."""

from __future__ import annotations

import base64
import io
import json
import logging
import urllib.error
from datetime import datetime, timedelta
from typing import Any

import pytest

from factlocal.verify import (
    CERT_URL_HEADER,
    SIGNATURE_HEADER,
    CertificateCache,
    RequestVerifier,
    VerificationError,
    fetch_https,
    validate_cert_url,
    verify_chain,
    verify_signature,
    verify_timestamp,
)
from tests.unit.alexa_test_ca import (
    CERT_URL,
    LEAF_NOT_AFTER,
    NOW,
    AlexaPKI,
    build_pki,
    rsa_key,
    sign,
)

SECRET = "user-said-something-private"


class Clock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now


class FakeFetch:
    """Serve certificate chains from a dict and count downloads: no network."""

    def __init__(self, chains: dict[str, bytes]) -> None:
        self.chains = chains
        self.calls: list[str] = []

    def __call__(self, url: str) -> bytes:
        self.calls.append(url)
        return self.chains[url]


@pytest.fixture(scope="session")
def pki() -> AlexaPKI:
    return build_pki()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def fetch(pki: AlexaPKI) -> FakeFetch:
    return FakeFetch({CERT_URL: pki.valid})


@pytest.fixture
def verifier(pki: AlexaPKI, fetch: FakeFetch, clock: Clock) -> RequestVerifier:
    return RequestVerifier(
        cache=CertificateCache(fetch=fetch, now=clock), trust_roots=[pki.root], now=clock
    )


def envelope(timestamp: object = "2025-06-01T12:00:00Z") -> bytes:
    return json.dumps(
        {
            "version": "1.0",
            "request": {
                "type": "IntentRequest",
                "requestId": "amzn1.echo-api.request.test",
                "timestamp": timestamp,
                "intent": {"name": "GetNewFactIntent", "slots": {"q": {"value": SECRET}}},
            },
        }
    ).encode()


def headers(body: bytes, url: str = CERT_URL) -> dict[str, str]:
    return {CERT_URL_HEADER: url, SIGNATURE_HEADER: sign(body)}


def reason_of(verifier: RequestVerifier, hdrs: dict[str, str], body: bytes) -> str:
    with pytest.raises(VerificationError) as excinfo:
        verifier.verify(hdrs, body)
    return excinfo.value.reason


# --- the certificate URL ---------------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../echo.api/echo-api-cert.pem",
        "HTTPS://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://S3.AMAZONAWS.COM/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/./echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/echo-api-cert.pem?query=is-irrelevant",
    ],
)
def test_validate_cert_url_accepts_amazon_forms(url: str) -> None:
    validate_cert_url(url)


@pytest.mark.parametrize(
    "url",
    [
        # Amazon's documented rejections
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/EcHo.aPi/echo-api-cert.pem",
        "https://s3.amazonaws.com/invalid.path/echo-api-cert.pem",
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:563/echo.api/echo-api-cert.pem",
        # scheme, host, port
        "ftp://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com.evil.example/echo.api/echo-api-cert.pem",
        "https://evil.example/s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com:https/echo.api/echo-api-cert.pem",
        "https://user:pw@s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com@evil.example/echo.api/echo-api-cert.pem",
        # path
        "https://s3.amazonaws.com/echo.api/../evil/cert.pem",
        "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api",
        "https://s3.amazonaws.com/echo.apix/cert.pem",
        "https://s3.amazonaws.com/",
        "https://s3.amazonaws.com",
        "https://s3.amazonaws.com/echo.api/%2e%2e/evil/cert.pem",
        "https://s3.amazonaws.com/echo.api/..%2fevil/cert.pem",
        "https://s3.amazonaws.com/echo.api/..\\evil/cert.pem",
        "https://s3.amazonaws.com/echo.api/cert.pem\n",
        "s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "",
        # what urlsplit itself refuses (was: its ValueError escaped as an HTTP 500)
        "https://[s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com]/echo.api/echo-api-cert.pem",
        "https://[::1]x/echo.api/echo-api-cert.pem",
        "https://[::1]/echo.api/echo-api-cert.pem",
    ],
)
def test_validate_cert_url_rejects(url: str) -> None:
    with pytest.raises(VerificationError) as excinfo:
        validate_cert_url(url)
    assert excinfo.value.reason == "bad-cert-url"


@pytest.mark.parametrize(
    "url",
    [
        "http://s3.amazonaws.com/echo.api/echo-api-cert.pem",
        "https://notamazon.com/echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/not.echo.api/echo-api-cert.pem",
        "https://s3.amazonaws.com/echo.api/../evil/cert.pem",
        "https://s3.amazonaws.com/ECHO.API/echo-api-cert.pem",
        "https://s3.amazonaws.com:8443/echo.api/echo-api-cert.pem",
    ],
)
def test_verify_rejects_bad_cert_url_before_fetching(
    verifier: RequestVerifier, fetch: FakeFetch, url: str
) -> None:
    body = envelope()
    assert reason_of(verifier, headers(body, url), body) == "bad-cert-url"
    assert fetch.calls == []


def test_verify_accepts_port_443(pki: AlexaPKI, clock: Clock) -> None:
    url = "https://s3.amazonaws.com:443/echo.api/echo-api-cert.pem"
    cache = CertificateCache(fetch=FakeFetch({url: pki.valid}), now=clock)
    verifier = RequestVerifier(cache=cache, trust_roots=[pki.root], now=clock)
    body = envelope()
    assert verifier.verify(headers(body, url), body)["request"]["type"] == "IntentRequest"


# --- the whole request -------------------------------------------------------------------------


def test_verify_accepts_a_valid_request(verifier: RequestVerifier) -> None:
    body = envelope()
    assert verifier.verify(headers(body), body) == json.loads(body)


def test_verify_looks_headers_up_case_insensitively(verifier: RequestVerifier) -> None:
    body = envelope()
    hdrs = {k.lower(): v for k, v in headers(body).items()}
    assert verifier.verify(hdrs, body)["version"] == "1.0"


@pytest.mark.parametrize("missing", [CERT_URL_HEADER, SIGNATURE_HEADER])
@pytest.mark.parametrize("how", ["absent", "empty"])
def test_verify_rejects_missing_header(
    verifier: RequestVerifier, fetch: FakeFetch, missing: str, how: str
) -> None:
    body = envelope()
    hdrs = headers(body)
    if how == "absent":
        del hdrs[missing]
    else:
        hdrs[missing] = "  "
    assert reason_of(verifier, hdrs, body) == "missing-header"
    assert fetch.calls == []


def test_verify_rejects_conflicting_duplicate_headers(verifier: RequestVerifier) -> None:
    body = envelope()
    hdrs = {**headers(body), SIGNATURE_HEADER.lower(): sign(b"other")}
    assert reason_of(verifier, hdrs, body) == "missing-header"


@pytest.mark.parametrize(
    ("chain", "reason"),
    [
        ("expired", "cert-expired"),
        ("not_yet_valid", "cert-expired"),
        ("wrong_san", "bad-san"),
        ("wildcard_san", "bad-san"),
        ("untrusted_root", "bad-chain"),
        ("missing_intermediate", "bad-chain"),
    ],
)
def test_verify_rejects_bad_certificate_chain(
    pki: AlexaPKI, fetch: FakeFetch, verifier: RequestVerifier, chain: str, reason: str
) -> None:
    fetch.chains[CERT_URL] = getattr(pki, chain)
    body = envelope()
    assert reason_of(verifier, headers(body), body) == reason


@pytest.mark.parametrize(
    "pem_chain",
    [b"", b"not a certificate", b"-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n"],
)
def test_verify_chain_rejects_unparseable_pem(pki: AlexaPKI, pem_chain: bytes) -> None:
    with pytest.raises(VerificationError) as excinfo:
        verify_chain(pem_chain, trust_roots=[pki.root], now=NOW)
    assert excinfo.value.reason == "bad-chain"


def test_verify_chain_rejects_with_no_trust_roots(pki: AlexaPKI) -> None:
    with pytest.raises(VerificationError) as excinfo:
        verify_chain(pki.valid, trust_roots=[], now=NOW)
    assert excinfo.value.reason == "bad-chain"


def test_verify_chain_returns_the_leaf(pki: AlexaPKI) -> None:
    leaf = verify_chain(pki.valid, trust_roots=[pki.root], now=NOW)
    assert leaf.not_valid_after_utc == LEAF_NOT_AFTER


@pytest.mark.parametrize(
    ("signed", "signature"),
    [
        pytest.param(envelope(), base64.b64encode(b"\x00" * 256).decode(), id="garbage"),
        pytest.param(envelope(), "AAAA", id="short"),
        pytest.param(envelope(), "not base64!!", id="bad-base64"),
        pytest.param(envelope(), "QUJD=QUJD", id="bad-base64-padding"),
        pytest.param(envelope("2025-06-01T11:59:00Z"), None, id="tampered-body"),
        pytest.param(envelope(), "wrong-key", id="wrong-key"),
    ],
)
def test_verify_rejects_bad_signature(
    verifier: RequestVerifier, signed: bytes, signature: str | None
) -> None:
    body = envelope()
    hdrs = headers(body)
    if signature is None:
        hdrs[SIGNATURE_HEADER] = sign(signed)  # a valid signature over a different body
    elif signature == "wrong-key":
        hdrs[SIGNATURE_HEADER] = sign(body, rsa_key("rogue-root"))
    else:
        hdrs[SIGNATURE_HEADER] = signature
    assert reason_of(verifier, hdrs, body) == "bad-signature"


def test_verify_signature_covers_the_raw_bytes(pki: AlexaPKI) -> None:
    """Re-serialized JSON is the same envelope but not the same bytes, so it must fail."""
    leaf = verify_chain(pki.valid, trust_roots=[pki.root], now=NOW)
    body = envelope()
    reformatted = json.dumps(json.loads(body), indent=2).encode()
    verify_signature(leaf, sign(body), body)
    with pytest.raises(VerificationError) as excinfo:
        verify_signature(leaf, sign(body), reformatted)
    assert excinfo.value.reason == "bad-signature"


@pytest.mark.parametrize(
    "body",
    [
        b"not json",
        b"\xff\xfe\x00",
        b"[1, 2]",
        b'"text"',
        b"{}",
        b'{"request": "x"}',
        # not JSON (RFC 8259), though Python reads it and would write it back
        envelope().replace(b'"version"', b'"x": NaN, "version"'),
        envelope().replace(b'"version"', b'"x": -Infinity, "version"'),
        b'{"a": ' * 50_000 + b"1" + b"}" * 50_000,  # was: RecursionError, an HTTP 500
        b"[" * 50_000 + b"]" * 50_000,
    ],
    ids=lambda body: repr(body[:24]),
)
def test_verify_rejects_bad_body(verifier: RequestVerifier, body: bytes) -> None:
    assert reason_of(verifier, headers(body), body) == "bad-body"


# --- the timestamp -----------------------------------------------------------------------------


def iso(offset_seconds: int) -> str:
    return (NOW + timedelta(seconds=offset_seconds)).isoformat().replace("+00:00", "Z")


@pytest.mark.parametrize(
    "timestamp",
    [
        pytest.param(iso(0), id="now"),
        pytest.param(iso(-150), id="150s-old"),
        pytest.param(iso(150), id="150s-ahead"),
        pytest.param("2025-06-01T14:01:00+02:00", id="offset"),
        pytest.param("2025-06-01T12:00:00.123Z", id="fraction"),
        pytest.param(int(NOW.timestamp() * 1000) - 150_000, id="epoch-ms-150s-old"),
        pytest.param(int(NOW.timestamp() * 1000), id="epoch-ms"),
    ],
)
def test_verify_accepts_timestamp_within_tolerance(
    verifier: RequestVerifier, timestamp: object
) -> None:
    body = envelope(timestamp)
    verifier.verify(headers(body), body)


@pytest.mark.parametrize(
    "timestamp",
    [
        pytest.param(iso(-151), id="stale"),
        pytest.param(iso(151), id="future"),
        pytest.param("2025-06-01T14:03:00+02:00", id="offset-future"),
        pytest.param(int(NOW.timestamp() * 1000) - 151_000, id="epoch-ms-stale"),
        pytest.param(int(NOW.timestamp() * 1000) + 151_000, id="epoch-ms-future"),
    ],
)
def test_verify_rejects_stale_or_future_timestamp(
    verifier: RequestVerifier, timestamp: object
) -> None:
    body = envelope(timestamp)
    assert reason_of(verifier, headers(body), body) == "stale-timestamp"


@pytest.mark.parametrize(
    "timestamp",
    [None, "yesterday", "2025-06-01T12:00:00", 1.5, True, 10**30, [iso(0)]],
)
def test_verify_rejects_missing_or_malformed_timestamp(
    verifier: RequestVerifier, timestamp: object
) -> None:
    body = envelope(timestamp)
    assert reason_of(verifier, headers(body), body) == "bad-body"


def test_verify_timestamp_tolerance_is_inclusive() -> None:
    body: dict[str, Any] = {"request": {"timestamp": iso(-10)}}
    verify_timestamp(body, NOW, timedelta(seconds=10))
    with pytest.raises(VerificationError):
        verify_timestamp(body, NOW, timedelta(seconds=9))


@pytest.mark.parametrize("tolerance", [-1, 151])
def test_request_verifier_refuses_tolerance_outside_amazon_window(
    pki: AlexaPKI, tolerance: int
) -> None:
    with pytest.raises(ValueError, match="150"):
        RequestVerifier(cache=CertificateCache(), trust_roots=[pki.root], tolerance=tolerance)


# --- the cache ---------------------------------------------------------------------------------


def test_cache_fetches_a_url_once_across_requests(
    verifier: RequestVerifier, fetch: FakeFetch, clock: Clock
) -> None:
    for _ in range(2):
        clock.now += timedelta(days=1)
        body = envelope(clock.now.isoformat())
        verifier.verify(headers(body), body)
    assert fetch.calls == [CERT_URL]


def test_cache_refetches_after_the_leaf_expires(
    pki: AlexaPKI, verifier: RequestVerifier, fetch: FakeFetch, clock: Clock
) -> None:
    body = envelope()
    verifier.verify(headers(body), body)
    fetch.chains[CERT_URL] = pki.renewed
    clock.now = LEAF_NOT_AFTER + timedelta(seconds=1)
    body = envelope(clock.now.isoformat())
    verifier.verify(headers(body), body)
    assert fetch.calls == [CERT_URL, CERT_URL]


def test_cache_does_not_keep_failures(
    pki: AlexaPKI, verifier: RequestVerifier, fetch: FakeFetch
) -> None:
    fetch.chains[CERT_URL] = pki.untrusted_root
    body = envelope()
    assert reason_of(verifier, headers(body), body) == "bad-chain"
    fetch.chains[CERT_URL] = pki.valid
    verifier.verify(headers(body), body)
    assert fetch.calls == [CERT_URL, CERT_URL]


def test_cache_is_bounded(pki: AlexaPKI, clock: Clock) -> None:
    urls = [f"{CERT_URL}?n={n}" for n in range(3)]
    fetch = FakeFetch(dict.fromkeys(urls, pki.valid))
    cache = CertificateCache(fetch=fetch, now=clock, max_entries=2)

    def load(pem_chain: bytes) -> Any:
        return verify_chain(pem_chain, trust_roots=[pki.root], now=clock())

    for url in [*urls, urls[0]]:
        cache.get(url, verify=load)
    assert fetch.calls == [*urls, urls[0]]  # the oldest entry was evicted, then fetched again


# --- logging and fetching ------------------------------------------------------------------------


def test_verify_logs_reason_at_warning_but_never_the_body(
    verifier: RequestVerifier, caplog: pytest.LogCaptureFixture
) -> None:
    body = envelope(iso(-3600))
    with caplog.at_level(logging.WARNING, logger="factlocal.verify"):
        reason_of(verifier, headers(body), body)
    assert [r.levelno for r in caplog.records] == [logging.WARNING]
    assert "stale-timestamp" in caplog.text
    assert SECRET not in caplog.text


class FakeOpener:
    def __init__(self, payload: bytes | Exception) -> None:
        self.payload = payload
        self.timeouts: list[float] = []

    def open(self, url: str, timeout: float) -> io.BytesIO:
        self.timeouts.append(timeout)
        if isinstance(self.payload, Exception):
            raise self.payload
        return io.BytesIO(self.payload)


def test_fetch_https_reads_with_a_timeout(pki: AlexaPKI) -> None:
    opener = FakeOpener(pki.valid)
    assert fetch_https(CERT_URL, opener=opener) == pki.valid  # type: ignore[arg-type]
    assert opener.timeouts == [3.0]


@pytest.mark.parametrize(
    ("url", "payload"),
    [
        ("http://s3.amazonaws.com/echo.api/cert.pem", b"x"),
        (CERT_URL, b"x" * (64 * 1024 + 1)),
        (CERT_URL, urllib.error.URLError("timed out")),
        (CERT_URL, TimeoutError()),
    ],
    ids=["http", "too-large", "url-error", "timeout"],
)
def test_fetch_https_rejects(url: str, payload: bytes | Exception) -> None:
    with pytest.raises(VerificationError) as excinfo:
        fetch_https(url, opener=FakeOpener(payload))  # type: ignore[arg-type]
    assert excinfo.value.reason == "cert-fetch-failed"
