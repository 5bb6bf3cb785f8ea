"""The content check shared by bundled decks, published decks and prompts, and its limits."""

from __future__ import annotations

import json
import random
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from factcontent import limits
from factcontent.deck import Deck, deck_to_json, loads_deck, parse_deck, pick_fact
from factcontent.exceptions import MAX_LISTED_PROBLEMS, ContentError, DeckError
from factcontent.files import load_deck, load_prompts
from factcontent.text import (
    id_key,
    id_problems,
    is_speakable,
    most_seconds,
    spoken_seconds,
    ssml_length,
    text_problems,
    unsafe_characters,
    xml_safe,
)
from factskill.session import SessionState
from factskill.speech import escape

LOCALES = ("en-US",)


@pytest.mark.parametrize(
    ("text", "safe"),
    [
        ("plain text & more", "plain text & more"),
        ("tab\tnew\nline\rcr", "tab\tnew\nline\rcr"),
        ("nul\x00 bell\x07 vt\x0b ff\x0c us\x1f", "nul bell vt ff us"),
        ("not chars \ufffe\uffff", "not chars "),
        ("lone \ud800 and \udfff", "lone  and "),
        ("kept: \u00a0\u200b\ue000\U0010ffff😀", "kept: \u00a0\u200b\ue000\U0010ffff😀"),
        ("C1 \x85 and DEL \x7f are XML 1.0 chars", "C1 \x85 and DEL \x7f are XML 1.0 chars"),
    ],
)
def test_xml_safe_drops_exactly_what_xml_forbids(text: str, safe: str) -> None:
    assert xml_safe(text) == safe


@given(st.text(alphabet=st.characters(codec=None, exclude_categories=())))
def test_xml_safe_output_is_xml_1_0_chars_only(text: str) -> None:
    safe = xml_safe(text)
    safe.encode("utf-8")  # no lone surrogate left
    assert all(
        c in "\t\n\r"
        or 0x20 <= ord(c) <= 0xD7FF
        or 0xE000 <= ord(c) <= 0xFFFD
        or 0x10000 <= ord(c) <= 0x10FFFF
        for c in safe
    )
    assert xml_safe(safe) == safe


def test_xml_safe_output_parses_as_ssml() -> None:
    from xml.etree import ElementTree

    hostile = "".join(chr(c) for c in range(0x20)) + "\ud800\udfff\ufffe\uffff & <b>"
    ElementTree.fromstring(f"<speak>{escape(xml_safe(hostile))}</speak>")


def test_unsafe_characters_names_each_with_its_position() -> None:
    assert unsafe_characters("a\x00b\x00\ud800\x9f\ufdd0\U0001fffe\t\n") == [
        "U+0000 (a control character) at character 2",
        "U+D800 (a lone surrogate) at character 5",
        "U+009F (a control character) at character 6",
        "U+FDD0 (a noncharacter) at character 7",
        "U+1FFFE (a noncharacter) at character 8",
    ]
    assert unsafe_characters("Größe\u00a0: 5\u202f%") == []


@given(st.text())
def test_ssml_length_is_the_length_of_the_skills_escaping(text: str) -> None:
    assert ssml_length(xml_safe(text)) == len(escape(text))


@pytest.mark.parametrize(
    ("text", "speakable"),
    [
        ("a", True),
        ("7", True),
        ("料", True),
        ("\u200b\u200c\u200d\u2060\ufeff", False),
        ("... !!! ??? — « »", False),
        ("", False),
        ("\u0301\u0301", False),
    ],
)
def test_is_speakable(text: str, speakable: bool) -> None:
    assert is_speakable(text) is speakable


@pytest.mark.parametrize(
    ("text", "language", "low", "high"),
    [
        ("9" * 2999, "en", 1000, 2000),  # digits are read as words: far over 240 s
        ("Lambda runs your code. " * 10, "en", 15, 30),  # espeak-ng: 17 s
        ("Lambda führt Code aus. " * 10, "de", 15, 30),
        ("AWS IAM SQS " * 10, "en", 20, 40),  # spelled letter by letter
        ("料金は実行時間で決まります。" * 10, "ja", 55, 90),  # denser than letters
        ("& % $ " * 10, "en", 15, 30),
        ("\u200b\u200b", "en", 0, 0),
    ],
)
def test_spoken_seconds_estimates_per_class_and_language(
    text: str, language: str, low: float, high: float
) -> None:
    assert low <= spoken_seconds(text, language) <= high


