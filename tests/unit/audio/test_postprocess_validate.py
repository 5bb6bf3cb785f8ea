"""Post-processing and validation on real MP3 bytes, decoded and inspected."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from mutagen.mp3 import MP3

from factaudio.exceptions import AudioValidationError, SynthesisError
from factaudio.loudness import (
    MAX_TRUE_PEAK_DBTP,
    TARGET_LUFS,
    TOLERANCE_LU,
    check_loudness,
    measure_mp3,
)
from factaudio.postprocess import (
    AudioSegment,
    Prepared,
    decode_mp3,
    encode_batch,
    ffmpeg,
    to_alexa_mp3,
    trim_silence,
)
from factaudio.validate import check_alexa_mp3
from tests.audio_support import encode, polly_like_mp3, tone


def ebur128(mp3: bytes) -> tuple[float, float]:
    """(integrated LUFS, true peak dBTP) of the decoded MP3, by ffmpeg's own EBU R128 meter."""
    out = subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-nostats",
            "-f",
            "mp3",
            "-i",
            "pipe:0",
            "-af",
            "ebur128=peak=true",
            "-f",
            "null",
            "-",
        ],
        input=mp3,
        capture_output=True,
        check=True,
    )
    text = out.stderr.decode()
    lufs = re.findall(r"I:\s+(-?[\d.]+) LUFS", text)
    peak = re.findall(r"Peak:\s+(-?[\d.]+) dBFS", text)
    return float(lufs[-1]), float(peak[-1])


def integrated_loudness(mp3: bytes) -> float:
    return ebur128(mp3)[0]


def assert_in_amazons_band(mp3: bytes) -> None:
    lufs, peak = ebur128(mp3)
    assert TARGET_LUFS - TOLERANCE_LU <= lufs <= TARGET_LUFS + TOLERANCE_LU, lufs
    assert peak <= MAX_TRUE_PEAK_DBTP, peak


def test_to_alexa_mp3_produces_alexas_exact_format() -> None:
    mp3 = to_alexa_mp3(tone(1500))
    info = MP3(io.BytesIO(mp3)).info
    assert (info.version, info.layer, info.bitrate, info.sample_rate) == (2, 3, 48000, 24000)
    assert not mp3.startswith(b"ID3")  # no tags
    assert b"Xing" not in mp3[:2048] and b"Info" not in mp3[:2048]  # -write_xing 0
    assert check_alexa_mp3(mp3, where="t") == pytest.approx(1.5 + 0.08, abs=0.15)


def test_to_alexa_mp3_trims_silence_and_normalizes_loudness() -> None:
    quiet = tone(2000, silence_ms=1000) - 20  # much too quiet, with a second of silence each side
    mp3 = to_alexa_mp3(quiet)
    decoded = decode_mp3(mp3)
    assert len(decoded) < 2400  # 4 s in, about 2 s out
    assert integrated_loudness(mp3) == pytest.approx(TARGET_LUFS, abs=TOLERANCE_LU)


def test_decode_mp3_reads_polly_like_bytes_without_ffprobe() -> None:
    segment = decode_mp3(polly_like_mp3())
    assert segment.frame_rate == 24000
    assert 1500 < len(segment) < 2000


@pytest.mark.parametrize("data", [b"", b"\0" * 8])
def test_decode_mp3_rejects_non_audio(data: bytes) -> None:
    with pytest.raises(SynthesisError):
        decode_mp3(data)


def test_trim_silence_rejects_silent_audio() -> None:
    with pytest.raises(SynthesisError, match="silent"):
        trim_silence(AudioSegment.silent(duration=1000))


@pytest.mark.parametrize(
    ("args", "problem"),
    [
        (("-ar", "44100", "-b:a", "48k"), "MPEG version 1, Alexa needs MPEG-2"),
        (("-ar", "24000", "-b:a", "64k"), "64 kbps, Alexa needs 48 kbps"),
        (("-ar", "12000", "-b:a", "48k"), "12000 Hz"),
    ],
)
def test_check_alexa_mp3_rejects_wrong_formats(args: tuple[str, ...], problem: str) -> None:
    mp3 = encode(tone(500), *args)
    with pytest.raises(AudioValidationError, match=re.escape(problem)) as info:
        check_alexa_mp3(mp3, where="fact 'x' (en-US)")
    assert "fact 'x' (en-US)" in str(info.value)


