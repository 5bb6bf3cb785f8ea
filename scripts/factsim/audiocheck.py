"""Fetch an <audio> URL and check the MP3 is one Alexa plays.

The format: the Alexa SSML reference, audio tag
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/speech-synthesis-markup-language-ssml-reference.html#audio).
"""

from __future__ import annotations

import functools
import ssl
import urllib.error
import urllib.request
from collections.abc import Callable
from pathlib import Path
from typing import NamedTuple
from urllib.parse import urlsplit

from factlocal.net import is_loopback

FETCH_TIMEOUT_SECONDS = 5.0
MAX_AUDIO_BYTES = 8 * 1024 * 1024  # 240 s at 48 kbps is 1.4 MB; anything far bigger is wrong


class AudioVerdict(NamedTuple):
    """What checking one URL found: `detail` is "3.2 s" when ok, else the problem."""

    ok: bool
    detail: str

    def __str__(self) -> str:
        return f"ok {self.detail}" if self.ok else f"FAILED: {self.detail}"


AudioCheck = Callable[[str], AudioVerdict]
Fetch = Callable[[str, float], bytes]


def url_problem(url: str) -> str:
    """Return why Alexa (or this checker) would not fetch `url`, or "" when it may."""
    parts = urlsplit(url)
    scheme, host = parts.scheme.lower(), parts.hostname or ""
    if any(c.isspace() for c in url):
        return "the URL contains spaces"
    if scheme == "https" and host:
        return ""
    if scheme == "http" and is_loopback(host):
        return ""  # a local server: fine here, though real Alexa needs https
    return "Alexa plays only https:// URLs (plain http only from a loopback host, locally)"


def fetch(url: str, timeout: float, *, context: ssl.SSLContext | None = None) -> bytes:
    """Return the body at `url` (http or https; callers check the URL first)."""
    with urllib.request.urlopen(url, timeout=timeout, context=context) as answer:  # noqa: S310 - url_problem() first
        data: bytes = answer.read(MAX_AUDIO_BYTES + 1)
    if len(data) > MAX_AUDIO_BYTES:
        raise ValueError(f"more than {MAX_AUDIO_BYTES} bytes")
    return data


def trusting(cafile: Path | None) -> AudioCheck:
    """An audio check that trusts the system's roots and, when given, the CA in `cafile`
    (the local stack's, which signs its S3 server's certificate)."""
    context = ssl.create_default_context()
    if cafile is not None:
        context.load_verify_locations(cafile=str(cafile))

    def fetcher(url: str, timeout: float) -> bytes:
        return fetch(url, timeout, context=context)

    return functools.partial(check_audio_url, fetcher=fetcher)


def check_audio_url(
    url: str, *, fetcher: Fetch = fetch, timeout: float = FETCH_TIMEOUT_SECONDS
) -> AudioVerdict:
    """Fetch `url` and validate it with factaudio.validate.check_alexa_mp3."""
    from factaudio.exceptions import AudioValidationError
    from factaudio.validate import check_alexa_mp3

    problem = url_problem(url)
    if problem:
        return AudioVerdict(False, problem)
    try:
        data = fetcher(url, timeout)
    except urllib.error.HTTPError as exc:
        return AudioVerdict(False, f"HTTP {exc.code} fetching it")
    except (urllib.error.URLError, OSError, ValueError) as exc:
        return AudioVerdict(False, f"cannot fetch it: {getattr(exc, 'reason', exc)}")
    try:
        duration = check_alexa_mp3(data, where=url)
    except AudioValidationError as exc:
        return AudioVerdict(False, str(exc).removeprefix(f"{url}: "))
    return AudioVerdict(True, f"{duration:.1f} s")
