"""Captions from word timings: cues in step with the speech, WebVTT out and back."""

from __future__ import annotations

import itertools

import pytest

from factaudio.captions import Cue, WordMark, cues, marks_onto, parse_webvtt, webvtt, words_of

TEXT = "AWS Lambda runs your code without servers: you upload a function, and it runs on events."


def marks(text: str, step: int = 300) -> list[WordMark]:
    return [WordMark(ms=i * step, start=a, end=b) for i, (a, b) in enumerate(words_of(text))]


def test_cues_cover_the_text_in_order_shifted_into_the_clip() -> None:
    found = cues(TEXT, marks(TEXT), shift_ms=1500, duration_ms=9000)
    assert " ".join(c.text for c in found) == TEXT
    assert found[0].start_ms == 1500  # the first word, after the sting
    assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(found))
    assert all(len(c.text) <= 42 for c in found)
    assert found[-1].end_ms <= 9000


def test_a_cue_starts_when_its_first_word_is_said() -> None:
    found = cues(TEXT, marks(TEXT), shift_ms=0, duration_ms=9000)
    second = found[1]
    index = next(i for i, (a, _) in enumerate(words_of(TEXT)) if TEXT[a:].startswith(second.text))
    assert second.start_ms == index * 300


def test_words_between_marks_are_timed_by_their_characters() -> None:
    first_and_last = [marks(TEXT)[0], WordMark(ms=6000, start=len(TEXT) - 7, end=len(TEXT))]
    found = cues(TEXT, first_and_last, shift_ms=0, duration_ms=8000)
    starts = [c.start_ms for c in found]
    assert starts == sorted(starts) and 0 < starts[1] < 6000


def test_japanese_is_cut_by_characters_and_clauses() -> None:
    text = "AWS Lambdaは2014年11月のre:Inventで発表されました。関数をサービスとして使う考え方を広めました。"
    found = cues(text, marks(text, 150), shift_ms=0, duration_ms=20000)
    assert "".join(c.text for c in found).replace(" ", "") == text.replace(" ", "")
    assert all(len(c.text) <= 21 for c in found)
    assert found[0].text.endswith("の") or "。" in "".join(c.text for c in found)


def test_a_reading_with_other_words_maps_onto_the_facts_words() -> None:
    # "re:Invent" read as three words ("ree colon invent"): the fact still shows "re:Invent"
    text = "Announced at re:Invent in 2014."
    reading_marks = [(0, 0), (400, 1), (700, 2), (900, 3), (1100, 4), (1500, 5), (1800, 6)]
    mapped = marks_onto(text, reading_marks)
    assert text[mapped[0].start : mapped[0].end] == "Announced"
    assert [m.ms for m in mapped] == sorted(m.ms for m in mapped)
    assert {text[m.start : m.end] for m in mapped} <= set(text.split())


def test_no_marks_no_captions() -> None:
    assert cues(TEXT, [], shift_ms=0, duration_ms=5000) == []


def test_webvtt_round_trip_and_a_cue_cannot_forge_a_timing_line() -> None:
    written = webvtt([Cue(start_ms=1200, end_ms=3450, text="a --> b"), Cue(3450, 61_000, "c")])
    assert written.startswith("WEBVTT\n\n1\n00:00:01.200 --> 00:00:03.450\n")
    parsed = parse_webvtt(written)
    assert [(c.start_ms, c.end_ms) for c in parsed] == [(1200, 3450), (3450, 61_000)]
    assert parsed[0].text == "a -> b"


@pytest.mark.parametrize("bad", ["", "WEBVTX\n", "WEBVTT\n\n1\n00:00:02.000 --> 00:00:01.000\nx\n"])
def test_parse_webvtt_refuses_what_is_not_webvtt(bad: str) -> None:
    with pytest.raises(ValueError):
        parse_webvtt(bad)
