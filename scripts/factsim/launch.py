"""How people open a skill in each language: "open X", "ask X for ...", "X で ...を教えて".

The forms follow Amazon's "Understand How Users Invoke Custom Skills"
(https://developer.amazon.com/en-US/docs/alexa/custom-skills/understanding-how-users-invoke-custom-skills.html):
"<verb> <name> [<connecting word>] <request>", and "<request> <connecting word> <name>". The
connecting word is Alexa's, not the sample's: the request is matched with and without it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from factsim.model import normalize
from factsim.phrasebook import phrasebooks, table

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
# Words between the invocation name and the request ("ask X *to* tell me a fact").
CONNECTORS_AFTER_NAME = {
    "en": ("to", "for", "about", "if", "whether", "that", "and"),
    "de": ("nach", "um", "ob", "dass", "zu", "und", "über"),
    "es": ("que", "sobre", "por", "para", "si", "y"),
    "fr": ("de", "d'", "que", "qu'", "si", "pour", "sur", "et"),
}
# Words between a request said first and the invocation name ("a fact *from* X").
CONNECTORS_BEFORE_NAME = {
    "en": ("from", "in", "using", "with", "on", "by"),
    "de": ("von", "bei", "mit", "in", "auf"),
    "es": ("de", "en", "con", "desde", "usando"),
    "fr": ("de", "dans", "avec", "sur", "depuis", "sur"),
}
# The other languages, from their phrasebooks (factsim/phrases/*.json).
for _table, _key in (
    (WAKE_WORDS, "wake_words"),
    (OPEN_VERBS, "open_verbs"),
    (ONE_SHOT_VERBS, "one_shot_verbs"),
    (CONNECTORS_AFTER_NAME, "connectors_after_name"),
    (CONNECTORS_BEFORE_NAME, "connectors_before_name"),
):
    _table.update(table(_key))
# Languages that say the invocation first and the verb after it (Hindi: "X खोलो" opens,
# "X से <request>" is one-shot).
NAME_FIRST = frozenset(lang for lang, book in phrasebooks().items() if book.get("name_first"))
# Japanese puts the invocation first: "X を開いて" opens, "X で <utterance>" is one-shot.
JA_OPEN_SUFFIXES = ("を開いて", "を起動して", "をスタート", "を開く", "開いて")
JA_ONE_SHOT_PARTICLES = ("で", "に")


@dataclass(frozen=True, slots=True)
class LaunchMatch:
    """An utterance that starts the skill: `rest` is the request ("" to just open).

    `candidates` are the texts to match against the samples, in order: the request as said, then
    without the connecting word Alexa allows before it.
    """

    rest: str
    candidates: tuple[str, ...] = ()


def _request(rest: str, language: str) -> LaunchMatch:
    """The request after the invocation name, with the connecting word kept and stripped."""
    candidates = [rest]
    for word in CONNECTORS_AFTER_NAME.get(language, ()):
        if word.endswith("'") and rest.startswith(word) and len(rest) > len(word):
            candidates.append(rest[len(word) :].strip())
        elif rest.startswith(word + " "):
            candidates.append(rest[len(word) + 1 :].strip())
    return LaunchMatch(rest, tuple(dict.fromkeys(c for c in candidates if c)))


def _strip_wake(text: str, language: str) -> str:
    for wake in WAKE_WORDS.get(language, ("alexa",)):
        if text.startswith(wake + " ") or text == wake:
            return text[len(wake) :].strip()
    return text


def _name_first(rest: str, language: str) -> LaunchMatch | None:
    """After the invocation, in a name-first language: nothing or an open verb opens; a
    one-shot verb (the longest that fits) brings the request."""
    if not rest or rest in OPEN_VERBS.get(language, ()):
        return LaunchMatch("")
    for verb in sorted(ONE_SHOT_VERBS.get(language, ()), key=len, reverse=True):
        if rest == verb:
            return LaunchMatch("")
        if rest.startswith(verb + " "):
            return _request(rest[len(verb) + 1 :].strip(), language)
    return None


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
    if language in NAME_FIRST and text.startswith(name):
        return _name_first(text[len(name) :].strip(), language)
    verbs = "|".join(re.escape(v) for v in OPEN_VERBS.get(language, ()))
    opened = re.fullmatch(rf"(?:{verbs}) (?:the )?{re.escape(name)}(?:,? (.+))?", text)
    if opened:
        rest = opened.group(1) or ""
        if not rest:
            return LaunchMatch("")
        request = _request(rest, language)
        # "open X and tell me a fact": a request after "open" needs its connecting word.
        return request if len(request.candidates) > 1 else None
    one_shot = "|".join(re.escape(v) for v in ONE_SHOT_VERBS.get(language, ()))
    found = re.fullmatch(rf"(?:{one_shot}) (?:the )?{re.escape(name)},?(?: (.+))?", text)
    if found:
        return _request(found.group(1) or "", language) if found.group(1) else LaunchMatch("")
    before = "|".join(re.escape(w) for w in CONNECTORS_BEFORE_NAME.get(language, ()))
    if before:
        found = re.fullmatch(rf"(.+) (?:{before}) (?:the )?{re.escape(name)}", text)
        if found:
            return LaunchMatch(found.group(1), (found.group(1),))
    return None
