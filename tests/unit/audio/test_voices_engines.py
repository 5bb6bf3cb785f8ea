from __future__ import annotations

import json
from pathlib import Path

import pytest
from moto.polly.resources import VOICE_DATA

from factaudio.engines import EspeakEngine, RateLimiter
from factaudio.exceptions import PipelineError
from factaudio.voices import check_polly_voices, load_voices
from factcontent.locales import LOCALE_LANGUAGE
from tests.conftest import ASSETS_DIR

VOICES_FILE = ASSETS_DIR / "voices.json"


def test_every_locale_has_voices() -> None:
    assert set(load_voices(VOICES_FILE)) == set(LOCALE_LANGUAGE)


def test_configured_polly_voices_exist_with_their_engine() -> None:
    """Checked against Polly's DescribeVoices list (moto's copy of it)."""
    voices = load_voices(VOICES_FILE)
    check_polly_voices(voices, VOICE_DATA)
    by_id = {v["Id"]: v for v in VOICE_DATA}
    for locale, choice in voices.items():
        described = by_id[choice.polly.voice]
        if "neural" in described.get("SupportedEngines", []):
            assert choice.polly.engine == "neural", f"{locale}: use neural where the voice has it"
        spoken = {described["LanguageCode"], *described.get("AdditionalLanguageCodes", [])}
        if choice.polly.language_code:  # a bilingual voice, told which language to speak
            assert choice.polly.language_code == locale and locale in spoken
        elif locale == "ar-SA":  # Zeina speaks Modern Standard Arabic, Polly's "arb"
            assert described["LanguageCode"] == "arb"
        elif locale != "en-CA":  # Polly has no en-CA voice: documented fallback to en-US
            assert described["LanguageCode"] == locale


@pytest.mark.parametrize(
    ("voice", "engine", "message"),
    [("Nobody", "neural", "not in Polly's voice list"), ("Aditi", "neural", "no 'neural' engine")],
)
def test_check_polly_voices_rejects_unknown(
    tmp_path: Path, voice: str, engine: str, message: str
) -> None:
    data = json.loads(VOICES_FILE.read_text())
    data["en-IN"]["polly"] = {"voice": voice, "engine": engine}
    path = tmp_path / "voices.json"
    path.write_text(json.dumps(data))
    with pytest.raises(PipelineError, match=message):
        check_polly_voices(load_voices(path), VOICE_DATA)


def test_load_voices_requires_every_locale(tmp_path: Path) -> None:
    data = json.loads(VOICES_FILE.read_text())
    del data["ja-JP"]
    (tmp_path / "v.json").write_text(json.dumps(data))
    with pytest.raises(PipelineError, match="no voices for ja-JP"):
        load_voices(tmp_path / "v.json")


@pytest.mark.slow
@pytest.mark.parametrize(
    "locale", [loc for loc, v in load_voices(VOICES_FILE).items() if v.espeak is not None]
)
def test_espeak_speaks_every_locale(locale: str) -> None:
    engine = EspeakEngine(load_voices(VOICES_FILE))
    segment = engine.synthesize("Serverless, 2026.", engine.voice(locale))
    assert segment.frame_rate == 22050 and segment.channels == 1
    assert len(segment) > 500
    assert segment.dBFS > -40  # real speech, not silence


def test_rate_limiter_spaces_calls(monkeypatch: pytest.MonkeyPatch) -> None:
    now = [100.0]
    slept: list[float] = []
    monkeypatch.setattr("factaudio.engines.time.monotonic", lambda: now[0])
    monkeypatch.setattr("factaudio.engines.time.sleep", slept.append)
    limiter = RateLimiter(8.0)
    for _ in range(3):
        limiter.wait()
    assert slept == pytest.approx([0.125, 0.25])
    RateLimiter(None).wait()  # unlimited: returns at once


def test_a_voice_that_does_not_speak_the_locales_language_is_refused(tmp_path: Path) -> None:
    """Today's bug: "espeak": "ja" for en-US built Japanese-voiced English and exited 0."""
    data = json.loads(VOICES_FILE.read_text())
    data["en-US"]["espeak"] = "ja"
    path = tmp_path / "voices.json"
    path.write_text(json.dumps(data))
    engine = EspeakEngine(load_voices(path), where=str(path))
    with pytest.raises(
        PipelineError, match=r"voices\.json \[en-US\]: espeak voice 'ja' speaks 'ja'"
    ):
        engine.voice("en-US")


