"""Helpers the tests share: read what a response says, check it is valid."""

from __future__ import annotations

import re
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

TAG = re.compile(r"<[^>]+>")


def ssml_of(response: dict[str, Any], part: str = "outputSpeech") -> str:
    body = response["response"]
    node = body.get("reprompt", {}).get("outputSpeech") if part == "reprompt" else body.get(part)
    return node["ssml"] if node else ""


def text_of(ssml: str) -> str:
    """Return what the SSML says, tags removed and entities decoded."""
    return "".join(ET.fromstring(ssml).itertext()) if ssml else ""


def audio_urls(ssml: str) -> list[str]:
    return [el.attrib["src"] for el in ET.fromstring(ssml).iter("audio")] if ssml else []


# Alexa's limits on a response (developer.amazon.com, "Request and Response JSON Reference").
MAX_RESPONSE_BYTES = 120 * 1024
MAX_SSML_CHARACTERS = 8000


def assert_valid_response(response: object) -> None:
    """A response Alexa accepts: an envelope within 120 KB that encodes as UTF-8, parseable SSML
    within 8,000 characters, an explicit end flag when it speaks."""
    import json

    assert isinstance(response, dict)
    assert response["version"] == "1.0"
    encoded = json.dumps(response, ensure_ascii=False).encode("utf-8")  # no lone surrogate
    assert len(encoded) <= MAX_RESPONSE_BYTES, f"{len(encoded)} bytes"
    body = response["response"]
    assert isinstance(body, dict)
    for part in ("outputSpeech", "reprompt"):
        ssml = ssml_of(response, part)
        if ssml:
            assert len(ssml) <= MAX_SSML_CHARACTERS, f"{part}: {len(ssml)} SSML characters"
            root = ET.fromstring(ssml)  # raises on malformed SSML
            assert root.tag == "speak"
            assert len(list(root.iter("audio"))) <= 5
    if "outputSpeech" in body:
        assert isinstance(body.get("shouldEndSession"), bool), (
            "spoken responses set shouldEndSession"
        )
        if body["shouldEndSession"] is False:
            assert ssml_of(response, "reprompt"), "an open session needs a reprompt"


def write_audio_manifest(
    path: Any,
    deck: Any,
    *,
    ids: Any = None,
    locale: str = "en-US",
    duration: float = 3.25,
    captions: bool = False,
) -> str:
    """Write a format-1 manifest naming an MP3 for each fact of `deck` (of `ids`, if given),
    made from the fact's current text, under audio/<locale>/<id>.mp3; return its path."""
    import json

    from factcontent.manifest import text_digest

    entries = {
        fact.id: {
            "key": f"audio/{locale}/{fact.id}.mp3",
            "duration": duration,
            "text_sha256": text_digest(fact.text),
            **({"captions": f"audio/{locale}/{fact.id}.vtt"} if captions else {}),
        }
        for fact in deck.facts
        if ids is None or fact.id in ids
    }
    path.write_text(json.dumps({"format": 1, "locales": {locale: entries}}))
    return str(path)


REPO_ROOT_PATH = Path(__file__).resolve().parent.parent


def spawn_until(
    script: list[str], pattern: str, *, timeout: float = 120, seen: list[str] | None = None
) -> tuple[subprocess.Popen[str], re.Match[str]]:
    """Start `python -u <script>` and read its output until a line matches `pattern`.

    Every line read goes into `seen` when given (stderr is merged into stdout).
    """
    process = subprocess.Popen(
        [sys.executable, "-u", *script],
        cwd=REPO_ROOT_PATH,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if seen is not None:
            seen.append(line)
        found = re.search(pattern, line)
        if found:
            return process, found
    process.kill()
    raise AssertionError(f"{script[0]} never printed /{pattern}/")
