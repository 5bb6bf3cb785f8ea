"""Requests that must get an empty response: session end and every type this skill does not use."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from factskill.handlers.base import StoreHandler
from factskill.listeners import identity

logger = logging.getLogger(__name__)


class SessionEndedRequestHandler(AbstractRequestHandler):
    """Log why the session ended; answer with no speech."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("SessionEndedRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        reason = getattr(request, "reason", None)
        error = getattr(request, "error", None)
        logger.info("session ended: %s", getattr(reason, "value", reason))
        if error is not None:
            logger.warning("session ended with error: %s", error)
        return handler_input.response_builder.response


class SkillDisabledHandler(StoreHandler):
    """The listener disabled the skill (a SKILL_DISABLED event): forget them at once."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("AlexaSkillEvent.SkillDisabled")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        who = identity(handler_input) if self.memory is not None else None
        if self.memory is not None and who is not None:
            self.memory.forget(who[0])
            logger.info("skill disabled: the listener's memory is deleted")
        return handler_input.response_builder.response


class UnusedRequestHandler(AbstractRequestHandler):
    """AudioPlayer, PlaybackController, System.ExceptionEncountered...: a valid empty response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        logger.info("ignoring request of type %s", getattr(request, "object_type", None))
        return handler_input.response_builder.response
