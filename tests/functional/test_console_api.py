"""The test console's API without a browser: the same simulator over HTTP, refusals as JSON,
and a proxy that fetches nothing but the stack's own clips."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest
from werkzeug.test import Client

from factlocal.console import Console, speech_parts
from factlocal.webapp import SkillApp
from factsim.model import MODELS_DIR

PUBLIC = "https://127.0.0.1:9/serverless-facts-local/public/"


class Quiet(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def endpoint() -> Iterator[str]:
    from factskill.app import answer

    app = SkillApp(lambda envelope: answer(envelope, None, strict=True), None)
    server = make_server("127.0.0.1", 0, app, handler_class=Quiet)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/"
    server.shutdown()
    server.server_close()


@pytest.fixture
def fetched() -> list[str]:
    return []


@pytest.fixture
def client(endpoint: str, fetched: list[str]) -> Client:
    def opener(url: str) -> bytes:
        fetched.append(url)
        return b"ID3 not really an mp3"

    return Client(Console(endpoint, public_url=PUBLIC, models_dir=MODELS_DIR, opener=opener))


def post(client: Client, path: str, body: object) -> tuple[int, Any]:
    answer = client.post(path, data=json.dumps(body), content_type="application/json")
    return answer.status_code, json.loads(answer.data)


def test_a_turn_shows_what_the_simulator_resolved_and_the_skill_answered(client: Client) -> None:
    status, started = post(client, "/api/session", {"locale": "de-DE", "device": "echo-show"})
    assert status == 200
    status, turn = post(
        client, "/api/say", {"session": started["session"], "utterance": "öffne serverless fakten"}
    )
    assert status == 200 and turn["request_line"] == "LaunchRequest"
    assert turn["speech"][0]["text"].startswith("Willkommen bei Serverless Fakten.")
    assert turn["session_open"] is True and turn["card"]["title"] == "Serverless Fakten"
    assert turn["display"]["hint"] and turn["display"]["direction"] == "LTR"
    assert turn["request"]["request"]["locale"] == "de-DE" and "response" in turn["response"]


def test_the_config_has_every_locale_and_its_playback_words(client: Client) -> None:
    config = json.loads(client.get("/api/config").data)
    locales = {entry["locale"]: entry for entry in config["locales"]}
    assert len(locales) == 17
    assert locales["ar-SA"]["rtl"] is True and locales["de-DE"]["pause"] == "pause"
    assert locales["ja-JP"]["open"] == "サーバーレス豆知識を開いて"


@pytest.mark.parametrize(
    ("path", "body", "status"),
    [
        ("/api/session", {"locale": "xx-XX"}, 400),
        ("/api/session", {"locale": "en-US", "device": "toaster"}, 400),
        ("/api/say", {"session": "nope", "utterance": "hi"}, 404),
        ("/api/say", [1, 2], 400),
        ("/api/play", {"session": "nope", "tracks": 1}, 404),
    ],
)
def test_bad_requests_get_a_json_reason(
    client: Client, path: str, body: object, status: int
) -> None:
    got, answer = post(client, path, body)
    assert got == status and isinstance(answer["error"], str) and answer["error"]


def test_an_utterance_must_be_short_text(client: Client) -> None:
    _, started = post(client, "/api/session", {"locale": "en-US"})
    got, answer = post(client, "/api/say", {"session": started["session"], "utterance": "x" * 501})
    assert got == 400 and "1 to 500" in answer["error"]


@pytest.mark.parametrize(
    "url",
    [
        "https://169.254.169.254/latest/meta-data/",
        "file:///etc/passwd",
        PUBLIC + "../../other-bucket/secret.mp3",
        PUBLIC + "audio/en-US/x.json",
        "https://127.0.0.1:9/serverless-facts-local/private/a.mp3",
    ],
)
def test_the_proxy_fetches_only_the_stacks_clips(
    client: Client, fetched: list[str], url: str
) -> None:
    answer = client.get("/api/audio", query_string={"url": url})
    assert answer.status_code == 403 and fetched == []


def test_the_proxy_serves_a_clip_of_the_stack(client: Client, fetched: list[str]) -> None:
    url = PUBLIC + "audio/en-US/abc.mp3"
    answer = client.get("/api/audio", query_string={"url": url})
    assert answer.status_code == 200 and answer.headers["Content-Type"] == "audio/mpeg"
    assert fetched == [url]


def test_the_page_loads_nothing_from_elsewhere(client: Client) -> None:
    page = client.get("/")
    assert page.status_code == 200
    assert page.headers["Content-Security-Policy"].startswith("default-src 'self'")
    html = page.data.decode()
    assert "http://" not in html and "https://" not in html  # no CDN
    for asset in ("/static/console.js", "/static/console.css"):
        assert client.get(asset).status_code == 200
    assert client.get("/static/../console.py").status_code == 404


def test_speech_parts_keep_text_and_clips_in_order() -> None:
    ssml = '<speak>Hi. <audio src="https://a/x.mp3"/> Want <break time="1s"/>another?</speak>'
    assert speech_parts(ssml) == [
        {"text": "Hi."},
        {"audio": "https://a/x.mp3"},
        {"text": "Want another?"},
    ]
