"""Helpers the tests share: read what a response says, check it is valid."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
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


def assert_valid_response(response: object) -> None:
    """A response Alexa accepts: an envelope, parseable SSML, an explicit end flag when it speaks."""
    assert isinstance(response, dict)
    assert response["version"] == "1.0"
    body = response["response"]
    assert isinstance(body, dict)
    for part in ("outputSpeech", "reprompt"):
        ssml = ssml_of(response, part)
        if ssml:
            root = ET.fromstring(ssml)  # raises on malformed SSML
            assert root.tag == "speak"
            assert len(list(root.iter("audio"))) <= 5
    if "outputSpeech" in body:
        assert isinstance(body.get("shouldEndSession"), bool), (
            "spoken responses set shouldEndSession"
        )
        if body["shouldEndSession"] is False:
            assert ssml_of(response, "reprompt"), "an open session needs a reprompt"
