"""Loudness as Amazon asks for it: about -14 LUFS integrated, true peak at most -2 dBTP.

Source: "Normalizing the Loudness of Audio Content"
(https://developer.amazon.com/en-US/docs/alexa/flashbriefing/normalizing-the-loudness-of-audio-content.html).

Speech from a TTS engine has a high crest factor: gain alone to -14 LUFS would clip it. So the
gain is applied with a true-peak limiter (peaks estimated at 4x the sample rate, as ITU-R BS.1770
measures true peak) and the gain corrected until the limited signal measures -14 LUFS, all
in-process with numpy and scipy, before the one ffmpeg encode. The encoded MP3 is decoded again
(libsndfile, in-process) and measured: that, not the PCM before encoding, is what is checked.

The CPU goes where it changes an answer. What a window of samples can interpolate to is bounded
by the window itself, so the 4x envelope is computed only where a bound reaches the limiter's
ceiling or the highest peak found so far, and the answers are those of the full envelope. The
K-weighted power is summed per 100 ms hop, a piece of the clip at a time, and a gain the limiter
leaves alone is measured from those sums (the weighting is linear) without filtering again.
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
# The least loudness a dB of gain is assumed to add: a step is at most 1 / MIN_SLOPE times the
# shortfall (under a slow release, loudness can even fall as the gain rises: never leap).
MIN_SLOPE = 0.3
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


@functools.cache
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
    import numpy as np
    from scipy.signal import lfilter

    b, a = _k_weighting(rate)
    weighted = lfilter(b, a, samples)
    return np.square(weighted, out=weighted)


class _Layout(NamedTuple):
    """BS.1770's blocks in units of `unit` samples (a 100 ms hop at the usual rates): a block is
    `width` units, and one starts every `stride` units."""

    unit: int
    width: int
    stride: int
    block: int


def _layout(rate: int) -> _Layout:
    block, step = int(0.4 * rate), int(0.1 * rate)
    unit = math.gcd(block, step)
    return _Layout(unit, block // unit, step // unit, block)


def _unit_sums(power: Any, layout: _Layout) -> Any:
    """The power summed over each whole unit (a partial last one belongs to no whole block)."""
    import numpy as np

    power = np.asarray(power)
    units = len(power) // layout.unit
    return power[: units * layout.unit].reshape(units, layout.unit).sum(axis=1, dtype=np.float64)


def _gate(sums: Any, layout: _Layout) -> float:
    """Integrated loudness (LUFS) from the units' power sums: the blocks, then both gates."""
    import numpy as np

    if len(sums) < layout.width:
        return float("-inf")
    windows = np.lib.stride_tricks.sliding_window_view(sums, layout.width)[:: layout.stride]
    means = windows.sum(axis=1) / layout.block
    loudness = -0.691 + 10 * np.log10(np.maximum(means, 1e-20))
    kept = means[loudness > -70.0]
    if not kept.size:
        return float("-inf")
    relative = -0.691 + 10 * math.log10(kept.mean()) - 10.0
    kept = means[(loudness > -70.0) & (loudness > relative)]
    return float(-0.691 + 10 * math.log10(kept.mean())) if kept.size else float("-inf")


def gated_loudness(power: Any, rate: int) -> float:
    """Integrated loudness (LUFS) from K-weighted power: 400 ms blocks every 100 ms, gated
    absolutely at -70 LUFS and relatively 10 LU under the mean (BS.1770-4).

    The power is summed once per 100 ms hop and each block adds its four hops: the blocks that
    start at 0, 100 ms, 200 ms... and end by the last sample, each summed in float64.
    """
    layout = _layout(rate)
    if len(power) < layout.block:
        return float("-inf")
    return _gate(_unit_sums(power, layout), layout)


# The K-weighting runs over about this many samples at a time (whole units), so that a clip's
# weighted signal is never held whole when only its sums are needed.
_FILTER_CHUNK = 1 << 15


