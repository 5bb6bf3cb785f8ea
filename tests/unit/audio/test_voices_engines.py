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
        if locale != "en-CA":  # Polly has no en-CA voice: documented fallback to en-US
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
@pytest.mark.parametrize("locale", sorted(LOCALE_LANGUAGE))
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
