"""The Lambda artifact, built by skill/Makefile by hand and through `sam build` (pip needs PyPI)."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path
from typing import NamedTuple

import pytest

from factcontent.files import load_deck
from tests.conftest import ASSETS_DIR, EVENTS_DIR, REPO_ROOT
from tests.lambda_python import LAMBDA_PYTHON, NO_LAMBDA_PYTHON, lambda_python
from tests.support import assert_valid_response, ssml_of, text_of

pytestmark = [pytest.mark.slow, pytest.mark.network]

SKILL_DIR = REPO_ROOT / "skill"
PACKAGES = ("factskill", "factcontent")
MAX_ARTIFACT_BYTES = 20 * 1024 * 1024
BUILD_TIMEOUT_SECONDS = 600
SDK_PACKAGES = ("ask_sdk_core", "ask_sdk_model", "ask_sdk_runtime")
DEV_ONLY_PACKAGES = ("boto3", "botocore", "pydub", "moto")
BUILD_FILES = ("Makefile", "requirements.txt", "bin")
CONTENT_KINDS = ("decks", "prompts")
MANIFEST = "audio-manifest.json"
# PEP 552 flags word: hash-based (bit 0), not checked against the source (bit 1 clear).
UNCHECKED_HASH_FLAGS = 0b01


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def locked_versions(lock: Path) -> dict[str, str]:
    """Return name -> version of every package pinned in a requirements lock."""
    pins = re.findall(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)", lock.read_text(), re.M)
    return {canonical(name): version for name, version in pins}


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
        python = lambda_python() or ""
        if not python:
            pytest.skip(NO_LAMBDA_PYTHON)
    version = sys.version_info[:2] if python == sys.executable else LAMBDA_PYTHON
    out = tmp_path_factory.mktemp(request.param.replace(" ", "-"))
    build = sam_artifact if request.param == "sam build" else make_artifact
    return Artifact(build(out, python), (version[0], version[1]))


def test_artifact_has_the_packages_and_the_sdk(artifact: Artifact) -> None:
    root = artifact.root
    for package in PACKAGES:
        source = {p.relative_to(SKILL_DIR) for p in (SKILL_DIR / package).rglob("*.py")}
        assert Path(package, "__init__.py") in source
        assert {p.relative_to(root) for p in (root / package).rglob("*.py")} == source
    for package in SDK_PACKAGES:
        assert (root / package / "__init__.py").is_file(), package


def test_artifact_ships_exactly_the_locked_dependencies(artifact: Artifact) -> None:
    """Every distribution in the artifact is in skill/requirements.txt at its locked version."""
    locked = locked_versions(SKILL_DIR / "requirements.txt")
    shipped = {}
    for info in artifact.root.glob("*.dist-info"):
        name, version = info.name.removesuffix(".dist-info").rsplit("-", 1)
        shipped[canonical(name)] = version
    assert shipped == locked


SMOKE = """
import json, sys
sys.path.insert(0, {root!r})
import factskill.app
event = json.load(open({event!r}))
print(json.dumps(factskill.app.handler(event, None)))
bad = sorted(m for m in sys.modules if m.split(".")[0] in ("boto3", "botocore", "pydub", "moto"))
assert not bad, bad
assert factskill.app.__file__.startswith({root!r}), factskill.app.__file__
"""


def test_artifact_answers_a_launch_request_in_a_fresh_python_3_13(artifact: Artifact) -> None:
    """The artifact alone (no venv, no source tree, its bundled content) answers Launch."""
    python = lambda_python()
    if python is None:
        pytest.skip(NO_LAMBDA_PYTHON)
    event = EVENTS_DIR / "launch.json"
    application_id = json.loads(event.read_text())["session"]["application"]["applicationId"]
    env = {"PATH": os.environ.get("PATH", ""), "SKILL_ID": application_id, "LOG_LEVEL": "WARNING"}
    result = subprocess.run(
        [python, "-I", "-c", SMOKE.format(root=str(artifact.root), event=str(event))],
        cwd=artifact.root.parent,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    response = json.loads(result.stdout)
    assert_valid_response(response)
    spoken = text_of(ssml_of(response))
    deck = load_deck(ASSETS_DIR, "en")
    assert any(fact.text in spoken for fact in deck.facts), spoken
    assert response["response"]["shouldEndSession"] is False


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
