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
    sdk = set(dir(DefaultSerializer))
    overridden = {name for name in vars(SkillSerializer) if name in sdk}
    assert overridden - {"__module__", "__doc__", "__dict__", "__weakref__"} <= {
        "serialize",
        "__init__",
    }
    assert not [n for n in vars(SkillSerializer) if n.startswith("_DefaultSerializer")]


# --- generated model trees: the fast serialize equals the SDK's on anything a response holds ---

from ask_sdk_model import Response  # noqa: E402
from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective  # noqa: E402
from ask_sdk_model.interfaces.audioplayer import (  # noqa: E402
    AudioItem,
    PlayBehavior,
    PlayDirective,
    Stream,
)
from ask_sdk_model.ui import SimpleCard, SsmlOutputSpeech, StandardCard  # noqa: E402
from ask_sdk_model.ui.reprompt import Reprompt  # noqa: E402
from hypothesis import given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

TEXT = st.text(max_size=20)
JSONISH = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | TEXT,
    lambda children: st.lists(children, max_size=3) | st.dictionaries(TEXT, children, max_size=3),
    max_leaves=8,
)
SPEECH = st.builds(SsmlOutputSpeech, ssml=TEXT)
CARD = st.builds(SimpleCard, title=st.none() | TEXT, content=st.none() | TEXT) | st.builds(
    StandardCard, title=TEXT, text=st.none() | TEXT
)
DIRECTIVE = st.builds(
    RenderDocumentDirective, token=TEXT, document=st.dictionaries(TEXT, JSONISH, max_size=3)
) | st.builds(
    PlayDirective,
    play_behavior=st.sampled_from(list(PlayBehavior)),
    audio_item=st.builds(
        AudioItem,
        stream=st.builds(
            Stream, url=TEXT, token=TEXT, offset_in_milliseconds=st.integers(0, 10**6)
        ),
    ),
)
RESPONSES = st.builds(
    Response,
    output_speech=st.none() | SPEECH,
    card=st.none() | CARD,
    reprompt=st.none() | st.builds(Reprompt, output_speech=SPEECH),
    directives=st.none() | st.lists(DIRECTIVE, max_size=3),
    should_end_session=st.none() | st.booleans(),
)


@settings(max_examples=200, deadline=None)
@given(RESPONSES, JSONISH)
def test_fast_serialize_equals_the_sdks_on_generated_responses(
    response: Response, extra: object
) -> None:
    ours, sdk = SkillSerializer(), DefaultSerializer()
    assert ours.serialize(response) == sdk.serialize(response)
    assert ours.serialize(extra) == sdk.serialize(extra)
    assert ours.serialize((response, extra)) == sdk.serialize((response, extra))
