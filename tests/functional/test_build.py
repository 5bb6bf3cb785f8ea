"""The Lambda artifact, built by skill/Makefile by hand and through `sam build` (pip needs PyPI)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from tests.conftest import ASSETS_DIR, REPO_ROOT

pytestmark = [pytest.mark.slow, pytest.mark.network]

SKILL_DIR = REPO_ROOT / "skill"
LAMBDA_PYTHON = (3, 13)
MAX_ARTIFACT_BYTES = 20 * 1024 * 1024
BUILD_TIMEOUT_SECONDS = 600
SDK_PACKAGES = ("ask_sdk_core", "ask_sdk_model", "ask_sdk_runtime")
DEV_ONLY_PACKAGES = ("boto3", "botocore", "pydub", "moto")
BUILD_FILES = ("Makefile", "requirements.txt", "bin")
CONTENT_KINDS = ("decks", "prompts")
MANIFEST = "audio-manifest.json"
# PEP 552 flags word: hash-based (bit 0), not checked against the source (bit 1 clear).
UNCHECKED_HASH_FLAGS = 0b01


class Artifact(NamedTuple):
    root: Path
    python_version: tuple[int, int]


def build_env(python: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "ARTIFACTS_DIR"}
    return env | {"PYTHON": python, "SAM_CLI_TELEMETRY": "0", "AWS_DEFAULT_REGION": "us-east-1"}


def run_build(cmd: list[str], *, cwd: Path, python: str) -> None:
    result = subprocess.run(
        cmd,
        cwd=cwd,
        env=build_env(python),
        capture_output=True,
        text=True,
        timeout=BUILD_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(cmd)} failed:\n{result.stdout}\n{result.stderr}")


def python_version(python: str) -> tuple[int, int] | None:
    """Return the version of the interpreter `python` if it runs and has pip, else None."""
    try:
        result = subprocess.run(
            [python, "-c", "import pip, sys; print(*sys.version_info[:2])"],
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


def files_under(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file() or p.is_symlink()]


def make_artifact(out: Path, python: str) -> Path:
    root = out / "artifact"
    run_build(
        ["make", "-C", str(SKILL_DIR), "build-SkillFunction", f"ARTIFACTS_DIR={root}"],
        cwd=SKILL_DIR,
        python=python,
    )
    return root


def sam_artifact(out: Path, python: str) -> Path:
    sam = Path(sys.executable).with_name("sam")
    started = time.perf_counter()
    run_build(
        [
            str(sam),
            "build",
            "--template-file",
            str(REPO_ROOT / "template.yaml"),
            "--build-dir",
            str(out / "build"),
        ],
        cwd=out,
        python=python,
    )
    print(f"sam build took {time.perf_counter() - started:.1f} s")
    return out / "build" / "SkillFunction"


@pytest.fixture(scope="module", params=["make", "make with python3.13", "sam build"])
def artifact(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Artifact:
    python = sys.executable
    if request.param == "make with python3.13":
        python = shutil.which("python3.13") or "python3.13"
        if python_version(python) != LAMBDA_PYTHON:
            pytest.skip("no working python3.13 with pip on PATH: the precompiling path is untested")
    version = python_version(python)
    assert version is not None, f"{python} cannot run pip"
    out = tmp_path_factory.mktemp(request.param.replace(" ", "-"))
    build = sam_artifact if request.param == "sam build" else make_artifact
    return Artifact(build(out, python), version)


def test_artifact_has_the_package_and_the_sdk(artifact: Artifact) -> None:
    root = artifact.root
    source = {
        p.relative_to(SKILL_DIR)
        for p in (SKILL_DIR / "factskill").rglob("*.py")
        if "content" not in p.relative_to(SKILL_DIR).parts
    }
    assert Path("factskill/app.py") in source
    assert {p.relative_to(root) for p in (root / "factskill").rglob("*.py")} == source
    for package in SDK_PACKAGES:
        assert (root / package / "__init__.py").is_file(), package


def test_artifact_has_exactly_the_content_the_skill_reads_as_real_files(
    artifact: Artifact,
) -> None:
    content = artifact.root / "factskill" / "content"
    expected = [Path(MANIFEST)] + [
        Path(kind, p.name) for kind in CONTENT_KINDS for p in (ASSETS_DIR / kind).glob("*.json")
    ]
    assert Path("decks/en.json") in expected
    assert sorted(p.relative_to(content) for p in files_under(content)) == sorted(expected)
    for relative in expected:
        copied = content / relative
        assert not copied.is_symlink(), relative
        assert copied.read_bytes() == (ASSETS_DIR / relative).read_bytes(), relative
    assert not content.is_symlink()


def test_artifact_has_nothing_lambda_does_not_run(artifact: Artifact) -> None:
    root = artifact.root
    top = {p.name for p in root.iterdir()}
    assert not top & {*DEV_ONLY_PACKAGES, *BUILD_FILES}
    assert not [name for name in top if name.endswith(".egg-info")]
    paths = list(root.rglob("*"))
    assert not [p for p in paths if p.is_symlink()]
    assert not [p for p in paths if p.name == "tests" and p.is_dir()]
    assert not [p for p in paths if p.suffix == ".mp3"]
    assert not [p for p in paths if p.name == "Makefile"]
    assert not (root / "factskill" / "content" / "voices.json").exists()


def compile_python() -> str:
    """The Python 3.13 skill/Makefile precompiles with here ("" when there is none)."""
    result = subprocess.run(
        ["make", "-s", "-C", str(SKILL_DIR), "print-compile-python"],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip()


def test_artifact_has_bytecode_only_from_lambdas_python(artifact: Artifact) -> None:
    caches = list(artifact.root.rglob("__pycache__"))
    if not compile_python():
        assert caches == [], "bytecode of another Python is dead weight in Lambda"
        return
    pycs = list(artifact.root.rglob("*.pyc"))
    assert pycs, "a Python 3.13 is here: the artifact must carry its bytecode"
    assert {p.parent.name for p in pycs} == {"__pycache__"}
    assert (artifact.root / "factskill" / "__pycache__" / "app.cpython-313.pyc").is_file()
    for pyc in pycs:
        assert ".cpython-313." in pyc.name, pyc
        assert int.from_bytes(pyc.read_bytes()[4:8], "little") == UNCHECKED_HASH_FLAGS, pyc


def test_artifact_is_small(artifact: Artifact) -> None:
    size = sum(p.stat().st_size for p in files_under(artifact.root) if not p.is_symlink())
    print(f"artifact {artifact.root}: {size / 1024 / 1024:.1f} MiB ({size} bytes)")
    assert size < MAX_ARTIFACT_BYTES


def test_makefile_refuses_to_build_without_artifacts_dir() -> None:
    result = subprocess.run(
        ["make", "-C", str(SKILL_DIR), "build-SkillFunction"],
        env=build_env(sys.executable),
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode != 0
    assert "ARTIFACTS_DIR is not set" in result.stderr