@given(st.text(), st.sampled_from(["en", "de", "es", "fr", "ja", "xx"]))
def test_spoken_seconds_never_exceeds_its_cheap_bound(text: str, language: str) -> None:
    """text_problems skips the estimate for texts this bound says are short enough."""
    assert spoken_seconds(text, language) <= most_seconds(text, language) + 1e-9


def test_a_fact_too_long_to_say_is_refused_before_synthesis() -> None:
    problems = text_problems(
        "9" * 2999,
        what="text",
        max_ssml=limits.MAX_FACT_SSML_CHARACTERS,
        language="en",
        max_seconds=limits.MAX_FACT_SPOKEN_SECONDS,
    )
    assert len(problems) == 1 and "s to say (estimated)" in problems[0]


@pytest.mark.parametrize(
    ("one", "other"),
    [("a-1", "A-1"), ("straße", "STRASSE"), ("caf\u00e9", "cafe\u0301"), ("ǅ", "ǆ")],
)
def test_id_key_ignores_case_and_normalization(one: str, other: str) -> None:
    assert one != other and id_key(one) == id_key(other)


def test_id_problems() -> None:
    assert id_problems("x" * 64, max_length=64) == []
    assert id_problems("x" * 65, max_length=64)[0].startswith("id is 65 characters")
    assert "U+00A0" in id_problems("a\u00a0b", max_length=64)[0]


def test_a_fact_response_fits_alexas_ssml_limit_whatever_the_content() -> None:
    """Welcome, restart notice (with a topic name), the fact, "another": all at their maximum."""
    speak_tags, spaces = len("<speak></speak>"), 3
    fact_speech = (
        3 * limits.MAX_PROMPT_SSML_CHARACTERS
        + limits.MAX_TOPIC_NAME_SSML_CHARACTERS
        + limits.MAX_FACT_SSML_CHARACTERS
        + speak_tags
        + spaces
    )
    assert fact_speech <= limits.MAX_SSML_CHARACTERS
    # "I know {topics}": the prompt, every topic name and what the user said (cut to 60 words
    # by factskill/slots.py, at most 6 SSML characters each once escaped).
    topics_speech = (
        limits.MAX_PROMPT_SSML_CHARACTERS
        + limits.MAX_TOPIC_LIST_SSML_CHARACTERS
        + 60 * 6
        + speak_tags
    )
    assert topics_speech <= limits.MAX_SSML_CHARACTERS
    assert limits.MAX_FACT_SSML_CHARACTERS >= limits.POLLY_MAX_BILLED_CHARACTERS
    assert limits.MAX_FACT_SPOKEN_SECONDS <= limits.MAX_AUDIO_FILE_SECONDS


def _deck(ids: list[str]) -> dict[str, Any]:
    return {
        "language": "en",
        "topics": {"t": "Topic"},
        "facts": [{"id": fid, "topic": "t", "text": f"Fact {n}."} for n, fid in enumerate(ids)],
    }


def test_the_largest_deck_accepted_never_repeats_through_a_session() -> None:
    """Every id the deck check accepts, the session carries: the no-repeat rule holds."""
    ids = [f"{n:03d}-" + "x" * (limits.MAX_ID_LENGTH - 4) for n in range(limits.MAX_DECK_FACTS)]
    deck = parse_deck(_deck(ids), source="en.json", locales=LOCALES)
    state, told, rng = SessionState(), [], random.Random(5)
    for _ in range(limits.MAX_DECK_FACTS):
        pick = pick_fact(deck, state.seen, last=state.last, rng=rng)
        assert not pick.restarted
        told.append(pick.fact.id)
        attributes = json.loads(json.dumps(SessionState(pick.seen, pick.fact.id).to_attributes()))
        state = SessionState.from_attributes(attributes)
    assert sorted(told) == sorted(ids)


def test_the_session_reads_the_limits_the_deck_check_enforces() -> None:
    too_long = "x" * (limits.MAX_ID_LENGTH + 1)
    with pytest.raises(DeckError, match="a session carries ids of at most"):
        parse_deck(_deck([too_long]), source="en.json", locales=LOCALES)
    state = SessionState.from_attributes({"seen": [too_long], "last": too_long})
    assert state == SessionState()
    seen = [str(n) for n in range(limits.MAX_DECK_FACTS + 1)]
    assert len(SessionState.from_attributes({"seen": seen}).seen) == limits.MAX_DECK_FACTS
    with pytest.raises(DeckError, match="a session remembers at most"):
        parse_deck(_deck(seen), source="en.json", locales=LOCALES)


