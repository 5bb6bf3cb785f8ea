"""`make demo`: the local stack end to end, and nothing left running afterwards."""

from __future__ import annotations

import json
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from factlocal.commands import demo
from factlocal.stack import free_port
from tests.conftest import REPO_ROOT, load_event

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


def spawn_until(
    script: list[str], pattern: str, *, timeout: float = 120
) -> tuple[subprocess.Popen[str], re.Match[str]]:
    """Start `python -u <script>` and read its output until a line matches `pattern`."""
    process = subprocess.Popen(
        [sys.executable, "-u", *script],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = re.search(pattern, process.stdout.readline())
        if found:
            return process, found
    process.kill()
    raise AssertionError(f"{script[0]} never printed /{pattern}/")


def test_demo_stops_everything_on_ctrl_c() -> None:
    process, found = spawn_until(["scripts/demo.py"], r"skill endpoint http://127\.0\.0\.1:(\d+)/")
    port = int(found.group(1))
    assert is_listening(port)
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "interrupted" in err
    assert not is_listening(port)


def test_make_serve_keeps_the_stack_up_until_ctrl_c() -> None:
    port = free_port()
    process, _ = spawn_until(
        ["scripts/stack.py", "--locale", "fr-FR", "--port", str(port)], r"^Ctrl-C stops everything"
    )
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/",
        data=json.dumps(load_event("launch", locale="fr-FR")).encode(),
        headers={"Content-Type": "application/json"},
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        ssml = json.loads(answer.read())["response"]["outputSpeech"]["ssml"]
    assert '<audio src="https://127.0.0.1:' in ssml and "/public/audio/fr-FR/" in ssml
    process.send_signal(signal.SIGINT)
    process.communicate(timeout=60)
    assert process.returncode == 0
    assert not is_listening(port)
