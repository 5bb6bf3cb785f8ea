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
        ("pt-BR", "pt-BR"),
        ("pt-PT", "pt-BR"),
        ("sv-SE", "en-US"),
        ("es-AR", "es-MX"),  # Latin American Spanish
        ("es-419", "es-MX"),
        ("fr-BE", "fr-FR"),
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


@pytest.mark.parametrize(
    ("template", "message"),
    [
        ("No {} here. {topics}?", "uses '{}', a positional field: it takes {topics}, {value}"),
        ("No {0} here. {topics}?", "uses '{0}', a positional field"),
        ("No {value!r} here. {topics}?", "uses '{value!r}', a conversion or a format spec"),
        ("No {value:>9999} here. {topics}?", "uses '{value:>9999}', a conversion or a format"),
        ("No {value:{topics}} here?", "uses '{value:{topics}}', a conversion or a format spec"),
        ("No {value.upper} here. {topics}?", "uses '{value.upper}', attribute or index access"),
        ("No {value[0]} here. {topics}?", "uses '{value[0]}', attribute or index access"),
        ("No {value} here. {topics}? {", "is not a valid template (Single '{' encountered"),
        ("No {value} here. {topics}? }", "is not a valid template (Single '}' encountered"),
        ("No {value} here. {topics} {topic}?", "uses placeholders ['topic', 'topics', 'value']"),
    ],
)
def test_parse_prompts_allows_only_the_named_fields_of_the_key(template: str, message: str) -> None:
    data = prompt_data()
    data["unknown_topic"] = template
    with pytest.raises(DeckError) as info:
        parse_prompts(data, source="p.json", locales=("en-US",))
    assert str(info.value).startswith(f"p.json [en-US] prompt 'unknown_topic': {message}")


def test_parse_prompts_renders_only_checked_templates() -> None:
    data = prompt_data()
    data["unknown_topic"] = "No {{braces}} for {value}; I know {topics}. Which?"
    data["welcome"] = "Welcome {{}}."
    prompts = parse_prompts(data, source="p.json", locales=("en-US",))
    assert prompts.say("unknown_topic", value="x", topics="a") == (
        "No {braces} for x; I know a. Which?"
    )
    assert prompts.say("welcome") == "Welcome {}."


@pytest.mark.parametrize(
    ("key", "text", "message"),
    [
        ("help", "Help\x00 me?", "text contains U+0000 (a control character) at character 5"),
        ("help", "Help \ud800?", "text contains U+D800 (a lone surrogate)"),
        ("help", "Help \uffff?", "text contains U+FFFF (a noncharacter)"),
        ("help", "\u200b\u200b", "text has nothing to speak"),
        ("goodbye", "!!!", "text has nothing to speak"),
        ("help", "&" * 200 + "?", "text is 1001 SSML characters once escaped"),
        ("list_separator", "'" * 5, "text is 30 SSML characters"),
        ("skill_name", ["Facts"], "must be a string, not a list"),
    ],
)
def test_parse_prompts_checks_the_text_spoken(key: str, text: object, message: str) -> None:
    data: dict[str, object] = dict(prompt_data())
    data[key] = text
    with pytest.raises(DeckError) as info:
        parse_prompts(data, source="p.json", locales=("en-US", "en-GB"))
    assert f"p.json [en-US, en-GB] prompt {key!r}: {message}" in str(info.value)


def test_parse_prompts_allows_punctuation_between_list_items() -> None:
    data = prompt_data()
    data["list_separator"], data["list_last_separator"] = ", ", "、"
    assert parse_prompts(data, source="p.json", locales=("en-US",)).join(["a", "b"]) == "a、b"


def test_parse_prompts_lists_every_problem_one_per_line() -> None:
    data: dict[str, object] = dict(prompt_data())
    data["help"] = "Help {}"
    data["goodbye"] = "\x00"
    del data["fallback"]
    data["language"] = 5
    with pytest.raises(DeckError) as info:
        parse_prompts(data, source="p.json", locales=("en-US",))
    assert [line.split(": ", 1)[0] for line in str(info.value).splitlines()] == [
        "p.json [en-US]",
        "p.json [en-US] prompt 'help'",
        "p.json [en-US] prompt 'goodbye'",
        "p.json [en-US] prompt 'goodbye'",
        "p.json [en-US] prompt 'fallback'",
    ]
