"""Text that becomes speech: what SSML can carry, its length escaped, the time it takes to say.

The rules every spoken text passes (deck facts and topic names, prompts), bundled or published,
are here once; deck.py and prompts.py apply them and say where a text is. Cheap to import and to
run on a cold start: the one regular expression is compiled for the first long text only, and
``unicodedata`` (~1.6 ms) is imported for the first non-ASCII id only. Every check is linear in
the length of the text, so a forged megabyte costs milliseconds, not minutes.
"""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

from factcontent.records import Record

if TYPE_CHECKING:
    import re

# What XML 1.0 forbids (its `Char` production: #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD]
# | [#x10000-#x10FFFF]) besides lone surrogates: C0 controls but tab, newline and CR, and
# U+FFFE/U+FFFF. Lone surrogates are dropped by encoding.
_XML_FORBIDDEN = dict.fromkeys([*range(0x09), 0x0B, 0x0C, *range(0x0E, 0x20), 0xFFFE, 0xFFFF])


# unsafe_characters gives the position of this many different characters at most.
_MOST_LOCATED = 20


def xml_safe(text: str) -> str:
    """Return `text` without the characters XML 1.0 forbids (and lone surrogates).

    The second defence of SSML: content is checked (text_problems), but what a request or a
    failed check lets through must still never make Alexa's SSML malformed.
    """
    if text.isprintable():  # every forbidden character is unprintable: the common case is free
        return text
    if not text.isascii():
        text = text.encode("utf-8", "ignore").decode("utf-8")  # only lone surrogates fail
    return text.translate(_XML_FORBIDDEN)


def _unsafe(char: str) -> str | None:
    """Why content must not contain `char` (which is not printable), or None if it may."""
    point = ord(char)
    if point < 0x20:
        return None if char in "\t\n\r" else "a control character"
    if 0x7F <= point <= 0x9F:  # XML 1.0 allows but discourages them; no text needs them
        return "a control character"
    if 0xD800 <= point <= 0xDFFF:
        return "a lone surrogate"
    if 0xFDD0 <= point <= 0xFDEF or point & 0xFFFE == 0xFFFE:
        return "a noncharacter"
    return None


def unsafe_characters(text: str) -> list[str]:
    """Describe each character of `text` SSML must not carry ("U+0000 (a control character) at
    character 5"): XML 1.0's forbidden ones, lone surrogates, C1 controls and noncharacters."""
    if text.isprintable():
        return []
    unsafe = sorted((char, why) for char in set(text) if (why := _unsafe(char)))
    # Where each one first is: a bounded number of scans, however many there are.
    found = sorted((text.index(char), char, why) for char, why in unsafe[:_MOST_LOCATED])
    return [f"U+{ord(char):04X} ({why}) at character {at + 1}" for at, char, why in found] + [
        f"U+{ord(char):04X} ({why})" for char, why in unsafe[_MOST_LOCATED:]
    ]


def ssml_length(text: str) -> int:
    """Return the length of `text` escaped for SSML (& < > and quotes become entities)."""
    return (
        len(text)
        + 4 * text.count("&")
        + 3 * (text.count("<") + text.count(">"))
        + 5 * (text.count('"') + text.count("'"))
    )


def is_speakable(text: str) -> bool:
    """True when `text` has something to say: a letter or a digit (not only marks or spaces)."""
    if text[:1].isalnum():
        return True
    if len(text) < 200:
        return any(map(str.isalnum, text))
    return _alphanumeric().search(text) is not None  # a scan in C: a forged megabyte is cheap


@functools.cache
def _alphanumeric() -> re.Pattern[str]:
    import re

    return re.compile(r"[^\W_]")  # what str.isalnum() is true of


def id_key(value: str) -> str:
    """What two ids must not share: ids equal but for case or Unicode normalization (NFC) collide."""
    if value.isascii():
        return value.casefold()
    import unicodedata  # ~1.6 ms: only for non-ASCII ids

    return unicodedata.normalize("NFC", unicodedata.normalize("NFC", value).casefold())


