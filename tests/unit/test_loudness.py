"""The loudness stage's fast paths against a straightforward reference (kept here): the BS.1770
blocks by a cumulative sum over every sample, the true-peak envelope by a matrix product over
every window, the limiter filtered over the whole clip, and the normalizing search as it was
written first. Random, speech-like and near-full-scale signals, and the edges: shorter than a
block or a window, silence, lengths that are no multiple of the hop, other sample rates."""

from __future__ import annotations

import io
import math
from collections.abc import Callable
from typing import Any

import numpy as np
import pytest
from scipy.ndimage import minimum_filter1d, uniform_filter1d
from scipy.signal import lfilter

from factaudio import loudness
from factaudio.loudness import (
    LIMITER_CEILING_DBTP,
    TARGET_LUFS,
    Loudness,
    gated_loudness,
    measure,
    measure_mp3,
    normalize,
    peak_envelope,
    weighted_power,
)

RATE = 24000
# What "the same result" means for the clips a listener hears (the task's bar), and the float32
# rounding of one interpolated value (the reference's dot products may add in another order).
LU = 0.01
DB = 0.01
FLOAT32 = 2e-6


# --- the reference ---------------------------------------------------------------------------


def ref_weighted_power(samples: Any, rate: int) -> Any:
    b, a = loudness._k_weighting(rate)
    return lfilter(b, a, np.asarray(samples, dtype=np.float64)) ** 2


def ref_gated_loudness(power: Any, rate: int) -> float:
    block, step = int(0.4 * rate), int(0.1 * rate)
    if len(power) < block:
        return float("-inf")
    sums = np.concatenate(([0.0], np.cumsum(power)))
    starts = np.arange(0, len(power) - block + 1, step)
    means = (sums[starts + block] - sums[starts]) / block
    levels = -0.691 + 10 * np.log10(np.maximum(means, 1e-20))
    kept = means[levels > -70.0]
    if not kept.size:
        return float("-inf")
    relative = -0.691 + 10 * math.log10(kept.mean()) - 10.0
    kept = means[(levels > -70.0) & (levels > relative)]
    return float(-0.691 + 10 * math.log10(kept.mean())) if kept.size else float("-inf")


def ref_peak_envelope(samples: Any) -> Any:
    phases = loudness._interpolator()
    taps = phases.shape[1]
    magnitude = np.abs(np.asarray(samples, dtype=np.float32))
    if len(samples) < taps:
        return magnitude
    half = taps // 2
    padded = np.pad(np.asarray(samples, dtype=np.float32), (half, taps - half - 1))
    windows = np.lib.stride_tricks.sliding_window_view(padded, taps)
    for phase in phases[:, ::-1]:
        np.maximum(magnitude, np.abs(windows @ phase), out=magnitude)
    return magnitude


def ref_measure(samples: Any, rate: int) -> Loudness:
    lufs = ref_gated_loudness(ref_weighted_power(samples, rate), rate)
    peak = float(ref_peak_envelope(samples).max()) if len(samples) else 0.0
    return Loudness(lufs, 20 * math.log10(peak) if peak > 0 else float("-inf"))


def ref_limiter_gain(
    envelope: Any,
    level: float,
    rate: int,
    ceiling: float,
    release: float = loudness.RELEASE_SECONDS,
) -> Any:
    needed = np.minimum(1.0, ceiling / np.maximum(level * envelope, 1e-12))
    if needed.min() >= 1.0:
        return needed
    hold = max(1, int(rate * (loudness.LOOKAHEAD_SECONDS + release)))
    smooth = max(1, int(rate * loudness.LOOKAHEAD_SECONDS))
    gain = uniform_filter1d(minimum_filter1d(needed, size=2 * hold + 1), size=smooth)
    return np.minimum(gain, needed)


