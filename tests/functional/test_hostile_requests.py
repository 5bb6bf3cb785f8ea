"""Requests an attacker would send the Lambda handler: never an exception, never an oversized or
malformed response, never a forged session echoed back (issue 12)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from factskill import app
from tests.conftest import load_event
from tests.support import assert_valid_response, ssml_of, text_of

SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
FORGED = {"seen": ["x" * 64] * 5000, "last": "y", "topic": "z", "junk": "j" * 1_000_000}
ALL_HANDLERS = ["help", "fallback", "repeat", "list_topics", "stop", "get_new_fact_unknown_topic"]


@pytest.mark.parametrize("application_id", [["amzn1.ask.skill.x"], {"id": 1}, 7, None, True])
def test_a_non_string_application_id_is_another_skill(
    monkeypatch: pytest.MonkeyPatch, application_id: object
) -> None:
    """Was: a list or a dict raised TypeError from the Lambda handler."""
    monkeypatch.setenv("SKILL_ID", SKILL)
    event = load_event("launch")
    event["context"]["System"]["application"]["applicationId"] = application_id
    with pytest.raises(app.SkillIdMismatchError):
        app.handler(event, None)


@pytest.mark.parametrize("name", [*ALL_HANDLERS, "launch", "get_new_fact", "yes"])
def test_forged_session_attributes_are_never_echoed(name: str) -> None:
    """Was: Help, Fallback, Repeat, ListTopics, Exit and unknown-topic echoed 1 MB back."""
    response = app.handler(load_event(name, attributes=FORGED), None)
    assert_valid_response(response)
    attributes = response.get("sessionAttributes") or {}
    assert set(attributes) <= {"seen", "last", "topic"}
    assert len(json.dumps(attributes)) < 20_000


def test_session_ended_with_forged_attributes_is_small() -> None:
    response = app.handler(load_event("session_ended", attributes=FORGED), None)
    assert len(json.dumps(response)) < 20_000


def unknown_topic(value: str) -> dict[str, Any]:
    event = load_event("get_new_fact_unknown_topic")
    event["request"]["intent"]["slots"]["topic"]["value"] = value
    return event


@pytest.mark.parametrize(
    "value",
    [
        "x" * 200_000,
        "word " * 40_000,
        "nul\x00 and \x07 bell and \ufffe",
        "lone \ud800 surrogate",
        '<speak>injected</speak> & "quotes"',
    ],
)
def test_an_unmatched_topic_is_cleaned_and_cut_before_it_is_spoken(value: str) -> None:
    """Was: a 200,000-character value was spoken back whole (a 200 KB response)."""
    response = app.handler(unknown_topic(value), None)
    assert_valid_response(response)
    spoken = text_of(ssml_of(response))
    assert len(spoken) < 1000
    assert "\x00" not in spoken and "\ufffe" not in spoken


def test_an_unmatched_topic_keeps_its_words() -> None:
    response = app.handler(unknown_topic("quantum knitting"), None)
    assert "quantum knitting" in text_of(ssml_of(response))


@pytest.mark.parametrize("where", ["attributes", "slot"])
def test_a_deeply_nested_envelope_gets_a_valid_answer(where: str) -> None:
    deep: Any = "x"
    for _ in range(5000):
        deep = {"a": deep}
    event = unknown_topic("quantum")
    if where == "attributes":
        event["session"]["attributes"] = deep
    else:
        event["request"]["intent"]["slots"]["topic"]["resolutions"] = deep
    assert_valid_response(app.handler(event, None))
