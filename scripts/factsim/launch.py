"""How people open a skill in each language: "open X", "ask X for ...", "X で ...を教えて"."""

from __future__ import annotations

import re
from dataclasses import dataclass

from factsim.model import normalize

# Per language: wake words, verbs that only open the skill, and one-shot forms "<verb> X <rest>".
WAKE_WORDS = {
    "en": ("alexa",),
    "de": ("alexa",),
    "es": ("alexa",),
    "fr": ("alexa",),
    "ja": ("alexa", "アレクサ"),
}
OPEN_VERBS = {
    "en": ("open", "launch", "start", "begin", "load", "run"),
    "de": ("öffne", "starte", "aktiviere", "spiele"),
    "es": ("abre", "inicia", "lanza", "empieza"),
    "fr": ("ouvre", "lance", "démarre", "active"),
}
ONE_SHOT_VERBS = {
    "en": ("ask", "tell", "use"),
    "de": ("frage", "frag", "bitte", "sage", "sag"),
    "es": ("pide a", "pregunta a", "dile a", "pídele a"),
    "fr": ("demande à", "dis à", "demande a"),
}
# Japanese puts the invocation first: "X を開いて" opens, "X で <utterance>" is one-shot.
JA_OPEN_SUFFIXES = ("を開いて", "を起動して", "をスタート", "を開く", "開いて")
JA_ONE_SHOT_PARTICLES = ("で", "に")


@dataclass(frozen=True, slots=True)
class LaunchMatch:
    """An utterance that starts the skill: `rest` is what follows the invocation ("" to just open)."""

    rest: str


def _strip_wake(text: str, language: str) -> str:
    for wake in WAKE_WORDS.get(language, ("alexa",)):
        if text.startswith(wake + " ") or text == wake:
            return text[len(wake) :].strip()
    return text


def match_launch(  # noqa: PLR0911 - one return per launch form
    utterance: str, *, language: str, invocation: str
) -> LaunchMatch | None:
    """Return how `utterance` launches the skill named `invocation`, or None when it does not."""
    text = _strip_wake(normalize(utterance), language)
    name = normalize(invocation)
    if language == "ja":
        compact, compact_name = text.replace(" ", ""), name.replace(" ", "")
        if not compact.startswith(compact_name):
            return None
        rest = compact[len(compact_name) :]
        if rest == "" or rest in JA_OPEN_SUFFIXES:
            return LaunchMatch("")
        for particle in JA_ONE_SHOT_PARTICLES:
            if rest.startswith(particle) and len(rest) > len(particle):
                return LaunchMatch(rest[len(particle) :])
        return None
    verbs = "|".join(re.escape(v) for v in OPEN_VERBS.get(language, ()))
    if re.fullmatch(rf"(?:{verbs}) {re.escape(name)}", text):
        return LaunchMatch("")
    one_shot = "|".join(re.escape(v) for v in ONE_SHOT_VERBS.get(language, ()))
    found = re.fullmatch(rf"(?:{one_shot}) {re.escape(name)}(?: (.+))?", text)
    if found:
        return LaunchMatch(found.group(1) or "")
    return None
