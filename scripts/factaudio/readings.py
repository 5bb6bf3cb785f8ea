"""What espeak-ng is given to read: the lexicon's aliases, then kana for Japanese.

espeak-ng's `ja` voice reads kana only: kanji come out as "chinese letter" and Latin words as
English letter names. So Japanese text gets the lexicon's katakana readings of its Latin-script
words, then pykakasi's hiragana readings of its kanji (its dictionaries ship in its wheel: no
download at run time).
"""

from __future__ import annotations

import re
import threading
from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from factaudio.lexicon import Lexicon

# CJK ideographs, with the iteration and closing marks that belong to a kanji word.
_KANJI = re.compile("[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006\u3007\u30f6]")
_LOCK = threading.Lock()

# Languages whose espeak-ng voice reads only its own script: a word left in another script
# (Latin letters in Japanese) is spelled out or named, never read.
KANA_LANGUAGES = frozenset({"ja"})


@cache
def _kakasi() -> Any:
    import pykakasi

    return pykakasi.kakasi()  # type: ignore[no-untyped-call]


def to_kana(text: str) -> str:
    """`text` with every kanji word replaced by its hiragana reading; the rest unchanged."""
    if not _KANJI.search(text):
        return text
    with _LOCK:  # one converter, built once (it loads its dictionaries)
        parts = _kakasi().convert(text)
    return "".join(p["hira"] if _KANJI.search(p["orig"]) else p["orig"] for p in parts)


_DIGITS = "〇一二三四五六七八九"
_SMALL_UNITS = ((1000, "千"), (100, "百"), (10, "十"))
_LARGE_UNITS = ((10**12, "兆"), (10**8, "億"), (10**4, "万"))
# A number as written in Japanese text: digits with thousands separators, maybe a decimal part.
_NUMBER = re.compile(r"(?<![0-9.A-Za-z])(\d{1,3}(?:,\d{3})+|\d+)(?:\.(\d+))?(?![0-9A-Za-z])")


def _below_10000(number: int) -> str:
    out = ""
    for value, unit in _SMALL_UNITS:
        count, number = divmod(number, value)
        if count:
            out += ("" if count == 1 else _DIGITS[count]) + unit
    return out + (_DIGITS[number] if number else "")


def kanji_number(number: int) -> str:
    """`number` in kanji numerals (10240 -> 一万二百四十), which pykakasi reads correctly;
    espeak-ng reads Arabic digits wrongly ("100" as "ichi-hyaku")."""
    if number == 0:
        return _DIGITS[0]
    if number >= 10**16:
        return "".join(_DIGITS[int(digit)] for digit in str(number))
    out = ""
    for value, unit in _LARGE_UNITS:
        count, number = divmod(number, value)
        if count:
            out += _below_10000(count) + unit
    return out + _below_10000(number)


def japanese_numbers(text: str) -> str:
    """Every number in `text` in kanji numerals; a decimal part digit by digit after 点."""

    def spell(match: re.Match[str]) -> str:
        whole = kanji_number(int(match.group(1).replace(",", "")))
        fraction = match.group(2)
        return whole + ("点" + "".join(_DIGITS[int(d)] for d in fraction) if fraction else "")

    return _NUMBER.sub(spell, text)


def espeak_reading(text: str, language: str, lexicon: Lexicon | None) -> str:
    """The text espeak-ng speaks for `text` in `language` (an espeak voice's language)."""
    if lexicon is not None:
        text = lexicon.apply(text)
    if language in KANA_LANGUAGES:
        text = to_kana(japanese_numbers(text))
    return text
