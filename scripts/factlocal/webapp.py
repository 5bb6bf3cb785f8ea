"""The skill as a WSGI application: POST an Alexa request envelope, get the response envelope.

Every rejection is an HTTP 400 with a short JSON reason and a log line, never a 500 or a
traceback: a body too large, not JSON or nested too deeply, a failed Alexa verification, another
skill's ID. `http_error` writes the same JSON for what the server rejects before the app runs. A
response that cannot be written as UTF-8 JSON (the skill echoed a lone surrogate) is sent with
U+FFFD in its place; one that is not JSON at all becomes a fixed spoken apology.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from factlocal.verify import RequestVerifier, VerificationError, parse_envelope

logger = logging.getLogger(__name__)

MAX_BODY_BYTES = 128 * 1024  # Alexa requests are a few KB; responses may be up to 120 KB
SkillHandler = Callable[[dict[str, Any]], dict[str, Any]]
StartResponse = Callable[..., Any]
WSGIEnviron = dict[str, Any]

_STATUS = {
    200: "200 OK",
    400: "400 Bad Request",
    404: "404 Not Found",
    405: "405 Method Not Allowed",
    408: "408 Request Timeout",
    500: "500 Internal Server Error",
}
_JSON_TYPE = "application/json; charset=utf-8"
_SURROGATE = re.compile("[\ud800-\udfff]")
# What Alexa says when the skill's response is not JSON (a bug): better than its own error tone.
APOLOGY = {
    "version": "1.0",
    "response": {
        "outputSpeech": {
            "type": "PlainText",
            "text": "Sorry, something went wrong. Please try again.",
        },
        "shouldEndSession": True,
    },
}


def _encode(payload: object) -> bytes:
    """UTF-8 JSON; raises ValueError, TypeError or RecursionError when `payload` is not JSON."""
    text = json.dumps(payload, ensure_ascii=False, allow_nan=False)
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError:
        logger.warning("the response holds lone surrogates: each is sent as U+FFFD")
        return _SURROGATE.sub("\ufffd", text).encode("utf-8")


def _json(
    start_response: StartResponse, code: int, payload: object, extra: Iterable[tuple[str, str]] = ()
) -> list[bytes]:
    body = _encode(payload)
    headers = [("Content-Type", _JSON_TYPE), ("Content-Length", str(len(body))), *extra]
    start_response(_STATUS[code], headers)
    return [body]


def http_error(code: int, reason: str, message: str) -> bytes:
    """A whole HTTP/1.1 response with the JSON reason, for the server to write itself; it closes
    the connection (after a malformed request, where the next one would start is unknown)."""
    body = _encode({"error": reason, "message": message})
    head = (
        f"HTTP/1.1 {_STATUS[code]}\r\nContent-Type: {_JSON_TYPE}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode("ascii") + body


def _reject(
    start_response: StartResponse, reason: str, message: str, code: int = 400
) -> list[bytes]:
    logger.warning("rejected request (%s): %s", reason, message)
    return _json(start_response, code, {"error": reason, "message": message})


def _headers(environ: Mapping[str, Any]) -> dict[str, str]:
    headers = {
        key[5:].replace("_", "-").title(): str(value)
        for key, value in environ.items()
        if key.startswith("HTTP_")
    }
    if "CONTENT_TYPE" in environ:
        headers["Content-Type"] = str(environ["CONTENT_TYPE"])
    return headers


def _read_body(environ: Mapping[str, Any]) -> bytes | None:
    """Read exactly Content-Length bytes, or None when the length is missing, bad or too large."""
    try:
        length = int(environ.get("CONTENT_LENGTH") or -1)
    except ValueError:
        return None
    if not 0 <= length <= MAX_BODY_BYTES:
        return None
    body: bytes = environ["wsgi.input"].read(length)
    return body


class SkillApp:
    """WSGI callable; `verifier=None` means --no-verify (loopback development only)."""

    def __init__(self, handler: SkillHandler, verifier: RequestVerifier | None) -> None:
        self.handler = handler
        self.verifier = verifier

    def __call__(self, environ: WSGIEnviron, start_response: StartResponse) -> list[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        if path == "/health":
            return _json(start_response, 200, {"status": "ok", "verify": self.verifier is not None})
        if path not in ("/", "/alexa"):
            return _json(
                start_response, 404, {"error": "not-found", "message": "POST requests to /"}
            )
        if method != "POST":
            start_response(_STATUS[405], [("Allow", "POST"), ("Content-Length", "0")])
            return [b""]
        body = _read_body(environ)
        if body is None:
            return _reject(
                start_response,
                "bad-length",
                f"a body of 0..{MAX_BODY_BYTES} bytes with Content-Length is required",
            )
        envelope = self._envelope(body, _headers(environ))
        if isinstance(envelope, tuple):
            return _reject(start_response, *envelope)
        return self._answer(envelope, start_response)

    def _envelope(
        self, body: bytes, headers: Mapping[str, str]
    ) -> dict[str, Any] | tuple[str, str]:
        try:
            if self.verifier is not None:
                return self.verifier.verify(headers, body)
            return parse_envelope(body)
        except VerificationError as exc:
            return exc.reason, str(exc)

    def _answer(self, envelope: dict[str, Any], start_response: StartResponse) -> list[bytes]:
        from factskill.app import EnvelopeError, SkillIdMismatchError

        try:
            response = self.handler(envelope)
        except SkillIdMismatchError as exc:
            return _reject(start_response, "wrong-skill", str(exc))
        except EnvelopeError as exc:
            return _reject(start_response, "bad-envelope", str(exc))
        try:
            return _json(start_response, 200, response)
        except (ValueError, TypeError, RecursionError):
            logger.exception("the skill's response is not JSON: answering with an apology")
            return _json(start_response, 200, APOLOGY)
