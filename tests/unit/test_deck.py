from __future__ import annotations

import random
from typing import Any

import pytest

from factcontent.deck import Deck, Fact, parse_deck, pick_fact
from factcontent.exceptions import DeckError

LOCALES = ("en-US", "en-GB")


def deck_data(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "language": "en",
        "topics": {"a": "Topic A", "b": "Topic B"},
        "facts": [
            {"id": "a-1", "topic": "a", "text": "First."},
            {"id": "a-2", "topic": "a", "text": "Second."},
            {"id": "b-1", "topic": "b", "text": "Third."},
        ],
    }
    data.update(overrides)
    return data


def test_parse_deck_reads_facts_and_topics() -> None:
    deck = parse_deck(deck_data(), source="en.json", locales=LOCALES)
    assert deck.ids() == ("a-1", "a-2", "b-1")
    assert deck.ids("a") == ("a-1", "a-2")
    assert deck.get("b-1") == Fact("b-1", "b", "Third.")
    assert deck.topics["b"] == "Topic B"


def test_parse_deck_collapses_whitespace_in_text() -> None:
    data = deck_data()
    data["facts"][0]["text"] = "  Many\n  spaces  here "
    assert parse_deck(data, source="f", locales=LOCALES).facts[0].text == "Many spaces here"


def _bad(mutate: Any) -> dict[str, Any]:
    data = deck_data()
    mutate(data["facts"])
    return data


@pytest.mark.parametrize(
    ("data", "fact_id", "message"),
    [
        (_bad(lambda f: f[1].pop("text")), "a-2", "missing field 'text'"),
        (_bad(lambda f: f[1].pop("topic")), "a-2", "missing field 'topic'"),
        (_bad(lambda f: f[1].update(text="   ")), "a-2", "field 'text' is empty"),
        (_bad(lambda f: f[2].update(id="a-1")), "a-1", "duplicate id"),
        (_bad(lambda f: f[1].update(topic="zzz")), "a-2", "unknown topic 'zzz'"),
        (_bad(lambda f: f[1].update(text="x" * 3001)), "a-2", "3001 billed characters"),
        (_bad(lambda f: f[1].pop("id")), "#2", "missing field 'id'"),
    ],
)
def test_parse_deck_errors_name_file_locale_and_fact(
    data: dict[str, Any], fact_id: str, message: str
) -> None:
    with pytest.raises(DeckError) as info:
        parse_deck(data, source="assets/decks/en.json", locales=LOCALES)
    text = str(info.value)
    assert "assets/decks/en.json" in text
    assert "en-US" in text
    assert f"fact '{fact_id}'" in text or f"fact {fact_id}" in text
    assert message in text


def test_parse_deck_accepts_exactly_3000_billed_characters() -> None:
    data = deck_data()
    data["facts"][0]["text"] = "x" * 3000
    parse_deck(data, source="f", locales=LOCALES)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        (deck_data(topics={}), "'topics'"),
        (deck_data(facts=[]), "'facts'"),
        (deck_data(language=""), "'language'"),
        (deck_data(topics={"a": "A", "b": "B", "c": "C"}), "topic 'c' has no facts"),
    ],
)
def test_parse_deck_rejects_bad_structure(data: object, message: str) -> None:
    with pytest.raises(DeckError, match=message):
        parse_deck(data, source="f.json", locales=LOCALES)


@pytest.fixture
def deck() -> Deck:
    return parse_deck(deck_data(), source="f", locales=LOCALES)


def test_pick_fact_never_repeats_until_deck_used_up(deck: Deck) -> None:
    rng = random.Random(3)
    seen: tuple[str, ...] = ()
    told = []
    for _ in range(3):
        pick = pick_fact(deck, seen, rng=rng)
        assert not pick.restarted
        told.append(pick.fact.id)
        seen = pick.seen
    assert sorted(told) == ["a-1", "a-2", "b-1"]
    again = pick_fact(deck, seen, last=told[-1], rng=rng)
    assert again.restarted
    assert again.fact.id != told[-1]
    assert again.seen == (again.fact.id,)


def test_pick_fact_keeps_to_topic(deck: Deck) -> None:
    rng = random.Random(1)
    first = pick_fact(deck, (), topic="a", rng=rng)
    second = pick_fact(deck, first.seen, topic="a", last=first.fact.id, rng=rng)
    assert {first.fact.id, second.fact.id} == {"a-1", "a-2"}
    third = pick_fact(deck, second.seen, topic="a", last=second.fact.id, rng=rng)
    assert third.restarted and third.fact.id == first.fact.id
    # restarting a topic forgets only that topic's facts
    assert "b-1" not in third.seen


def test_pick_fact_restart_keeps_other_topics_seen(deck: Deck) -> None:
    rng = random.Random(1)
    pick = pick_fact(deck, ("a-1", "a-2", "b-1"), topic="a", last="a-2", rng=rng)
    assert pick.restarted and pick.fact.id == "a-1"
    assert set(pick.seen) == {"a-1", "b-1"}


def test_pick_fact_ignores_unknown_seen_ids(deck: Deck) -> None:
    pick = pick_fact(deck, ("nope", "a-1"), topic="a", rng=random.Random(0))
    assert pick.fact.id == "a-2"
    assert "nope" not in pick.seen


def test_pick_fact_single_fact_topic_repeats_it(deck: Deck) -> None:
    pick = pick_fact(deck, ("b-1",), topic="b", last="b-1", rng=random.Random(0))
    assert pick.fact.id == "b-1" and pick.restarted
