"""Wire the request handlers, in order, into an ASK SDK skill and a Lambda handler for it."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ask_sdk_core.skill_builder import SkillBuilder
from ask_sdk_model import RequestEnvelope

from factskill.content import ContentStore
from factskill.handlers import CONTENT_HANDLERS, TRAILING_HANDLERS, CatchAllExceptionHandler
from factskill.serializer import SkillSerializer
from factskill.session import EMPTY_STATE, SessionState, StateAttributes

if TYPE_CHECKING:
    from factskill.memory import Memory

LambdaHandler = Callable[[Any, Any], dict[str, Any]]


def skill_builder(
    store: ContentStore, *, skill_id: str | None, memory: Memory | None = None
) -> SkillBuilder:
    """Return an SDK SkillBuilder with the handlers, in dispatch order, over `store`."""
    builder = SkillBuilder()
    for handler_class in CONTENT_HANDLERS:
        builder.add_request_handler(handler_class(store, memory))
    for trailing in TRAILING_HANDLERS:
        builder.add_request_handler(trailing())
    builder.add_exception_handler(CatchAllExceptionHandler(store))
    builder.skill_id = skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    return builder


def build_handler(
    store: ContentStore, *, skill_id: str | None, memory: Memory | None = None
) -> LambdaHandler:
    """Return a Lambda handler over `store`; the SDK also checks `skill_id` when set.

    The same steps as SkillBuilder.lambda_handler() (deserialize, invoke, serialize), but the
    skill is built once here, not again for every request as the SDK's wrapper does.
    """
    skill = skill_builder(store, skill_id=skill_id, memory=memory).create()
    serializer = SkillSerializer()

    def handler(event: Any, context: Any) -> dict[str, Any]:
        envelope = serializer.deserialize(payload=json.dumps(event), obj_type=RequestEnvelope)
        answered = skill.invoke(request_envelope=envelope, context=context)
        ours = type(answered.session_attributes) is StateAttributes  # a handler saved state
        response = serializer.serialize(answered)
        assert isinstance(response, dict)
        attributes = response.get("sessionAttributes")
        if attributes and not ours:
            # Whatever a handler left there (the SDK echoes the request's own attributes):
            # only the state this skill keeps, bounded, never a forged megabyte.
            state = SessionState.from_attributes(attributes)
            response["sessionAttributes"] = {} if state == EMPTY_STATE else state.to_attributes()
        return response

    return handler