def test_check_alexa_mp3_rejects_files_over_240_seconds() -> None:
    long = AudioSegment.silent(duration=241_000, frame_rate=24000)
    mp3 = encode(long, "-ar", "24000", "-b:a", "48k")
    with pytest.raises(AudioValidationError, match="240"):
        check_alexa_mp3(mp3, where="long")


def test_check_alexa_mp3_rejects_garbage() -> None:
    with pytest.raises(AudioValidationError, match="not an MP3"):
        check_alexa_mp3(b"\0" * 8, where="moto's polly")


def test_encode_batch_gives_each_clip_its_own_gain() -> None:
    from factaudio.postprocess import encode_batch, prepare

    quiet, loud = tone(1500) - 18, tone(1800) + 0
    outputs = encode_batch([prepare(quiet), prepare(loud)])
    assert len(outputs) == 2
    for mp3, length in zip(outputs, (1.5, 1.8), strict=True):
        assert check_alexa_mp3(mp3, where="batch") == pytest.approx(length + 0.08, abs=0.15)
        assert integrated_loudness(mp3) == pytest.approx(TARGET_LUFS, abs=TOLERANCE_LU)


def test_encode_batch_reports_ffmpeg_failures() -> None:
    from factaudio.postprocess import Prepared, encode_batch

    broken = AudioSegment(data=b"\0\0" * 100, sample_width=2, frame_rate=0, channels=1)
    with pytest.raises(SynthesisError, match="ffmpeg failed"):
        encode_batch([Prepared(broken, 0.0)])


# --- loudness: Amazon's -14 LUFS and -2 dBTP, measured on the encoded MP3 ---


@pytest.mark.parametrize("level_db", [-30, -12, 0])
def test_to_alexa_mp3_lands_every_level_in_amazons_band(level_db: int) -> None:
    assert_in_amazons_band(to_alexa_mp3(tone(2500) + level_db))


@pytest.mark.slow
@pytest.mark.parametrize(
    ("locale", "language"), [("en-US", "en"), ("de-DE", "de"), ("ja-JP", "ja")]
)
def test_real_espeak_speech_lands_in_amazons_band(locale: str, language: str) -> None:
    """Speech's high crest factor needs the true-peak limiter: gain alone would clip it."""
    from factaudio.engines import EspeakEngine
    from factaudio.voices import load_voices
    from factcontent.files import load_deck
    from tests.conftest import ASSETS_DIR

    engine = EspeakEngine(load_voices(ASSETS_DIR / "voices.json"))
    fact = max(load_deck(ASSETS_DIR, language).facts, key=lambda f: len(f.text))
    assert_in_amazons_band(to_alexa_mp3(engine.synthesize(fact.text, engine.voice(locale))))


def test_our_meter_agrees_with_ffmpegs_ebur128() -> None:
    mp3 = to_alexa_mp3(tone(3000) - 6)
    ours, (lufs, peak) = measure_mp3(mp3), ebur128(mp3)
    assert ours.lufs == pytest.approx(lufs, abs=0.2)
    assert ours.true_peak == pytest.approx(peak, abs=0.3)


def test_the_validator_refuses_a_clip_out_of_the_band_naming_it() -> None:
    quiet = encode_batch([Prepared(tone(2500) - 30, 0.0)])[0]  # encoded without normalizing
    with pytest.raises(
        AudioValidationError, match=r"fact 'x' \(de-DE\): loudness out of band: -\d"
    ):
        check_loudness(quiet, where="fact 'x' (de-DE)")
    assert check_loudness(to_alexa_mp3(tone(2500)), where="t").lufs == pytest.approx(
        TARGET_LUFS, abs=1
    )
