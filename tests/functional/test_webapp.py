"""The skill over HTTP (WSGI): signed requests in, response envelopes out, every rejection a 400."""

from __future__ import annotations

import io
import json
from collections.abc import Callable
from typing import Any

import pytest

from factlocal.commands import serve
from factlocal.verify import CertificateCache, RequestVerifier
from factlocal.webapp import MAX_BODY_BYTES, SkillApp
from factskill.app import answer
from tests.conftest import load_event
from tests.unit.alexa_test_ca import CERT_URL, NOW, AlexaPKI, build_pki, sign

Call = Callable[..., tuple[int, dict[str, str], Any]]


def strict(envelope: dict[str, Any]) -> dict[str, Any]:
    return answer(envelope, None, strict=True)


def wsgi(
    app: SkillApp,
    method: str = "POST",
    path: str = "/",
    body: bytes = b"",
    headers: dict[str, str] | None = None,
    content_length: str | None = None,
) -> tuple[int, dict[str, str], Any]:
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "CONTENT_LENGTH": str(len(body)) if content_length is None else content_length,
        "CONTENT_TYPE": "application/json",
        "wsgi.input": io.BytesIO(body),
    }
    for name, value in (headers or {}).items():
        environ["HTTP_" + name.upper().replace("-", "_")] = value
    captured: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]]) -> None:
        captured["status"] = int(status.split(maxsplit=1)[0])
        captured["headers"] = dict(response_headers)

    chunks = app(environ, start_response)
    raw = b"".join(chunks)
    return captured["status"], captured["headers"], json.loads(raw) if raw else None


@pytest.fixture(scope="module")
def pki() -> AlexaPKI:
    return build_pki()


@pytest.fixture
def verified_app(pki: AlexaPKI) -> SkillApp:
    chains = {CERT_URL: pki.valid}
    cache = CertificateCache(fetch=chains.__getitem__, now=lambda: NOW)
    verifier = RequestVerifier(cache=cache, trust_roots=[pki.root], now=lambda: NOW)
    return SkillApp(strict, verifier)


def signed(name: str = "launch", **changes: Any) -> tuple[bytes, dict[str, str]]:
    event = load_event(name)
    event["request"]["timestamp"] = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")
    event.update(changes)
    body = json.dumps(event).encode()
    return body, {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body)}


def test_signed_request_gets_the_response_envelope(verified_app: SkillApp) -> None:
    body, headers = signed()
    status, response_headers, payload = wsgi(verified_app, body=body, headers=headers)
    assert status == 200
    assert response_headers["Content-Type"].startswith("application/json")
    assert payload["response"]["shouldEndSession"] is False
    assert "Welcome" in payload["response"]["outputSpeech"]["ssml"]


@pytest.mark.parametrize(
    ("mutate", "reason"),
    [
        (lambda b, h: (b, {k: v for k, v in h.items() if k != "Signature-256"}), "missing-header"),
        (
            lambda b, h: (b, {k: v for k, v in h.items() if k != "SignatureCertChainUrl"}),
            "missing-header",
        ),
        (lambda b, h: (b.replace(b"LaunchRequest", b"IntentRequest"), h), "bad-signature"),
        (lambda b, h: (b, {**h, "Signature-256": "bm90IGEgc2lnbmF0dXJl"}), "bad-signature"),
        (
            lambda b, h: (
                b,
                {**h, "SignatureCertChainUrl": "http://s3.amazonaws.com/echo.api/c.pem"},
            ),
            "bad-cert-url",
        ),
        (
            lambda b, h: (
                b,
                {**h, "SignatureCertChainUrl": "https://s3.amazonaws.com/echo.api/../x/c.pem"},
            ),
            "bad-cert-url",
        ),
    ],
)
def test_failed_verification_is_a_400_with_a_reason(
    verified_app: SkillApp,
    mutate: Callable[[bytes, dict[str, str]], tuple[bytes, dict[str, str]]],
    reason: str,
) -> None:
    body, headers = mutate(*signed())
    status, _, payload = wsgi(verified_app, body=body, headers=headers)
    assert status == 400 and payload["error"] == reason


def test_stale_timestamp_is_a_400(verified_app: SkillApp) -> None:
    event = load_event("launch")
    event["request"]["timestamp"] = "2025-06-01T11:57:29Z"  # 151 s before NOW
    body = json.dumps(event).encode()
    status, _, payload = wsgi(
        verified_app,
        body=body,
        headers={"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body)},
    )
    assert status == 400 and payload["error"] == "stale-timestamp"


def test_signed_non_json_body_is_a_400(verified_app: SkillApp) -> None:
    body = b"not json at all"
    status, _, payload = wsgi(
        verified_app,
        body=body,
        headers={"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body)},
    )
    assert status == 400 and payload["error"] == "bad-body"


@pytest.fixture
def open_app() -> SkillApp:
    return SkillApp(strict, None)


@pytest.mark.parametrize(
    ("body", "length", "reason"),
    [
        (b"{", None, "bad-body"),
        (b"[1, 2]", None, "bad-body"),
        (b"\xff\xfe", None, "bad-body"),
        (b"{}", "", "bad-length"),
        (b"{}", "abc", "bad-length"),
        (b"x" * (MAX_BODY_BYTES + 1), None, "bad-length"),
        (json.dumps({"request": "LaunchRequest"}).encode(), None, "bad-envelope"),
        (
            json.dumps(
                {"version": "1.0", "request": {"type": "IntentRequest", "intent": 5}}
            ).encode(),
            None,
            "bad-envelope",
        ),
    ],
)
def test_bad_bodies_are_400s_never_500s(
    open_app: SkillApp, body: bytes, length: str | None, reason: str
) -> None:
    status, _, payload = wsgi(open_app, body=body, content_length=length)
    assert status == 400 and payload["error"] == reason


def test_unverified_app_answers_plain_json(open_app: SkillApp) -> None:
    status, _, payload = wsgi(open_app, body=json.dumps(load_event("help")).encode())
    assert status == 200 and payload["response"]["shouldEndSession"] is False


def test_wrong_skill_is_a_400(open_app: SkillApp, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.someone-else")
    status, _, payload = wsgi(open_app, body=json.dumps(load_event("launch")).encode())
    assert status == 400 and payload["error"] == "wrong-skill"


def test_routes(open_app: SkillApp) -> None:
    assert wsgi(open_app, "GET", "/health")[0:3:2] == (200, {"status": "ok", "verify": False})
    status, headers, _ = wsgi(open_app, "GET", "/")
    assert status == 405 and headers["Allow"] == "POST"
    assert wsgi(open_app, "POST", "/elsewhere", b"{}")[0] == 404


@pytest.mark.parametrize("host", ["127.0.0.1", "127.0.0.2", "::1", "localhost"])
def test_no_verify_allowed_on_loopback(host: str) -> None:
    assert serve.parse_args(["--no-verify", "--host", host]).no_verify


@pytest.mark.parametrize("host", ["0.0.0.0", "192.0.2.10", "::"])
def test_no_verify_refused_elsewhere(host: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as info:
        serve.parse_args(["--no-verify", "--host", host])
    assert info.value.code == 2
    assert "loopback" in capsys.readouterr().err


def test_verification_is_on_by_default() -> None:
    args = serve.parse_args([])
    assert not args.no_verify and args.host == "127.0.0.1"
    assert serve.make_app(verify=True).verifier is not None
    options = serve.gunicorn_options(args)
    assert options["worker_class"] == "gthread" and options["bind"] == "127.0.0.1:3000"
    assert options["threads"] == 1 and options["workers"] >= 2