def id_problems(value: str, *, max_length: int) -> list[str]:
    """Say what is wrong with an id (a fact's or a topic's), as a name the session can carry."""
    problems = []
    if len(value) > max_length:
        problems.append(
            f"id is {len(value)} characters; a session carries ids of at most {max_length}: "
            "shorten it"
        )
    if not value.isprintable() or " " in value:
        odd = next(c for c in value if c == " " or not c.isprintable())
        problems.append(
            f"id contains U+{ord(odd):04X} (whitespace, a control or an invisible character): "
            "an id is a name, use letters, digits and '-'"
        )
    elif not value.isascii():
        # The session carries up to MAX_DECK_FACTS ids, escaped as \uXXXX in the response JSON:
        # non-ASCII ids could pass Alexa's 120 KB response limit.
        odd = next(c for c in value if not c.isascii())
        problems.append(
            f"id contains U+{ord(odd):04X}: an id is a name of ASCII letters, digits and '-' "
            "(the text can be in any language, the id cannot)"
        )
    return problems


class SpeechRates(Record):
    """Seconds per character of each class, in one language (see spoken_seconds)."""

    letter: float  # a letter of a word (Latin, Greek, Cyrillic...)
    spelled: float  # a letter read by its name: in an acronym ("AWS"), or standing alone
    digit: float  # numbers are read as words: "2024" is "two thousand twenty-four"
    cjk: float  # a kana, kanji or hangul syllable
    pause: float  # . , ; : ! ? and their CJK forms: a pause each
    symbol: float  # & % $ + = @ # / * and emoji: read as words ("and", "percent"...)

    def most(self) -> float:
        """The most a character costs: no text of n characters takes longer than n times it."""
        return max(self.letter, self.spelled, self.digit, self.cjk, self.pause, self.symbol)


# An over-estimate of what Polly (neural) and espeak-ng (at 165 words a minute, the pipeline's
# rate) take, measured with espeak-ng 1.51 on the bundled decks and on degenerate texts (digits,
# acronyms, symbols, kana and kanji, single letters) in each voice, then rounded up: these
# weights give at least 1.2 times espeak-ng's measured duration on every bundled fact, and more on
# the degenerate ones. Polly neural speaks about 150-170 words a minute, in the same range. Spaces,
# quotes, brackets, dashes, combining marks and invisible characters cost nothing.
DEFAULT_RATES = SpeechRates(letter=0.095, spelled=0.3, digit=0.45, cjk=0.5, pause=0.4, symbol=0.8)
SPEECH_RATES: dict[str, SpeechRates] = {
    "fr": DEFAULT_RATES._replace(letter=0.085),
    "ja": SpeechRates(letter=0.3, spelled=0.35, digit=0.65, cjk=0.5, pause=0.4, symbol=0.8),
}

_PAUSES = frozenset(".,;:!?¡¿…。、，．！？；：")
_SILENT = frozenset(" '\"`‘’‚‛“”„‟«»‹›()[]{}-‐‑‒–—―")
_CJK = (
    (0x1100, 0x11FF),  # Hangul jamo
    (0x3040, 0x30FF),  # hiragana, katakana
    (0x31F0, 0x31FF),  # katakana phonetic extensions
    (0x3400, 0x4DBF),  # CJK extension A
    (0x4E00, 0x9FFF),  # CJK unified ideographs
    (0xAC00, 0xD7AF),  # Hangul syllables
    (0xF900, 0xFAFF),  # CJK compatibility ideographs
    (0xFF66, 0xFF9F),  # halfwidth katakana
    (0x20000, 0x3FFFF),  # CJK extensions B onwards
)
_MARKS = ((0x0300, 0x036F), (0x1AB0, 0x1AFF), (0x1DC0, 0x1DFF), (0x20D0, 0x20FF), (0xFE00, 0xFE2F))


def _in(point: int, ranges: tuple[tuple[int, int], ...]) -> bool:
    return any(low <= point <= high for low, high in ranges)


