"""Lambda entry point: build the skill once per container and expose `handler`.

Template handler: ``factskill.app.handler``.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from ask_sdk_core.skill_builder import SkillBuilder

from factskill.config import get_settings
from factskill.content import ContentStore
from factskill.fallback import fallback_response
from factskill.handlers import CONTENT_HANDLERS, TRAILING_HANDLERS, CatchAllExceptionHandler

logger = logging.getLogger(__name__)

LambdaHandler = Callable[[Any, Any], dict[str, Any]]


class SkillIdMismatchError(Exception):
    """The request comes from a skill other than SKILL_ID: rejected, never answered."""


def build_handler(store: ContentStore, *, skill_id: str | None) -> LambdaHandler:
    """Wire the request handlers, in order, into an ASK SDK Lambda handler."""
    builder = SkillBuilder()
    for handler_class in CONTENT_HANDLERS:
        builder.add_request_handler(handler_class(store))
    for trailing in TRAILING_HANDLERS:
        builder.add_request_handler(trailing())
    builder.add_exception_handler(CatchAllExceptionHandler(store))
    builder.skill_id = skill_id  # type: ignore[assignment]  # the SDK annotates it as None
    return builder.lambda_handler()


@functools.cache
def _skill() -> tuple[LambdaHandler, str | None]:
    settings = get_settings()
    logging.getLogger("factskill").setLevel(settings.log_level)
    return build_handler(ContentStore(settings), skill_id=settings.skill_id), settings.skill_id


def application_ids(event: Mapping[str, Any]) -> set[object]:
    """Return the application ids a request envelope claims (context and session)."""
    ids: set[object] = set()
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            ids.add(node.get("applicationId"))
    return ids


def check_skill_id(event: Any, skill_id: str | None) -> None:
    """Raise SkillIdMismatchError unless every application id in `event` is `skill_id`."""
    if skill_id is None:
        return
    claimed = application_ids(event) if isinstance(event, Mapping) else set()
    if claimed != {skill_id}:
        raise SkillIdMismatchError(
            f"request is not from skill {skill_id}: {sorted(map(str, claimed))}"
        )


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Answer one Alexa request. Never raises, except to reject another skill's request."""
    skill_handler, skill_id = _skill()
    check_skill_id(event, skill_id)
    try:
        return skill_handler(event, context)
    except Exception:
        # The SDK failed before or after the handlers (an envelope it cannot deserialize).
        logger.exception("request could not be dispatched; answering with a fixed response")
        return fallback_response(event)