def _weighted_sums(samples: Any, rate: int, layout: _Layout) -> Any:
    """_unit_sums(weighted_power(samples, rate)), a piece of the clip at a time: the filter's
    state carries over from piece to piece, so the sums are the same, in float64."""
    import numpy as np
    from scipy.signal import lfilter

    b, a = _k_weighting(rate)
    state = np.zeros(max(len(a), len(b)) - 1)
    end = len(samples) // layout.unit * layout.unit
    sums = np.empty(end // layout.unit)
    step = layout.unit * max(1, _FILTER_CHUNK // layout.unit)
    for start in range(0, end, step):
        stop = min(start + step, end)
        weighted, state = lfilter(b, a, np.asarray(samples[start:stop], dtype=np.float64), zi=state)
        np.square(weighted, out=weighted)
        units = weighted.reshape(-1, layout.unit)
        sums[start // layout.unit : stop // layout.unit] = units.sum(axis=1)
    return sums


def _loudness(samples: Any, rate: int) -> float:
    """Integrated loudness (LUFS) of float samples: gated_loudness(weighted_power(...))."""
    layout = _layout(rate)
    if len(samples) < layout.block:
        return float("-inf")
    return _gate(_weighted_sums(samples, rate, layout), layout)


@functools.cache
def _interpolator() -> Any:
    """4 phases of a 48-tap low-pass FIR for 4x oversampling, as BS.1770-4 Annex 2 uses."""
    from scipy.signal import firwin

    taps = firwin(INTERPOLATION_TAPS, 1.0 / OVERSAMPLING) * OVERSAMPLING
    phases = taps.reshape(-1, OVERSAMPLING).T  # phase k: taps k, k+4, k+8...
    return phases.astype("float32")


@functools.cache
def _window_taps() -> tuple[Any, float, float]:
    """The phases in window order (each phase's tap for a window's first sample first), and what
    bounds their output from a window's extremes: the most any phase's taps add up to in
    magnitude, and the most any phase's taps add up to."""
    import numpy as np

    phases = np.ascontiguousarray(_interpolator()[:, ::-1])
    wide = phases.astype(np.float64)
    spread = float(np.abs(wide).sum(axis=1).max())
    level = float(np.abs(wide.sum(axis=1)).max())
    return phases, spread, level


@functools.cache
def _curvature_taps() -> tuple[float, float]:
    """What bounds each phase's output from a window's two middle samples and its curvature
    (see _curvature_bounds): the most any phase's taps add up to, and the most the samples'
    straying from the line through the middle two can add, in second differences."""
    import numpy as np

    phases = _window_taps()[0].astype(np.float64)
    steps = np.arange(_WIDTH) - (_WIDTH // 2 - 1)  # from the first middle sample
    sums = phases.sum(axis=1)
    along = (phases * steps).sum(axis=1) / sums
    assert ((along >= 0) & (along <= 1)).all()  # each phase lies between the middle two
    stray = (np.abs(phases) * (np.abs(steps) * np.abs(steps - 1) / 2)).sum(axis=1)
    return float(np.abs(sums).max()), float(stray.max())


def _interpolate(rows: Any, peaks: Any, total: Any, term: Any) -> Any:
    """Raise `peaks` in place to the magnitude of each phase's output, where `rows[k]` holds the
    k-th sample of each window (float32, the taps added in order, as a dot product would);
    `total` and `term` are scratch of the same length."""
    import numpy as np

    for phase in _window_taps()[0]:
        np.multiply(rows[0], phase[0], out=total)
        for row, tap in zip(rows[1:], phase[1:], strict=True):
            np.multiply(row, tap, out=term)
            total += term
        np.abs(total, out=total)
        np.maximum(peaks, total, out=peaks)
    return peaks


# The samples an interpolated value depends on (its window), and groups of samples: a group's
# windows lie within _SPAN whole groups, whose extremes bound what the group interpolates to.
_WIDTH = INTERPOLATION_TAPS // OVERSAMPLING
_GROUP = 4
_SPAN = -(-(_GROUP + _WIDTH - 1) // _GROUP)
# Samples interpolated at once, side by side or gathered from here and there (12 floats each);
# past _DENSE of them, interpolating all of a stretch costs less than gathering windows.
_ALL_CHUNK = 1 << 16
_GATHER_CHUNK = 1 << 14
_DENSE = 0.4
# A clip's true peak is measured a piece of this many samples (whole groups) at a time; where
# more than _CURVED of a piece's groups may exceed the peak found so far (smooth, steep
# signals: tones), each sample's own curvature bound sorts them out.
_PIECE = 1 << 16
_CURVED = 0.2
# How much a bound is raised so that float32 rounding (of it and of the interpolation) cannot
# put an interpolated value above it: both err by well under 1e-5 of the window's peak.
_BOUND_ROOM = 1.001


def _windows(samples: Any, start: int = 0, stop: int | None = None) -> Any:
    """samples[start:stop] as float32 with what their windows need around them (the clip's own
    samples, zeros past its ends): sample start + n's window starts at padded[n], and zeros
    after make whole groups, _SPAN of them from the last sample's on."""
    import numpy as np

    stop = len(samples) if stop is None else stop
    groups = -(-(stop - start) // _GROUP) + _SPAN - 1
    padded = np.zeros(groups * _GROUP, dtype=np.float32)
    origin = start - _WIDTH // 2  # the clip's sample at padded[0]
    first, last = max(origin, 0), min(stop + _WIDTH - _WIDTH // 2 - 1, len(samples))
    padded[first - origin : last - origin] = samples[first:last]
    return padded


def _raise_to_envelope(padded: Any, peaks: Any, index: Any | None = None) -> Any:
    """Raise `peaks` in place to peak_envelope's values: of the samples of `padded` (see
    _windows) in order, or of those at `index` only (peaks[i] for sample index[i])."""
    import numpy as np

    chunk = _ALL_CHUNK if index is None else _GATHER_CHUNK
    size = min(len(peaks), chunk)
    total, term = np.empty(size, dtype=np.float32), np.empty(size, dtype=np.float32)
    for start in range(0, len(peaks), chunk):
        stop = min(start + chunk, len(peaks))
        if index is None:
            rows = [padded[start + k : stop + k] for k in range(_WIDTH)]
        else:
            rows = [np.take(padded[k:], index[start:stop]) for k in range(_WIDTH)]
        _interpolate(rows, peaks[start:stop], total[: stop - start], term[: stop - start])
    return peaks


def peak_envelope(samples: Any) -> Any:
    """Per sample, the highest magnitude of the signal around it, seen at 4x the rate."""
    import numpy as np

    padded = _windows(samples)
    envelope = np.abs(padded[_WIDTH // 2 : _WIDTH // 2 + len(samples)])
    if len(envelope) < _WIDTH:
        return envelope
    return _raise_to_envelope(padded, envelope)


def _sliding(extreme: Any, values: Any, width: int) -> Any:
    """`extreme` (np.maximum or np.minimum) of every `width` consecutive values, by doubling."""
    import numpy as np

    buffers = (np.empty_like(values), np.empty_like(values))
    span, runs, turn = 1, values, 0
    while 2 * span <= width:
        # runs[i] becomes the extreme of the span * 2 values from i on.
        runs = extreme(runs[:-span], runs[span:], out=buffers[turn][: len(runs) - span])
        span, turn = span * 2, 1 - turn
    count = len(values) - width + 1
    return extreme(
        runs[:count], runs[width - span : width - span + count], out=buffers[turn][:count]
    )


def _group_bounds(padded: Any) -> Any:
    """Per group of samples of `padded` (see _windows), a bound on all that its windows
    interpolate to: what a phase makes of a window lies between what its taps make of the
    window's highest and lowest samples, so (spread * (high - low) + level * |high + low|) / 2
    over the groups the windows span bounds it (see _window_taps), with room for rounding."""
    import numpy as np

    _, spread, level = _window_taps()
    groups = padded.reshape(-1, _GROUP)
    high, low = np.maximum(groups[:, 0], groups[:, 1]), np.minimum(groups[:, 0], groups[:, 1])
    for k in range(2, _GROUP):
        np.maximum(high, groups[:, k], out=high)
        np.minimum(low, groups[:, k], out=low)
    high, low = _sliding(np.maximum, high, _SPAN), _sliding(np.minimum, low, _SPAN)
    bound = np.subtract(high, low)
    bound *= np.float32(spread * _BOUND_ROOM / 2)
    high += low
    np.abs(high, out=high)
    high *= np.float32(level * _BOUND_ROOM / 2)
    bound += high
    return bound


def _group_samples(chosen: Any, count: int) -> Any:
    """The samples of the groups `chosen` (those of them before `count`)."""
    import numpy as np

    index = (chosen[:, None] * _GROUP + np.arange(_GROUP)).ravel()
    if len(index) and index[-1] >= count:  # the last group can reach past the last sample
        index = index[index < count]
    return index


def _curvature_bounds(padded: Any, count: int) -> Any:
    """Per sample of `padded` (the first `count`, see _windows), a bound on what its window
    interpolates to, tight where the signal is smooth. A window's samples stray from the line
    through its two middle ones by at most |k| |k - 1| / 2 times its largest second difference,
    k steps from the first of them; what a phase makes of that line is a point between the two
    (times the phase's taps' sum). So level * max(|middle|) + stray * curvature bounds each
    phase (see _curvature_taps). Not raised for rounding: compare with room."""
    import numpy as np

    level, stray = _curvature_taps()
    middle = _WIDTH // 2 - 1
    magnitude = np.abs(padded[middle : middle + count + 1])
    bound = np.maximum(magnitude[:-1], magnitude[1:])
    bound *= np.float32(level)
    # The second differences inside each window: at its samples 1 .. _WIDTH - 2.
    second = padded[: count + _WIDTH - 3] - 2 * padded[1 : count + _WIDTH - 2]
    second += padded[2 : count + _WIDTH - 1]
    np.abs(second, out=second)
    curvature = _sliding(np.maximum, second, _WIDTH - 2)
    curvature *= np.float32(stray)
    bound += curvature
    return bound


class _PeakEnvelope:
    """peak_envelope's values, interpolated only where a question needs them.

    A question about the envelope above a threshold (the limiter's) only needs the groups of
    samples whose bound exceeds it (see _group_bounds): `at_least` interpolates those, each
    once, and leaves the others at their own magnitude, a value no higher than their envelope
    and no higher than the threshold. Nothing is computed for a threshold above what the
    clip's highest sample can interpolate to.
    """

    def __init__(self, samples: Any) -> None:
        import numpy as np

        self._samples = samples
        top = float(np.float32(max(samples.max(), -samples.min()))) if len(samples) else 0.0
        # No window interpolates to more than `spread` times its highest sample.
        self.highest = top * max(1.0, _window_taps()[1]) * _BOUND_ROOM
        self._floor = math.inf  # every group whose bound exceeds it has been interpolated
        self._padded: Any = None
        self._values: Any = None
        self._bound: Any = None
        self._maxima: tuple[tuple[int, float], Any] | None = None

    @property
    def values(self) -> Any:
        """The envelope as far as it is interpolated: at least each sample's magnitude."""
        import numpy as np

        if self._values is None:
            self._padded = _windows(self._samples)
            count = len(self._samples)
            self._values = np.abs(self._padded[_WIDTH // 2 : _WIDTH // 2 + count])
            # Clips shorter than a window: peak_envelope's is the magnitude alone.
            self._bound = _group_bounds(self._padded) if count >= _WIDTH else None
        return self._values

    def window_maxima(self, hold: int) -> Any:
        """The highest envelope value within `hold` samples of each sample (the envelope padded
        as the limiter pads it), exact wherever it exceeds the last at_least threshold: below
        it no gain tried since needs limiting. Kept until at_least interpolates more."""
        import numpy as np

        key = (hold, self._floor)
        if self._maxima is None or self._maxima[0] != key:
            padded = np.pad(self.values, hold, mode="symmetric")
            self._maxima = (key, _sliding(np.maximum, padded, 2 * hold + 1).copy())
        return self._maxima[1]

    def at_least(self, threshold: float) -> Any:
        """The envelope, exact wherever it exceeds `threshold`, and no higher than it elsewhere."""
        import numpy as np

        values = self.values
        if self._bound is None or threshold >= self._floor:
            return values
        todo = self._bound > threshold
        if self._floor < math.inf:
            todo &= self._bound <= self._floor
        chosen = np.flatnonzero(todo)
        if _GROUP * len(chosen) > _DENSE * len(values):
            _raise_to_envelope(self._padded, values)
            self._floor = -math.inf
            return values
        index = _group_samples(chosen, len(values))
        values[index] = _raise_to_envelope(self._padded, values[index], index)
        self._floor = threshold
        return values


def _true_peak(samples: Any) -> float:
    """peak_envelope(samples).max(), a piece at a time: only the samples whose bounds exceed the
    highest value found so far (at first the highest sample) are interpolated."""
    import numpy as np

    samples = np.asarray(samples)
    if not len(samples):
        return 0.0
    top = float(np.float32(max(samples.max(), -samples.min())))
    peak = top
    if len(samples) < _WIDTH:
        return peak
    for start in range(0, len(samples), _PIECE):
        stop = min(start + _PIECE, len(samples))
        count = stop - start
        padded = _windows(samples, start, stop)
        groups = _group_bounds(padded) > peak
        chosen = np.flatnonzero(groups)
        if _GROUP * len(chosen) <= _CURVED * count:
            index = _group_samples(chosen, count)
        else:  # the rounding of both bounds and of the interpolation is far under 1e-4 of top
            curved = _curvature_bounds(padded, count) > peak - 1e-4 * top
            curved &= np.repeat(groups, _GROUP)[:count]
            index = np.flatnonzero(curved)
        if not len(index):
            continue
        if len(index) > _DENSE * count:
            found = _raise_to_envelope(padded, np.zeros(count, dtype=np.float32))
        else:
            found = _raise_to_envelope(padded, np.zeros(len(index), dtype=np.float32), index)
        peak = max(peak, float(found.max()))
    return peak


def measure(samples: Any, rate: int) -> Loudness:
    """Integrated loudness and true peak of float samples in [-1, 1]."""
    return Loudness(_loudness(samples, rate), _db(_true_peak(samples)))


class _Limited(NamedTuple):
    """A limiter's gain curve (float32): `gains` at `positions`, 1 elsewhere; or the whole curve
    in `gains` when `positions` is None."""

    gains: Any
    positions: Any | None


def _limiter_gain(
    peaks: _PeakEnvelope,
    level: float,
    rate: int,
    ceiling: float,
    release: float = RELEASE_SECONDS,
) -> _Limited | None:
    """The gain curve that keeps `level` times the envelope under `ceiling`: look-ahead and
    release. None when no peak reaches the ceiling: the gain is 1 throughout.

    Each sample's gain depends on what the samples within `hold + smooth` of it need, and a
    sample under the ceiling needs 1: so only the stretches around the peaks that need less are
    filtered (back to back, a margin of 1s around each), and the curve is 1 elsewhere.
    """
    import numpy as np

    threshold = ceiling / level * (1 - 1e-5)  # further under the ceiling than float32 rounding
    if threshold >= peaks.highest:
        return None
    values = peaks.at_least(threshold)
    over = np.flatnonzero(values > threshold)
    needed = np.minimum(1.0, ceiling / np.maximum(level * values[over], 1e-12))
    short = needed < 1.0
    if not short.any():
        return None
    limited, needed = over[short], needed[short]
    hold = max(1, int(rate * (LOOKAHEAD_SECONDS + release)))
    smooth = max(1, int(rate * LOOKAHEAD_SECONDS))
    margin = hold + smooth + 1
    count = len(values)
    breaks = np.flatnonzero(np.diff(limited) > 2 * margin) + 1
    starts = np.maximum(limited[np.concatenate(([0], breaks))] - margin, 0)
    stops = np.minimum(limited[np.concatenate((breaks - 1, [-1]))] + margin + 1, count)
    lengths = stops - starts
    if 2 * lengths.sum() > count:  # most of the clip: filter all of it
        # The minimum over a window of what each sample needs is what the window's highest
        # envelope value needs (min(1, ceiling / (level * x)) falls as x grows): the windows'
        # maxima do not depend on the level, so every try of a gain shares them.
        highest = peaks.window_maxima(hold)
        scale = np.float32(ceiling / level)
        held = np.minimum(np.float32(1.0), scale / np.maximum(highest, np.float32(1e-12)))
        gain = _box_average(held, smooth)
        np.minimum(gain, np.minimum(np.float32(1.0), scale / np.maximum(values, 1e-12)), out=gain)
        return _Limited(gain, None)
    # The stretches back to back: each one's position in the clip minus its place in them.
    shifts = starts - (np.cumsum(lengths) - lengths)
    positions = np.arange(lengths.sum()) + np.repeat(shifts, lengths)
    stretches = np.ones(len(positions), dtype=np.float32)
    per_stretch = np.diff(np.concatenate(([0], breaks, [len(limited)])))
    stretches[limited - np.repeat(shifts, per_stretch)] = needed
    return _Limited(_hold_and_smooth(stretches, hold, smooth), positions)


def _hold_and_smooth(needed: Any, hold: int, smooth: int) -> Any:
    """The limiter's gain from what each sample needs (float32): the minimum over 2 * hold + 1
    samples around each, averaged over `smooth`, and never above what the sample needs."""
    import numpy as np

    # minimum_filter1d's result (mode "reflect" is numpy's "symmetric"), by doubling: faster.
    held = _sliding(np.minimum, np.pad(needed, hold, mode="symmetric"), 2 * hold + 1)
    # The minimum over a window around each sample never exceeds what any peak in it needs, and
    # an average over a shorter window of that minimum does not either: no peak passes.
    gain = _box_average(held, smooth)
    np.minimum(gain, needed, out=gain)
    return gain


def _box_average(values: Any, size: int) -> Any:
    """scipy.ndimage.uniform_filter1d(values, size) (mode "reflect", centred the same way) from
    a running sum in float64: half its CPU."""
    import numpy as np

    left = size // 2
    padded = np.pad(values, (left, size - 1 - left), mode="symmetric")
    running = np.empty(len(padded) + 1)
    running[0] = 0.0
    np.cumsum(padded, dtype=np.float64, out=running[1:])
    return ((running[size:] - running[:-size]) / size).astype(np.float32)


def _apply(samples: Any, level: float, limited: _Limited | None) -> Any:
    """`samples` times `level` under the limiter's curve (float32 gains, as the curve is)."""
    import numpy as np

    if limited is not None and limited.positions is None:
        return samples * (level * limited.gains)
    out = samples * np.float32(level)
    if limited is not None:
        out[limited.positions] = samples[limited.positions] * (level * limited.gains)
    return out


def _estimate(
    sums: Any, power: Any, layout: _Layout, level: float, limited: _Limited | None
) -> float:
    """The gated loudness of `power * (level * curve) ** 2`, from the units' sums: where the
    limiter touched only some stretches, only their samples are read again."""
    import numpy as np

    square = float(np.float32(level) * np.float32(level))  # (level * 1) ** 2, in float32
    end = len(sums) * layout.unit  # past it, no whole unit
    if limited is None:
        scaled = sums * square
    elif limited.positions is None:
        gains = np.multiply(limited.gains[:end], level)
        np.square(gains, out=gains)
        scaled = (power[:end] * gains).reshape(-1, layout.unit).sum(axis=1, dtype=np.float64)
    else:
        cut = int(np.searchsorted(limited.positions, end))
        positions, gains = limited.positions[:cut], np.multiply(limited.gains[:cut], level)
        np.square(gains, out=gains)
        # Each unit: its untouched power at the plain gain, and its touched power at its own.
        bounds = np.searchsorted(positions, np.arange(len(sums) + 1) * layout.unit)
        units = np.flatnonzero(bounds[:-1] < bounds[1:])
        touched = power[positions]
        scaled = sums * square
        scaled[units] -= np.add.reduceat(touched, bounds[units]) * square
        np.multiply(touched, gains, out=touched)
        scaled[units] += np.add.reduceat(touched, bounds[units])
    return _gate(scaled, layout)


def _next_gain(tried: list[tuple[float, float]], aim: float, step: float) -> float:
    """The next gain to try: `step`, unless two tries bracket `aim` (then between them)."""
    below = [t for t in tried if t[1] < aim]
    above = [t for t in tried if t[1] > aim]
    if not below or not above:
        return step
    low, high = max(below), min(above)
    if low[0] >= high[0]:  # the estimate is not monotonic here: keep stepping
        return step
    guess = low[0] + (aim - low[1]) * (high[0] - low[0]) / (high[1] - low[1])
    inside = low[0] < guess < high[0]
    return guess if inside else (low[0] + high[0]) / 2


def normalize(samples: Any, rate: int, *, ceiling_db: float = LIMITER_CEILING_DBTP) -> Any:  # noqa: PLR0912 - one search, top to bottom
    """Return `samples` at TARGET_LUFS with true peaks under the limiter's ceiling.

    The K-weighted power is summed per 100 ms hop once, and the true-peak envelope interpolated
    only where a gain brings it near the ceiling. Each try of a gain then costs a gain curve
    around the peaks it limits and a block average that sums again only the samples the
    limiter touched (the weighted power of the limited signal taken as the power times the
    squared gain). That estimate runs a little loud, so a limited result is measured exactly
    and the aim corrected, at most EXACT_STEPS times; a result the limiter left alone is the
    gain alone, whose loudness the estimate is.
    """
    import numpy as np

    samples = np.asarray(samples)
    peaks = _PeakEnvelope(samples)
    layout = _layout(rate)
    sums = _weighted_sums(samples, rate, layout)
    original = _gate(sums, layout)
    ceiling = 10 ** (ceiling_db / 20)
    if original <= UNMEASURABLE_LUFS:
        return _apply(samples, 1.0, _limiter_gain(peaks, 1.0, rate, ceiling))
    goal = TARGET_LUFS + ENCODING_LOSS_LU
    out = samples
    power = None  # the weighted power itself, once the limiter first touches the clip
    # A gain clamped at MAX_GAIN_DB is tried again and again: its loudness is kept, not redone
    # (and the last gain curve, the one the result is made with).
    reached_at: dict[tuple[float, float], float] = {}
    exact_at: dict[tuple[float, float], float] = {}
    curve_at: tuple[tuple[float, float], _Limited | None] = ((math.nan, math.nan), None)
    # A very peaky clip cannot reach the target under a slow release: release faster then.
    for release in (RELEASE_SECONDS, RELEASE_SECONDS / 2, 0.0):
        aim, gain_db = goal, goal - original
        # Loudness grows with the gain ever more slowly as the limiter takes more. Once two
        # tries bracket the aim, the next is interpolated between them (regula falsi, bisection
        # when that strays); before, a step divides the shortfall by the slope the last two
        # tries measured. A few tries instead of the many of gain_db += shortfall.
        tried: list[tuple[float, float]] = []
        slope = 1.0
        for _ in range(EXACT_STEPS):
            for _ in range(GAIN_STEPS):
                gain_db = max(-MAX_GAIN_DB, min(MAX_GAIN_DB, gain_db))
                level = 10 ** (gain_db / 20)
                key = level, release
                if key not in reached_at:
                    curve_at = key, _limiter_gain(peaks, level, rate, ceiling, release)
                    if curve_at[1] is not None and power is None:
                        power = weighted_power(samples, rate)
                    reached_at[key] = _estimate(sums, power, layout, level, curve_at[1])
                reached = reached_at[key]
                if abs(reached - aim) <= 0.1:
                    break
                if tried and tried[-1][0] != gain_db:
                    measured = (reached - tried[-1][1]) / (gain_db - tried[-1][0])
                    slope = min(1.0, max(MIN_SLOPE, measured))
                tried.append((gain_db, reached))
                gain_db = _next_gain(tried, aim, gain_db + (aim - reached) / slope)
            else:  # no try reached the aim: make the closest one
                gain_db = min(tried, key=lambda t: abs(t[1] - aim))[0]
                level = 10 ** (gain_db / 20)
                key = level, release
            if curve_at[0] != key:
                curve_at = key, _limiter_gain(peaks, level, rate, ceiling, release)
            limited = curve_at[1]
            out = _apply(samples, level, limited)
            if key not in exact_at:
                # The weighted power of the gain alone is the power times the gain squared.
                exact_at[key] = (
                    _gate(sums * float(np.float32(level)) ** 2, layout)
                    if limited is None
                    else _loudness(out, rate)
                )
            exact = exact_at[key]
            if abs(exact - goal) <= 0.15:
                return out
            aim += goal - exact
        if exact >= goal - 0.5:
            return out
    return out


def _decode(data: bytes, dtype: str) -> tuple[Any, int]:
    """Decode MP3 bytes in-process (libsndfile): mono samples of `dtype` and the rate."""
    import soundfile

    with _DECODE_LOCK:  # libsndfile's MP3 decoding is not safe from several threads at once
        samples, rate = soundfile.read(io.BytesIO(data), dtype=dtype, always_2d=False)
    if samples.ndim > 1:
        samples = samples.mean(axis=1, dtype="float64")
    return samples, int(rate)


def decode_mp3(data: bytes) -> tuple[Any, int]:
    """Decode MP3 bytes in-process (libsndfile, not ffmpeg): mono float samples and the rate."""
    return _decode(data, "float64")


def measure_mp3(data: bytes) -> Loudness:
    """Decode MP3 bytes and measure what a listener hears.

    libsndfile's MP3 decoder (mpg123) makes float32 samples: read as such, they are the same
    values in half the memory (the loudness is still summed in float64)."""
    samples, rate = _decode(data, "float32")
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
