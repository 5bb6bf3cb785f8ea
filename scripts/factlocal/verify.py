"""Verify that an HTTPS request really comes from Alexa.

Amazon's rules for a skill hosted as a web service
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/host-a-custom-skill-as-a-web-service.html): the `SignatureCertChainUrl` points at
s3.amazonaws.com/echo.api/, the chain there is valid now, chains to a trusted root and names
echo-api.amazon.com, `Signature-256` signs the raw body, and `request.timestamp` is recent.
Every failure raises `VerificationError`; the caller answers it with HTTP 400.
"""

from __future__ import annotations

import base64
import binascii
import functools
import json
import logging
import posixpath
import re
import ssl
import threading
import urllib.error
import urllib.request
import warnings
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal, NoReturn
from urllib.parse import unquote, urlsplit

import certifi
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import padding, rsa
from cryptography.utils import CryptographyDeprecationWarning
from cryptography.x509.verification import PolicyBuilder, Store
from cryptography.x509.verification import VerificationError as ChainError

logger = logging.getLogger(__name__)

CERT_URL_HEADER = "SignatureCertChainUrl"
SIGNATURE_HEADER = "Signature-256"
CERT_URL_SCHEME = "https"
CERT_URL_HOST = "s3.amazonaws.com"
CERT_URL_PORT = 443
CERT_URL_PATH_PREFIX = "/echo.api/"
ECHO_API_SAN = "echo-api.amazon.com"
TIMESTAMP_TOLERANCE = timedelta(seconds=150)  # Amazon's maximum
FETCH_TIMEOUT_SECONDS = 3.0
FETCH_MAX_BYTES = 64 * 1024
CACHE_MAX_ENTRIES = 16  # the URL's query is free-form, so bound what callers can make us keep

Reason = Literal[
    "missing-header",
    "bad-cert-url",
    "cert-fetch-failed",
    "cert-expired",
    "bad-san",
    "bad-chain",
    "bad-signature",
    "bad-body",
    "stale-timestamp",
]
Clock = Callable[[], datetime]
Fetch = Callable[[str], bytes]

_PEM_END = b"-----END CERTIFICATE-----"
_UNSAFE_URL_CHARS = re.compile(r"[\x00-\x20\x7f\\]")


class VerificationError(Exception):
    """A request that must be rejected with HTTP 400; `reason` is short and machine-friendly."""

    def __init__(self, reason: Reason, message: str) -> None:
        super().__init__(message)
        self.reason: Reason = reason


def utc_now() -> datetime:
    return datetime.now(UTC)


@functools.lru_cache(maxsize=64)
def validate_cert_url(url: str) -> None:
    """Raise VerificationError("bad-cert-url") unless `url` follows Amazon's rules.

    Successes are remembered (Alexa signs with one URL for months); failures are not cached.
    """

    def reject(why: str) -> VerificationError:
        return VerificationError("bad-cert-url", f"certificate URL {url!r} rejected: {why}")

    if _UNSAFE_URL_CHARS.search(url):
        raise reject("it contains whitespace, control characters or backslashes")
    try:
        parts = urlsplit(url)  # raises on an unbalanced [ or ] (an IPv6 literal)
    except ValueError as exc:
        raise reject(f"it is not a URL ({exc})") from exc
    if parts.scheme.lower() != CERT_URL_SCHEME:
        raise reject(f"scheme must be {CERT_URL_SCHEME}")
    if "@" in parts.netloc:
        raise reject("user information is not allowed")
    if (parts.hostname or "") != CERT_URL_HOST:  # urlsplit lower-cases hostname
        raise reject(f"host must be {CERT_URL_HOST}")
    try:
        port = parts.port
    except ValueError as exc:
        raise reject("the port is not a number") from exc
    if port is not None and port != CERT_URL_PORT:
        raise reject(f"port must be {CERT_URL_PORT}")
    # Amazon normalizes dot segments; also check the percent-decoded path so an encoded
    # `%2e%2e` cannot climb out of /echo.api/ on a server that decodes before resolving.
    for path in (parts.path, unquote(parts.path)):
        if not posixpath.normpath(path or "/").startswith(CERT_URL_PATH_PREFIX):
            raise reject(f"path must start with {CERT_URL_PATH_PREFIX} (case-sensitive)")


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    """Refuse redirects: the URL was validated, wherever it points to was not."""

    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def fetch_https(url: str, *, opener: urllib.request.OpenerDirector | None = None) -> bytes:
    """Download `url` over HTTPS with certifi's roots, a timeout, no redirects and a size cap."""
    if urlsplit(url).scheme.lower() != "https":
        raise VerificationError("cert-fetch-failed", f"refusing to fetch {url!r}: not https")
    if opener is None:
        context = ssl.create_default_context(cafile=certifi.where())
        opener = urllib.request.build_opener(
            urllib.request.HTTPSHandler(context=context), _NoRedirect()
        )
    try:
        with opener.open(url, timeout=FETCH_TIMEOUT_SECONDS) as response:
            data: bytes = response.read(FETCH_MAX_BYTES + 1)
    except (urllib.error.URLError, OSError, ValueError) as exc:
        raise VerificationError(
            "cert-fetch-failed", f"could not download certificate chain {url!r}: {exc}"
        ) from exc
    if len(data) > FETCH_MAX_BYTES:
        raise VerificationError(
            "cert-fetch-failed",
            f"certificate chain {url!r} is larger than {FETCH_MAX_BYTES} bytes",
        )
    return data


