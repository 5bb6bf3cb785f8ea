"""Ask the SDK's own dispatcher which handler answers a request, as the real skill is wired."""

from __future__ import annotations

import functools
import json
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.serialize import DefaultSerializer
from ask_sdk_model import RequestEnvelope

from factskill.config import Settings
from factskill.content import ContentStore
from factskill.wiring import skill_builder
from tests.conftest import ASSETS_DIR, load_event


@functools.cache
def _mapper() -> Any:
    store = ContentStore(Settings(content_dir=str(ASSETS_DIR)))
    skill = skill_builder(store, skill_id=None).create()
    (mapper,) = skill.request_dispatcher.request_mappers
    return mapper


def request_handlers() -> list[Any]:
    """Return the request handlers of the skill, in dispatch order."""
    return [chain.request_handler for chain in _mapper().request_handler_chains]


def handler_for(event: dict[str, Any]) -> Any:
    """Return the request handler the SDK dispatches `event` to."""
    envelope = DefaultSerializer().deserialize(json.dumps(event), RequestEnvelope)
    chain = _mapper().get_request_handler_chain(HandlerInput(request_envelope=envelope))
    return chain.request_handler


def answering_handler(intent: str, locale: str) -> Any:
    """Return the request handler the SDK dispatches an IntentRequest for `intent` to."""
    event = load_event("get_new_fact", locale=locale)
    event["request"]["intent"] = {"name": intent, "confirmationStatus": "NONE", "slots": {}}
    return handler_for(event)
