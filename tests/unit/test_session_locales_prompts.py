from __future__ import annotations

import pytest

from factcontent.exceptions import DeckError
from factcontent.locales import resolve_locale
from factcontent.prompts import PROMPT_PLACEHOLDERS, Prompts, parse_prompts
from factskill.session import SessionState


@pytest.mark.parametrize(
    ("attributes", "expected"),
    [
        (None, SessionState()),
        ("junk", SessionState()),
        ({"seen": "a-1", "last": 5, "topic": ["x"]}, SessionState()),
        ({"seen": ["a-1", 3, None, "b-2"], "last": "b-2"}, SessionState(("a-1", "b-2"), "b-2")),
        ({"seen": ["x" * 65], "topic": "pricing"}, SessionState((), None, "pricing")),
    ],
)
def test_session_state_tolerates_malformed_attributes(
    attributes: object, expected: SessionState
) -> None:
    assert SessionState.from_attributes(attributes) == expected


def test_session_state_round_trips() -> None:
    state = SessionState(("a", "b"), "b", "pricing")
    assert SessionState.from_attributes(state.to_attributes()) == state


@pytest.mark.parametrize(
    ("locale", "expected"),
    [
        ("en-US", "en-US"),
        ("EN-gb", "en-GB"),
        ("de-DE", "de-DE"),
        ("de-AT", "de-DE"),
        ("ja-JP", "ja-JP"),
        ("pt-BR", "en-US"),
        ("xx", "en-US"),
        (None, "en-US"),
        (42, "en-US"),
    ],
)
def test_resolve_locale(locale: object, expected: str) -> None:
    assert resolve_locale(locale) == expected


def prompt_data() -> dict[str, str]:
    data = {
        key: "x " + " ".join(f"{{{p}}}" for p in sorted(ph))
        for key, ph in PROMPT_PLACEHOLDERS.items()
    }
    data["language"] = "en"
    return data


def test_parse_prompts_checks_placeholders() -> None:
    data = prompt_data()
    data["unknown_topic"] = "No {topic} here"
    with pytest.raises(DeckError, match=r"p.json \[en-US\] prompt 'unknown_topic'"):
        parse_prompts(data, source="p.json", locales=("en-US",))


def test_parse_prompts_requires_every_key() -> None:
    data = prompt_data()
    del data["help"]
    with pytest.raises(DeckError, match="prompt 'help': missing"):
        parse_prompts(data, source="p.json", locales=("en-US",))


def test_parse_prompts_rejects_unknown_keys() -> None:
    data = prompt_data()
    data["helo"] = "typo"
    with pytest.raises(DeckError, match="unknown prompt keys"):
        parse_prompts(data, source="p.json", locales=("en-US",))


@pytest.mark.parametrize(
    ("items", "expected"),
    [([], ""), (["A"], "A"), (["A", "B"], "A and B"), (["A", "B", "C"], "A, B and C")],
)
def test_prompts_join(items: list[str], expected: str) -> None:
    prompts = Prompts("en", {"list_separator": ", ", "list_last_separator": " and "})
    assert prompts.join(items) == expected
