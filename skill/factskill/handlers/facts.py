"""Launch, new facts, another fact, repeat and topics."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from factskill.content import LocaleContent
from factskill.handlers.base import StoreHandler
from factskill.handlers.playback import resume_offer
from factskill.listeners import recall, remember
from factskill.responses import (
    ask,
    content_for,
    new_fact,
    save_state,
    session_state,
    speak_fact,
    topic_list,
    unknown_topic,
)
from factskill.session import SessionState
from factskill.slots import read_topic
from factskill.speech import SpeechBuilder


class LaunchRequestHandler(StoreHandler):
    """Welcome, then a first fact and the offer of another."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_request_type("LaunchRequest")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_for(handler_input, self.store)
        returning, state = False, None
        if self.memory is not None:
            state, returning = recall(
                handler_input, self.memory, content.deck.language, session_state(handler_input)
            )
            if state.resume is not None:
                if resume_offer(handler_input, content, state.resume):
                    return self._offer_resume(handler_input, content, state)
                state = state._replace(resume=None, resume_at=0)
            # "welcome back, here's one you haven't heard": not when every fact was heard
            returning = returning and not set(content.deck.ids()) <= set(state.seen)
        welcome = content.prompts.say("welcome_back" if returning else "welcome")
        return new_fact(
            handler_input,
            self.store,
            content,
            topic=None,
            lead=(welcome,),
            memory=self.memory,
            state=state,  # read once: new_fact goes on from it
        )

    def _offer_resume(
        self, handler_input: HandlerInput, content: LocaleContent, state: SessionState
    ) -> Response:
        """Welcome back, and offer to carry on the stream the listener stopped (any device)."""
        language = content.deck.language
        state = remember(handler_input, self.memory, language, state, state, visit=True)
        save_state(handler_input, state)
        prompts = content.prompts
        speech = SpeechBuilder().text(prompts.say("resume_offer"))
        return ask(handler_input, speech, prompts.say("resume_reprompt"), store=self.store)


class GetNewFactIntentHandler(StoreHandler):
    """A fact, of the topic asked for if any; an unknown topic gets the list of known ones."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("GetNewFactIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        asked = read_topic(handler_input)
        content = content_for(handler_input, self.store)
        refused = unknown_topic(handler_input, self.store, content, asked)
        if refused is not None:
            return refused
        return new_fact(
            handler_input, self.store, content, topic=asked.topic_id, memory=self.memory
        )


# "another one", "yes", "next": another fact, in the topic the session is on.
ANOTHER_FACT_INTENTS = frozenset({"AnotherFactIntent", "AMAZON.YesIntent", "AMAZON.NextIntent"})


class AnotherFactHandler(StoreHandler):
    """ "Another one", "yes" and "next": another fact, in the topic the session is on."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            is_request_type("IntentRequest")(handler_input)
            and get_intent_name(handler_input) in ANOTHER_FACT_INTENTS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_for(handler_input, self.store)
        topic = session_state(handler_input).topic
        return new_fact(handler_input, self.store, content, topic=topic, memory=self.memory)


class RepeatIntentHandler(StoreHandler):
    """Say the last fact again, without marking anything new as heard."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("AMAZON.RepeatIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_for(handler_input, self.store)
        state = session_state(handler_input)
        fact = content.deck.get(state.last) if state.last else None
        if fact is None:
            speech = SpeechBuilder().text(content.prompts.say("repeat_none"))
            return ask(
                handler_input, speech, content.prompts.say("another_reprompt"), store=self.store
            )
        return speak_fact(handler_input, self.store, content, fact)


class ListTopicsIntentHandler(StoreHandler):
    """Name the topics and ask which one."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name("ListTopicsIntent")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        content = content_for(handler_input, self.store)
        topics = topic_list(content)
        speech = SpeechBuilder().text(content.prompts.say("topics", topics=topics))
        reprompt = content.prompts.say("topics_reprompt", topics=topics)
        return ask(handler_input, speech, reprompt, store=self.store)
