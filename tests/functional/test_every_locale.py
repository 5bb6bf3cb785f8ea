"""A scripted dialog in every locale the skill publishes in (issue 15), made from that locale's own
files: its skill.json example phrase opens the skill, the simulator's phrases for yes, help and
stop, its model's first samples, its prompts as the expected answers. Through the real skill, in
this process, as a user of that locale would talk to it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest

from factcontent.files import load_deck, load_prompts
from factcontent.locales import LOCALE_LANGUAGE
from factsim.builtins import BUILTIN_PHRASES, HELP, STOP, YES
from factsim.dialog import parse_dialog, run_dialog
from factsim.facts import fact_topics
from factsim.model import load_models
from factsim.session import Conversation, InProcess
from tests.conftest import ASSETS_DIR, MODEL_DIR

MODELS = load_models(MODEL_DIR)
SKILL = json.loads((MODEL_DIR / "skill.json").read_text())["manifest"]
APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


def start(prompt: str) -> str:
    """A regex: the reply starts with `prompt`, as the skill renders it."""
    return "^" + re.escape(prompt)


def first_sample(locale: str, intent: str, *, slot: bool) -> str:
    model = MODELS[locale]
    samples = model.intents[intent].samples
    sample = next(s for s in samples if ("{topic}" in s) == slot)
    if slot:
        value = next(v for v in model.types["TopicType"] if v.id == "pricing")
        sample = sample.replace("{topic}", value.name)
    return sample


def dialog_for(locale: str) -> dict[str, Any]:
    language = LOCALE_LANGUAGE[locale]
    prompts = load_prompts(ASSETS_DIR, language)
    deck = load_deck(ASSETS_DIR, language)
    phrases = BUILTIN_PHRASES[language]
    opener = SKILL["publishingInformation"]["locales"][locale]["examplePhrases"][0]
    topics = prompts.join([deck.topics[t] for t in deck.topics])
    return {
        "locale": locale,
        "turns": [
            {"user": opener, "expect": start(prompts.say("welcome")), "fact": "new"},
            {"user": phrases[YES][0], "intent": YES, "fact": "new", "ended": False},
            {
                "user": first_sample(locale, "ListTopicsIntent", slot=False),
                "intent": "ListTopicsIntent",
                "expect": start(prompts.say("topics", topics=topics)),
            },
            {
                "user": first_sample(locale, "GetNewFactIntent", slot=True),
                "intent": "GetNewFactIntent",
                "topic": "pricing",
                "fact": "new",
                "expect": start(prompts.say("topic_intro", topic=deck.topics["pricing"])),
            },
            {
                "user": first_sample(locale, "AnotherFactIntent", slot=False),
                "intent": "AnotherFactIntent",
                "topic": "pricing",
                "fact": "new",
            },
            {
                "user": first_sample(locale, "PlayAllFactsIntent", slot=False),
                "intent": "PlayAllFactsIntent",  # this device has no AudioPlayer: one fact, and why
                "expect": start(prompts.say("play_unsupported")),
            },
            {"user": phrases[HELP][0], "intent": HELP, "expect": start(prompts.say("help"))},
            {
                "user": phrases[STOP][0],
                "intent": STOP,
                "expect": start(prompts.say("goodbye")),
                "ended": True,
            },
        ],
    }


def test_every_locale_is_covered() -> None:
    assert len(LOCALE_LANGUAGE) == 17
    assert set(MODELS) == set(LOCALE_LANGUAGE)


@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
def test_a_dialog_in_the_locales_own_words(locale: str) -> None:
    dialog = parse_dialog(dialog_for(locale), source=f"{locale} (generated)")
    lines: list[str] = []
    talk = Conversation(locale, InProcess(), application_id=APPLICATION_ID)
    problem = run_dialog(dialog, talk, emit=lines.append, topic_of=fact_topics(ASSETS_DIR))
    assert problem is None, "\n".join(lines)
