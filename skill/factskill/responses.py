"""Build the skill's responses from pure parts: speech, card, APL and session state."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_locale, get_supported_interfaces
from ask_sdk_model import Response
from ask_sdk_model.ui import SimpleCard

from factcontent.deck import Fact, pick_fact
from factskill.apl import APL_TOKEN, FACT_DOCUMENT, fact_datasources
from factskill.content import ContentStore, LocaleContent
from factskill.listeners import recall, remember
from factskill.session import SessionState
from factskill.speech import SpeechBuilder

if TYPE_CHECKING:
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    from factskill.memory import Memory
    from factskill.slots import TopicRequest


def content_for(handler_input: HandlerInput, store: ContentStore) -> LocaleContent:
    """Return the content of the request's locale (English when unsupported or missing)."""
    try:
        locale = get_locale(handler_input)
    except AttributeError:
        locale = None
    return store.for_locale(locale)


def session_state(handler_input: HandlerInput) -> SessionState:
    return SessionState.from_attributes(handler_input.attributes_manager.session_attributes)


def save_state(handler_input: HandlerInput, state: SessionState) -> None:
    handler_input.attributes_manager.session_attributes = state.to_attributes()


def ask(
    handler_input: HandlerInput,
    speech: SpeechBuilder,
    reprompt: str,
    *,
    store: ContentStore,
) -> Response:
    """Speak, ask a question and keep the session open with a reprompt."""
    reprompt_ssml = SpeechBuilder.for_reprompt(allow_http=store.allow_http).text(reprompt).ssml()
    return (
        handler_input.response_builder.speak(speech.ssml())
        .ask(reprompt_ssml)
        .set_should_end_session(False)
        .response
    )


def tell(handler_input: HandlerInput, text: str) -> Response:
    """Speak and end the session."""
    return (
        handler_input.response_builder.speak(SpeechBuilder().text(text).ssml())
        .set_should_end_session(True)
        .response
    )


def _render_fact(content: LocaleContent, fact: Fact) -> RenderDocumentDirective:
    # Imported on first use: only screen devices need the APL models, ~12 ms to import.
    from ask_sdk_model.interfaces.alexa.presentation.apl import RenderDocumentDirective

    prompts = content.prompts
    datasources = fact_datasources(
        text=fact.text,
        title=prompts.say("skill_name"),
        topic=content.deck.topics.get(fact.topic, ""),
        hint=prompts.say("screen_hint"),
        locale=content.locale,
    )
    return RenderDocumentDirective(token=APL_TOKEN, document=FACT_DOCUMENT, datasources=datasources)


def _has_screen(handler_input: HandlerInput) -> bool:
    try:
        return get_supported_interfaces(handler_input).alexa_presentation_apl is not None
    except AttributeError:
        return False


def speak_fact(
    handler_input: HandlerInput,
    store: ContentStore,
    content: LocaleContent,
    fact: Fact,
    *,
    lead: tuple[str, ...] = (),
) -> Response:
    """Say `fact` (its MP3 when one is valid), offer another, show a card and, on screens, APL."""
    prompts = content.prompts
    speech = SpeechBuilder(allow_http=store.allow_http)
    for text in lead:
        speech.text(text)
    speech.audio(content.audio.get(fact.id), fact.text).text(prompts.say("another"))
    title = prompts.say("skill_name")
    handler_input.response_builder.set_card(SimpleCard(title=title, content=fact.text))
    if _has_screen(handler_input):
        handler_input.response_builder.add_directive(_render_fact(content, fact))
    return ask(handler_input, speech, prompts.say("another_reprompt"), store=store)


def new_fact(
    handler_input: HandlerInput,
    store: ContentStore,
    content: LocaleContent,
    *,
    topic: str | None,
    lead: tuple[str, ...] = (),
    memory: Memory | None = None,
    state: SessionState | None = None,
) -> Response:
    """Pick a fact the listener has not heard (of `topic`), in this session or, with memory on,
    before; remember it and speak it. `state`: the session's, when the caller has read it."""
    if state is None:
        state = session_state(handler_input)
    if memory is not None:
        state, _ = recall(handler_input, memory, content.deck.language, state)
    if topic not in content.deck.topics:
        topic = None
    pick = pick_fact(content.deck, state.seen, topic=topic, last=state.last, rng=store.rng)
    prompts = content.prompts
    if pick.restarted:
        restart = (
            prompts.say("topic_exhausted", topic=content.deck.topics[topic])
            if topic
            else prompts.say("deck_exhausted")
        )
        lead = (*lead, restart)
    elif topic and topic != state.topic:
        lead = (*lead, prompts.say("topic_intro", topic=content.deck.topics[topic]))
    if memory is None:
        after = SessionState(
            seen=pick.seen,
            last=pick.fact.id,
            topic=topic,
            memory_version=None,
            visits=0,
            resume=None,
            resume_at=0,
        )  # every field given: Record's fast path
        save_state(handler_input, after)
    else:
        after = state._replace(seen=pick.seen, last=pick.fact.id, topic=topic, resume=None)
        save_state(
            handler_input, remember(handler_input, memory, content.deck.language, state, after)
        )
    return speak_fact(handler_input, store, content, pick.fact, lead=lead)


def unknown_topic(
    handler_input: HandlerInput, store: ContentStore, content: LocaleContent, asked: TopicRequest
) -> Response | None:
    """The answer to a topic the deck does not know (the topics there are), or None."""
    if not asked.unmatched and not (asked.topic_id and asked.topic_id not in content.deck.topics):
        return None
    prompts, topics = content.prompts, topic_list(content)
    speech = SpeechBuilder().text(
        prompts.say("unknown_topic", value=asked.spoken or "", topics=topics)
    )
    return ask(handler_input, speech, prompts.say("topics_reprompt", topics=topics), store=store)


def topic_list(content: LocaleContent) -> str:
    return content.prompts.join(list(content.deck.topics.values()))
