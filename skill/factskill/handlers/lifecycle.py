"""Requests that must get an empty response: session end and every type this skill does not use."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

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


class UnusedRequestHandler(AbstractRequestHandler):
    """AudioPlayer, PlaybackController, System.ExceptionEncountered...: a valid empty response."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return True

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        logger.info("ignoring request of type %s", getattr(request, "object_type", None))
        return handler_input.response_builder.response
