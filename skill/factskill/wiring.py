"""Wire the request handlers, in order, into an ASK SDK Lambda handler."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from ask_sdk_core.skill_builder import SkillBuilder

from factskill.content import ContentStore
from factskill.handlers import CONTENT_HANDLERS, TRAILING_HANDLERS, CatchAllExceptionHandler

LambdaHandler = Callable[[Any, Any], dict[str, Any]]


def build_handler(store: ContentStore, *, skill_id: str | None) -> LambdaHandler:
    """Return the SDK's Lambda handler over `store`; the SDK also checks `skill_id` when set."""
    builder = SkillBuilder()
    for handler_class in CONTENT_HANDLERS:
        builder.add_request_handler(handler_class(store))
    for trailing in TRAILING_HANDLERS:
        builder.add_request_handler(trailing())
    builder.add_exception_handler(CatchAllExceptionHandler(store))
    builder.skill_id = skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    return builder.lambda_handler()
