"""Envelopes from tests/events through the real ASK SDK handler."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from factcontent.locales import LOCALE_LANGUAGE
from factskill.content import ContentStore
from tests.conftest import Event, Invoke, event_names, load_event
from tests.support import assert_valid_response, ssml_of, text_of

EN_WELCOME = "Welcome to Serverless Facts."
ANOTHER = "Want another fact?"


def fact_texts(
    store: ContentStore, locale: str = "en-US", topic: str | None = None
) -> dict[str, str]:
    deck = store.for_locale(locale).deck
    return {f.id: f.text for f in deck.facts if topic is None or f.topic == topic}


def said(response: dict[str, Any]) -> str:
    return text_of(ssml_of(response))


@pytest.mark.parametrize("name", event_names())
def test_every_event_gets_a_valid_response(invoke: Invoke, name: str) -> None:
    assert_valid_response(invoke(load_event(name)))


def test_launch_welcomes_tells_a_fact_and_offers_another(
    invoke: Invoke, store: ContentStore
) -> None:
    response = invoke(load_event("launch"))
    body = response["response"]
    speech = said(response)
    assert speech.startswith(EN_WELCOME)
    assert speech.endswith(ANOTHER)
    last = response["sessionAttributes"]["last"]
    assert fact_texts(store)[last] in speech
    assert body["shouldEndSession"] is False
    assert "another fact" in text_of(ssml_of(response, "reprompt"))
    assert body["card"] == {
        "type": "Simple",
        "title": "Serverless Facts",
        "content": fact_texts(store)[last],
    }
    (directive,) = body["directives"]
    assert directive["type"] == "Alexa.Presentation.APL.RenderDocument"
    assert directive["datasources"]["fact"]["text"] == fact_texts(store)[last]


def test_launch_without_screen_sends_no_apl(invoke: Invoke) -> None:
    body = invoke(load_event("launch_no_screen"))["response"]
    assert "directives" not in body
    assert body["card"]["type"] == "Simple"


def test_session_attributes_hold_ids_not_texts(invoke: Invoke) -> None:
    attributes = invoke(load_event("launch"))["sessionAttributes"]
    assert set(attributes) == {"seen", "last", "topic"}
    assert len(json.dumps(attributes)) < 100


def test_one_shot_fact_follows_the_same_rule_as_launch(invoke: Invoke, store: ContentStore) -> None:
    response = invoke(load_event("get_new_fact"))
    assert said(response).endswith(ANOTHER)
    assert not said(response).startswith(EN_WELCOME)
    assert response["response"]["shouldEndSession"] is False
    assert response["sessionAttributes"]["topic"] is None


def test_topic_is_resolved_by_entity_resolution_id(invoke: Invoke, store: ContentStore) -> None:
    # the raw words are "cost"; only the resolved id "pricing" names the topic
    response = invoke(load_event("get_new_fact_topic"))
    last = response["sessionAttributes"]["last"]
    assert last in fact_texts(store, topic="pricing")
    assert said(response).startswith("Here's a fact about pricing.")
    assert response["sessionAttributes"]["topic"] == "pricing"


def test_unknown_topic_names_the_known_topics(invoke: Invoke) -> None:
    response = invoke(load_event("get_new_fact_unknown_topic"))
    speech = said(response)
    assert "kubernetes operators & <friends>" in speech  # escaped in SSML, intact when spoken
    assert "AWS Lambda, pricing, scaling, serverless services, containers and tools" in speech
    assert speech.endswith("?")
    assert response["response"]["shouldEndSession"] is False
    assert "sessionAttributes" not in response or not response["sessionAttributes"].get("last")


def test_unknown_resolved_id_is_treated_as_unknown_topic(invoke: Invoke) -> None:
    event = load_event("get_new_fact_topic")
    authority = event["request"]["intent"]["slots"]["topic"]["resolutions"][
        "resolutionsPerAuthority"
    ][0]
    authority["values"][0]["value"]["id"] = "retired-topic"
    assert "I know about" in said(invoke(event))


def test_list_topics(invoke: Invoke) -> None:
    response = invoke(load_event("list_topics"))
    assert said(response) == (
        "I know facts about AWS Lambda, pricing, scaling, serverless services, containers and tools. "
        "Which would you like?"
    )
    assert response["response"]["shouldEndSession"] is False


def play_session(
    invoke: Invoke, first: str, then: str, turns: int, **kw: Any
) -> list[dict[str, Any]]:
    responses = [invoke(load_event(first, **kw))]
    for _ in range(turns - 1):
        attributes = responses[-1]["sessionAttributes"]
        responses.append(invoke(load_event(then, attributes=attributes, **kw)))
    return responses


@pytest.mark.parametrize("then", ["yes", "next"])
def test_no_fact_repeats_until_the_deck_is_used_up(
    invoke: Invoke, store: ContentStore, then: str
) -> None:
    facts = fact_texts(store)
    responses = play_session(invoke, "launch", then, len(facts) + 1)
    told = [r["sessionAttributes"]["last"] for r in responses]
    assert sorted(told[: len(facts)]) == sorted(facts)
    assert told[len(facts)] != told[len(facts) - 1]
    assert "You've heard every fact I know" in said(responses[-1])
    for response in responses:
        assert_valid_response(response)


def test_topic_sticks_for_yes_and_restarts_when_used_up(
    invoke: Invoke, store: ContentStore
) -> None:
    pricing = fact_texts(store, topic="pricing")
    responses = play_session(invoke, "get_new_fact_topic", "yes", len(pricing) + 1)
    told = [r["sessionAttributes"]["last"] for r in responses]
    assert sorted(told[: len(pricing)]) == sorted(pricing)
    assert told[-1] in pricing
    assert "That's every fact I know about pricing" in said(responses[-1])


def test_repeat_says_the_last_fact_again(invoke: Invoke, store: ContentStore) -> None:
    first = invoke(load_event("launch"))
    again = invoke(load_event("repeat", attributes=first["sessionAttributes"]))
    fact = fact_texts(store)[first["sessionAttributes"]["last"]]
    assert said(again) == f"{fact} {ANOTHER}"
    assert again["sessionAttributes"] == first["sessionAttributes"]


def test_repeat_with_nothing_told_offers_a_fact(invoke: Invoke) -> None:
    response = invoke(load_event("repeat"))
    assert said(response) == "I haven't told you a fact yet. Would you like one?"
    assert response["response"]["shouldEndSession"] is False


def test_help_explains_and_asks(invoke: Invoke) -> None:
    response = invoke(load_event("help"))
    assert said(response).startswith("Serverless Facts tells you facts")
    assert said(response).endswith("What would you like?")
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize("name", ["stop", "cancel", "no", "navigate_home"])
def test_exits_say_goodbye_and_end(invoke: Invoke, name: str) -> None:
    response = invoke(load_event(name))
    assert said(response) == "Goodbye, and happy building!"
    assert response["response"]["shouldEndSession"] is True
    assert "reprompt" not in response["response"]


@pytest.mark.parametrize("name", ["fallback", "unknown_intent"])
def test_fallback_says_what_the_skill_does(invoke: Invoke, name: str) -> None:
    response = invoke(load_event(name))
    assert said(response).startswith("Sorry, Serverless Facts can't help with that.")
    assert response["response"]["shouldEndSession"] is False


@pytest.mark.parametrize(
    "name",
    [
        "session_ended",
        "session_ended_error",
        "audioplayer_playback_started",
        "playback_controller_next",
        "system_exception",
    ],
)
def test_requests_without_speech_get_an_empty_response(invoke: Invoke, name: str) -> None:
    body = invoke(load_event(name))["response"]
    assert "outputSpeech" not in body and "reprompt" not in body and "card" not in body


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_every_locale_speaks_its_language(invoke: Invoke, store: ContentStore, locale: str) -> None:
    response = invoke(load_event("launch", locale=locale))
    content = store.for_locale(locale)
    assert said(response).startswith(content.prompts.say("welcome"))
    assert said(response).endswith(content.prompts.say("another"))
    assert response["sessionAttributes"]["last"] in content.deck.ids()
    assert_valid_response(response)


def test_unknown_locale_falls_back_to_english(invoke: Invoke) -> None:
    assert said(invoke(load_event("launch", locale="sv-SE"))).startswith(EN_WELCOME)


def test_forced_exception_gets_a_spoken_answer(
    invoke: Invoke, store: ContentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = {"n": 0}
    original = store.for_locale

    def broken(locale: object) -> Any:
        calls["n"] += 1
        if calls["n"] == 1:
            raise RuntimeError("deck exploded")
        return original(locale)

    monkeypatch.setattr(store, "for_locale", broken)
    response = invoke(load_event("launch"))
    assert (
        said(response) == "Sorry, I had trouble doing that. Would you like to hear a fact instead?"
    )
    assert response["response"]["shouldEndSession"] is False
    assert_valid_response(response)


def test_exception_with_broken_content_still_answers(
    invoke: Invoke, store: ContentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(locale: object) -> Any:
        raise RuntimeError("everything is broken")

    monkeypatch.setattr(store, "for_locale", broken)
    response = invoke(load_event("help"))
    assert "something went wrong" in said(response)
    assert response["response"]["shouldEndSession"] is True


def test_exception_on_unspoken_request_is_empty(
    invoke: Invoke, store: ContentStore, monkeypatch: pytest.MonkeyPatch
) -> None:
    from factskill.handlers import lifecycle

    def boom(self: object, handler_input: object) -> Any:
        raise RuntimeError("x")

    monkeypatch.setattr(lifecycle.SessionEndedRequestHandler, "handle", boom)
    body = invoke(load_event("session_ended"))["response"]
    assert "outputSpeech" not in body


EventFactory = Callable[..., Event]


def another_fact_event(locale: str, attributes: dict[str, object]) -> dict[str, object]:
    """What Alexa sends for "another one" (AnotherFactIntent) in `locale`."""
    event = load_event("yes", locale=locale, attributes=attributes)
    event["request"]["intent"] = {"name": "AnotherFactIntent", "confirmationStatus": "NONE"}
    return event


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_another_one_continues_the_chosen_topic_in_every_locale(
    invoke: Invoke, store: ContentStore, locale: str
) -> None:
    """After "a fact about pricing", every "another"-style request stays on pricing."""
    content = store.for_locale(locale)
    pricing = set(content.deck.ids("pricing"))
    response = invoke(load_event("get_new_fact_topic", locale=locale))
    told = [response["sessionAttributes"]["last"]]
    for _ in range(len(pricing) - 1):
        response = invoke(another_fact_event(locale, response["sessionAttributes"]))
        assert_valid_response(response)
        assert response["sessionAttributes"]["topic"] == "pricing"
        told.append(response["sessionAttributes"]["last"])
    assert sorted(told) == sorted(pricing)  # a new pricing fact each time


def test_a_fact_without_a_topic_resets_the_topic(invoke: Invoke) -> None:
    """The README's rule: "tell me a fact" (GetNewFactIntent, no topic) means any topic."""
    chosen = invoke(load_event("get_new_fact_topic"))
    assert chosen["sessionAttributes"]["topic"] == "pricing"
    reset = invoke(load_event("get_new_fact", attributes=chosen["sessionAttributes"]))
    assert reset["sessionAttributes"]["topic"] is None


@pytest.mark.parametrize("locale", ["en-US", "de-DE", "ja-JP"])
def test_the_fact_view_shows_the_skill_name_topic_and_a_hint_in_the_locale(
    invoke: Invoke, store: ContentStore, locale: str
) -> None:
    response = invoke(load_event("get_new_fact_topic", locale=locale))
    (directive,) = response["response"]["directives"]
    fact = directive["datasources"]["fact"]
    content = store.for_locale(locale)
    told = content.deck.get(response["sessionAttributes"]["last"])
    assert told is not None
    assert fact == {
        "text": told.text,
        "title": content.prompts.say("skill_name"),
        "topic": content.deck.topics["pricing"],
        "hint": content.prompts.say("screen_hint"),
        "lang": locale,
        "direction": "LTR",
    }
    assert directive["document"]["import"] == [{"name": "alexa-layouts", "version": "1.7.0"}]
