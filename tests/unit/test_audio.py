from __future__ import annotations

import logging

import pytest

from factcontent.deck import Deck, Fact
from factcontent.manifest import AudioEntry, text_digest
from factskill.audio import playable_audio

DECK = Deck(
    language="en",
    topics={"t": "T"},
    facts=(Fact("f-1", "t", "One & two."), Fact("f-2", "t", "Two."), Fact("f-3", "t", "Three.")),
)


def entry(text: str, key: str = "audio/en-US/h.mp3", duration: float = 3.0) -> AudioEntry:
    return AudioEntry(key, duration, text_digest(text), "espeak:en", "h")


def test_playable_audio_accepts_matching_entries() -> None:
    clips = playable_audio(
        DECK,
        {"f-1": entry("One & two.")},
        locale="en-US",
        base_url="https://b.example/",
        allow_http=False,
    )
    assert clips["f-1"].url == "https://b.example/audio/en-US/h.mp3"
    assert clips["f-1"].duration == 3.0


def test_playable_audio_ignores_stale_entries(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING):
        clips = playable_audio(
            DECK,
            {"f-2": entry("An older text."), "f-3": entry("Three.")},
            locale="en-US",
            base_url="https://b/",
            allow_http=False,
        )
    assert set(clips) == {"f-3"}
    assert "1 audio entries ignored" in caplog.text and "stale" in caplog.text


@pytest.mark.parametrize(
    ("base_url", "allow_http", "key", "duration", "reason"),
    [
        (None, False, "audio/x.mp3", 3.0, "no AUDIO_BASE_URL"),
        ("http://127.0.0.1:9/", False, "audio/x.mp3", 3.0, "not an https URL"),
        ("https://b/", False, "http://other/x.mp3", 3.0, "not an https URL"),
        ("https://b/", False, "audio/x.mp3", 241.0, "longer than 240 s"),
    ],
)
def test_playable_audio_refuses_unplayable(
    base_url: str | None,
    allow_http: bool,
    key: str,
    duration: float,
    reason: str,
    caplog: pytest.LogCaptureFixture,
) -> None:
    with caplog.at_level(logging.WARNING):
        clips = playable_audio(
            DECK,
            {"f-2": entry("Two.", key, duration)},
            locale="en-US",
            base_url=base_url,
            allow_http=allow_http,
        )
    assert clips == {}
    assert reason in caplog.text


def test_playable_audio_http_when_allowed() -> None:
    clips = playable_audio(
        DECK,
        {"f-2": entry("Two.")},
        locale="en-US",
        base_url="http://127.0.0.1:9/",
        allow_http=True,
    )
    assert clips["f-2"].url.startswith("http://127.0.0.1:9/")


def test_playable_audio_ignores_entries_for_unknown_facts() -> None:
    clips = playable_audio(
        DECK, {"gone": entry("x")}, locale="en-US", base_url="https://b/", allow_http=False
    )
    assert clips == {}
