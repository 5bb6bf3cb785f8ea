"""Find Lambda's Python (3.13) on this machine: on PATH, else one that pyenv has installed."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
from pathlib import Path

LAMBDA_PYTHON = (3, 13)
NO_LAMBDA_PYTHON = (
    "no Python 3.13 here (neither python3.13 on PATH nor one installed by pyenv): "
    "install one (pyenv install 3.13) to run this"
)


def _version(python: str) -> tuple[int, int] | None:
    try:
        result = subprocess.run(
            [python, "-I", "-c", "import sys; print(*sys.version_info[:2])"],
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
    except OSError:
        return None
    if result.returncode != 0:
        return None
    major, minor = map(int, result.stdout.split())
    return major, minor


def _pyenv_candidates() -> list[str]:
    root = os.environ.get("PYENV_ROOT") or str(Path.home() / ".pyenv")
    versions = sorted(Path(root, "versions").glob("3.13*/bin/python3.13"), reverse=True)
    return [str(path) for path in versions]


@functools.cache
def lambda_python() -> str | None:
    """Return the path of a working Python 3.13, or None."""
    candidates = [shutil.which("python3.13") or "", *_pyenv_candidates()]
    for candidate in filter(None, candidates):
        if _version(candidate) == LAMBDA_PYTHON:
            return candidate
    return None