def test_no_offline_voice_is_said_with_null(tmp_path: Path) -> None:
    from factaudio.engines import NoVoice

    data = json.loads(VOICES_FILE.read_text())
    data["fr-FR"]["espeak"] = None
    path = tmp_path / "voices.json"
    path.write_text(json.dumps(data))
    with pytest.raises(NoVoice, match="fr-FR: no offline voice"):
        EspeakEngine(load_voices(path)).voice("fr-FR")


@pytest.mark.parametrize(
    ("locale", "text", "words"),
    [
        ("ja-JP", "AWS Lambdaは2014年に発表されました。", "AWS, Lambda"),
        ("fr-FR", "Le symbole ⅯⅯⅩⅩⅥ est romain.", None),
        ("de-DE", "Mit AWS Lambda läuft dein Code ohne Server.", None),
        ("en-US", "Amazon ECS at re:Invent.", None),
    ],
)
def test_espeak_names_the_words_it_would_spell_out(
    locale: str, text: str, words: str | None
) -> None:
    engine = EspeakEngine(load_voices(VOICES_FILE))
    reason = engine.unreadable(text, engine.voice(locale), None)
    if words is None:
        assert reason is None
    else:
        assert reason is not None and f"cannot read {words} in ja" in reason


def test_kanji_are_read_as_kana() -> None:
    from factaudio.readings import espeak_reading

    reading = espeak_reading("関数を実行します。", "ja", None)
    assert reading == "かんすうをじっこうします。"
    assert espeak_reading("関数", "de", None) == "関数"  # other languages are left alone


def test_polly_waits_for_a_lexicon_it_just_put(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """PutLexicon is eventually consistent: LexiconNotFoundException right after it is retried."""
    import io

    from botocore.exceptions import ClientError

    from factaudio.engines import PollyEngine
    from factaudio.lexicon import parse_lexicon
    from tests.audio_support import polly_like_mp3

    (tmp_path / "en.pls").write_text(
        '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" '
        'alphabet="ipa" xml:lang="en"><lexeme><grapheme>ECS</grapheme><alias>E C S</alias>'
        "</lexeme></lexicon>"
    )
    lexicon = parse_lexicon(tmp_path / "en.pls", "en")
    attempts: list[dict[str, object]] = []

    class Client:
        def synthesize_speech(self, **request: object) -> dict[str, object]:
            attempts.append(request)
            if len(attempts) < 3:
                error = {"Error": {"Code": "LexiconNotFoundException", "Message": "not yet"}}
                raise ClientError(error, "SynthesizeSpeech")  # type: ignore[arg-type]
            return {"AudioStream": io.BytesIO(polly_like_mp3())}

    slept: list[float] = []
    monkeypatch.setattr("factaudio.engines.time.sleep", slept.append)
    engine = PollyEngine(Client(), load_voices(VOICES_FILE))  # type: ignore[arg-type]
    engine.know_voices([{"Id": "Joanna", "LanguageCode": "en-US"}])
    segment = engine.synthesize("Amazon ECS.", engine.voice("en-US"), lexicon)
    assert len(segment) > 500 and len(attempts) == 3 and slept == [1.0, 2.0]
    assert attempts[-1]["LexiconNames"] == lexicon.polly_names("en-US")


@pytest.mark.parametrize(
    ("number", "kanji"),
    [
        (0, "〇"),
        (10, "十"),
        (15, "十五"),
        (128, "百二十八"),
        (1000, "千"),
        (2014, "二千十四"),
        (10240, "一万二百四十"),
        (100000000, "一億"),
        (12345678, "千二百三十四万五千六百七十八"),
    ],
)
def test_numbers_become_kanji_numerals(number: int, kanji: str) -> None:
    from factaudio.readings import kanji_number

    assert kanji_number(number) == kanji


def test_japanese_numbers_are_read_in_japanese() -> None:
    """espeak-ng reads "100" as "ichi-hyaku": numbers become kanji, then kana."""
    from factaudio.readings import espeak_reading, japanese_numbers

    assert japanese_numbers("1,000回と0.25秒、EC2とS3") == "千回と〇点二五秒、EC2とS3"
    assert espeak_reading("メモリは10,240メガバイトまで", "ja", None) == (
        "メモリはいちまんにひゃくしじゅうメガバイトまで"
    )
