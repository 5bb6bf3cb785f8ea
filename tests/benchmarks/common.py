"""Shared benchmark plumbing: paired rounds, robust ratios, and one result format.

Every gated figure is the median of per-round ratios, each round measuring ours and its baseline
back to back in the same run, so a noisy shared machine moves both alike; the spread of those
ratios (min to max) is printed next to it, so a reader sees how much to trust it.
"""

from __future__ import annotations

import resource
import statistics
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    """One figure, ideally as a ratio against a baseline measured in the same run."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    target: float | None = None  # the ratio must not exceed this (or fall below it)
    higher_is_better: bool = False
    # The per-round ratios behind a gated figure: its ratio is their median.
    rounds: tuple[float, ...] = ()

    @property
    def ratio(self) -> float | None:
        if self.rounds:
            return statistics.median(self.rounds)
        return None if not self.baseline else self.value / self.baseline

    @property
    def ok(self) -> bool:
        measured = self.ratio if self.ratio is not None else self.value
        if self.target is None:
            return True
        return measured >= self.target if self.higher_is_better else measured <= self.target

    def line(self) -> str:
        text = f"{self.name:<66} {self.value:>10.3f} {self.unit:<6}"
        if self.baseline is not None:
            text += f" baseline {self.baseline:>9.3f}  ratio {self.ratio:>5.2f}x"
        if self.rounds:
            text += f" (rounds {min(self.rounds):.2f}-{max(self.rounds):.2f}, n={len(self.rounds)})"
        if self.target is not None:
            sign = ">=" if self.higher_is_better else "<="
            text += f"  target {sign} {self.target:g}  {'ok' if self.ok else 'MISSED'}"
        return text


def paired_result(
    name: str,
    ours: Sequence[float],
    baseline: Sequence[float],
    unit: str,
    *,
    scale: float = 1.0,
    target: float | None = None,
    higher_is_better: bool = False,
) -> Result:
    """A Result from paired rounds: medians as value and baseline, the ratio from the pairs."""
    ratios = tuple(a / b for a, b in zip(ours, baseline, strict=True))
    return Result(
        name,
        statistics.median(ours) * scale,
        unit,
        baseline=statistics.median(baseline) * scale,
        target=target,
        higher_is_better=higher_is_better,
        rounds=ratios,
    )


def p50_alternating(
    first: Callable[[], object], second: Callable[[], object], *, rounds: int, warmup: int = 50
) -> tuple[float, float]:
    """Return the p50 seconds of `first` and `second`, calls interleaved so noise hits both alike."""
    for _ in range(warmup):
        first()
        second()
    a: list[float] = []
    b: list[float] = []
    clock = time.perf_counter
    for _ in range(rounds):
        start = clock()
        first()
        middle = clock()
        second()
        end = clock()
        a.append(middle - start)
        b.append(end - middle)
    return statistics.median(a), statistics.median(b)


def cpu_seconds() -> float:
    """CPU time of this process and its finished children."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def child_cpu_seconds() -> float:
    """CPU time of this process's finished children."""
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return children.ru_utime + children.ru_stime
