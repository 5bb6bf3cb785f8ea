"""Pure prompt handling: check a language's prompt file and render prompts as plain text."""

from __future__ import annotations

import string
from collections.abc import Mapping, Sequence
from typing import TypeGuard

from factcontent.exceptions import Problems, kind, show
from factcontent.layout import plain_language
from factcontent.limits import MAX_LIST_SEPARATOR_SSML_CHARACTERS, MAX_PROMPT_SSML_CHARACTERS
from factcontent.records import Record
from factcontent.text import text_problems

# Every prompt key and the placeholders its text must use, exactly: the named fields
# Prompts.say is given for it (a plain "{topic}", nothing else; see parse_prompts).
PROMPT_PLACEHOLDERS: Mapping[str, frozenset[str]] = {
    "skill_name": frozenset(),
    "screen_hint": frozenset(),
    "welcome": frozenset(),
    "welcome_back": frozenset(),  # a returning listener's launch, instead of "welcome"
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
    # "play all facts" (factskill/handlers/playback.py)
    "play_intro": frozenset(),
    "play_intro_topic": frozenset({"topic"}),
    "play_unsupported": frozenset(),  # a device without AudioPlayer: one fact instead
    "play_no_audio": frozenset(),  # no fact of the playlist has a playable MP3
    "playback_subtitle": frozenset({"number", "count"}),  # on screens, under the title
    "not_playing": frozenset(),  # pause, resume... with nothing playing
    "resume_offer": frozenset(),  # a launch, with memory, after a stream was left unfinished
    "resume_reprompt": frozenset(),
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
    "not_playing",
    "resume_offer",
)
# Their reprompts: each must ask a question (and may add a hint after it).
REPROMPTS = (
    "another_reprompt",
    "topics_reprompt",
    "help_reprompt",
    "fallback_reprompt",
    "error_reprompt",
    "resume_reprompt",
)
QUESTION_MARKS = ("?", "？", "؟", "か。", "か")
# Prompts spoken between list items: punctuation alone (", ") is all they need to say.
LIST_SEPARATORS = ("list_separator", "list_last_separator")


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


_FORMATTER = string.Formatter()


def _field(name: str, spec: str, conversion: str | None) -> str:
    return (
        "{" + name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "") + "}"
    )


def _fields_problems(template: str, expected: frozenset[str]) -> tuple[list[str], str]:
    """Check the fields of a prompt: only plain named fields, exactly the `expected` ones.

    Return the problems and the template's literal text (what it says besides its fields).
    Prompts.say runs str.format: "{}" or "{0}" raise, "{x.y}", "{x[0]}" and "{x!r}" read what
    they should not, and "{x:>9999}" pads to megabytes.
    """
    try:
        parts = list(_FORMATTER.parse(template))
    except ValueError as exc:
        return [f"is not a valid template ({exc}): write a brace as {{{{ or }}}}"], template
    problems = []
    names = set()
    for _, name, spec, conversion in parts:
        if name is None:
            continue
        if not name or name.isdigit():
            why = "a positional field"
        elif conversion is not None or spec:
            why = "a conversion or a format spec"
        elif not name.isidentifier():
            why = "attribute or index access"
        else:
            names.add(name)
            continue
        takes = ", ".join(f"{{{n}}}" for n in sorted(expected)) or "no fields (write {{ and }})"
        problems.append(
            f"uses {show(_field(name, spec or '', conversion))}, {why}: it takes {takes}"
        )
    if not problems and names != expected:
        problems.append(f"uses placeholders {sorted(names)}, expected {sorted(expected)}")
    return problems, "".join(literal for literal, *_ in parts)


def _is_language(value: object) -> TypeGuard[str]:
    try:
        return isinstance(value, str) and plain_language(value) == value
    except ValueError:
        return False


def parse_prompts(data: object, *, source: str, locales: Sequence[str]) -> Prompts:
    """Check decoded prompt JSON from `source`; raise DeckError naming the file, locales and key.

    Every prompt passes the checks of spoken text (text.text_problems) and uses exactly the
    fields its key is given (PROMPT_PLACEHOLDERS); every problem is listed, one per line.
    """
    problems = Problems(source, tuple(locales))
    if not isinstance(data, Mapping):
        raise problems.error("prompts must be a JSON object")
    language = data.get("language")
    if not _is_language(language):
        problems.add("missing 'language' (a plain language code, such as 'en')")
    texts: dict[str, str] = {}
    for key, expected in PROMPT_PLACEHOLDERS.items():
        subject = f"prompt {key!r}"
        text = data.get(key)
        if not isinstance(text, str) or not text:
            problems.add(
                "missing or empty"
                if text is None or text == ""
                else f"must be a string, not {kind(text)}",
                subject,
            )
            continue
        found, literal = _fields_problems(text, expected)
        separator = key in LIST_SEPARATORS
        found += text_problems(
            literal,
            what="text",
            max_ssml=MAX_LIST_SEPARATOR_SSML_CHARACTERS
            if separator
            else MAX_PROMPT_SSML_CHARACTERS,
            speakable=not separator and not expected,
            written=text,
        )
        for problem in found:
            problems.add(problem, subject)
        texts[key] = text
    unknown = [key for key in data if key not in PROMPT_PLACEHOLDERS and key != "language"]
    if unknown:
        shown = sorted(show(k) if isinstance(k, str) else kind(k) for k in unknown)
        problems.add(
            f"unknown prompt keys [{', '.join(shown[:10])}{', …' if len(shown) > 10 else ''}]"
        )
    problems.raise_any()
    return Prompts(language=str(language), texts=texts)
