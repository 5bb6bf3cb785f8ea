"""Post-processing with pydub and ffmpeg (from the imageio-ffmpeg wheel): Alexa's exact MP3 format.

Loudness is normalized linearly instead of with ffmpeg's `loudnorm` filter, which resamples
to 192 kHz and costs three times the CPU per file (see `make bench`):
1. pyloudnorm measures integrated loudness (ITU-R BS.1770-4, as EBU R128) in-process, and numpy
   the sample peak: no second ffmpeg process per file;
2. one gain brings the file to LOUDNESS_LUFS, capped so the peak stays under the ceiling,
   applied in the single ffmpeg run that encodes MPEG-2 Layer III, 48 kbps CBR, 24 kHz.
"""

from __future__ import annotations

import functools
import io
import math
import os
import subprocess
import tempfile
import warnings
from collections.abc import Sequence
from typing import Any, NamedTuple

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH at import; ours comes from the imageio-ffmpeg wheel instead.
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

from factaudio.constants import (
    BITRATE,
    CHANNELS,
    KEEP_SILENCE_MS,
    LOUDNESS_LUFS,
    MAX_GAIN_DB,
    SAMPLE_PEAK_CEILING_DB,
    SAMPLE_RATE,
    SILENCE_THRESHOLD_DBFS,
)
from factaudio.exceptions import SynthesisError

__all__ = [
    "AudioSegment",
    "Prepared",
    "decode_mp3",
    "encode_batch",
    "ffmpeg",
    "measure_loudness",
    "prepare",
    "to_alexa_mp3",
    "trim_silence",
]

# Below this, the BS.1770 gate found no speech: the clip is too short or too quiet to measure.
_UNMEASURABLE_LUFS = -69.0


@functools.cache
def ffmpeg() -> str:
    """Point pydub at the wheel's ffmpeg (there is no ffprobe: always decode with codec=)."""
    import imageio_ffmpeg

    path: str = imageio_ffmpeg.get_ffmpeg_exe()
    AudioSegment.converter = path
    AudioSegment.ffmpeg = path
    return path


def pcm_input(segment: AudioSegment) -> list[str]:
    """ffmpeg's input options for `segment`'s raw PCM (put "-i SOURCE" after them)."""
    width = segment.sample_width * 8
    return ["-f", f"s{width}le", "-ar", str(segment.frame_rate), "-ac", str(segment.channels)]


def run_ffmpeg(
    args: Sequence[str], *, stdin: bytes | None = None
) -> subprocess.CompletedProcess[bytes]:
    """Run the wheel's ffmpeg with `args`; raise SynthesisError with its last line on failure."""
    command = [ffmpeg(), "-hide_banner", "-nostats", "-loglevel", "error", "-y", *args]
    feed: dict[str, Any] = {"input": stdin} if stdin is not None else {"stdin": subprocess.DEVNULL}
    result = subprocess.run(command, capture_output=True, check=False, **feed)  # noqa: S603 - our ffmpeg, our arguments
    if result.returncode != 0:
        tail = result.stderr.decode(errors="replace").strip().splitlines()[-1:]
        raise SynthesisError(f"ffmpeg failed ({result.returncode}): {' '.join(tail)}")
    return result


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


@functools.cache
def _meter(rate: int) -> Any:
    import pyloudnorm

    return pyloudnorm.Meter(rate)  # ITU-R BS.1770-4: K-weighting, 400 ms blocks, gating


def measure_loudness(segment: AudioSegment) -> tuple[float, float]:
    """Return (integrated loudness in LUFS, sample peak in dBFS), measured in-process."""
    import numpy as np

    full_scale = float(1 << (8 * segment.sample_width - 1))
    samples = np.frombuffer(segment.raw_data, dtype=f"<i{segment.sample_width}") / full_scale
    if segment.channels > 1:
        samples = samples.reshape(-1, segment.channels)
    top = float(np.max(np.abs(samples))) if samples.size else 0.0
    peak = 20 * math.log10(top) if top > 0 else float("-inf")
    try:
        loudness = float(_meter(segment.frame_rate).integrated_loudness(samples))
    except ValueError:  # shorter than one 400 ms block: nothing to measure
        loudness = float("-inf")
    return loudness, peak


def normalizing_gain(loudness: float, peak: float) -> float:
    """Gain in dB that reaches LOUDNESS_LUFS without the peak passing SAMPLE_PEAK_CEILING_DB."""
    if loudness <= _UNMEASURABLE_LUFS:
        return 0.0
    gain = min(LOUDNESS_LUFS - loudness, SAMPLE_PEAK_CEILING_DB - peak)
    return max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain))


# Per output, after its "-map": MPEG-2 Layer III at 24 kHz, 48 kbps CBR, no Xing header
# (pydub adds -write_xing 0 only on macOS: pydub/audio_segment.py, export()), no tags.
ENCODE_ARGS = (
    "-ar",
    str(SAMPLE_RATE),
    "-ac",
    str(CHANNELS),
    "-c:a",
    "libmp3lame",
    "-b:a",
    BITRATE,
    "-write_xing",
    "0",
    "-map_metadata",
    "-1",
    "-id3v2_version",
    "0",
    "-f",
    "mp3",
)


class Prepared(NamedTuple):
    """Audio ready to encode: silence trimmed, with the gain that normalizes its loudness."""

    segment: AudioSegment
    gain: float


def prepare(segment: AudioSegment) -> Prepared:
    """Trim silence and measure the gain to LOUDNESS_LUFS (in-process, no ffmpeg)."""
    trimmed = trim_silence(segment)
    return Prepared(trimmed, normalizing_gain(*measure_loudness(trimmed)))


def _scratch_dir() -> str | None:
    """Memory-backed scratch space where there is one (the files live for one ffmpeg run)."""
    shm = "/dev/shm"  # noqa: S108 - a private TemporaryDirectory is made inside it
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def encode_batch(items: Sequence[Prepared]) -> list[bytes]:
    """Encode several clips in one ffmpeg run, each with its own gain.

    Starting the wheel's static ffmpeg costs more CPU than encoding a short fact, so the
    pipeline hands it as many clips as are waiting.
    """
    args: list[str] = []
    with tempfile.TemporaryDirectory(prefix="encode-", dir=_scratch_dir()) as tmp:
        outputs = []
        for index, item in enumerate(items):
            source = os.path.join(tmp, f"{index}.raw")
            with open(source, "wb") as file:
                file.write(item.segment.raw_data)
            args += [*pcm_input(item.segment), "-i", source]
        for index, item in enumerate(items):
            outputs.append(os.path.join(tmp, f"{index}.mp3"))
            args += [
                "-map",
                f"{index}:a",
                "-af",
                f"volume={item.gain:.2f}dB",
                *ENCODE_ARGS,
                outputs[-1],
            ]
        run_ffmpeg(args)
        encoded = []
        for path in outputs:
            with open(path, "rb") as file:
                encoded.append(file.read())
        return encoded


def to_alexa_mp3(segment: AudioSegment) -> bytes:
    """Trim, normalize loudness and encode as MPEG-2 Layer III, 48 kbps CBR, 24 kHz."""
    return encode_batch([prepare(segment)])[0]