def _seconds_of(char: str, rates: SpeechRates) -> float:
    if char.isdigit():
        return rates.digit
    if char.isalpha():
        return rates.cjk if not char.isascii() and _in(ord(char), _CJK) else rates.letter
    if char in _PAUSES:
        return rates.pause
    if char in _SILENT or not char.isprintable() or _in(ord(char), _MARKS):
        return 0.0
    return rates.symbol


@functools.cache
def _spelled() -> re.Pattern[str]:
    import re

    # Capitals in a row ("AWS", the "DB" of "DynamoDB"), or a capital alone ("S3", "plan B").
    return re.compile(r"[A-Z]{2,}(?![a-z])|(?<![^\W\d_])[A-Z](?![^\W\d_])")


def _rates(language: str) -> SpeechRates:
    """The rates of `language`, else of its language code ("es-419": "es"), else the default."""
    return SPEECH_RATES.get(language) or SPEECH_RATES.get(
        language.split("-", maxsplit=1)[0], DEFAULT_RATES
    )


def spoken_seconds(text: str, language: str) -> float:
    """Estimate, on the high side, how many seconds speaking `text` in `language` takes.

    Each character costs the seconds of its class in the language (SPEECH_RATES, DEFAULT_RATES
    for the others); letters read by their names cost `spelled` instead of `letter`. An estimate,
    not a measurement: it exists to refuse, before any synthesis, a fact whose audio would be
    too long to play (a 3,000-character fact of digits takes minutes).
    """
    rates = _rates(language)
    seconds = 0.0
    for char, count in Counter(text).items():
        seconds += _seconds_of(char, rates) * count
    spelled = sum(map(len, _spelled().findall(text)))
    return seconds + spelled * max(0.0, rates.spelled - rates.letter)


def most_seconds(text: str, language: str) -> float:
    """A bound spoken_seconds never exceeds, at the cost of a length: checks skip short texts."""
    return len(text) * _rates(language).most()


# The most any character costs in any language: a text shorter than max_seconds / this is
# short enough, whatever it says (most facts).
_MOST_ANYWHERE = max(rates.most() for rates in (DEFAULT_RATES, *SPEECH_RATES.values()))


def _listed(items: list[str], limit: int = 5) -> str:
    shown = ", ".join(items[:limit])
    return shown if len(items) <= limit else f"{shown} and {len(items) - limit} more"


def text_problems(
    text: str,
    *,
    what: str,
    max_ssml: int,
    language: str | None = None,
    max_seconds: float | None = None,
    speakable: bool = True,
    written: str | None = None,
) -> list[str]:
    """Say what keeps `text` from being spoken within Alexa's limits, one problem a line.

    `what` names it in messages ("text", "name"); `max_ssml` is the SSML characters its part of
    a response may take, escaped; with `max_seconds`, the time it may take to say in `language`.
    `speakable=False` allows a text with no letter or digit (a list separator). `written` is the
    text as written, when `text` is it normalized: its characters are the ones checked.
    """
    problems = []
    checked = text if written is None else written
    if not checked.isprintable():
        unsafe = unsafe_characters(checked)
        if unsafe:
            problems.append(
                f"{what} contains {_listed(unsafe)}, which SSML cannot carry: remove it"
            )
    if speakable and not is_speakable(text):
        problems.append(f"{what} has nothing to speak (no letter or digit)")
    length = ssml_length(text)
    if length > max_ssml:
        problems.append(
            f"{what} is {length} SSML characters once escaped (& < > and quotes become "
            f"entities); its share of a response is {max_ssml}: shorten it"
        )
    if (
        max_seconds is not None
        and language is not None
        and len(text) * _MOST_ANYWHERE > max_seconds
        and most_seconds(text, language) > max_seconds
    ):
        # A text longer than its SSML share is refused anyway: what that share says is enough
        # to tell whether it is also too long to say (the estimate only grows with the text).
        seconds = spoken_seconds(text[:max_ssml], language)
        if seconds > max_seconds:
            about = "at least" if len(text) > max_ssml else "about"
            problems.append(
                f"{what} takes {about} {seconds:.0f} s to say (estimated); Alexa plays at most "
                f"{max_seconds:.0f} s of audio in a response: shorten it or split it"
            )
    return problems