@functools.cache
def certifi_roots() -> tuple[x509.Certificate, ...]:
    """Load certifi's bundle once, one certificate at a time so one odd root cannot break all."""
    roots: list[x509.Certificate] = []
    for block in Path(certifi.where()).read_bytes().split(_PEM_END):
        if b"-----BEGIN CERTIFICATE-----" not in block:
            continue
        with warnings.catch_warnings():
            # A few old roots have non-positive serials: still usable, but cryptography warns.
            warnings.simplefilter("ignore", CryptographyDeprecationWarning)
            try:
                roots.append(x509.load_pem_x509_certificate(block + _PEM_END + b"\n"))
            except ValueError:
                logger.debug("skipping a certifi root cryptography cannot parse")
    return tuple(roots)


def _has_echo_api_san(cert: x509.Certificate) -> bool:
    try:
        san = cert.extensions.get_extension_for_class(x509.SubjectAlternativeName).value
    except (x509.ExtensionNotFound, ValueError):
        return False
    return any(name.lower() == ECHO_API_SAN for name in san.get_values_for_type(x509.DNSName))


def verify_chain(
    pem_chain: bytes, *, trust_roots: list[x509.Certificate], now: datetime
) -> x509.Certificate:
    """Return the leaf of `pem_chain` (leaf first, then intermediates) once it is trusted."""
    try:
        certs = x509.load_pem_x509_certificates(pem_chain)
    except ValueError as exc:
        raise VerificationError("bad-chain", f"certificate chain is not PEM: {exc}") from exc
    leaf, intermediates = certs[0], certs[1:]
    if now < leaf.not_valid_before_utc:
        raise VerificationError(
            "cert-expired", f"signing certificate is not valid until {leaf.not_valid_before_utc}"
        )
    if now > leaf.not_valid_after_utc:
        raise VerificationError(
            "cert-expired", f"signing certificate expired on {leaf.not_valid_after_utc}"
        )
    try:
        verifier = (
            PolicyBuilder()
            .store(Store(trust_roots))
            .time(now)
            .build_server_verifier(x509.DNSName(ECHO_API_SAN))
        )
        verifier.verify(leaf, intermediates)
    except (ChainError, ValueError) as exc:
        # cryptography decided; the SAN look-up only picks the more precise reason.
        reason: Reason = "bad-chain" if _has_echo_api_san(leaf) else "bad-san"
        raise VerificationError(reason, f"certificate chain rejected: {exc}") from exc
    # cryptography also accepts a wildcard such as *.amazon.com; Amazon names the host exactly.
    if not _has_echo_api_san(leaf):
        raise VerificationError("bad-san", f"signing certificate does not name {ECHO_API_SAN}")
    return leaf


# Made once: they are the same for every request.
_PKCS1V15 = padding.PKCS1v15()
_SHA256 = hashes.SHA256()


@functools.lru_cache(maxsize=64)
def _public_key(leaf: x509.Certificate) -> object:
    """The leaf's public key, decoded once per certificate (the cache keeps few leaves)."""
    return leaf.public_key()


def verify_signature(leaf: x509.Certificate, signature_b64: str, body: bytes) -> None:
    """Check `Signature-256`: RSA PKCS#1 v1.5 over SHA-256 of the raw body."""
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise VerificationError("bad-signature", "Signature-256 is not base64") from exc
    public_key = _public_key(leaf)
    if not isinstance(public_key, rsa.RSAPublicKey):
        raise VerificationError("bad-signature", "signing certificate does not hold an RSA key")
    try:
        public_key.verify(signature, body, _PKCS1V15, _SHA256)
    except InvalidSignature as exc:
        raise VerificationError("bad-signature", "Signature-256 does not match the body") from exc


def _refuse_constant(token: str) -> NoReturn:
    raise ValueError(f"{token} is not JSON")


def parse_envelope(body: bytes) -> dict[str, Any]:
    """Parse the request body as a JSON object, strictly, or raise VerificationError("bad-body").

    Python's json reads NaN and Infinity, which are not JSON (RFC 8259) and would be written
    back the same way; and it raises RecursionError past about 1,000 levels of nesting.
    """
    try:
        envelope = json.loads(body, parse_constant=_refuse_constant)
    except RecursionError as exc:
        raise VerificationError("bad-body", "the body is nested too deeply") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise VerificationError("bad-body", "the body is not JSON") from exc
    if not isinstance(envelope, dict):
        raise VerificationError("bad-body", "the body is not a JSON object")
    return envelope


