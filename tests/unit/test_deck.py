from __future__ import annotations

import random
import re
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
        (_bad(lambda f: f[1].update(text=["x"])), "a-2", "field 'text' must be a string"),
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
    data["facts"][0]["text"] = "ab " * 999 + "abc"  # 3,000 characters said in about 190 s
    parse_deck(data, source="f", locales=LOCALES)


def _text(text: str) -> dict[str, Any]:
    return _bad(lambda f: f[1].update(text=text))


# Each was accepted before the content checks: it reached the SSML, or broke a limit of Alexa's.
@pytest.mark.parametrize(
    ("data", "message"),
    [
        (_text("Nul\x00byte."), "U+0000 (a control character) at character 4"),
        (_text("Bell\x07 and \x1f."), "U+0007"),
        (_text("Vertical\x0btab."), "U+000B"),
        (_text("Lone \ud800 surrogate."), "U+D800 (a lone surrogate)"),
        (_text("Low \udfff surrogate."), "U+DFFF (a lone surrogate)"),
        (_text("Not a char \ufffe."), "U+FFFE (a noncharacter)"),
        (_text("Not a char \uffff."), "U+FFFF (a noncharacter)"),
        (_text("C1 \x85 control."), "U+0085 (a control character)"),
        (_text("\u200b\u200c\u200d\ufeff"), "nothing to speak"),
        (_text("... !!! ???"), "nothing to speak"),
        (_text("&" * 3000), "SSML characters once escaped"),
        (_text('"' * 2000 + "quoted"), "SSML characters once escaped"),
        (_text("9" * 2999), "s to say (estimated)"),
        (_text("Lambda runs code. " * 166), "s to say (estimated)"),  # 2,987 characters of prose
    ],
)
def test_parse_deck_rejects_what_alexa_cannot_speak(data: dict[str, Any], message: str) -> None:
    with pytest.raises(DeckError) as info:
        parse_deck(data, source="assets/decks/en.json", locales=LOCALES)
    assert str(info.value).startswith("assets/decks/en.json [en-US, en-GB] fact 'a-2': ")
    assert message in str(info.value)


def test_parse_deck_estimates_speech_per_language() -> None:
    text = "料金は実行時間で決まります。" * 40  # 560 characters of Japanese: minutes of speech
    data = deck_data(language="ja")
    data["facts"][1]["text"] = text
    with pytest.raises(DeckError, match="s to say"):
        parse_deck(data, source="ja.json", locales=("ja-JP",))
    data = deck_data()
    data["facts"][1]["text"] = "Lambda runs code. " * 30 + "Pricing is per millisecond."
    parse_deck(data, source="en.json", locales=LOCALES)


def _ids(*ids: object) -> dict[str, Any]:
    facts = [{"id": fid, "topic": "a", "text": "A fact."} for fid in ids]
    return deck_data(topics={"a": "Topic A"}, facts=facts)


@pytest.mark.parametrize(
    ("data", "fact_id", "message"),
    [
        (_ids("a-1", "A-1"), "A-1", "duplicate id: 'a-1' but for case"),
        (_ids("straße", "STRASSE"), "STRASSE", "duplicate id"),
        (
            _ids("caf\u00e9", "cafe\u0301"),
            "cafe\u0301",
            "duplicate id: 'café' but for case or normalization",
        ),
        (_ids("a-1", "a-1"), "a-1", "duplicate id"),
        (
            _ids("x" * 65),
            "x" * 40 + "…",
            "id is 65 characters; a session carries ids of at most 64",
        ),
        (_ids("a 1"), "a 1", "id contains U+0020"),
        (_ids("a\u200b1"), "a\u200b1", "id contains U+200B"),
        (_ids("a\x001"), "a\x001", "id contains U+0000"),
        (_ids(7), "#1", "field 'id' must be a string, not a number"),
        (_ids(["a"]), "#1", "field 'id' must be a string, not a list"),
    ],
)
def test_parse_deck_checks_ids_as_the_session_carries_them(
    data: dict[str, Any], fact_id: str, message: str
) -> None:
    with pytest.raises(DeckError) as info:
        parse_deck(data, source="en.json", locales=LOCALES)
    assert f"en.json [en-US, en-GB] fact {fact_id!r}: {message}" in str(info.value)


