"""`make demo`: the local stack end to end, and nothing left running afterwards."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

from factcontent.files import load_deck
from factlocal.commands import demo
from factlocal.stack import free_port
from tests.conftest import ASSETS_DIR, REPO_ROOT, load_event
from tests.playback import intent_while_playing
from tests.support import spawn_until

pytestmark = pytest.mark.slow


def endpoint_port(output: str) -> int:
    found = re.search(r"skill endpoint http://127\.0\.0\.1:(\d+)/", output)
    assert found, output
    return int(found.group(1))


def is_listening(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) == 0


def test_demo_talks_over_http_plays_valid_audio_and_stops(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("SSL_CERT_FILE", "")  # demo.main() sets it; monkeypatch restores it
    assert demo.main([]) == 0
    out = capsys.readouterr().out
    assert "=== en-US" in out and "=== de-DE" in out
    # one listener, two sessions, remembered in the local stack's DynamoDB
    assert "=== en-US: en_us_memory.yaml" in out
    assert "alexa> Welcome back to Serverless Facts. Here's a fact you haven't heard yet." in out
    assert re.search(r"listener memory: DynamoDB table \S+ at https://127\.0\.0\.1:\d+", out)
    # the deck played through as one stream, every track's MP3 fetched and checked
    assert "=== en-US: en_us_play_all.yaml" in out
    assert out.count("device> PlaybackStarted") >= 30
    assert "+captions" in out  # each clip's WebVTT captions, sent as captionData
    assert "problem:" not in out
    played = re.search(r"(\d+) audio URLs played, (\d+) valid Alexa MP3s", out)
    assert played and int(played.group(1)) >= 2 and played.group(1) == played.group(2)
    assert re.search(
        r"audio https://127\.0\.0\.1:\d+/serverless-facts-local/public/audio/de-DE/\w+\.mp3: ok",
        out,
    )
    assert not is_listening(endpoint_port(out))


def test_demo_failure_still_stops_everything(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    dialog = tmp_path / "wrong.yaml"
    dialog.write_text(
        "locale: en-US\nturns:\n  - user: open serverless facts\n    expect: 'Not what it says'\n"
    )
    monkeypatch.setattr(demo, "DIALOGS", (dialog,))
    monkeypatch.setenv("SSL_CERT_FILE", "")
    assert demo.main([]) == 1
    captured = capsys.readouterr()
    assert "wrong.yaml: turn 1" in captured.err
    assert not is_listening(endpoint_port(captured.out))


# What gunicorn and the skill print when they log: never in a transcript's terminal.
SERVER_LOG_LINES = re.compile(r"Booting worker|Listening at|\[INFO\]|\[WARNING\]|factskill")


def test_demo_stops_everything_on_ctrl_c() -> None:
    process, found = spawn_until(["scripts/demo.py"], r"skill endpoint http://127\.0\.0\.1:(\d+)/")
    port = int(found.group(1))
    assert is_listening(port)
    process.send_signal(signal.SIGINT)
    out, _ = process.communicate(timeout=60)
    assert process.returncode == 130, out
    assert "interrupted" in out
    assert not is_listening(port)


def start_stack(port: int, *extra: str) -> tuple[subprocess.Popen[str], list[str]]:
    seen: list[str] = []
    process, _ = spawn_until(
        ["scripts/stack.py", "--locale", "fr-FR", "--port", str(port), *extra],
        r"^Ctrl-C stops everything",
        seen=seen,
    )
    return process, seen


def stop_stack(process: subprocess.Popen[str], port: int) -> None:
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert not is_listening(port)


def launch_over_http(port: int) -> str:
    """Open the skill as one listener, in a new session; return the speech's SSML."""
    event = load_event("launch", locale="fr-FR")
    for holder in (event["session"]["user"], event["context"]["System"]["user"]):
        holder["userId"] = "amzn1.ask.account.SERVE-TEST"
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=json.dumps(event).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        ssml: str = json.loads(answer.read())["response"]["outputSpeech"]["ssml"]
    return ssml


def test_make_serve_keeps_the_stack_up_until_ctrl_c_and_reuses_its_audio() -> None:
    port = free_port()
    process, first = start_stack(port)
    ssml = launch_over_http(port)
    assert '<audio src="https://127.0.0.1:' in ssml and "/public/audio/fr-FR/" in ssml
    assert ssml.startswith("<speak>Bienvenue dans Infos Serverless.")
    assert launch_over_http(port).startswith("<speak>Bon retour dans Infos Serverless.")
    assert any(line.startswith("listener memory: DynamoDB table") for line in first)
    stop_stack(process, port)
    assert not [line for line in first if SERVER_LOG_LINES.search(line)], first
    log = next(line.split(": ", 1)[1].strip() for line in first if line.startswith("endpoint log:"))
    assert Path(log).is_file()

    process, second = start_stack(port)  # nothing changed: every clip comes from the cache
    play = intent_while_playing("PlayAllFactsIntent", token=None, locale="fr-FR")
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=json.dumps(play).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        stream = json.loads(answer.read())["response"]["directives"][0]["audioItem"]["stream"]
    assert stream["captionData"]["content"].startswith("WEBVTT")  # the captions came back too
    stop_stack(process, port)
    audio = next(line for line in second if line.startswith("audio: "))
    reused = re.search(r"(\d+) files reused", audio)
    assert reused and int(reused.group(1)) > len(load_deck(ASSETS_DIR, "fr").facts), audio


def test_make_serve_verify_sends_a_device_no_loopback_audio() -> None:
    port = free_port()
    process, seen = start_stack(port, "--verify")
    stop_stack(process, port)
    audio = next(line for line in seen if line.startswith("audio: "))
    assert audio.startswith("audio: left out: Alexa speaks each fact")
    assert "127.0.0.1" not in audio


def test_audio_base_url_must_be_public_https() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/stack.py", "--verify", "--audio-base-url", "http://x/"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2 and "must be an https:// URL" in result.stderr
