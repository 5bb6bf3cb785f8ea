"""Post-processing with pydub and ffmpeg (from the imageio-ffmpeg wheel): Alexa's exact MP3 format."""

from __future__ import annotations

import functools
import io
import warnings

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH at import; ours comes from the imageio-ffmpeg wheel instead.
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

__all__ = ["AudioSegment", "decode_mp3", "ffmpeg", "to_alexa_mp3", "trim_silence"]

from scripts.audio.constants import (
    BITRATE,
    CHANNELS,
    KEEP_SILENCE_MS,
    LOUDNESS_LUFS,
    SAMPLE_RATE,
    SILENCE_THRESHOLD_DBFS,
    TRUE_PEAK_DB,
)
from scripts.audio.exceptions import SynthesisError

# ffmpeg arguments after "-acodec libmp3lame -b:a 48k" (pydub adds those): loudness, rate, channels,
# no Xing header (ALEXA.md: pydub adds -write_xing 0 only on macOS), no tags.
FFMPEG_PARAMETERS = [
    "-af",
    f"loudnorm=I={LOUDNESS_LUFS}:TP={TRUE_PEAK_DB}:LRA=11",
    "-ar",
    str(SAMPLE_RATE),
    "-ac",
    str(CHANNELS),
    "-write_xing",
    "0",
    "-map_metadata",
    "-1",
    "-id3v2_version",
    "0",
]


@functools.cache
def ffmpeg() -> str:
    """Point pydub at the wheel's ffmpeg (there is no ffprobe: always decode with codec=)."""
    import imageio_ffmpeg

    path: str = imageio_ffmpeg.get_ffmpeg_exe()
    AudioSegment.converter = path
    AudioSegment.ffmpeg = path
    return path


def decode_mp3(data: bytes) -> AudioSegment:
    """Decode MP3 bytes with ffmpeg alone."""
    ffmpeg()
    if not data:
        raise SynthesisError("the engine returned no audio")
    try:
        return AudioSegment.from_file(io.BytesIO(data), format="mp3", codec="mp3")
    except Exception as exc:  # pydub raises CouldntDecodeError and friends
        raise SynthesisError(
            f"could not decode the engine's MP3 ({len(data)} bytes): {exc}"
        ) from exc


def trim_silence(segment: AudioSegment) -> AudioSegment:
    """Cut leading and trailing silence, keeping a few milliseconds so words are not clipped."""
    lead = detect_leading_silence(segment, silence_threshold=SILENCE_THRESHOLD_DBFS)
    tail = detect_leading_silence(segment.reverse(), silence_threshold=SILENCE_THRESHOLD_DBFS)
    start = max(0, lead - KEEP_SILENCE_MS)
    end = min(len(segment), len(segment) - tail + KEEP_SILENCE_MS)
    if end <= start:
        raise SynthesisError("the audio is silent")
    return segment[start:end]


def to_alexa_mp3(segment: AudioSegment) -> bytes:
    """Trim, normalize loudness and encode as MPEG-2 Layer III, 48 kbps CBR, 24 kHz."""
    ffmpeg()
    out = io.BytesIO()
    trim_silence(segment).export(
        out, format="mp3", codec="libmp3lame", bitrate=BITRATE, parameters=FFMPEG_PARAMETERS
    )
    return out.getvalue()