def test_parse_deck_accepts_ids_of_64_characters() -> None:
    parse_deck(_ids("x" * 64, "y" * 64), source="en.json", locales=LOCALES)


def test_parse_deck_refuses_more_facts_than_a_session_remembers() -> None:
    parse_deck(_ids(*(f"f-{n}" for n in range(200))), source="en.json", locales=LOCALES)
    with pytest.raises(DeckError, match=r"en.json \[en-US, en-GB\]: has 201 facts; a session"):
        parse_deck(_ids(*(f"f-{n}" for n in range(201))), source="en.json", locales=LOCALES)


@pytest.mark.parametrize(
    ("topics", "message"),
    [
        ({"a": "Topic A", "b": "\u200b"}, "topic 'b': name has nothing to speak"),
        ({"a": "Topic A", "b": "B\x00"}, "topic 'b': name contains U+0000"),
        ({"a": "Topic A", "b": "&" * 30}, "topic 'b': name is 150 SSML characters"),
        ({"a": "Topic A", "b": "B", "B": "B"}, "topic 'B': duplicate topic id: 'b' but for case"),
        ({"a": "Topic A", "b": "B", "t" * 65: "T"}, "id is 65 characters"),
        ({"a": "Topic A", "b": 3}, "topic 'b': has no spoken name"),
        ({f"t{n}": "topic " * 16 for n in range(30)}, "make a list of up to"),
    ],
)
def test_parse_deck_checks_topics(topics: dict[str, Any], message: str) -> None:
    with pytest.raises(DeckError, match=re.escape(message)):
        parse_deck(deck_data(topics=topics), source="en.json", locales=LOCALES)


def test_parse_deck_lists_every_problem_one_per_line() -> None:
    data = deck_data()
    data["facts"][0]["text"] = "\x00"
    data["facts"][1]["topic"] = "zzz"
    data["facts"][2]["id"] = "x" * 100
    data["facts"].append({"id": "a-1", "topic": "a", "text": "Again."})
    data["facts"].append("not a fact")
    with pytest.raises(DeckError) as info:
        parse_deck(data, source="assets/decks/en.json", locales=LOCALES)
    lines = str(info.value).splitlines()
    assert all(line.startswith("assets/decks/en.json [en-US, en-GB] ") for line in lines)
    assert [line.split(": ", 1)[0].split("] ")[1] for line in lines] == [
        "fact 'a-1'",  # U+0000
        "fact 'a-1'",  # and so nothing to speak
        "fact 'a-2'",
        f"fact {'x' * 40 + '…'!r}",
        "fact 'a-1'",  # the duplicate
        "fact '#5'",
    ]
    assert info.value.problems == tuple(lines)


def test_parse_deck_never_puts_a_huge_value_in_its_message() -> None:
    nested: list[object] = []
    for _ in range(100_000):
        nested = [nested]
    data = deck_data()
    data["facts"][1] = {"id": "y" * 10**6, "topic": "z" * 10**6, "text": nested}
    data["facts"].append(nested)
    data["topics"]["x" * 10**6] = "X"
    with pytest.raises(DeckError) as info:
        parse_deck(data, source="en.json", locales=LOCALES)
    assert len(str(info.value)) < 2000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ([], "JSON object"),
        (deck_data(topics={}), "'topics'"),
        (deck_data(facts=[]), "'facts'"),
        (deck_data(language=""), "'language'"),
        (deck_data(topics={"a": "A", "b": "B", "c": "C"}), "topic 'c': has no facts"),
        (deck_data(language="en-us"), "'language'"),
        (deck_data(language="fr-Canada"), "'language'"),
        (deck_data(language="../x"), "'language'"),
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


def test_an_id_is_ascii_so_the_session_stays_small() -> None:
    """200 ids of 64 emoji would be ~150 KB of escaped session attributes: over 120 KB."""
    from factcontent.text import id_problems

    assert id_problems("lambda-01", max_length=64) == []
    (problem,) = id_problems("fakt-\u00fc", max_length=64)
    assert "U+00FC" in problem and "ASCII" in problem
