"""Post-processing and validation on real MP3 bytes, decoded and inspected."""

from __future__ import annotations

import io
import re
import subprocess

import pytest
from mutagen.mp3 import MP3

from factaudio.exceptions import AudioValidationError, SynthesisError
from factaudio.postprocess import AudioSegment, decode_mp3, ffmpeg, to_alexa_mp3, trim_silence
from factaudio.validate import check_alexa_mp3
from tests.audio_support import encode, polly_like_mp3, tone


def integrated_loudness(mp3: bytes) -> float:
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
            "ebur128",
            "-f",
            "null",
            "-",
        ],
        input=mp3,
        capture_output=True,
        check=True,
    )
    found = re.findall(r"I:\s+(-?[\d.]+) LUFS", out.stderr.decode())
    return float(found[-1])


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
    assert integrated_loudness(mp3) == pytest.approx(-16.0, abs=1.5)


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
        assert integrated_loudness(mp3) == pytest.approx(-16.0, abs=1.5)


def test_encode_batch_reports_ffmpeg_failures() -> None:
    from factaudio.postprocess import Prepared, encode_batch

    broken = AudioSegment(data=b"\0\0" * 100, sample_width=2, frame_rate=0, channels=1)
    with pytest.raises(SynthesisError, match="ffmpeg failed"):
        encode_batch([Prepared(broken, 0.0)])
