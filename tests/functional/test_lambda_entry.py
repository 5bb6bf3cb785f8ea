"""factskill.app.handler: the skill ID check, malformed envelopes, and no exception ever escaping."""

from __future__ import annotations

import copy
import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from factskill import app
from tests.conftest import event_names, load_event
from tests.support import assert_valid_response, ssml_of, text_of

SKILL = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def test_handler_answers_without_skill_id_configured() -> None:
    response = app.handler(load_event("launch"), None)
    assert text_of(ssml_of(response)).startswith("Welcome")


def test_handler_accepts_its_own_skill(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_ID", SKILL)
    assert_valid_response(app.handler(load_event("launch"), None))


@pytest.mark.parametrize("where", ["context", "session", "both"])
def test_handler_rejects_another_skill(monkeypatch: pytest.MonkeyPatch, where: str) -> None:
    monkeypatch.setenv("SKILL_ID", SKILL)
    event = load_event("launch")
    if where in ("context", "both"):
        event["context"]["System"]["application"]["applicationId"] = "amzn1.ask.skill.evil"
    if where in ("session", "both"):
        event["session"]["application"]["applicationId"] = "amzn1.ask.skill.evil"
    with pytest.raises(app.SkillIdMismatchError, match=r"amzn1\.ask\.skill\.evil"):
        app.handler(event, None)


def test_handler_rejects_envelope_without_application_when_skill_id_set(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("SKILL_ID", SKILL)
    event = load_event("audioplayer_playback_started")
    del event["context"]["System"]["application"]
    with pytest.raises(app.SkillIdMismatchError):
        app.handler(event, None)


def test_sdk_skill_id_check_is_on_too(monkeypatch: pytest.MonkeyPatch) -> None:
    """Defence in depth: the SDK's own verifier rejects a mismatch even behind our check."""
    from factskill.config import Settings
    from factskill.content import ContentStore
    from factskill.wiring import build_handler

    sdk_handler = build_handler(ContentStore(Settings()), skill_id="amzn1.ask.skill.other")
    with pytest.raises(Exception, match="Skill ID Verification failed"):
        sdk_handler(load_event("launch"), None)


@pytest.mark.parametrize(
    "event",
    [
        None,
        "a string",
        [],
        {},
        {"request": {"type": "LaunchRequest"}},
        {"version": "1.0", "request": {"type": "IntentRequest", "locale": "de-DE", "intent": 5}},
        {"version": "1.0", "session": "x", "context": 3, "request": {"type": "LaunchRequest"}},
    ],
)
def test_malformed_envelopes_get_a_valid_response(event: object) -> None:
    response = app.handler(event, None)
    assert_valid_response(response)


def test_malformed_spoken_request_gets_localized_spoken_answer() -> None:
    event = {"request": {"type": "IntentRequest", "locale": "de-DE", "intent": 5}, "context": 3}
    response = app.handler(event, None)
    assert "Fakt" in text_of(ssml_of(response))
    assert response["response"]["shouldEndSession"] is False


# --- property-based: mutated envelopes and session attributes never make the handler raise ---


def nested(depth: int) -> Any:
    value: Any = "deep"
    for level in range(depth):
        value = [value] if level % 2 else {"a": value}
    return value


# Hostile shapes: lone surrogates and characters XML forbids, huge strings, deep nesting.
hostile_text = st.text(
    alphabet=st.characters(codec=None, min_codepoint=0, max_codepoint=0x10FFFF), max_size=20
)
huge_text = st.sampled_from(["x" * 200_000, "&" * 3000 + "\ud800", "word " * 40_000])
json_values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text(max_size=20)
    | hostile_text
    | huge_text
    | st.integers(min_value=50, max_value=300).map(nested),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=8), children, max_size=4)
    ),
    max_leaves=12,
)


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            found += _paths(value, (*prefix, key))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += _paths(value, (*prefix, index))
    return found


@st.composite
def mutated_events(draw: st.DrawFn) -> dict[str, Any]:
    event = copy.deepcopy(load_event(draw(st.sampled_from(event_names()))))
    if "session" in event:
        event["session"]["attributes"] = draw(
            st.one_of(
                json_values,
                st.fixed_dictionaries(
                    {"seen": json_values, "last": json_values, "topic": json_values}
                ),
            )
        )
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        paths = _paths(event)
        if not paths:
            break
        path = draw(st.sampled_from(paths))
        parent: Any = event
        for key in path[:-1]:
            parent = parent[key]
        if draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = draw(json_values)
    return event


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(event=mutated_events())
def test_mutated_envelopes_never_make_the_handler_raise(event: dict[str, Any]) -> None:
    response = app.handler(event, None)
    assert_valid_response(response)
    json.dumps(response)
