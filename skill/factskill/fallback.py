"""A valid response for an envelope the SDK could not even read, built without the SDK."""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from functools import cache
from typing import Any

from factcontent.layout import prompts_path
from factcontent.locales import LOCALE_LANGUAGE, resolve_locale
from factskill.speech import escape

_LAST_RESORT = "Sorry, I had trouble doing that. Would you like to hear a fact instead?"
SPOKEN_TYPES = ("LaunchRequest", "IntentRequest")


@cache
def _prompt(content_dir: str, language: str, key: str) -> str:
    try:
        # Read directly, not through the content store: this answers when everything else failed.
        path = os.path.join(content_dir, prompts_path(language))
        with open(path, encoding="utf-8") as file:
            text = json.load(file)[key]
        return text if isinstance(text, str) else _LAST_RESORT
    except (OSError, ValueError, KeyError, TypeError):
        return _LAST_RESORT


def _ssml(text: str) -> dict[str, str]:
    return {"type": "SSML", "ssml": f"<speak>{escape(text)}</speak>"}


def fallback_response(event: object, content_dir: str) -> dict[str, Any]:
    """Ask again for spoken request types; answer anything else with an empty response."""
    request = event.get("request") if isinstance(event, Mapping) else None
    request_type = request.get("type") if isinstance(request, Mapping) else None
    if request_type not in SPOKEN_TYPES:
        return {"version": "1.0", "response": {}}
    assert isinstance(request, Mapping)
    language = LOCALE_LANGUAGE[resolve_locale(request.get("locale"))]
    return {
        "version": "1.0",
        "sessionAttributes": {},
        "response": {
            "outputSpeech": _ssml(_prompt(content_dir, language, "error")),
            "reprompt": {"outputSpeech": _ssml(_prompt(content_dir, language, "error_reprompt"))},
            "shouldEndSession": False,
        },
    }
