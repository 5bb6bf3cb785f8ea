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

import functools
import io
import math
import threading
from typing import Any, NamedTuple

from factaudio.exceptions import AudioValidationError

TARGET_LUFS = -14.0
TOLERANCE_LU = 1.0
MAX_TRUE_PEAK_DBTP = -2.0
# The limiter's ceiling leaves room for what MP3 encoding adds to the peaks.
LIMITER_CEILING_DBTP = -4.0
OVERSAMPLING = 4
INTERPOLATION_TAPS = 48
LOOKAHEAD_SECONDS = 0.001
RELEASE_SECONDS = 0.003
GAIN_STEPS = 8
EXACT_STEPS = 3
# MP3 encoding at 48 kbps takes a few tenths of a LU: aim that much above the target.
ENCODING_LOSS_LU = 0.3
MAX_GAIN_DB = 36.0
# Below this, the BS.1770 gate found no speech: the clip is too short or too quiet to measure.
UNMEASURABLE_LUFS = -69.0


_DECODE_LOCK = threading.Lock()


class Loudness(NamedTuple):
    """A measurement: integrated loudness (LUFS) and true peak (dBTP)."""

    lufs: float
    true_peak: float


def _db(linear: float) -> float:
    return 20 * math.log10(linear) if linear > 0 else float("-inf")


def _k_weighting(rate: int) -> tuple[Any, Any]:
    """The BS.1770-4 K-weighting (a high shelf, then a high pass) as one filter for `rate`.

    The biquads are designed for `rate` with the bilinear transform of the analog prototypes
    (the same derivation pyloudnorm and ffmpeg's ebur128 use), so any sample rate works.
    """
    import numpy as np

    def shelf() -> tuple[list[float], list[float]]:
        gain_db, q, fc = 3.999843853973347, 0.7071752369554196, 1681.974450955533
        k, vh = math.tan(math.pi * fc / rate), 10 ** (gain_db / 20)
        vb = vh**0.4996667741545416
        a0 = 1 + k / q + k * k
        b = [(vh + vb * k / q + k * k) / a0, 2 * (k * k - vh) / a0, (vh - vb * k / q + k * k) / a0]
        a = [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]
        return b, a

    def high_pass() -> tuple[list[float], list[float]]:
        q, fc = 0.5003270373238773, 38.13547087602444
        k = math.tan(math.pi * fc / rate)
        a0 = 1 + k / q + k * k
        return [1.0, -2.0, 1.0], [1.0, 2 * (k * k - 1) / a0, (1 - k / q + k * k) / a0]

    (b1, a1), (b2, a2) = shelf(), high_pass()
    return np.convolve(b1, b2), np.convolve(a1, a2)


def weighted_power(samples: Any, rate: int) -> Any:
    """The K-weighted signal, squared: what the loudness blocks average."""
    from scipy.signal import lfilter

    b, a = _k_weighting(rate)
    return lfilter(b, a, samples) ** 2


def gated_loudness(power: Any, rate: int) -> float:
    """Integrated loudness (LUFS) from K-weighted power: 400 ms blocks every 100 ms, gated
    absolutely at -70 LUFS and relatively 10 LU under the mean (BS.1770-4)."""
    import numpy as np

    block, step = int(0.4 * rate), int(0.1 * rate)
    if len(power) < block:
        return float("-inf")
    sums = np.concatenate(([0.0], np.cumsum(power)))
    starts = np.arange(0, len(power) - block + 1, step)
    means = (sums[starts + block] - sums[starts]) / block
    loudness = -0.691 + 10 * np.log10(np.maximum(means, 1e-20))
    kept = means[loudness > -70.0]
    if not kept.size:
        return float("-inf")
    relative = -0.691 + 10 * math.log10(kept.mean()) - 10.0
    kept = means[(loudness > -70.0) & (loudness > relative)]
    return float(-0.691 + 10 * math.log10(kept.mean())) if kept.size else float("-inf")


@functools.cache
def _interpolator() -> Any:
    """4 phases of a 48-tap low-pass FIR for 4x oversampling, as BS.1770-4 Annex 2 uses."""
    from scipy.signal import firwin

    taps = firwin(INTERPOLATION_TAPS, 1.0 / OVERSAMPLING) * OVERSAMPLING
    phases = taps.reshape(-1, OVERSAMPLING).T  # phase k: taps k, k+4, k+8...
    return phases.astype("float32")


