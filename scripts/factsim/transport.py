"""How a request reaches the skill: the Lambda handler in this process, or a local HTTP server."""

from __future__ import annotations

import json
import logging
import urllib.error
import urllib.request
from collections.abc import Callable, Mapping
from typing import Any, Protocol
from urllib.parse import urlsplit

from factsim.exceptions import TransportError

logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT_SECONDS = 10.0
MAX_RESPONSE_BYTES = 1024 * 1024  # Alexa itself refuses responses over 120 KB
_ERROR_TEXT_CHARS = 200


class Transport(Protocol):
    def send(self, event: Mapping[str, Any]) -> dict[str, Any]:
        """Deliver one request envelope and return the skill's response envelope."""
        ...


def _as_response(data: object, *, source: str) -> dict[str, Any]:
    if not isinstance(data, dict) or not isinstance(data.get("response"), dict):
        shown = json.dumps(data, ensure_ascii=False)[:_ERROR_TEXT_CHARS]
        raise TransportError(f"{source} answered something that is not an Alexa response: {shown}")
    return data


class InProcess:
    """Call factskill.app.handler (or `handler`, a skill built by the caller) directly, with the
    envelope and response through JSON."""

    def __init__(self, handler: Callable[[Any, Any], dict[str, Any]] | None = None) -> None:
        self.handler = handler

    def send(self, event: Mapping[str, Any]) -> dict[str, Any]:
        from factskill import app

        handler = self.handler or app.handler
        try:
            response = handler(json.loads(json.dumps(event)), None)
        except app.SkillIdMismatchError as exc:
            raise TransportError(
                f"the skill refused the request ({exc}): pass --application-id with its SKILL_ID"
            ) from exc
        return _as_response(json.loads(json.dumps(response)), source="factskill.app.handler")


def _error_detail(raw: bytes) -> str:
    """Return ': <reason>: <message>' from an error body: JSON as scripts/serve.py sends it
    ({"error": "missing-header", "message": ...}), or the start of any other text."""
    text = raw.decode("utf-8", "replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if not isinstance(data, dict):
        return f": {text[:_ERROR_TEXT_CHARS]}" if text else ""
    reason = data.get("error", data.get("reason"))
    message = data.get("message", data.get("detail"))
    joined = ": ".join(str(part) for part in (reason, message) if part)
    return f": {joined}" if joined else f": {text[:_ERROR_TEXT_CHARS]}"


class HttpTransport:
    """POST each envelope as JSON to a skill served over HTTP (a server started with --no-verify).

    No signature headers are sent, so a server that verifies requests answers 400.
    """

    def __init__(self, url: str, timeout: float = DEFAULT_TIMEOUT_SECONDS) -> None:
        if urlsplit(url).scheme.lower() not in ("http", "https"):
            raise TransportError(f"--url {url!r} must be an http:// or https:// URL")
        self.url = url
        self.timeout = timeout

    def send(self, event: Mapping[str, Any]) -> dict[str, Any]:
        request = urllib.request.Request(  # noqa: S310 - the scheme is checked in __init__
            self.url,
            data=json.dumps(event).encode("utf-8"),
            headers={"Content-Type": "application/json"},
            method="POST",
        )
        try:
            with urllib.request.urlopen(request, timeout=self.timeout) as answer:  # noqa: S310
                status, raw = answer.status, answer.read(MAX_RESPONSE_BYTES + 1)
        except urllib.error.HTTPError as exc:
            detail = _error_detail(exc.read(MAX_RESPONSE_BYTES))
            raise TransportError(f"{self.url} answered HTTP {exc.code}{detail}") from exc
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise TransportError(
                f"cannot reach {self.url} ({reason}): is the local server running?"
            ) from exc
        if status != 200:
            raise TransportError(f"{self.url} answered HTTP {status}{_error_detail(raw)}")
        if len(raw) > MAX_RESPONSE_BYTES:
            raise TransportError(f"{self.url} answered more than {MAX_RESPONSE_BYTES} bytes")
        try:
            data = json.loads(raw)
        except ValueError as exc:
            raise TransportError(f"{self.url} answered HTTP 200 but not JSON ({exc})") from exc
        return _as_response(data, source=self.url)
