"""The interaction model, the handlers, skill.json and the decks agree with each other."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from factcontent.files import load_deck
from factcontent.locales import LOCALE_LANGUAGE
from factsim.launch import match_launch
from factsim.model import InteractionModel, load_models
from factskill.handlers import FallbackIntentHandler, UnusedRequestHandler
from factskill.handlers.playback import PLAYBACK_COMMANDS, PLAYBACK_EVENTS, PLAYBACK_INTENTS
from tests.conftest import ASSETS_DIR, MODEL_DIR, load_event
from tests.dispatch import answering_handler, handler_for, request_handlers
from tests.playback import intent_while_playing, playback_request

MODELS = load_models(MODEL_DIR)
SKILL = json.loads((MODEL_DIR / "skill.json").read_text())["manifest"]
CUSTOM_INTENTS = ("GetNewFactIntent", "AnotherFactIntent", "ListTopicsIntent")
REQUIRED_BUILTINS = {
    "AMAZON.HelpIntent",
    "AMAZON.StopIntent",
    "AMAZON.CancelIntent",
    "AMAZON.FallbackIntent",
    "AMAZON.NavigateHomeIntent",
    # AudioPlayer: Pause and Resume are required; the rest a stream must answer without error
    "AMAZON.PauseIntent",
    "AMAZON.ResumeIntent",
    "AMAZON.NextIntent",
    "AMAZON.PreviousIntent",
    "AMAZON.StartOverIntent",
    "AMAZON.LoopOnIntent",
    "AMAZON.LoopOffIntent",
    "AMAZON.ShuffleOnIntent",
    "AMAZON.ShuffleOffIntent",
}
FORBIDDEN_IN_INVOCATION = {
    "alexa",
    "skill",
    "app",
    "open",
    "ask",
    "launch",
    "start",
    "tell",
    "for",
    "to",
}
SLOT_IN_SAMPLE = re.compile(r"\{(\w+)\}")
OWN_SCRIPT_LANGUAGES = {"ja", "hi", "ar"}


def raw_model(locale: str) -> dict[str, Any]:
    path = MODEL_DIR / "interactionModels" / "custom" / f"{locale}.json"
    data: dict[str, Any] = json.loads(path.read_text())["interactionModel"]["languageModel"]
    return data


def test_a_model_for_every_supported_locale_and_no_other() -> None:
    assert set(MODELS) == set(LOCALE_LANGUAGE)
    assert set(SKILL["publishingInformation"]["locales"]) == set(LOCALE_LANGUAGE)
    assert set(SKILL["privacyAndCompliance"]["locales"]) == set(LOCALE_LANGUAGE)


# Handlers that answer what no intent of the model names, by design.
CATCH_ALL = (FallbackIntentHandler, UnusedRequestHandler)
FALLBACK_INTENT = "AMAZON.FallbackIntent"


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_every_intent_is_answered_by_its_own_handler_in_dispatch(locale: str) -> None:
    """Dispatch itself decides: the handler the SDK picks is never a catch-all, but for Fallback."""
    assert set(MODELS[locale].intents) >= REQUIRED_BUILTINS
    for intent in MODELS[locale].intents:
        handler = answering_handler(intent, locale)
        if intent == FALLBACK_INTENT:
            assert isinstance(handler, FallbackIntentHandler), type(handler).__name__
        else:
            assert not isinstance(handler, CATCH_ALL), (
                f"{locale} {intent} reaches {type(handler).__name__}: no handler answers it"
            )


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_every_intent_handler_answers_an_intent_of_the_model(locale: str) -> None:
    """A handler for an intent the model lacks is dead code (or a missing model intent)."""
    reached = {type(answering_handler(name, locale)) for name in MODELS[locale].intents}
    reached |= {type(handler_for(load_event(name))) for name in ("launch", "session_ended")}
    reached |= {type(handler_for(skill_event(t))) for t in EVENT_REQUEST_TYPES.values()}
    reached |= {type(handler_for(event)) for event in playback_requests(locale)}
    every = {type(handler) for handler in request_handlers()}
    assert every - reached - set(CATCH_ALL) == set()


def playback_requests(locale: str) -> list[dict[str, Any]]:
    """What a device playing one of our streams sends: events, button presses, and the model's
    intents said while it plays."""
    token = "sf1|" + locale + "||0000000a|00|0|lambda-01|0"
    events = [playback_request(kind, token=token, locale=locale) for kind in PLAYBACK_EVENTS]
    events += [
        playback_request(kind, token=None, playing=token, locale=locale)
        for kind in PLAYBACK_COMMANDS
    ]
    events += [
        intent_while_playing(name, token=token, locale=locale) for name in MODELS[locale].intents
    ]
    answer = intent_while_playing("AMAZON.YesIntent", token=None, new=False, locale=locale)
    answer["session"]["attributes"] = {"rs": token, "ro": 1000}  # a launch offered to resume
    return [*events, answer]


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_every_playback_request_reaches_a_playback_handler(locale: str) -> None:
    for event in playback_requests(locale):
        handler = handler_for(event)
        kind = event["request"]["type"]
        name = event["request"].get("intent", {}).get("name")
        if kind != "IntentRequest" or name in PLAYBACK_INTENTS:
            assert type(handler).__module__ == "factskill.handlers.playback", (kind, name)


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_every_slot_in_a_sample_is_declared_with_a_known_type(locale: str) -> None:
    model = MODELS[locale]
    for intent in model.intents.values():
        for sample in intent.samples:
            for slot in SLOT_IN_SAMPLE.findall(sample):
                assert slot in intent.slots, (
                    f"{locale} {intent.name}: '{sample}' uses undeclared {{{slot}}}"
                )
        for slot_type in intent.slots.values():
            assert slot_type in model.types or slot_type.startswith("AMAZON."), slot_type


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_custom_intents_have_enough_distinct_samples(locale: str) -> None:
    model = MODELS[locale]
    everywhere: list[str] = []
    for name in CUSTOM_INTENTS:
        samples = model.intents[name].samples
        assert len(samples) >= 15, f"{locale} {name} has {len(samples)} samples"
        assert len({s.lower() for s in samples}) == len(samples), (
            f"{locale} {name} repeats a sample"
        )
        everywhere.extend(s.lower() for s in samples)
    assert len(set(everywhere)) == len(everywhere), f"{locale}: a sample belongs to two intents"
    for intent in model.intents.values():
        for sample in intent.samples:
            assert not re.search(r"[0-9.?!,;:]", sample), (
                f"{locale}: '{sample}' has digits or punctuation"
            )


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_invocation_name_follows_the_rules(locale: str) -> None:
    name = MODELS[locale].invocation
    assert name == name.lower() and name.strip() == name
    language = LOCALE_LANGUAGE[locale]
    if language in OWN_SCRIPT_LANGUAGES:  # in the language's own script: no Latin, no digits
        assert not re.search(r"[A-Za-z0-9]", name)
    if language != "ja":  # Japanese writes no spaces
        words = name.split()
        assert len(words) >= 2
        assert not FORBIDDEN_IN_INVOCATION & set(words)
    if LOCALE_LANGUAGE[locale] == "en":
        assert name == "serverless facts"


def test_english_models_are_identical() -> None:
    english = [raw_model(loc) for loc, lang in LOCALE_LANGUAGE.items() if lang == "en"]
    assert all(model == english[0] for model in english)


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_decks_and_slot_values_name_the_same_topics(locale: str) -> None:
    deck = load_deck(ASSETS_DIR, LOCALE_LANGUAGE[locale])
    slot_ids = {v.id for v in MODELS[locale].slot_values("GetNewFactIntent", "topic")}
    assert slot_ids == set(deck.topics)


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_slot_synonyms_are_unambiguous(locale: str) -> None:
    owner: dict[str, str] = {}
    for value in MODELS[locale].slot_values("GetNewFactIntent", "topic"):
        for phrase in value.phrases():
            key = phrase.lower()
            assert owner.setdefault(key, value.id) == value.id, (
                f"{locale}: '{phrase}' means two topics"
            )


def _example_rest(model: InteractionModel, locale: str, phrase: str) -> str:
    launch = match_launch(phrase, language=LOCALE_LANGUAGE[locale], invocation=model.invocation)
    assert launch is not None, (
        f"{locale}: example phrase '{phrase}' does not launch '{model.invocation}'"
    )
    return launch.rest


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_example_phrases_match_samples(locale: str) -> None:
    model = MODELS[locale]
    phrases = SKILL["publishingInformation"]["locales"][locale]["examplePhrases"]
    assert 1 <= len(phrases) <= 3
    for phrase in phrases:
        rest = _example_rest(model, locale, phrase)
        if not rest:
            continue  # "open <invocation>" is a LaunchRequest, no sample needed
        matched = model.match(rest)
        assert matched is not None, f"{locale}: '{phrase}' ('{rest}') matches no sample"
        for name, slot in matched.slots.items():
            assert slot.value is not None, (
                f"{locale}: '{phrase}' fills {name} with unknown '{slot.spoken}'"
            )


def test_skill_json_declares_privacy_apl_and_audio_player() -> None:
    privacy = SKILL["privacyAndCompliance"]
    for field in (
        "allowsPurchases",
        "usesPersonalInfo",
        "isChildDirected",
        "isExportCompliant",
        "containsAds",
    ):
        assert isinstance(privacy[field], bool)
    interfaces = {i["type"] for i in SKILL["apis"]["custom"]["interfaces"]}
    assert interfaces == {"ALEXA_PRESENTATION_APL", "AUDIO_PLAYER"}
    for info in SKILL["publishingInformation"]["locales"].values():
        for icon in ("smallIconUri", "largeIconUri"):
            path = MODEL_DIR / info[icon].removeprefix("file://")
            assert path.is_file() and path.read_bytes().startswith(b"\x89PNG")


def test_ask_resources_point_the_ask_cli_at_the_skill_package() -> None:
    from tests.conftest import REPO_ROOT

    resources = json.loads((REPO_ROOT / "ask-resources.json").read_text())
    source = resources["profiles"]["default"]["skillMetadata"]["src"]
    assert (REPO_ROOT / source).resolve() == MODEL_DIR.resolve()
    assert "skillInfrastructure" not in resources["profiles"]["default"]  # SAM deploys the code


# The request type each skill event arrives as (Alexa skill events reference).
EVENT_REQUEST_TYPES = {"SKILL_DISABLED": "AlexaSkillEvent.SkillDisabled"}


def skill_event(request_type: str) -> dict[str, Any]:
    """An envelope of skill event `request_type`: no session, a context, as Alexa sends it."""
    event = load_event("launch")
    del event["session"]
    event["request"] = {
        "type": request_type,
        "requestId": "amzn1.echo-api.request.event-0001",
        "timestamp": "2026-11-27T10:00:00Z",
        "eventCreationTime": "2026-11-27T10:00:00Z",
        "eventPublishingTime": "2026-11-27T10:00:00Z",
        "body": {"userInformationPersistenceStatus": "NOT_PERSISTED"},
    }
    return event


def test_skill_json_subscribes_to_skill_disabled_on_the_skills_own_endpoint() -> None:
    """SkillDisabled is when factskill.memory deletes a listener's data; no other event is used."""
    events = SKILL["events"]
    assert events["subscriptions"] == [{"eventName": "SKILL_DISABLED"}]
    # Both endpoints are the stack's SkillAliasArn, set together at deploy time (README,
    # deploying): events sent anywhere else would not reach the code that deletes.
    custom = SKILL["apis"]["custom"]
    for part in ("endpoint", "regions"):
        assert events.get(part) == custom.get(part), f"events.{part} is not apis.custom.{part}"


@pytest.mark.parametrize("name", sorted(EVENT_REQUEST_TYPES))
def test_every_subscribed_event_is_answered_by_its_own_handler(name: str) -> None:
    assert {"eventName": name} in SKILL["events"]["subscriptions"]
    handler = handler_for(skill_event(EVENT_REQUEST_TYPES[name]))
    assert not isinstance(handler, CATCH_ALL), f"{name} reaches {type(handler).__name__}"