def peak_envelope(samples: Any) -> Any:
    """Per sample, the highest magnitude of the signal around it, seen at 4x the rate."""
    import numpy as np

    phases = _interpolator()
    taps = phases.shape[1]
    if len(samples) < taps:
        return np.abs(np.asarray(samples, dtype=np.float32))
    half = taps // 2
    padded = np.pad(np.asarray(samples, dtype=np.float32), (half, taps - half - 1))
    # Every phase of the interpolator at once: one matrix product over sliding windows.
    windows = np.lib.stride_tricks.sliding_window_view(padded, taps)
    envelope = np.abs(np.asarray(samples, dtype=np.float32))
    for phase in phases[:, ::-1]:
        np.maximum(envelope, np.abs(windows @ phase), out=envelope)
    return envelope


def measure(samples: Any, rate: int) -> Loudness:
    """Integrated loudness and true peak of float samples in [-1, 1]."""
    lufs = gated_loudness(weighted_power(samples, rate), rate)
    peak = float(peak_envelope(samples).max()) if len(samples) else 0.0
    return Loudness(lufs, _db(peak))


def _limiter_gain(
    envelope: Any, level: float, rate: int, ceiling: float, release: float = RELEASE_SECONDS
) -> Any:
    """The gain curve that keeps `level * envelope` under `ceiling`: look-ahead and release."""
    import numpy as np
    from scipy.ndimage import minimum_filter1d, uniform_filter1d

    needed = np.minimum(1.0, ceiling / np.maximum(level * envelope, 1e-12))
    if needed.min() >= 1.0:
        return needed
    hold = max(1, int(rate * (LOOKAHEAD_SECONDS + release)))
    smooth = max(1, int(rate * LOOKAHEAD_SECONDS))
    # The minimum over a window around each sample never exceeds what any peak in it needs, and
    # an average over a shorter window of that minimum does not either: no peak passes.
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * hold + 1), size=smooth)
    return np.minimum(gain, needed)


def normalize(samples: Any, rate: int, *, ceiling_db: float = LIMITER_CEILING_DBTP) -> Any:
    """Return `samples` at TARGET_LUFS with true peaks under the limiter's ceiling.

    The true-peak envelope and the K-weighted power are computed once; each try of a gain then
    costs a gain curve and a block average (the weighted power of the limited signal taken as
    the power times the squared gain). That estimate runs a little loud, so the result is
    measured exactly and the aim corrected, at most EXACT_STEPS times.
    """
    envelope = peak_envelope(samples)
    power = weighted_power(samples, rate)
    original = gated_loudness(power, rate)
    ceiling = 10 ** (ceiling_db / 20)
    if original <= UNMEASURABLE_LUFS:
        return samples * _limiter_gain(envelope, 1.0, rate, ceiling)
    goal = TARGET_LUFS + ENCODING_LOSS_LU
    out = samples
    # A very peaky clip cannot reach the target under a slow release: release faster then.
    for release in (RELEASE_SECONDS, RELEASE_SECONDS / 2, 0.0):
        aim, gain_db = goal, goal - original
        for _ in range(EXACT_STEPS):
            for _ in range(GAIN_STEPS):
                gain_db = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain_db))
                level = 10 ** (gain_db / 20)
                curve = _limiter_gain(envelope, level, rate, ceiling, release)
                reached = gated_loudness(power * (level * curve) ** 2, rate)
                if abs(reached - aim) <= 0.1:
                    break
                gain_db += aim - reached  # the limiter took some loudness: ask for more
            out = samples * (level * curve)
            exact = gated_loudness(weighted_power(out, rate), rate)
            if abs(exact - goal) <= 0.15:
                return out
            aim += goal - exact
        if exact >= goal - 0.5:
            return out
    return out


def decode_mp3(data: bytes) -> tuple[Any, int]:
    """Decode MP3 bytes in-process (libsndfile, not ffmpeg): mono float samples and the rate."""
    import soundfile

    with _DECODE_LOCK:  # libsndfile's MP3 decoding is not safe from several threads at once
        samples, rate = soundfile.read(io.BytesIO(data), dtype="float64", always_2d=False)
    if samples.ndim > 1:
        samples = samples.mean(axis=1)
    return samples, int(rate)


def measure_mp3(data: bytes) -> Loudness:
    """Decode MP3 bytes and measure what a listener hears."""
    samples, rate = decode_mp3(data)
    return measure(samples, rate)


def measure_encoded(data: bytes, *, where: str) -> Loudness:
    """Measure an encoded clip; raise AudioValidationError naming `where` if it does not decode."""
    try:
        return measure_mp3(data)
    except Exception as exc:  # libsndfile's errors: the file does not decode
        raise AudioValidationError(
            f"{where}: cannot decode it to measure loudness ({exc})"
        ) from exc


def check_loudness(data: bytes, *, where: str) -> Loudness:
    """Raise AudioValidationError naming `where` unless the encoded clip is in Amazon's band."""
    return check_band(measure_encoded(data, where=where), where=where)


def check_band(found: Loudness, *, where: str) -> Loudness:
    """Raise AudioValidationError naming `where` unless `found` is in Amazon's band."""
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