def ref_normalize(samples: Any, rate: int, *, ceiling_db: float = LIMITER_CEILING_DBTP) -> Any:
    envelope = ref_peak_envelope(samples)
    power = ref_weighted_power(samples, rate)
    original = ref_gated_loudness(power, rate)
    ceiling = 10 ** (ceiling_db / 20)
    if original <= loudness.UNMEASURABLE_LUFS:
        return samples * ref_limiter_gain(envelope, 1.0, rate, ceiling)
    goal = TARGET_LUFS + loudness.ENCODING_LOSS_LU
    out = samples
    release_seconds = loudness.RELEASE_SECONDS
    for release in (release_seconds, release_seconds / 2, 0.0):
        aim, gain_db = goal, goal - original
        for _ in range(loudness.EXACT_STEPS):
            for _ in range(loudness.GAIN_STEPS):
                gain_db = max(-loudness.MAX_GAIN_DB, min(loudness.MAX_GAIN_DB, gain_db))
                level = 10 ** (gain_db / 20)
                curve = ref_limiter_gain(envelope, level, rate, ceiling, release)
                reached = ref_gated_loudness(power * (level * curve) ** 2, rate)
                if abs(reached - aim) <= 0.1:
                    break
                gain_db += aim - reached
            out = samples * (level * curve)
            exact = ref_gated_loudness(ref_weighted_power(out, rate), rate)
            if abs(exact - goal) <= 0.15:
                return out
            aim += goal - exact
        if exact >= goal - 0.5:
            return out
    return out


# --- signals ---------------------------------------------------------------------------------


