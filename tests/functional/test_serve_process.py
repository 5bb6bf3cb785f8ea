"""scripts/serve.py as a real process on loopback: answers, rejects, and stops cleanly."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
import urllib.error
import urllib.request
from collections.abc import Iterator

import pytest

from factlocal.stack import free_port, wait_for
from tests.conftest import REPO_ROOT, load_event

pytestmark = pytest.mark.slow


def start(*args: str) -> tuple[str, subprocess.Popen[bytes]]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "scripts/serve.py", "--port", str(port), "--workers", "1", *args],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/"
    wait_for(url + "health", timeout=20, process=process)
    return url, process


def post(
    url: str, body: bytes, headers: dict[str, str] | None = None
) -> tuple[int, dict[str, object]]:
    request = urllib.request.Request(
        url, data=body, headers={"Content-Type": "application/json", **(headers or {})}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


@pytest.fixture
def unverified() -> Iterator[str]:
    url, process = start("--no-verify")
    yield url
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def test_serves_the_skill_over_http(unverified: str) -> None:
    status, payload = post(unverified, json.dumps(load_event("launch")).encode())
    assert status == 200
    assert "Welcome" in json.dumps(payload)


def test_bad_request_is_400_json(unverified: str) -> None:
    status, payload = post(unverified, b"{nope")
    assert status == 400 and payload["error"] == "bad-body"


def test_verification_on_rejects_unsigned_requests() -> None:
    url, process = start()
    try:
        status, payload = post(url, json.dumps(load_event("launch")).encode())
        assert status == 400 and payload["error"] == "missing-header"
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=15) == 0


def test_no_verify_on_a_public_address_is_refused() -> None:
    result = subprocess.run(
        [sys.executable, "scripts/serve.py", "--no-verify", "--host", "0.0.0.0"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=30,
        check=False,
    )
    assert result.returncode == 2 and "loopback" in result.stderr
