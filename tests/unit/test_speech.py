from __future__ import annotations

import xml.etree.ElementTree as ET

import pytest

from factcontent.limits import MAX_AUDIO_TAGS
from factskill.speech import AudioClip, SpeechBuilder, escape, is_allowed_audio_url


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("AT&T", "AT&amp;T"),
        ("a < b > c", "a &lt; b &gt; c"),
        ('say "hi"', "say &quot;hi&quot;"),
        ("it's", "it&apos;s"),
        ("plain", "plain"),
    ],
)
def test_escape_escapes_ssml_specials(text: str, expected: str) -> None:
    assert escape(text) == expected


def test_speech_builder_text_is_valid_ssml_with_specials() -> None:
    ssml = SpeechBuilder().text('Lambda & <friends> "quoted" it\'s').ssml()
    root = ET.fromstring(f"<speak>{ssml}</speak>")
    assert "".join(root.itertext()) == 'Lambda & <friends> "quoted" it\'s'


def test_speech_builder_audio_emits_tag() -> None:
    clip = AudioClip("https://b.s3.us-east-1.amazonaws.com/audio/x.mp3?a=1&b=2", 3.0)
    ssml = SpeechBuilder().audio(clip, "fallback").ssml()
    root = ET.fromstring(f"<speak>{ssml}</speak>")
    assert [a.attrib["src"] for a in root.iter("audio")] == [clip.url]
    assert "fallback" not in ssml


def test_speech_builder_missing_clip_speaks_fallback() -> None:
    assert SpeechBuilder().audio(None, "the text").ssml() == "the text"


@pytest.mark.parametrize(
    ("url", "allow_http", "ok"),
    [
        ("https://x/a.mp3", False, True),
        ("HTTPS://x/a.mp3", False, True),
        ("http://x/a.mp3", False, False),
        ("http://127.0.0.1:9000/a.mp3", True, True),
        ("ftp://x/a.mp3", True, False),
        ("https://x/a b.mp3", False, False),
    ],
)
def test_is_allowed_audio_url(url: str, allow_http: bool, ok: bool) -> None:
    assert is_allowed_audio_url(url, allow_http=allow_http) is ok


def test_speech_builder_refuses_http_unless_allowed() -> None:
    clip = AudioClip("http://127.0.0.1/a.mp3", 2.0)
    assert "<audio" not in SpeechBuilder().audio(clip, "text").ssml()
    assert "<audio" in SpeechBuilder(allow_http=True).audio(clip, "text").ssml()


def test_speech_builder_caps_audio_tags() -> None:
    builder = SpeechBuilder()
    for i in range(MAX_AUDIO_TAGS + 2):
        builder.audio(AudioClip(f"https://x/{i}.mp3", 1.0), f"text{i}")
    ssml = builder.ssml()
    assert ssml.count("<audio") == MAX_AUDIO_TAGS
    assert "text5" in ssml and "text6" in ssml


def test_speech_builder_caps_speech_seconds() -> None:
    builder = SpeechBuilder()
    builder.audio(AudioClip("https://x/1.mp3", 200.0), "one")
    builder.audio(AudioClip("https://x/2.mp3", 41.0), "two")
    assert builder.ssml().count("<audio") == 1
    assert builder.audio_seconds == 200.0


def test_speech_builder_reprompt_allows_90_seconds() -> None:
    builder = SpeechBuilder.for_reprompt()
    builder.audio(AudioClip("https://x/1.mp3", 91.0), "too long")
    assert builder.ssml() == "too long"
    assert (
        "<audio"
        in SpeechBuilder.for_reprompt().audio(AudioClip("https://x/1.mp3", 90.0), "x").ssml()
    )


def test_speech_builder_refuses_a_file_over_240_seconds() -> None:
    assert SpeechBuilder().audio(AudioClip("https://x/1.mp3", 240.5), "t").ssml() == "t"


def test_speech_never_passes_alexas_ssml_limit() -> None:
    from factcontent.limits import MAX_SSML_CHARACTERS
    from factskill.speech import SpeechBuilder

    speech = SpeechBuilder().text("&" * 3000).text("Another one?")
    ssml = "<speak>" + speech.ssml() + "</speak>"
    assert len(ssml) <= MAX_SSML_CHARACTERS
    words = SpeechBuilder().text("word " * 3000).ssml()
    assert 7000 < len(words) <= MAX_SSML_CHARACTERS - 15 and words.endswith("word")


def test_escaping_drops_what_xml_forbids() -> None:
    from factskill.speech import escape

    assert escape("a\x00b\x07c\ufffed \ud800e & f") == "abcd e &amp; f"