def test_a_check_lists_problems_up_to_a_bound_then_stops() -> None:
    with pytest.raises(DeckError) as info:
        parse_deck(_deck(["x y"] * 1000), source="en.json", locales=LOCALES)
    lines = str(info.value).splitlines()
    assert len(lines) == MAX_LISTED_PROBLEMS + 1
    # 1 deck too large, then 2 problems a fact (a space in the id, the same id as the first)
    assert lines[-1] == (
        "en.json [en-US]: the check stopped at fact #251 of 1000 after 500 problems "
        "(the first 500 are listed): fix them and check again"
    )
    with pytest.raises(DeckError) as info:
        parse_deck(_deck(["x"] * 3), source="en.json", locales=LOCALES)
    assert len(str(info.value).splitlines()) == 2


def test_a_forged_megabyte_is_checked_in_linear_time() -> None:
    import time

    texts = [
        "." * 2_000_000,
        "\ud800\x00料" * 500_000,
        "".join(map(chr, range(0x4E00, 0x9FFF))) * 30,
    ]
    started = time.perf_counter()
    for text in texts:
        with pytest.raises(DeckError):
            parse_deck(
                {
                    "language": "en",
                    "topics": {"t": "T"},
                    "facts": [{"id": "a", "topic": "t", "text": text}],
                },
                source="d",
                locales=LOCALES,
            )
    assert time.perf_counter() - started < 2.0  # quadratic work would take minutes


@pytest.mark.parametrize(
    "body",
    ["[" * 100_000 + "]" * 100_000, '{"facts": ' * 50_000 + "0" + "}" * 50_000, "{nope", b"\xff"],
)
def test_loads_deck_turns_any_bad_json_into_a_deck_error(body: str | bytes) -> None:
    with pytest.raises(DeckError, match=r"^decks/en/1\.json \[en-US\]: not valid JSON"):
        loads_deck(body, source="decks/en/1.json", locales=LOCALES)


def test_load_deck_reports_json_nested_too_deeply(tmp_path: Path) -> None:
    (tmp_path / "decks").mkdir()
    (tmp_path / "decks" / "en.json").write_text("[" * 100_000 + "]" * 100_000)
    with pytest.raises(DeckError, match=r"en.json \[en-US.*\]: not valid JSON \(nested too deeply"):
        load_deck(tmp_path, "en")


def test_load_deck_and_load_prompts_apply_the_check(tmp_path: Path) -> None:
    (tmp_path / "decks").mkdir()
    (tmp_path / "prompts").mkdir()
    (tmp_path / "decks" / "en.json").write_text(json.dumps(_deck(["a-1", "A-1"])))
    (tmp_path / "prompts" / "en.json").write_text(json.dumps({"language": "en", "help": "{0}"}))
    with pytest.raises(DeckError, match="fact 'A-1': duplicate id"):
        load_deck(tmp_path, "en")
    with pytest.raises(DeckError, match=re.escape("prompt 'help': uses '{0}', a positional")):
        load_prompts(tmp_path, "en")


# Hostile deck documents: what a forged or broken publication could hold.

_SPECIAL = [
    "\x00", "\x1f", "\ud800", "\udfff", "\ufffe", "\uffff", "\u200b", "\ufeff", "\u202e",
    "&", '"', "'", "<", "9", "a", "A", "é", "e\u0301", "料", " ", "\n", ".", "😀", "{0}",
]  # fmt: skip
_texts = st.one_of(
    st.text(alphabet=st.characters(codec=None, exclude_categories=()), max_size=30),
    st.lists(st.sampled_from(_SPECIAL), max_size=30).map("".join),
    st.builds(
        lambda chunk, n: chunk * n, st.sampled_from([*_SPECIAL, "ab "]), st.integers(1, 12_000)
    ),
    st.sampled_from(["A fact.", "Lambda scales.", "a-1", "A-1", "t", "T"]),
)


def _nest(depth: int) -> object:
    nested: object = []
    for _ in range(depth):
        nested = [nested] if depth % 2 else {"id": nested}
    return nested


_leaves = st.one_of(
    st.none(), st.booleans(), st.integers(), st.floats(allow_nan=True), _texts,
    st.integers(10, 20_000).map(_nest),
)  # fmt: skip
_values = st.recursive(
    _leaves,
    lambda children: st.lists(children, max_size=4) | st.dictionaries(_texts, children, max_size=4),
    max_leaves=12,
)
_plain_texts = st.one_of(
    st.builds(
        str.__add__,
        st.text(st.characters(categories=["L", "N"]), min_size=1, max_size=8),
        st.text(st.characters(categories=["L", "N", "Zs", "P", "S", "M"]), max_size=60),
    ),
    st.sampled_from(["A fact.", "Lambda scales to 1,000 in 10 s.", "料金は実行時間で決まります。"]),
)
_plain_ids = st.text("abcdefAB-0123é", min_size=2, max_size=8)
_topic_ids = st.one_of(st.sampled_from(["t", "u"]), st.sampled_from(["t", "u", "T"]), _texts)


