"""Loudness as Amazon asks for it: about -14 LUFS integrated, true peak at most -2 dBTP.

Source: "Normalizing the Loudness of Audio Content"
(https://developer.amazon.com/en-US/docs/alexa/flashbriefing/normalizing-the-loudness-of-audio-content.html).

Speech from a TTS engine has a high crest factor: gain alone to -14 LUFS would clip it. So the
gain is applied with a true-peak limiter (peaks estimated at 4x the sample rate, as ITU-R BS.1770
measures true peak) and the gain corrected until the limited signal measures -14 LUFS, all
in-process with numpy and scipy, before the one ffmpeg encode. The encoded MP3 is decoded again
(libsndfile, in-process) and measured: that, not the PCM before encoding, is what is checked.
"""

from __future__ import annotations

import io
import math
from typing import Any, NamedTuple

from factaudio.exceptions import AudioValidationError

TARGET_LUFS = -14.0
TOLERANCE_LU = 1.0
MAX_TRUE_PEAK_DBTP = -2.0
# The limiter's ceiling leaves room for what MP3 encoding adds to the peaks.
LIMITER_CEILING_DBTP = -3.2
OVERSAMPLING = 4
LOOKAHEAD_SECONDS = 0.002
RELEASE_SECONDS = 0.030
GAIN_STEPS = 4
MAX_GAIN_DB = 36.0
# Below this, the BS.1770 gate found no speech: the clip is too short or too quiet to measure.
UNMEASURABLE_LUFS = -69.0


class Loudness(NamedTuple):
    """A measurement: integrated loudness (LUFS) and true peak (dBTP)."""

    lufs: float
    true_peak: float


def _db(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else float("-inf")


def _meter(rate: int) -> Any:
    import pyloudnorm

    return pyloudnorm.Meter(rate)  # ITU-R BS.1770-4: K-weighting, 400 ms blocks, gating


def peak_envelope(samples: Any) -> Any:
    """Per sample, the highest magnitude between it and the next (4x oversampled)."""
    import numpy as np
    from scipy.signal import resample_poly

    up = resample_poly(samples, OVERSAMPLING, 1)
    return np.abs(up[: len(samples) * OVERSAMPLING]).reshape(-1, OVERSAMPLING).max(axis=1)


def measure(samples: Any, rate: int) -> Loudness:
    """Integrated loudness and true peak of float samples in [-1, 1]."""
    try:
        lufs = float(_meter(rate).integrated_loudness(samples))
    except ValueError:  # shorter than one 400 ms block
        lufs = float("-inf")
    peak = float(peak_envelope(samples).max()) if len(samples) else 0.0
    return Loudness(lufs, _db(peak))


def limit(samples: Any, rate: int, ceiling_db: float = LIMITER_CEILING_DBTP) -> Any:
    """Lower the gain around every true peak above `ceiling_db`, smoothly (look-ahead, release)."""
    import numpy as np
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    ceiling = 10 ** (ceiling_db / 20)
    envelope = peak_envelope(samples)
    needed = np.minimum(1.0, ceiling / np.maximum(envelope, 1e-9))
    if needed.min() >= 1.0:
        return samples
    hold = max(1, int(rate * (LOOKAHEAD_SECONDS + RELEASE_SECONDS)))
    smooth = max(1, int(rate * LOOKAHEAD_SECONDS))
    # The minimum over a window around each sample never exceeds what any peak in it needs, and
    # an average over a shorter window of that minimum does not either: no peak passes.
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * hold + 1), size=smooth)
    return samples * np.minimum(gain, needed)


def normalize(samples: Any, rate: int) -> Any:
    """Return `samples` at TARGET_LUFS with true peaks under the limiter's ceiling."""
    meter_lufs = measure(samples, rate).lufs
    if meter_lufs <= UNMEASURABLE_LUFS:
        return limit(samples, rate)
    gain_db = TARGET_LUFS - meter_lufs
    out = samples
    for _ in range(GAIN_STEPS):
        gain_db = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain_db))
        out = limit(samples * 10 ** (gain_db / 20), rate)
        reached = measure(out, rate).lufs
        if abs(reached - TARGET_LUFS) <= 0.25:
            break
        gain_db += TARGET_LUFS - reached  # the limiter took some loudness: ask for more
    return out


def measure_mp3(data: bytes) -> Loudness:
    """Decode MP3 bytes in-process (libsndfile) and measure what a listener hears."""
    import soundfile

    samples, rate = soundfile.read(io.BytesIO(data), dtype="float64", always_2d=False)
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    return measure(samples, int(rate))


def check_loudness(data: bytes, *, where: str) -> Loudness:
    """Raise AudioValidationError naming `where` unless the encoded clip is in Amazon's band."""
    try:
        found = measure_mp3(data)
    except Exception as exc:  # libsndfile's errors: the file does not decode
        raise AudioValidationError(f"{where}: cannot decode it to measure loudness ({exc})") from exc
    problems = []
    if abs(found.lufs - TARGET_LUFS) > TOLERANCE_LU:
        problems.append(
            f"{found.lufs:.1f} LUFS, Amazon asks for {TARGET_LUFS:g} +-{TOLERANCE_LU:g} LU"
        )
    if found.true_peak > MAX_TRUE_PEAK_DBTP:
        problems.append(f"true peak {found.true_peak:.1f} dBTP, at most {MAX_TRUE_PEAK_DBTP:g}")
    if problems:
        raise AudioValidationError(f"{where}: loudness out of band: {'; '.join(problems)}")
    return found
