"""Help, the ways out (stop, cancel, no, home) and the fallback."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_intent_name, is_request_type
from ask_sdk_model import Response

from factskill.handlers.base import StoreHandler
from factskill.responses import ask, content_for, tell
from factskill.speech import SpeechBuilder

EXIT_INTENTS = (
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.NoIntent",
    "AMAZON.NavigateHomeIntent",
)


class HelpIntentHandler(StoreHandler):
    """Explain the skill, end with a question, keep the session open."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.HelpIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        prompts = content_for(handler_input, self.store).prompts
        speech = SpeechBuilder().text(prompts.say("help"))
        return ask(handler_input, speech, prompts.say("help_reprompt"), store=self.store)


class ExitIntentHandler(StoreHandler):
    """Say goodbye and end the session."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return any(is_intent_name(name)(handler_input) for name in EXIT_INTENTS)

    def handle(self, handler_input: HandlerInput) -> Response:
        return tell(handler_input, content_for(handler_input, self.store).prompts.say("goodbye"))


class FallbackIntentHandler(StoreHandler):
    """AMAZON.FallbackIntent and any intent this skill does not know: say what it can do."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("IntentRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        prompts = content_for(handler_input, self.store).prompts
        speech = SpeechBuilder().text(prompts.say("fallback"))
        return ask(handler_input, speech, prompts.say("fallback_reprompt"), store=self.store)
