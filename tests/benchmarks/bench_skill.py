"""Issue 2: the skill's warm latency and cold import against the floor of the SDK itself."""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
from pathlib import Path

from tests.benchmarks.common import Result, p50_alternating

EVENTS = Path(__file__).resolve().parent.parent / "events"
TARGET = 1.15
COLD_RUNS = 15
# What the Lambda Python runtime's bootstrap has imported before it imports a handler module.
LAMBDA_BOOTSTRAP = "import decimal, json, logging, os, sys, time, traceback, warnings"
COLD_SNIPPET = (
    LAMBDA_BOOTSTRAP + "\n"
    "import importlib, json, time\n"
    "event = json.load(open({event!r}))\n"
    "t0 = time.perf_counter()\n"
    "module = importlib.import_module({module!r})\n"
    "t1 = time.perf_counter()\n"
    "module.handler(event, None)\n"
    "t2 = time.perf_counter()\n"
    "print(t1 - t0, t2 - t0)\n"
)


def _cold(module: str) -> tuple[float, float]:
    """Return (import seconds, import + first Launch seconds) in a fresh interpreter."""
    code = COLD_SNIPPET.format(module=module, event=str(EVENTS / "launch.json"))
    out = subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        capture_output=True,
        text=True,
        env=dict(os.environ),
    )
    first, total = out.stdout.split()
    return float(first), float(total)


def cold_start() -> list[Result]:
    ours: list[tuple[float, float]] = []
    floor: list[tuple[float, float]] = []
    for _ in range(COLD_RUNS):  # alternate, so drift affects both
        floor.append(_cold("tests.benchmarks.floor_skill"))
        ours.append(_cold("factskill.app"))

    def median(runs: list[tuple[float, float]], index: int) -> float:
        return statistics.median(run[index] for run in runs) * 1000

    return [
        Result(
            "cold start: import of the handler module vs the floor",
            median(ours, 0),
            "ms",
            baseline=median(floor, 0),
            target=TARGET,
        ),
        Result(
            "cold start: import + first Launch vs the floor (reported)",
            median(ours, 1),
            "ms",
            baseline=median(floor, 1),
        ),
    ]


def warm_latency() -> list[Result]:
    from factskill import app
    from tests.benchmarks import floor_skill

    results = []
    for name in ("launch", "get_new_fact"):
        event = json.loads((EVENTS / f"{name}.json").read_text())
        ours, floor = p50_alternating(
            lambda event=event: app.handler(event, None),  # type: ignore[misc]
            lambda event=event: floor_skill.handler(event, None),  # type: ignore[misc]
            rounds=3000,
        )
        results.append(
            Result(
                f"warm p50: {name} vs the floor skill",
                ours * 1e6,
                "us",
                baseline=floor * 1e6,
                target=TARGET,
            )
        )
    return results


def run() -> list[Result]:
    return [*warm_latency(), *cold_start()]
