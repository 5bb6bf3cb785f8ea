"""The skill's cold start (as Lambda pays it) and warm latency, against the floor of the SDK itself.

The floor is tests/benchmarks/floor_skill.py: one handler, SkillBuilder().lambda_handler().
"""

from __future__ import annotations

import json
import os
import shutil
import statistics
import subprocess
import tempfile
from pathlib import Path

from tests.benchmarks.common import Result, p50_alternating, paired_result
from tests.conftest import EVENTS_DIR, REPO_ROOT
from tests.lambda_python import NO_LAMBDA_PYTHON, lambda_python

WARM_TARGET = 1.15
COLD_TARGET = 1.10
WARM_ROUNDS = 7
WARM_CALLS = 400
# A round is RUNS_PER_ROUND fresh processes of each, alternating; its figure per side is their
# median (process CPU time on a shared VM jumps by 20% from one run to the next).
COLD_ROUNDS = 11
RUNS_PER_ROUND = 5
# What the Lambda Python runtime's bootstrap has imported before it imports a handler module.
LAMBDA_BOOTSTRAP = "import decimal, json, logging, os, sys, time, traceback, warnings"
# The function's code first, the runtime's own packages (boto3, botocore) after it, as in Lambda.
COLD_SNIPPET = (
    "import sys\n"
    "sys.path.insert(0, {root!r})\n"
    "sys.path.extend({runtime!r})\n" + LAMBDA_BOOTSTRAP + "\n"
    "import importlib\n"
    "event = json.load(open({event!r}))\n"
    "module = importlib.import_module({module!r})\n"
    "response = module.handler(event, None)\n"
    "assert response['response']['outputSpeech'], response\n"
)
FLOOR = Path(__file__).resolve().parent / "floor_skill.py"


def build_artifact(out: Path, python: str) -> Path:
    """The Lambda artifact, built by the project's own build, with the floor skill beside it."""
    root = out / "artifact"
    subprocess.run(  # pip's warnings about this machine's index settings are not ours: quiet
        [
            "make",
            "-s",
            "-C",
            str(REPO_ROOT / "skill"),
            "build-SkillFunction",
            f"ARTIFACTS_DIR={root}",
        ],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    shutil.copy(FLOOR, root / "floor_skill.py")
    subprocess.run(
        [
            python,
            "-m",
            "compileall",
            "-q",
            "--invalidation-mode",
            "unchecked-hash",
            str(root / "floor_skill.py"),
        ],
        check=True,
    )
    return root


def cold_cpu(
    python: str, root: Path, module: str, env: dict[str, str], runtime: Path | None = None
) -> float:
    """CPU seconds of one fresh interpreter: start, import `module`, answer a LaunchRequest.

    `runtime` holds what the Lambda runtime adds to the path after the function's code.
    """
    code = COLD_SNIPPET.format(
        root=str(root),
        runtime=[str(runtime)] if runtime else [],
        event=str(EVENTS_DIR / "launch.json"),
        module=module,
    )
    process = subprocess.Popen([python, "-I", "-c", code], env=env, cwd=root)
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise RuntimeError(f"{module} failed to answer in a fresh {python}")
    return usage.ru_utime + usage.ru_stime


def cold_start() -> list[Result]:
    python = lambda_python()
    if python is None:
        print(f"cold start skipped: {NO_LAMBDA_PYTHON}")
        return []
    event = json.loads((EVENTS_DIR / "launch.json").read_text())
    env = {
        "PATH": os.environ.get("PATH", ""),
        "SKILL_ID": event["session"]["application"]["applicationId"],
        "LOG_LEVEL": "INFO",
    }
    with tempfile.TemporaryDirectory() as tmp:
        root = build_artifact(Path(tmp), python)
        for module in ("floor_skill", "factskill.app"):  # warm the page cache for both
            cold_cpu(python, root, module, env)
        ours, floor = [], []
        for _ in range(COLD_ROUNDS):
            runs: dict[str, list[float]] = {"floor_skill": [], "factskill.app": []}
            for _ in range(RUNS_PER_ROUND):  # the floor, then ours, back to back
                for module, cpu in runs.items():
                    cpu.append(cold_cpu(python, root, module, env))
            floor.append(statistics.median(runs["floor_skill"]))
            ours.append(statistics.median(runs["factskill.app"]))
    return [
        paired_result(
            "cold start CPU (3.13, artifact): start + import + first Launch vs the floor",
            ours,
            floor,
            "ms",
            scale=1000,
            target=COLD_TARGET,
        )
    ]


def warm_latency() -> list[Result]:
    from factskill import app
    from tests.benchmarks import floor_skill

    results = []
    for name in ("launch", "get_new_fact"):
        event = json.loads((EVENTS_DIR / f"{name}.json").read_text())
        ours, floor = [], []
        for _ in range(WARM_ROUNDS):
            a, b = p50_alternating(
                lambda event=event: app.handler(event, None),  # type: ignore[misc]
                lambda event=event: floor_skill.handler(event, None),  # type: ignore[misc]
                rounds=WARM_CALLS,
            )
            ours.append(a)
            floor.append(b)
        results.append(
            paired_result(
                f"warm p50: {name} vs the floor skill",
                ours,
                floor,
                "us",
                scale=1e6,
                target=WARM_TARGET,
            )
        )
    return results


def run() -> list[Result]:
    return [*warm_latency(), *cold_start()]
