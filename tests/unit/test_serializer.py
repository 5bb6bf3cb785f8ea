"""The serializer's shortcuts give exactly the SDK's results."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from factskill.apl import FACT_DOCUMENT
from factskill.config import Settings
from factskill.content import ContentStore
from factskill.prebuilt import Prebuilt
from factskill.serializer import SkillSerializer
from factskill.wiring import build_handler, skill_builder
from tests.conftest import event_names, load_event


def envelope_with(timestamp: str) -> str:
    event = load_event("launch")
    event["request"]["timestamp"] = timestamp
    return json.dumps(event)


@pytest.mark.parametrize(
    "timestamp",
    [
        "2026-11-27T10:00:00Z",
        "2026-11-27T10:00:00.123Z",
        "2026-11-27T10:00:00+00:00",
        "2026-11-27T15:30:00+05:30",
        "2026-11-27T10:00:00",
        "Nov 27 2026 10:00:00",  # not ISO 8601: the SDK's own parser
    ],
)
def test_timestamps_parse_as_the_sdk_parses_them(timestamp: str) -> None:
    ours = SkillSerializer().deserialize(envelope_with(timestamp), RequestEnvelope)
    sdk = DefaultSerializer().deserialize(envelope_with(timestamp), RequestEnvelope)
    assert ours.request.timestamp == sdk.request.timestamp
    assert ours.request.timestamp.utcoffset() == sdk.request.timestamp.utcoffset()


def test_the_sdk_still_calls_the_overridden_parser() -> None:
    """If the SDK renames its private parser, our shortcut silently stops: this test says so."""
    assert hasattr(DefaultSerializer, "_DefaultSerializer__deserialize_datetime")
    parsed = SkillSerializer().deserialize(envelope_with("2026-11-27T10:00:00Z"), RequestEnvelope)
    assert parsed.request.timestamp.tzinfo is UTC  # the standard library's, not dateutil's


def test_prebuilt_is_returned_as_is_and_other_data_walked() -> None:
    serializer = SkillSerializer()
    assert serializer.serialize(FACT_DOCUMENT) is FACT_DOCUMENT
    assert isinstance(FACT_DOCUMENT, Prebuilt)
    plain = {"a": [1, {"b": datetime(2026, 1, 1, tzinfo=UTC)}]}
    assert serializer.serialize(plain) == DefaultSerializer().serialize(plain)


@pytest.mark.parametrize("name", event_names())
def test_responses_equal_the_sdks_own_lambda_handler(name: str) -> None:
    """Our wiring (skill built once, this serializer) answers exactly as SkillBuilder's would."""
    ours = build_handler(ContentStore(Settings(), rng=random.Random(5)), skill_id=None)
    sdk = skill_builder(
        ContentStore(Settings(), rng=random.Random(5)), skill_id=None
    ).lambda_handler()
    event = load_event(name)
    assert json.dumps(ours(event, None), sort_keys=True) == json.dumps(
        sdk(event, None), sort_keys=True
    )
