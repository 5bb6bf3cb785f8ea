"""Shared benchmark plumbing: timing helpers and one result format with a same-run baseline."""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Result:
    """One figure, ideally as a ratio against a baseline measured in the same run."""

    name: str
    value: float
    unit: str
    baseline: float | None = None
    target: float | None = None  # the ratio (or value, without baseline) must not exceed this
    higher_is_better: bool = False

    @property
    def ratio(self) -> float | None:
        return None if not self.baseline else self.value / self.baseline

    @property
    def ok(self) -> bool:
        measured = self.ratio if self.ratio is not None else self.value
        if self.target is None:
            return True
        return measured >= self.target if self.higher_is_better else measured <= self.target

    def line(self) -> str:
        text = f"{self.name:<58} {self.value:>10.3f} {self.unit:<6}"
        if self.baseline is not None:
            text += f" baseline {self.baseline:>9.3f}  ratio {self.ratio:>5.2f}x"
        if self.target is not None:
            sign = ">=" if self.higher_is_better else "<="
            text += f"  target {sign} {self.target:g}  {'ok' if self.ok else 'MISSED'}"
        return text


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