def speech_like(seconds: float, rate: int = RATE, *, seed: int = 0, peak: float = 0.3) -> Any:
    """Voiced syllables (a pulse train through three formants) and noise bursts: a crest
    factor of 17-20 dB, silences between the syllables, as a TTS engine's speech has."""
    rng = np.random.default_rng(seed)
    count = int(seconds * rate)
    t = np.arange(count) / rate
    pitch = 120 + 30 * np.sin(2 * np.pi * 0.7 * t + rng.uniform(0, 6))
    pulses = np.diff(np.floor(np.cumsum(pitch / rate)), prepend=0.0)
    voiced = lfilter([1.0], [1.0, -0.95], pulses)
    for formant, bandwidth in ((700, 130), (1220, 70), (2600, 160)):
        r = math.exp(-math.pi * bandwidth / rate)
        voiced = lfilter(
            [1 - r], [1, -2 * r * math.cos(2 * math.pi * formant / rate), r * r], voiced
        )
    syllables = np.zeros(count)
    position = 0
    while position < count:
        length = int(rng.uniform(0.1, 0.35) * rate)
        shape = np.sin(np.linspace(0, np.pi, length)) ** 2 * rng.uniform(0.3, 1.0)
        syllables[position : position + length] = shape[: count - position]
        position += length + int(rng.uniform(0.02, 0.25) * rate)
    hop = max(1, rate // 10)
    bursts = (rng.random(count // hop + 1) < 0.2).repeat(hop)[:count]
    noise = lfilter([1, -0.9], [1], rng.standard_normal(count)) * 0.02 * bursts
    signal = voiced * syllables + noise
    return peak * signal / np.abs(signal).max()


def noise(seconds: float, rate: int = RATE, *, seed: int = 0, scale: float = 0.1) -> Any:
    return np.random.default_rng(seed).standard_normal(int(seconds * rate)) * scale


def near_full_scale(seconds: float = 2.0) -> Any:
    """Speech driven into full scale: flat-topped peaks at +-1, true peaks over 0 dBTP."""
    return np.clip(speech_like(seconds, seed=9, peak=1.0) * 3, -1.0, 1.0)


def tone(seconds: float = 2.0, hz: float = 440.0, amplitude: float = 0.25) -> Any:
    return amplitude * np.sin(2 * np.pi * hz * np.arange(int(seconds * RATE)) / RATE)


SIGNALS: dict[str, Callable[[], Any]] = {
    "noise": lambda: noise(2.3),
    "speech": lambda: speech_like(3.0),
    "quiet speech": lambda: speech_like(2.0, seed=1, peak=0.02),
    "loud speech": lambda: speech_like(2.5, seed=3, peak=0.99),
    "near full scale": near_full_scale,
    "tone": tone,
    "odd length": lambda: speech_like(1.2345, seed=4),
    "shorter than a block": lambda: speech_like(0.3, seed=5),
    "one block": lambda: speech_like(0.4, seed=6),
    "silence": lambda: np.zeros(RATE),
    "sparse clicks": lambda: np.where(np.arange(RATE) % 5000 == 17, 0.8, 0.0),
    "nyquist": lambda: np.where(np.arange(RATE) % 2 == 0, 0.7, -0.7),
    "square wave": lambda: 0.6 * np.sign(tone(1.5, 110.0)) + noise(1.5, scale=1e-3),
    "tone in noise": lambda: tone(3.0, 1000.0, 0.5) + noise(3.0, scale=2e-3),
    # Peaks every few milliseconds: the limiter works on most of the clip at once.
    "dense clicks": lambda: np.where(np.arange(2 * RATE) % 150 == 3, 0.95, 0.0) + noise(2.0),
}


def signal_of(name: str) -> Any:
    return SIGNALS[name]()


# --- gated loudness --------------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_gated_loudness_matches_the_cumulative_sum(name: str) -> None:
    power = ref_weighted_power(signal_of(name), RATE)
    ours, ref = gated_loudness(power, RATE), ref_gated_loudness(power, RATE)
    assert ours == pytest.approx(ref, abs=1e-9) if math.isfinite(ref) else ours == ref


@pytest.mark.parametrize("rate", [8000, 11025, 16000, 22050, 24000, 44100, 48000])
@pytest.mark.parametrize("extra", [0, 1, 7, 2204, 2399, 4410])
def test_gated_loudness_takes_the_same_blocks_at_any_rate_and_length(rate: int, extra: int) -> None:
    # Distinct power everywhere, and a loud stretch at the very end: a block that took one
    # sample too many or too few, or a trailing partial hop, would change the mean.
    length = int(0.4 * rate) + 3 * int(0.1 * rate) + extra
    power = np.random.default_rng(rate + extra).random(length) ** 3 * 1e-3
    power[-int(0.05 * rate) :] = 10.0
    assert gated_loudness(power, rate) == pytest.approx(ref_gated_loudness(power, rate), abs=1e-9)


def test_gated_loudness_edges() -> None:
    block = int(0.4 * RATE)
    assert gated_loudness(np.ones(block - 1), RATE) == float("-inf")  # shorter than a block
    assert gated_loudness(np.ones(block), RATE) == pytest.approx(-0.691)
    assert gated_loudness(np.zeros(5 * block), RATE) == float("-inf")  # under the -70 gate
    assert gated_loudness(np.array([]), RATE) == float("-inf")


@pytest.mark.parametrize("name", ["noise", "speech", "odd length", "silence"])
@pytest.mark.parametrize("rate", [11025, 22050, 24000])
def test_weighted_sums_in_pieces_are_the_whole_clips(name: str, rate: int) -> None:
    samples = signal_of(name)
    layout = loudness._layout(rate)
    whole = loudness._unit_sums(weighted_power(samples, rate), layout)
    np.testing.assert_array_equal(loudness._weighted_sums(samples, rate, layout), whole)
    assert loudness._loudness(samples, rate) == gated_loudness(weighted_power(samples, rate), rate)


def test_weighted_power_matches_the_reference() -> None:
    samples = speech_like(1.0)
    np.testing.assert_allclose(weighted_power(samples, RATE), ref_weighted_power(samples, RATE))


# --- the true-peak envelope ------------------------------------------------------------------


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_peak_envelope_matches_the_matrix_product(name: str) -> None:
    samples = signal_of(name)
    ours, ref = peak_envelope(samples), ref_peak_envelope(samples)
    assert ours.dtype == np.float32 and ours.shape == ref.shape
    np.testing.assert_allclose(ours, ref, rtol=FLOAT32, atol=1e-9)


@pytest.mark.parametrize("length", [0, 1, 5, 11, 12, 13, 15, 16, 17, 100])
def test_peak_envelope_of_very_short_clips(length: int) -> None:
    samples = np.random.default_rng(length).uniform(-1, 1, length)
    np.testing.assert_allclose(peak_envelope(samples), ref_peak_envelope(samples), rtol=FLOAT32)
    assert loudness._true_peak(samples) == (float(peak_envelope(samples).max()) if length else 0)


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_the_lazy_envelope_is_exact_wherever_it_is_asked(name: str) -> None:
    samples = signal_of(name)
    full = peak_envelope(samples)
    lazy = loudness._PeakEnvelope(samples)
    top = float(full.max()) or 1.0
    # Thresholds in the order normalize asks them (a gain rising: the threshold falling), with
    # a repeat and a higher one in between: each answer is exact above its threshold.
    for fraction in (0.9, 0.7, 0.7, 0.95, 0.5, 0.2, 0.0):
        threshold = fraction * top
        values = lazy.at_least(threshold)
        above = full > threshold
        np.testing.assert_array_equal(values[above], full[above])
        assert (values[~above] <= threshold).all()
        assert (values <= full).all()
    np.testing.assert_array_equal(lazy.at_least(-1.0), full)


def test_the_lazy_envelope_interpolates_only_near_the_peaks() -> None:
    samples = speech_like(3.0)
    lazy = loudness._PeakEnvelope(samples)
    values = lazy.at_least(0.9 * float(peak_envelope(samples).max()))
    untouched = values == np.abs(samples.astype(np.float32))
    assert untouched.mean() > 0.9  # most samples were never interpolated


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_true_peak_is_the_envelopes_maximum(name: str) -> None:
    samples = signal_of(name)
    expected = float(peak_envelope(samples).max()) if len(samples) else 0.0
    assert loudness._true_peak(samples) == expected
    assert loudness._true_peak(samples.astype(np.float32)) == expected


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_curvature_bound_is_a_bound(name: str) -> None:
    samples = signal_of(name)
    padded = loudness._windows(samples)
    interpolated = loudness._raise_to_envelope(padded, np.zeros(len(samples), dtype=np.float32))
    bound = loudness._curvature_bounds(padded, len(samples))
    top = float(np.abs(samples).max())
    assert (interpolated <= bound + 1e-6 * top).all()


@pytest.mark.parametrize("hz", [30.0, 440.0, 2500.0, 7000.0, 11990.0])
def test_true_peak_of_tones(hz: float) -> None:
    # Steep and smooth: the groups' bound rules little out, each sample's curvature does.
    samples = tone(3.0, hz, 0.5) + noise(3.0, seed=int(hz), scale=1e-3)
    assert loudness._true_peak(samples) == float(peak_envelope(samples).max())


def test_true_peak_across_pieces() -> None:
    # Longer than a piece, with the highest peak right at a piece's boundary.
    samples = speech_like(8.0, seed=7, peak=0.3)
    samples[loudness._PIECE - 1 : loudness._PIECE + 1] = [0.9, -0.9]
    assert loudness._true_peak(samples) == float(peak_envelope(samples).max())
    assert loudness._true_peak(samples) == pytest.approx(
        float(ref_peak_envelope(samples).max()), rel=FLOAT32
    )


@pytest.mark.parametrize("name", sorted(SIGNALS))
def test_measure_matches_the_reference(name: str) -> None:
    samples = signal_of(name)
    ours, ref = measure(samples, RATE), ref_measure(samples, RATE)
    if math.isfinite(ref.lufs):
        assert ours.lufs == pytest.approx(ref.lufs, abs=1e-9)
    else:
        assert ours.lufs == ref.lufs
    if math.isfinite(ref.true_peak):
        assert ours.true_peak == pytest.approx(ref.true_peak, abs=1e-4)
    else:
        assert ours.true_peak == ref.true_peak


def test_measure_of_nothing() -> None:
    assert measure(np.array([]), RATE) == Loudness(float("-inf"), float("-inf"))


# --- the limiter -----------------------------------------------------------------------------


def expanded(limited: loudness._Limited | None, count: int) -> Any:
    """A limiter's curve, sample by sample."""
    if limited is None:
        return np.ones(count, dtype=np.float32)
    if limited.positions is None:
        return limited.gains
    curve = np.ones(count, dtype=np.float32)
    curve[limited.positions] = limited.gains
    return curve


@pytest.mark.parametrize("name", ["speech", "loud speech", "near full scale", "sparse clicks"])
@pytest.mark.parametrize("gain_db", [0.0, 6.0, 14.0, 30.0])
@pytest.mark.parametrize("release", [loudness.RELEASE_SECONDS, 0.0])
def test_limiter_matches_the_whole_clip_filter(name: str, gain_db: float, release: float) -> None:
    samples = signal_of(name)
    level, ceiling = 10 ** (gain_db / 20), 10 ** (LIMITER_CEILING_DBTP / 20)
    ref = ref_limiter_gain(ref_peak_envelope(samples), level, RATE, ceiling, release)
    limited = loudness._limiter_gain(loudness._PeakEnvelope(samples), level, RATE, ceiling, release)
    assert (limited is None) == bool(ref.min() >= 1.0)
    np.testing.assert_allclose(expanded(limited, len(samples)), ref, rtol=FLOAT32, atol=1e-7)


def test_limiter_keeps_the_peaks_under_the_ceiling() -> None:
    samples = near_full_scale()
    level, ceiling = 10 ** (10 / 20), 10 ** (LIMITER_CEILING_DBTP / 20)
    peaks = loudness._PeakEnvelope(samples)
    curve = expanded(loudness._limiter_gain(peaks, level, RATE, ceiling), len(samples))
    assert float((level * curve * peak_envelope(samples)).max()) <= ceiling * (1 + 1e-6)


def test_limiter_over_stretches_and_over_the_whole_clip_agree() -> None:
    # Two clicks far apart: two short stretches. Then enough of them to filter the whole clip.
    level, ceiling = 1.0, 10 ** (LIMITER_CEILING_DBTP / 20)
    for every in (9000, 150):
        samples = np.where(np.arange(3 * RATE) % every == 3, 0.95, 0.0)
        ref = ref_limiter_gain(ref_peak_envelope(samples), level, RATE, ceiling)
        limited = loudness._limiter_gain(loudness._PeakEnvelope(samples), level, RATE, ceiling)
        assert limited is not None and (limited.positions is None) == (every == 150)
        np.testing.assert_allclose(expanded(limited, len(samples)), ref, rtol=FLOAT32)


@pytest.mark.parametrize("size", [3, 49, 193])
@pytest.mark.parametrize("length", [1, 2, 30, 97, 1000])
def test_held_minimum_is_minimum_filter1d(size: int, length: int) -> None:
    values = np.random.default_rng(size * length).random(length).astype(np.float32)
    held = loudness._sliding(np.minimum, np.pad(values, size // 2, mode="symmetric"), size)
    np.testing.assert_array_equal(held, minimum_filter1d(values, size))


@pytest.mark.parametrize("name", ["loud speech", "dense clicks"])
def test_estimate_matches_the_power_times_the_squared_gain(name: str) -> None:
    samples = signal_of(name)
    layout, power = loudness._layout(RATE), weighted_power(samples, RATE)
    sums = loudness._unit_sums(power, layout)
    ceiling = 10 ** (LIMITER_CEILING_DBTP / 20)
    for gain_db in (0.0, 5.0, 12.0, 25.0):
        level = 10 ** (gain_db / 20)
        limited = loudness._limiter_gain(loudness._PeakEnvelope(samples), level, RATE, ceiling)
        curve = expanded(limited, len(samples))
        expected = ref_gated_loudness(power * (level * curve) ** 2, RATE)
        ours = loudness._estimate(sums, power, layout, level, limited)
        assert ours == pytest.approx(expected, abs=1e-9)
        np.testing.assert_array_equal(
            loudness._apply(samples, level, limited), samples * (level * curve)
        )


# --- normalize -------------------------------------------------------------------------------


GOAL = TARGET_LUFS + loudness.ENCODING_LOSS_LU


def assert_as_good_as_the_reference(found: Loudness, expected: Loudness, ceiling: float) -> None:
    """The gain search may land elsewhere than the reference's (a secant, not a fixed-point
    step): as close to the goal or closer, never a peak over the limiter's ceiling."""
    if math.isfinite(expected.lufs):
        assert abs(found.lufs - GOAL) <= max(0.15, abs(expected.lufs - GOAL) + 0.05), (
            found,
            expected,
        )
    else:
        assert found.lufs == expected.lufs
    if math.isfinite(expected.true_peak):
        # The gain curve moves between samples, so the limited peaks land near the ceiling.
        assert found.true_peak <= ceiling + 0.05


@pytest.mark.parametrize(
    "name",
    [
        "noise",
        "speech",
        "quiet speech",
        "loud speech",
        "near full scale",
        "tone",
        "odd length",
        "shorter than a block",
        "one block",
        "silence",
        "sparse clicks",
        "dense clicks",
        "tone in noise",
    ],
)
def test_normalize_matches_the_reference(name: str) -> None:
    samples = signal_of(name)
    ours, ref = normalize(samples, RATE), ref_normalize(samples, RATE)
    assert ours.dtype == ref.dtype and ours.shape == ref.shape
    found, expected = ref_measure(ours, RATE), ref_measure(ref, RATE)
    assert_as_good_as_the_reference(found, expected, LIMITER_CEILING_DBTP)
    if math.isfinite(expected.true_peak) and expected.true_peak < LIMITER_CEILING_DBTP - 1:
        np.testing.assert_allclose(ours, ref, rtol=1e-3, atol=1e-6)  # gain alone: the same


@pytest.mark.parametrize("ceiling_db", [-4.0, -5.5, -7.0])
def test_normalize_under_a_lowered_ceiling_matches_the_reference(ceiling_db: float) -> None:
    # settle() makes a clip again under a ceiling lowered by the encoder's overshoot.
    samples = speech_like(3.0, seed=8, peak=0.5)
    ours = normalize(samples, RATE, ceiling_db=ceiling_db)
    ref = ref_normalize(samples, RATE, ceiling_db=ceiling_db)
    found, expected = ref_measure(ours, RATE), ref_measure(ref, RATE)
    assert_as_good_as_the_reference(found, expected, ceiling_db)


def test_normalize_reaches_the_target() -> None:
    samples = speech_like(3.0, seed=8, peak=0.5) + tone(3.0, 220.0, 0.05)
    found = ref_measure(normalize(samples, RATE), RATE)
    assert found.lufs == pytest.approx(TARGET_LUFS + loudness.ENCODING_LOSS_LU, abs=0.15)
    assert found.true_peak <= LIMITER_CEILING_DBTP + 0.05


def test_normalize_of_a_float32_clip_and_of_a_list() -> None:
    samples = speech_like(1.5, seed=10)
    np.testing.assert_array_equal(normalize(list(samples), RATE), normalize(samples, RATE))
    single = normalize(samples.astype(np.float32), RATE)
    assert single.dtype == np.float32
    ref = ref_normalize(samples.astype(np.float32), RATE)
    assert_as_good_as_the_reference(
        ref_measure(single, RATE), ref_measure(ref, RATE), LIMITER_CEILING_DBTP
    )


@pytest.mark.parametrize("rate", [16000, 22050])
def test_normalize_at_other_rates(rate: int) -> None:
    samples = speech_like(2.0, rate, seed=11)
    ours, ref = normalize(samples, rate), ref_normalize(samples, rate)
    assert_as_good_as_the_reference(
        ref_measure(ours, rate), ref_measure(ref, rate), LIMITER_CEILING_DBTP
    )


# --- encoded clips ---------------------------------------------------------------------------


@pytest.mark.parametrize("channels", [1, 2])
def test_measure_mp3_matches_the_reference_decode(channels: int) -> None:
    import soundfile

    voice = speech_like(2.0, seed=12, peak=0.5)
    pcm = voice if channels == 1 else np.stack([voice, 0.5 * voice[::-1]], axis=1)
    encoded = io.BytesIO()
    soundfile.write(encoded, pcm, RATE, format="MP3", subtype="MPEG_LAYER_III")
    mp3 = encoded.getvalue()
    decoded, rate = soundfile.read(io.BytesIO(mp3), dtype="float64", always_2d=False)
    if decoded.ndim > 1:
        decoded = decoded.mean(axis=1)
    expected = ref_measure(decoded, rate)
    found = measure_mp3(mp3)
    assert found.lufs == pytest.approx(expected.lufs, abs=1e-9)
    assert found.true_peak == pytest.approx(expected.true_peak, abs=1e-4)
    samples, decoded_rate = loudness.decode_mp3(mp3)
    assert samples.dtype == np.float64 and decoded_rate == rate
    np.testing.assert_array_equal(samples, decoded)


@pytest.mark.parametrize("size", [1, 2, 24, 25])
def test_the_box_average_is_scipys_uniform_filter(size: int) -> None:
    from scipy.ndimage import uniform_filter1d

    values = np.random.default_rng(3).random(5000).astype(np.float32)
    np.testing.assert_allclose(
        loudness._box_average(values, size), uniform_filter1d(values, size=size), atol=1e-6
    )
