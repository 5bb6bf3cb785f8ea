"""Pure: WebVTT captions of a clip from the word timings its engine reported.

Polly's speech marks and espeak-ng's word events give each word's start in the synthesized
audio; the post-process then trims the leading silence and puts the brand's sting before the
voice, so every time moves by the clip's `shift_ms`. Cues group a few words (at most
MAX_CUE_WORDS, MAX_CUE_CHARS): a screen shows a line at a time, in step with the voice.

The words shown are the fact's own, even where the engine read something else (a lexicon
alias, a kana reading): engines that time a reading map its words onto the fact's in order.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Sequence

from factcontent.records import Record

MAX_CUE_WORDS = 7
MAX_CUE_CHARS = 42
MAX_CJK_CUE_CHARS = 20  # Japanese: no spaces, denser script
MIN_CUE_MS = 400
_CJK = "\u3040-\u30ff\u3400-\u9fff\uf900-\ufaff\uff01-\uff5e"
# A word: a run of anything but spaces and CJK, or one CJK character with the punctuation after it.
_WORD = re.compile(rf"[{_CJK}][、。！？」』）]*|[^\s{_CJK}]+")
_SENTENCE_END = ("。", ".", "!", "?", "！", "？", "।", "、", ",")


class WordMark(Record):
    """A word of the text (character offsets start:end) and when the engine starts saying it."""

    ms: int
    start: int
    end: int


class Cue(Record):
    start_ms: int
    end_ms: int
    text: str


def words_of(text: str) -> list[tuple[int, int]]:
    """The (start, end) offsets of the words of `text` (each CJK character is one)."""
    return [(m.start(), m.end()) for m in _WORD.finditer(text)]


def marks_onto(text: str, reading_marks: Sequence[tuple[int, int]]) -> list[WordMark]:
    """Word marks of `text` from (ms, word index) marks of a reading of it: each word of the
    reading gives its time to the fact's word at the same fraction of the way through, so an
    alias of two words for one, or kana for kanji, still keeps the cues in step."""
    words = words_of(text)
    if not words or not reading_marks:
        return []
    count = max(index for _, index in reading_marks) + 1
    marks: dict[int, int] = {}
    for ms, index in reading_marks:
        at = min(len(words) - 1, index * len(words) // count)
        marks.setdefault(at, ms)
    return [WordMark(ms=ms, start=words[i][0], end=words[i][1]) for i, ms in sorted(marks.items())]


def _chunks(text: str) -> list[tuple[int, int]]:
    """The text cut into cue lines: a few words, never past a sentence's or clause's end."""
    words = words_of(text)
    dense = bool(re.search(f"[{_CJK}]", text))
    most_words, most_chars = (10**6, MAX_CJK_CUE_CHARS) if dense else (MAX_CUE_WORDS, MAX_CUE_CHARS)
    chunks: list[list[tuple[int, int]]] = [[]]
    for word in words:
        chunk = chunks[-1]
        if chunk:
            ended = text[chunk[-1][0] : chunk[-1][1]].endswith(_SENTENCE_END)
            too_long = word[1] - chunk[0][0] > most_chars or len(chunk) >= most_words
            if too_long or (ended and word[1] - chunk[0][0] > most_chars // 3):
                chunks.append(chunk := [])
        chunk.append(word)
    return [(c[0][0], c[-1][1]) for c in chunks if c]


def cues(text: str, marks: Sequence[WordMark], *, shift_ms: int, duration_ms: int) -> list[Cue]:
    """Cue lines of `text`, each starting when its first word is said: the marked words' times
    (shifted into the clip), interpolated by characters between marks (an engine may mark only
    some words); the last line ends with the speech. Empty when there are no marks."""
    knots: list[tuple[int, int]] = []
    for mark in sorted(marks, key=lambda m: m.start):
        if 0 <= mark.start < mark.end <= len(text):
            at = max(0, mark.ms + shift_ms)
            if not knots or (mark.start > knots[-1][0] and at >= knots[-1][1]):
                knots.append((mark.start, at))
    if not knots:
        return []
    if len(knots) > 1:  # the pace of the marked part carries the speech past the last mark
        pace = (knots[-1][1] - knots[0][1]) / max(1, knots[-1][0] - knots[0][0])
    else:
        pace = (duration_ms - knots[0][1]) / max(1, len(text) - knots[0][0])
    speech_end = min(duration_ms, round(knots[-1][1] + pace * (len(text) - knots[-1][0])))
    knots.append((len(text), max(speech_end, knots[-1][1])))

    def time_at(offset: int) -> int:
        if offset <= knots[0][0]:
            return knots[0][1]
        for (c0, t0), (c1, t1) in itertools.pairwise(knots):
            if c0 <= offset <= c1:
                return round(t0 + (t1 - t0) * (offset - c0) / max(1, c1 - c0))
        return knots[-1][1]

    result: list[Cue] = []
    chunks = _chunks(text)
    for number, (start, end) in enumerate(chunks):
        begin = time_at(start)
        finish = time_at(chunks[number + 1][0]) if number + 1 < len(chunks) else knots[-1][1]
        if result:
            begin = max(begin, result[-1].end_ms)
        finish = min(duration_ms, max(finish, begin + MIN_CUE_MS))
        if finish <= begin:
            continue
        result.append(Cue(start_ms=begin, end_ms=finish, text=" ".join(text[start:end].split())))
    return result


def _timestamp(ms: int) -> str:
    hours, rest = divmod(ms, 3_600_000)
    minutes, rest = divmod(rest, 60_000)
    seconds, millis = divmod(rest, 1000)
    return f"{hours:02d}:{minutes:02d}:{seconds:02d}.{millis:03d}"


def webvtt(cue_list: Sequence[Cue]) -> str:
    """The WebVTT file of `cue_list` (W3C WebVTT: the header, then one block per cue)."""
    blocks = ["WEBVTT", ""]
    for number, cue in enumerate(cue_list, 1):
        text = cue.text.replace("-->", "->").replace("\n", " ")
        blocks += [
            str(number),
            f"{_timestamp(cue.start_ms)} --> {_timestamp(cue.end_ms)}",
            text,
            "",
        ]
    return "\n".join(blocks)


_TIMING = re.compile(r"^(\d{2,}):(\d{2}):(\d{2})\.(\d{3}) --> (\d{2,}):(\d{2}):(\d{2})\.(\d{3})$")


def parse_webvtt(content: str) -> list[Cue]:
    """The cues of a WebVTT file as webvtt() writes them; ValueError naming what is wrong."""
    lines = content.split("\n")
    if not lines or lines[0] != "WEBVTT":
        raise ValueError("a WebVTT file starts with the line WEBVTT")
    result = []
    for number, line in enumerate(lines):
        found = _TIMING.match(line)
        if found is None:
            continue
        h1, m1, s1, f1, h2, m2, s2, f2 = (int(g) for g in found.groups())
        start = ((h1 * 60 + m1) * 60 + s1) * 1000 + f1
        end = ((h2 * 60 + m2) * 60 + s2) * 1000 + f2
        if end <= start:
            raise ValueError(f"line {number + 1}: a cue ends before it starts")
        text = lines[number + 1] if number + 1 < len(lines) else ""
        result.append(Cue(start_ms=start, end_ms=end, text=text))
    return result
