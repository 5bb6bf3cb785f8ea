"""Whether espeak-ng really speaks a text in its voice's language (pure: phonemes in, verdict out).

When espeak-ng meets what its voice cannot read, it switches language: its phoneme output marks
the switch, "(en)" ... "(ja)". A Latin-script language reading an English loanword in English
("(en)sˈɜːvə(de)" for "Server" in German) is how its speakers say it; a switch that spells
letters out ("(en)ˈɛl ˈeɪ ˈɛm(ja)" for "Lam..."), or any switch at all in a language that writes
loanwords in its own script (Japanese: katakana), is gibberish to a listener.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import NamedTuple

from factaudio.readings import KANA_LANGUAGES

_SWITCH = re.compile(r"\(([a-z]{2,3}(?:-[a-z0-9]+)*)\)")
_STRESS = str.maketrans("", "", "ˈˌ")


class Switch(NamedTuple):
    """A stretch of phonemes read in another language than the voice's."""

    language: str
    phonemes: str


def primary(tag: str) -> str:
    return tag.split("-", maxsplit=1)[0].lower()


def switches(phonemes: str, language: str) -> list[Switch]:
    """The stretches of `phonemes` that espeak-ng read in a language other than `language`."""
    found: list[Switch] = []
    current, start = language, 0
    for mark in _SWITCH.finditer(phonemes):
        if primary(current) != primary(language):
            found.append(Switch(current, phonemes[start : mark.start()].strip()))
        current, start = mark.group(1), mark.end()
    if primary(current) != primary(language):
        found.append(Switch(current, phonemes[start:].strip()))
    return [switch for switch in found if switch.phonemes]


# Languages whose listeners hear any switch to another language as gibberish: everything in
# them is written in their own script (Latin words through the lexicon's readings).
OWN_SCRIPT_LANGUAGES = KANA_LANGUAGES | {"ar"}


def tokens(phonemes: str) -> set[str]:
    return {token.translate(_STRESS) for token in phonemes.split()}


def fallback(phonemes: str, language: str, letter_names: Iterable[str]) -> Switch | None:
    """The first switch that makes `phonemes` gibberish for a listener of `language`, if any.

    `letter_names`: the phonemes of the names of the letters a-z in the languages espeak-ng
    switches to (stress marks removed), as espeak-ng itself reads them.
    """
    names = set(letter_names)
    for switch in switches(phonemes, language):
        if primary(language) in OWN_SCRIPT_LANGUAGES or tokens(switch.phonemes) & names:
            return switch
    return None
