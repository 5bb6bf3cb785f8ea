"""Lambda entry point: build the skill once per container and expose `handler`.

Template handler: ``factskill.app.handler``.

The ASK SDK is imported here, at init, as any skill does. The skill's own modules, its settings
and its content load on the first request and stay for the container's life: see "Cold start"
in the README for what that costs and why.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

import ask_sdk_core.skill_builder  # noqa: F401  (the SDK loads at init, like any skill's)

logger = logging.getLogger(__name__)

LambdaHandler = Callable[[Any, Any], dict[str, Any]]


class SkillIdMismatchError(Exception):
    """The request comes from a skill other than SKILL_ID: rejected, never answered."""


class EnvelopeError(Exception):
    """The SDK could not read the envelope (raised only when asked to be strict)."""


@functools.cache
def _skill() -> tuple[LambdaHandler, str | None]:
    from factskill.config import get_settings
    from factskill.content import ContentStore
    from factskill.wiring import build_handler

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


def answer(event: Any, context: Any, *, strict: bool = False) -> dict[str, Any]:
    """Answer one Alexa request; an envelope the SDK cannot read gets a fixed valid response,
    or, when `strict` (the HTTP server, which answers it with a 400), an EnvelopeError."""
    skill_handler, skill_id = _skill()
    check_skill_id(event, skill_id)
    try:
        return skill_handler(event, context)
    except Exception as exc:
        # The SDK failed before or after the handlers (an envelope it cannot deserialize).
        if strict:
            raise EnvelopeError(f"the SDK cannot read this envelope: {exc}") from exc
        logger.exception("request could not be dispatched; answering with a fixed response")
        from factskill.fallback import fallback_response

        return fallback_response(event)


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point. Never raises, except to reject another skill's request."""
    return answer(event, context)
