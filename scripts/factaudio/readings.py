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


def espeak_reading(text: str, language: str, lexicon: Lexicon | None) -> str:
    """The text espeak-ng speaks for `text` in `language` (an espeak voice's language)."""
    if lexicon is not None:
        text = lexicon.apply(text)
    if language in KANA_LANGUAGES:
        text = to_kana(text)
    return text
