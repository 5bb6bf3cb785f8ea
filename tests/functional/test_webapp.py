"""The skill over HTTP (WSGI): signed requests in, response envelopes out, every rejection a 400."""

from __future__ import annotations

import copy
import io
import json
from collections.abc import Callable
from typing import Any

import pytest
from gunicorn.http import errors
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factlocal import worker
from factlocal.commands import serve
from factlocal.verify import CertificateCache, RequestVerifier
from factlocal.webapp import MAX_BODY_BYTES, SkillApp
from factskill.app import answer
from tests.conftest import event_names, load_event
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
    return captured["status"], captured["headers"], strict_json(raw) if raw else None


def _no_constant(token: str) -> None:
    raise AssertionError(f"{token} is not JSON")


def strict_json(raw: bytes) -> Any:
    """What Alexa can read: UTF-8 without lone surrogates, JSON without NaN or Infinity."""
    return json.loads(raw.decode("utf-8"), parse_constant=_no_constant)


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
        # was: urlsplit's ValueError escaped, an HTTP 500
        (
            lambda b, h: (
                b,
                {**h, "SignatureCertChainUrl": "https://[s3.amazonaws.com/echo.api/c"},
            ),
            "bad-cert-url",
        ),
        (
            lambda b, h: (
                b,
                {**h, "SignatureCertChainUrl": "https://s3.amazonaws.com]/echo.api/c"},
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


DEEP_OBJECT = b'{"":' * 20_000 + b"1" + b"}" * 20_000  # 100 KB: 50,000 would be too large
DEEP_ARRAY = b"[" * 50_000 + b"]" * 50_000


@pytest.mark.parametrize(
    "body",
    [b"not json at all", DEEP_OBJECT, DEEP_ARRAY, b'{"request": {"timestamp": NaN}}'],
    ids=["not-json", "deep-object", "deep-array", "nan"],
)
def test_signed_non_json_body_is_a_400(verified_app: SkillApp, body: bytes) -> None:
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
        (DEEP_OBJECT, None, "bad-body"),  # was: RecursionError, an HTTP 500
        (DEEP_ARRAY, None, "bad-body"),
        (b'{"version": "1.0", "x": NaN}', None, "bad-body"),
        (b'{"version": "1.0", "x": Infinity}', None, "bad-body"),
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


@pytest.mark.parametrize(
    "unencodable",
    ["lone \ud800 high surrogate", "lone \udfff low", "\udc80" * 3, float("nan")],
    ids=["high", "low", "several", "nan"],
)
def test_a_response_that_cannot_be_encoded_is_still_valid_json(unencodable: object) -> None:
    """Was: UnicodeEncodeError while writing the response, an HTTP 500."""

    def skill(envelope: dict[str, Any]) -> dict[str, Any]:
        speech = {"type": "PlainText", "text": unencodable}
        return {"version": "1.0", "response": {"outputSpeech": speech}}

    status, headers, payload = wsgi(
        SkillApp(skill, None), body=json.dumps(load_event("launch")).encode()
    )
    assert status == 200 and headers["Content-Type"].startswith("application/json")
    assert (
        payload["version"] == "1.0" and payload["response"]["outputSpeech"]["type"] == "PlainText"
    )


def test_the_skill_echoing_a_lone_surrogate_gets_valid_json(open_app: SkillApp) -> None:
    event = load_event("get_new_fact_unknown_topic")
    event["request"]["intent"]["slots"]["topic"]["value"] = "zz\ud800zz"
    status, _, payload = wsgi(open_app, body=json.dumps(event).encode())
    assert status == 200 and "\ud800" not in json.dumps(payload, ensure_ascii=False)


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


@pytest.mark.parametrize(
    ("exc", "reason"),
    [
        (errors.InvalidRequestLine("GARBAGE"), "bad-request-line"),
        (errors.LimitRequestLine(5000, 4094), "bad-request-line"),
        (errors.LimitRequestHeaders("too many"), "bad-header"),
        (errors.InvalidHeaderName("Bad Name"), "bad-header"),
        (errors.InvalidChunkSize(b"zz"), "bad-request"),
        (errors.InvalidResponseHeader("X-App"), None),  # the app's fault: a 500
        (RuntimeError("bug"), None),
    ],
)
def test_parser_errors_get_a_json_reason(exc: Exception, reason: str | None) -> None:
    assert worker.client_error_reason(exc) == reason


@pytest.mark.parametrize("seconds", ["0", "-1", "61", "nan"])
def test_request_timeout_must_be_sensible(seconds: str) -> None:
    with pytest.raises(SystemExit) as info:
        serve.parse_args(["--request-timeout", seconds])
    assert info.value.code == 2


def test_verification_is_on_by_default() -> None:
    args = serve.parse_args([])
    assert not args.no_verify and args.host == "127.0.0.1"
    assert serve.make_app(verify=True).verifier is not None
    options = serve.gunicorn_options(args)
    assert options["worker_class"] is worker.BufferingWorker and options["bind"] == "127.0.0.1:3000"
    assert options["threads"] == 1 and options["workers"] >= 2


# --- property-based: hostile envelopes get a 200 with valid JSON or a 400 with a reason -------

RAW = "\x00raw\x00"  # stands for a raw JSON fragment json.dumps cannot write (NaN, 50,000 levels)
ID_PATHS = [
    ("request", "requestId"),
    ("request", "timestamp"),
    ("request", "locale"),
    ("request", "type"),
    ("session", "sessionId"),
    ("session", "application", "applicationId"),
    ("session", "user", "userId"),
    ("context", "System", "application", "applicationId"),
    ("context", "System", "device", "deviceId"),
    ("context", "System", "user", "userId"),
]
scalars = (
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8)
)
non_strings = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.lists(scalars, max_size=3)
    | st.dictionaries(st.text(max_size=4), scalars, max_size=3)
)
lone_surrogates = st.text(
    st.characters(min_codepoint=0xD800, max_codepoint=0xDFFF) | st.characters(), min_size=1
).filter(lambda text: any(0xD800 <= ord(c) <= 0xDFFF for c in text))
huge_strings = st.integers(min_value=10_000, max_value=120_000).map(lambda size: "x" * size)


