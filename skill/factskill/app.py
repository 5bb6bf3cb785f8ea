"""Lambda entry point: build the skill once per container, at init, and expose `handler`.

Template handler: ``factskill.app.handler``.

The settings are read and the skill is built when Lambda imports this module, so a configuration
error (``ALLOW_HTTP_AUDIO=maybe``) fails the function's init with a message naming the variable,
instead of failing every request. The content of a locale loads on its first request and stays
for the container's life.
"""

from __future__ import annotations

import functools
import logging
from collections.abc import Callable, Mapping
from typing import Any

from factcontent.records import Record
from factskill.config import get_settings
from factskill.content import ContentStore
from factskill.wiring import build_handler

logger = logging.getLogger(__name__)

LambdaHandler = Callable[[Any, Any], dict[str, Any]]


class SkillIdMismatchError(Exception):
    """The request comes from a skill other than SKILL_ID: rejected, never answered."""


class EnvelopeError(Exception):
    """The SDK could not read the envelope (raised only when asked to be strict)."""


class Skill(Record):
    """The container's skill: its handler, the skill id it answers, where its content is."""

    handler: LambdaHandler
    skill_id: str | None
    content_dir: str


@functools.cache
def _skill() -> Skill:
    settings = get_settings()
    logging.getLogger("factskill").setLevel(settings.log_level)
    memory = None
    if settings.memory_table:  # memory off: nothing of it, nor of botocore, is ever imported
        from factskill.memory import DynamoStore, Memory

        memory = Memory(DynamoStore(settings.memory_table))
    handler = build_handler(ContentStore(settings), skill_id=settings.skill_id, memory=memory)
    return Skill(handler, settings.skill_id, settings.content_dir)


# What a request claims when its applicationId is not a string (a list, a dict...): no skill's.
NOT_AN_ID = "<not a string>"


def application_ids(event: Mapping[str, Any]) -> set[str | None]:
    """Return the application ids a request envelope claims (context and session); any that
    is not a string (None when absent) counts as no skill's."""
    ids: set[str | None] = set()
    for path in (("context", "System", "application"), ("session", "application")):
        node: Any = event
        for key in path:
            node = node.get(key) if isinstance(node, Mapping) else None
        if isinstance(node, Mapping):
            claimed = node.get("applicationId")
            ids.add(claimed if isinstance(claimed, str) or claimed is None else NOT_AN_ID)
    return ids


def check_skill_id(event: Any, skill_id: str | None) -> None:
    """Raise SkillIdMismatchError unless every application id in `event` is `skill_id`."""
    if skill_id is None:
        return
    claimed = application_ids(event) if isinstance(event, Mapping) else set()
    if claimed != {skill_id}:
        raise SkillIdMismatchError(
            f"request is not from skill {skill_id}: {sorted(str(c)[:100] for c in claimed)}"
        )


def answer(event: Any, context: Any, *, strict: bool = False) -> dict[str, Any]:
    """Answer one Alexa request; an envelope the SDK cannot read gets a fixed valid response,
    or, when `strict` (the HTTP server, which answers it with a 400), an EnvelopeError."""
    skill = _skill()
    check_skill_id(event, skill.skill_id)
    try:
        return skill.handler(event, context)
    except Exception as exc:
        # The SDK failed before or after the handlers (an envelope it cannot deserialize).
        if strict:
            raise EnvelopeError(f"the SDK cannot read this envelope: {exc}") from exc
        logger.exception("request could not be dispatched; answering with a fixed response")
        from factskill.fallback import fallback_response  # only ever needed here

        return fallback_response(event, skill.content_dir)


def handler(event: Any, context: Any) -> dict[str, Any]:
    """Lambda entry point. Never raises, except to reject another skill's request."""
    return answer(event, context)


# At init: a malformed setting fails here, once, naming the variable.
_skill()
