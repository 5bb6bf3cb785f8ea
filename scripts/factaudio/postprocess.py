"""Post-processing with pydub and ffmpeg (from the imageio-ffmpeg wheel): Alexa's exact MP3 format.

Loudness is brought to Amazon's target in-process (factaudio.loudness: gain under a true-peak
limiter, measured with pyloudnorm, ITU-R BS.1770-4), not with ffmpeg's `loudnorm` filter, which
resamples to 192 kHz and costs three times the CPU per file; then one ffmpeg run encodes every
waiting clip as MPEG-2 Layer III, 48 kbps CBR, 24 kHz.
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
from typing import Any, NamedTuple, Protocol

with warnings.catch_warnings():
    # pydub looks for ffmpeg on PATH at import; ours comes from the imageio-ffmpeg wheel instead.
    warnings.filterwarnings("ignore", message="Couldn't find ffmpeg", category=RuntimeWarning)
    from pydub import AudioSegment
    from pydub.silence import detect_leading_silence

from factaudio.constants import (
    BITRATE,
    CHANNELS,
    KEEP_SILENCE_MS,
    LOWPASS_HZ,
    SAMPLE_RATE,
    SILENCE_THRESHOLD_DBFS,
)
from factaudio.exceptions import SynthesisError
from factaudio.loudness import (
    LIMITER_CEILING_DBTP,
    MAX_TRUE_PEAK_DBTP,
    Loudness,
    measure_encoded,
    normalize,
)

# How far under the true-peak limit a settled clip lands (the re-made clip's own margin).
PEAK_MARGIN_DB = 0.3
SETTLE_TRIES = 3

__all__ = [
    "AudioSegment",
    "Prepared",
    "decode_mp3",
    "encode_batch",
    "ffmpeg",
    "prepare",
    "to_alexa_mp3",
    "trim_silence",
]


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


def trim_bounds(segment: AudioSegment) -> tuple[int, int]:
    """The (start, end) milliseconds trim_silence keeps."""
    lead = detect_leading_silence(segment, silence_threshold=SILENCE_THRESHOLD_DBFS)
    tail = detect_leading_silence(segment.reverse(), silence_threshold=SILENCE_THRESHOLD_DBFS)
    start = max(0, lead - KEEP_SILENCE_MS)
    end = min(len(segment), len(segment) - tail + KEEP_SILENCE_MS)
    if end <= start:
        raise SynthesisError("the audio is silent")
    return start, end


def trim_silence(segment: AudioSegment) -> AudioSegment:
    """Cut leading and trailing silence, keeping a few milliseconds so words are not clipped."""
    start, end = trim_bounds(segment)
    return segment[start:end]


def samples_of(segment: AudioSegment) -> Any:
    """Mono float samples in [-1, 1] of `segment`."""
    import numpy as np

    full_scale = float(1 << (8 * segment.sample_width - 1))
    samples = np.frombuffer(segment.raw_data, dtype=f"<i{segment.sample_width}") / full_scale
    if segment.channels > 1:
        samples = samples.reshape(-1, segment.channels).mean(axis=1)
    return samples


def segment_of(samples: Any, rate: int) -> AudioSegment:
    """A 16-bit mono segment of float samples (clipped to full scale)."""
    import numpy as np

    pcm = np.clip(np.round(samples * 32767.0), -32768, 32767).astype("<i2")
    return AudioSegment(data=pcm.tobytes(), sample_width=2, frame_rate=rate, channels=1)


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
    """Audio ready to encode: silence trimmed, with the gain that normalizes its loudness.

    `shift_ms`: how far the voice moved from where the engine put it (silence trimmed off its
    start, the brand's sting put before it): what word timings add to land in the clip.
    """

    segment: AudioSegment
    gain: float
    shift_ms: int = 0


class Mixer(Protocol):
    """Something mixed with the voice before its loudness is set (the sonic brand)."""

    def mix(self, voice: AudioSegment) -> AudioSegment: ...

    def voice_start_ms(self, frame_rate: int) -> int:
        """Where the voice starts in what mix() returns."""
        ...


def prepare(
    segment: AudioSegment,
    *,
    ceiling_db: float = LIMITER_CEILING_DBTP,
    brand: Mixer | None = None,
) -> Prepared:
    """Trim silence, mix in the brand if any, bring it to TARGET_LUFS under the true-peak limiter
    (in-process, no ffmpeg)."""
    start, end = trim_bounds(segment)
    trimmed = segment[start:end]
    shift = -start
    if brand is not None:
        shift += brand.voice_start_ms(trimmed.frame_rate)
        trimmed = brand.mix(trimmed)
    samples = samples_of(trimmed)
    if trimmed.frame_rate != SAMPLE_RATE:  # resample here, so the limiter sees the final peaks
        from scipy.signal import resample_poly

        common = math.gcd(SAMPLE_RATE, trimmed.frame_rate)
        samples = resample_poly(samples, SAMPLE_RATE // common, trimmed.frame_rate // common)
    normalized = normalize(band_limit(samples), SAMPLE_RATE, ceiling_db=ceiling_db)
    return Prepared(segment_of(normalized, SAMPLE_RATE), 0.0, shift)


@functools.cache
def _lowpass() -> Any:
    from scipy.signal import butter

    return butter(8, LOWPASS_HZ, btype="low", fs=SAMPLE_RATE, output="sos")


def band_limit(samples: Any) -> Any:
    """Cut what the 48 kbps encoder would cut anyway, before the limiter measures the peaks:
    otherwise the encoder's own low-pass reshapes limited peaks and they overshoot. One causal
    pass (a quarter of the CPU of a zero-phase forward-backward one): the phase of speech above
    a few kHz is inaudible, and the limiter sees the filtered signal, whatever its phase."""
    from scipy.signal import sosfilt

    return sosfilt(_lowpass(), samples)


def _scratch_dir() -> str | None:
    """Memory-backed scratch space where there is one (the files live for one ffmpeg run)."""
    shm = "/dev/shm"  # noqa: S108 - a private TemporaryDirectory is made inside it
    return shm if os.path.isdir(shm) and os.access(shm, os.W_OK) else None


def _scratch_prefix() -> str:
    return f"encode-{os.getpid()}-"


def make_scratch() -> str:
    """A run's own scratch directory (memory-backed where there is such space); remove it with
    remove_scratch when the run ends, however it ends."""
    return tempfile.mkdtemp(prefix=_scratch_prefix(), dir=_scratch_dir())


def remove_scratch(path: str) -> None:
    import shutil

    shutil.rmtree(path, ignore_errors=True)


def encode_batch(items: Sequence[Prepared], *, scratch: str | None = None) -> list[bytes]:
    """Encode several clips in one ffmpeg run, each with its own gain.

    Starting the wheel's static ffmpeg costs more CPU than encoding a short fact, so the
    pipeline hands it as many clips as are waiting.
    """
    args: list[str] = []
    parent = scratch or _scratch_dir()
    with tempfile.TemporaryDirectory(prefix=_scratch_prefix(), dir=parent) as tmp:
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


def settle(
    segment: AudioSegment,
    encoded: bytes,
    *,
    where: str,
    brand: Mixer | None = None,
    scratch: str | None = None,
) -> tuple[bytes, Loudness]:
    """Return `encoded` and its measured loudness, or, when encoding pushed its true peak over
    the limit, the clip made again under a limiter ceiling lowered by the overshoot (the
    encoder's, measured). Each clip is decoded and measured once: the validator uses it too."""
    ceiling = LIMITER_CEILING_DBTP
    found = measure_encoded(encoded, where=where)
    for _ in range(SETTLE_TRIES):
        overshoot = found.true_peak - (MAX_TRUE_PEAK_DBTP - PEAK_MARGIN_DB)
        if overshoot <= 0:
            break
        ceiling -= overshoot
        prepared = prepare(segment, ceiling_db=ceiling, brand=brand)
        encoded = encode_batch([prepared], scratch=scratch)[0]
        found = measure_encoded(encoded, where=where)
    return encoded, found


def to_alexa_mp3(segment: AudioSegment, *, brand: Mixer | None = None) -> bytes:
    """Trim, mix the brand, normalize loudness, encode as MPEG-2 Layer III, 48 kbps CBR, 24 kHz."""
    encoded = encode_batch([prepare(segment, brand=brand)])[0]
    return settle(segment, encoded, where="clip", brand=brand)[0]
