"""The simulator on bad input and on Ctrl-C: one line on stderr, never a traceback (issue 12)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

CHAT = [sys.executable, "scripts/chat.py", "--no-audio-check"]


def chat(*args: str, stdin: bytes = b"") -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(
        [*CHAT, *args], cwd=REPO_ROOT, input=stdin, capture_output=True, timeout=120, check=False
    )


def one_line(stderr: bytes) -> str:
    notice = "WARNING factskill.config: SKILL_ID is not set"  # the in-process skill's own notice
    lines = [
        line
        for line in stderr.decode(errors="replace").strip().splitlines()
        if not line.startswith(notice)
    ]
    assert len(lines) == 1 and "Traceback" not in lines[0], lines
    return lines[0]


@pytest.mark.parametrize("option", ["--script", "--replay"])
def test_a_file_that_is_not_utf8_is_one_line(tmp_path: Path, option: str) -> None:
    path = tmp_path / "dialog.yaml"
    path.write_bytes(b"locale: en-US\nturns:\n  - user: open serverless facts \xff\xfe\n")
    result = chat(option, str(path))
    assert result.returncode != 0
    assert "UTF-8" in one_line(result.stderr)


def test_stdin_that_is_not_utf8_is_one_line() -> None:
    result = chat(stdin=b"open serverless facts\n\xff\xfe\xfd\n")
    assert result.returncode == 1
    assert "not UTF-8" in one_line(result.stderr)


def test_ctrl_c_in_a_script_run_is_one_line(tmp_path: Path) -> None:
    process = subprocess.Popen(
        [*CHAT],
        cwd=REPO_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    assert process.stdin is not None
    process.stdin.write(b"open serverless facts\n")
    process.stdin.flush()
    time.sleep(3)  # the skill loaded, waiting for the next line
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130
    assert "interrupted" in one_line(err)
