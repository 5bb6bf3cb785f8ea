"""Pure prompt handling: check a language's prompt file and render prompts as plain text."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence

from factcontent.exceptions import DeckError
from factcontent.records import Record

# Every prompt key and the placeholders its text must use, exactly.
PROMPT_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "skill_name": frozenset(),
    "screen_hint": frozenset(),
    "welcome": frozenset(),
    "topic_intro": frozenset({"topic"}),
    "another": frozenset(),
    "another_reprompt": frozenset(),
    "topic_exhausted": frozenset({"topic"}),
    "deck_exhausted": frozenset(),
    "unknown_topic": frozenset({"value", "topics"}),
    "topics": frozenset({"topics"}),
    "topics_reprompt": frozenset({"topics"}),
    "repeat_none": frozenset(),
    "help": frozenset(),
    "help_reprompt": frozenset(),
    "goodbye": frozenset(),
    "fallback": frozenset(),
    "fallback_reprompt": frozenset(),
    "error": frozenset(),
    "error_reprompt": frozenset(),
    "list_separator": frozenset(),
    "list_last_separator": frozenset(),
}

# Prompts that end a response keeping the session open: each must end with a question.
QUESTION_PROMPTS = (
    "another",
    "unknown_topic",
    "topics",
    "repeat_none",
    "help",
    "fallback",
    "error",
)
# Their reprompts: each must ask a question (and may add a hint after it).
REPROMPTS = (
    "another_reprompt",
    "topics_reprompt",
    "help_reprompt",
    "fallback_reprompt",
    "error_reprompt",
)
QUESTION_MARKS = ("?", "？", "か。", "か")


def placeholders(template: str) -> frozenset[str]:
    """Return the named fields used in a str.format template."""
    return frozenset(name for _, name, _, _ in string.Formatter().parse(template) if name)


class Prompts(Record):
    """The prompts of one language."""

    language: str
    texts: Mapping[str, str]

    def say(self, key: str, **values: str) -> str:
        """Render prompt `key` as plain text (escape it for SSML later, once)."""
        return self.texts[key].format(**values)

    def join(self, items: Sequence[str]) -> str:
        """Join `items` the way this language lists things aloud ("A, B and C")."""
        if len(items) <= 1:
            return "".join(items)
        sep, last = self.texts["list_separator"], self.texts["list_last_separator"]
        return sep.join(items[:-1]) + last + items[-1]


def parse_prompts(data: object, *, source: str, locales: Sequence[str]) -> Prompts:
    """Check decoded prompt JSON from `source`; raise DeckError naming the file, locales and key."""
    where = f"{source} [{', '.join(locales)}]"
    if not isinstance(data, Mapping):
        raise DeckError(f"{where}: prompts must be a JSON object")
    language = data.get("language")
    if not isinstance(language, str) or not language:
        raise DeckError(f"{where}: missing 'language'")
    texts: dict[str, str] = {}
    for key, expected in PROMPT_PLACEHOLDERS.items():
        text = data.get(key)
        if not isinstance(text, str) or not text:
            raise DeckError(f"{where} prompt {key!r}: missing or empty")
        found = placeholders(text)
        if found != expected:
            raise DeckError(
                f"{where} prompt {key!r}: uses placeholders {sorted(found)}, expected {sorted(expected)}"
            )
        texts[key] = text
    unknown = set(data) - set(PROMPT_PLACEHOLDERS) - {"language"}
    if unknown:
        raise DeckError(f"{where}: unknown prompt keys {sorted(unknown)}")
    return Prompts(language=language, texts=texts)