@st.composite
def raw_fragments(draw: st.DrawFn) -> str:
    depth = draw(st.sampled_from([2, 100, 900, 990, 1_000, 5_000, 20_000, 50_000]))
    nested = {"array": "[" * depth + "]" * depth, "object": '{"":' * depth + "1" + "}" * depth}
    return draw(st.sampled_from(["NaN", "Infinity", "-Infinity", *nested.values()]))


@st.composite
def hostile_bodies(draw: st.DrawFn) -> bytes:
    event = copy.deepcopy(load_event(draw(st.sampled_from(event_names()))))
    event["request"]["timestamp"] = NOW.strftime("%Y-%m-%dT%H:%M:%SZ")  # passes verification
    raw = draw(raw_fragments())
    for _ in range(draw(st.integers(min_value=1, max_value=3))):
        path = draw(st.sampled_from([*ID_PATHS, ("request", "intent", "slots", "topic", "value")]))
        node: Any = event
        for key in path[:-1]:
            if not isinstance(node.get(key), dict):
                node[key] = {}
            node = node[key]
        node[path[-1]] = draw(st.one_of(non_strings, lone_surrogates, huge_strings, st.just(RAW)))
    body = json.dumps(event, ensure_ascii=draw(st.booleans()))
    return body.replace(json.dumps(RAW), raw).encode("utf-8", "surrogatepass")


def assert_200_json_or_400_reason(status: int, headers: dict[str, str], payload: Any) -> None:
    assert headers["Content-Type"].startswith("application/json")
    if status == 200:
        assert isinstance(payload, dict) and "response" in payload
    else:
        assert status == 400 and isinstance(payload["error"], str), (status, payload)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=hostile_bodies())
def test_hostile_envelopes_get_valid_json_or_a_400_reason(body: bytes) -> None:
    assert_200_json_or_400_reason(*wsgi(SkillApp(strict, None), body=body))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(body=hostile_bodies())
def test_hostile_signed_envelopes_get_valid_json_or_a_400_reason(
    pki: AlexaPKI, body: bytes
) -> None:
    cache = CertificateCache(fetch={CERT_URL: pki.valid}.__getitem__, now=lambda: NOW)
    app = SkillApp(strict, RequestVerifier(cache=cache, trust_roots=[pki.root], now=lambda: NOW))
    headers = {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body)}
    assert_200_json_or_400_reason(*wsgi(app, body=body, headers=headers))
