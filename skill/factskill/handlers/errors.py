"""The catch-all exception handler: users hear a fixed sentence, logs get the traceback."""

from __future__ import annotations

import logging

from ask_sdk_core.dispatch_components import AbstractExceptionHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_model import Response

from factskill.content import ContentStore
from factskill.responses import ask, content_for
from factskill.speech import SpeechBuilder

logger = logging.getLogger(__name__)

SPOKEN_REQUEST_TYPES = ("LaunchRequest", "IntentRequest")


class CatchAllExceptionHandler(AbstractExceptionHandler):
    """Turn any exception into a valid response."""

    def __init__(self, store: ContentStore) -> None:
        self.store = store

    def can_handle(self, handler_input: HandlerInput, exception: Exception) -> bool:
        return True

    def handle(self, handler_input: HandlerInput, exception: Exception) -> Response:
        logger.error("request failed", exc_info=exception)
        request = getattr(handler_input.request_envelope, "request", None)
        builder = handler_input.response_builder
        if getattr(request, "object_type", None) not in SPOKEN_REQUEST_TYPES:
            return builder.response
        try:
            prompts = content_for(handler_input, self.store).prompts
            speech = SpeechBuilder().text(prompts.say("error"))
            return ask(handler_input, speech, prompts.say("error_reprompt"), store=self.store)
        except Exception:  # the content itself is broken: still answer
            logger.exception("could not load prompts for the error response")
            builder.speak("Sorry, something went wrong. Please try again later.")
            return builder.set_should_end_session(True).response