def _mostly(plain: st.SearchStrategy[Any], hostile: st.SearchStrategy[Any]) -> Any:
    """Plain nine times in ten: deep enough into a document to reach every check."""
    return st.integers(0, 9).flatmap(lambda n: hostile if n == 9 else plain)


_facts = _mostly(
    st.lists(
        _mostly(
            st.fixed_dictionaries(
                {
                    "id": _mostly(_plain_ids, st.one_of(_texts, _values)),
                    "topic": _mostly(st.sampled_from(["t", "t", "u"]), _topic_ids),
                    "text": _mostly(_plain_texts, st.one_of(_texts, _values)),
                }
            ),
            _values,
        ),
        min_size=1,
        max_size=8,
    ),
    st.one_of(
        _values,
        st.builds(
            lambda n: [{"id": f"f{i}", "topic": "t", "text": "Hi."} for i in range(n)],
            st.integers(150, 260),
        ),
    ),
)
_decks = _mostly(
    st.fixed_dictionaries(
        {
            "language": _mostly(st.sampled_from(["en", "ja"]), _values),
            "topics": _mostly(
                st.sampled_from([{"t": "Topic T"}, {"t": "Topic T", "u": "Topic U"}]),
                st.dictionaries(_topic_ids, st.one_of(_texts, _values), max_size=4),
            ),
            "facts": _facts,
        }
    ),
    _values,
)


def _assert_checked(deck: Deck) -> None:
    """What every deck parse_deck returns satisfies, whatever it was made from."""
    assert 0 < len(deck.facts) <= limits.MAX_DECK_FACTS
    assert len({id_key(fact.id) for fact in deck.facts}) == len(deck.facts)
    for fact in deck.facts:
        assert isinstance(fact.id, str) and isinstance(fact.text, str)
        assert id_problems(fact.id, max_length=limits.MAX_ID_LENGTH) == []
        assert fact.topic in deck.topics
        assert xml_safe(fact.text) == fact.text and fact.text.encode("utf-8")
        assert is_speakable(fact.text)
        assert len(fact.text) <= limits.POLLY_MAX_BILLED_CHARACTERS
        assert ssml_length(fact.text) <= limits.MAX_FACT_SSML_CHARACTERS
        assert spoken_seconds(fact.text, deck.language) <= limits.MAX_FACT_SPOKEN_SECONDS
    for name in deck.topics.values():
        assert xml_safe(name) == name and is_speakable(name)
        assert ssml_length(name) <= limits.MAX_TOPIC_NAME_SSML_CHARACTERS
    again = parse_deck(json.loads(json.dumps(deck_to_json(deck))), source="p", locales=LOCALES)
    assert again.facts == deck.facts


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_decks)
def test_parse_deck_accepts_only_checked_decks_and_raises_only_content_errors(
    document: object,
) -> None:
    try:
        deck = parse_deck(document, source="decks/en/1.json", locales=LOCALES)
    except ContentError as exc:
        lines = str(exc).splitlines()
        assert lines and all(line.startswith("decks/en/1.json [en-US]") for line in lines)
        assert len(str(exc)) < 300 * (MAX_LISTED_PROBLEMS + 1)
        str(exc).encode("utf-8")  # loggable: a lone surrogate shows escaped
        event("rejected")
    else:
        _assert_checked(deck)
        event("accepted")


@settings(max_examples=100, deadline=None)
@given(_decks)
def test_loads_deck_raises_only_content_errors_on_published_bodies(document: object) -> None:
    try:
        body = json.dumps(document)
    except (ValueError, RecursionError):  # not JSON at all (NaN is, to Python's json)
        return
    try:
        deck = loads_deck(body.encode("utf-8", "surrogatepass"), source="d", locales=LOCALES)
    except ContentError:
        return
    _assert_checked(deck)


def test_the_hostile_generator_reaches_valid_decks() -> None:
    """The property tests above are not vacuous: a plain deck from the generator is accepted."""
    document: Mapping[str, Any] = {
        "language": "en",
        "topics": {"t": "Topic T", "u": "Topic U"},
        "facts": [{"id": "A-1", "topic": "t", "text": "A fact."}]
        + [{"id": f"f{i}", "topic": "u", "text": "Hi."} for i in range(150)],
    }
    _assert_checked(parse_deck(document, source="d", locales=LOCALES))