def _parse_timestamp(value: object) -> datetime:
    if isinstance(value, int) and not isinstance(value, bool):  # epoch milliseconds
        try:
            return datetime.fromtimestamp(value / 1000, tz=UTC)
        except (OverflowError, OSError, ValueError) as exc:
            raise VerificationError("bad-body", "request.timestamp is out of range") from exc
    if not isinstance(value, str):
        raise VerificationError("bad-body", "request.timestamp is missing")
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError as exc:
        raise VerificationError("bad-body", "request.timestamp is not ISO 8601") from exc
    if parsed.tzinfo is None:
        raise VerificationError("bad-body", "request.timestamp has no time zone")
    return parsed


def verify_timestamp(
    body_json: Mapping[str, Any], now: datetime, tolerance: timedelta = TIMESTAMP_TOLERANCE
) -> None:
    """Check that request.timestamp is within `tolerance` of `now`, either way."""
    request = body_json.get("request")
    if not isinstance(request, Mapping):
        raise VerificationError("bad-body", "the envelope has no request object")
    skew = _parse_timestamp(request.get("timestamp")) - now
    if abs(skew) > tolerance:
        raise VerificationError(
            "stale-timestamp",
            f"request.timestamp is {skew.total_seconds():+.0f} s from now; "
            f"at most {tolerance.total_seconds():.0f} s is allowed",
        )


@dataclass(frozen=True, slots=True)
class _Entry:
    leaf: x509.Certificate
    expires: datetime


class CertificateCache:
    """Verified signing certificates by chain URL, kept until the leaf's not_valid_after.

    One cache serves one trust policy: entries are keyed by URL only.
    """

    def __init__(
        self,
        *,
        fetch: Fetch = fetch_https,
        now: Clock = utc_now,
        max_entries: int = CACHE_MAX_ENTRIES,
    ) -> None:
        self._fetch = fetch
        self._now = now
        self._max_entries = max_entries
        self._entries: dict[str, _Entry] = {}
        self._lock = threading.Lock()

    def get(self, url: str, *, verify: Callable[[bytes], x509.Certificate]) -> x509.Certificate:
        """Return the cached leaf for `url`, or fetch the chain, `verify` it and keep the leaf."""
        now = self._now()
        with self._lock:
            entry = self._entries.get(url)
            if entry is not None and now <= entry.expires:
                return entry.leaf
            self._entries.pop(url, None)
        # Fetch outside the lock: a slow download must not stall requests on cached URLs.
        leaf = verify(self._fetch(url))
        with self._lock:
            while len(self._entries) >= self._max_entries:
                self._entries.pop(next(iter(self._entries)))  # oldest first
            self._entries[url] = _Entry(leaf, leaf.not_valid_after_utc)
        return leaf


def _header(headers: Mapping[str, str], name: str) -> str:
    wanted = name.lower()
    values = {value.strip() for key, value in headers.items() if key.lower() == wanted}
    if len(values) != 1 or not next(iter(values)):
        raise VerificationError("missing-header", f"exactly one non-empty {name} header is needed")
    return values.pop()


class RequestVerifier:
    """Check an Alexa request's headers and raw body; return the parsed envelope."""

    def __init__(
        self,
        *,
        cache: CertificateCache,
        trust_roots: list[x509.Certificate] | None = None,
        now: Clock | None = None,
        tolerance: float = TIMESTAMP_TOLERANCE.total_seconds(),
    ) -> None:
        if not 0 <= tolerance <= TIMESTAMP_TOLERANCE.total_seconds():
            raise ValueError(
                f"tolerance {tolerance} s is outside 0..150 s, the window Amazon allows"
            )
        self._cache = cache
        self._trust_roots = trust_roots
        self._now = now or utc_now
        self._tolerance = timedelta(seconds=tolerance)

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        """Raise VerificationError, logged at WARNING, unless the request is Alexa's."""
        try:
            return self._verify(headers, body)
        except VerificationError as exc:
            logger.warning("Alexa request rejected (%s): %s", exc.reason, exc)
            raise

    def _verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        url = _header(headers, CERT_URL_HEADER)
        signature = _header(headers, SIGNATURE_HEADER)
        validate_cert_url(url)
        leaf = self._cache.get(url, verify=self._verify_chain)
        verify_signature(leaf, signature, body)
        envelope = parse_envelope(body)
        verify_timestamp(envelope, self._now(), self._tolerance)
        return envelope

    def _verify_chain(self, pem_chain: bytes) -> x509.Certificate:
        roots = self._trust_roots if self._trust_roots is not None else list(certifi_roots())
        return verify_chain(pem_chain, trust_roots=roots, now=self._now())
