"""The serializer's shortcut gives exactly the SDK's results."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime

import pytest
from ask_sdk_core.serialize import DefaultSerializer

from factskill.apl import FACT_DOCUMENT
from factskill.config import Settings
from factskill.content import ContentStore
from factskill.prebuilt import Prebuilt
from factskill.serializer import SkillSerializer
from factskill.wiring import build_handler, skill_builder
from tests.conftest import event_names, load_event


def test_prebuilt_is_returned_as_is_and_other_data_walked() -> None:
    serializer = SkillSerializer()
    assert serializer.serialize(FACT_DOCUMENT) is FACT_DOCUMENT
    assert isinstance(FACT_DOCUMENT, Prebuilt)
    plain = {"a": [1, {"b": datetime(2026, 1, 1, tzinfo=UTC)}]}
    assert serializer.serialize(plain) == DefaultSerializer().serialize(plain)


@pytest.mark.parametrize("name", event_names())
def test_responses_equal_the_sdks_own_lambda_handler(name: str, settings: Settings) -> None:
    """Our wiring (skill built once, this serializer) answers exactly as SkillBuilder's would."""
    ours = build_handler(ContentStore(settings, rng=random.Random(5)), skill_id=None)
    sdk = skill_builder(
        ContentStore(settings, rng=random.Random(5)), skill_id=None
    ).lambda_handler()
    event = load_event(name)
    assert json.dumps(ours(event, None), sort_keys=True) == json.dumps(
        sdk(event, None), sort_keys=True
    )


def test_no_private_sdk_name_is_overridden() -> None:
    """Only public methods of the SDK's serializer are overridden (no name-mangled privates)."""
    overridden = {name for name in vars(SkillSerializer) if not name.startswith("__")}
    assert overridden == {"serialize"}
