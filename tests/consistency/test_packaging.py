"""The project's packages, locks and commands are what the issue tracker and README promise."""

from __future__ import annotations

import ast
import importlib
import importlib.metadata
import inspect
import re
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

PYPROJECT = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text())
SKILL_LOCK = REPO_ROOT / "skill" / "requirements.txt"
DEV_LOCK = REPO_ROOT / "requirements-dev.txt"
PACKAGES = ("factskill", "factcontent", "factaudio", "factsim", "factlocal")
PIPELINE_MODULES = (
    "factaudio.cli",
    "factaudio.pipeline",
    "factaudio.engines",
    "factaudio.postprocess",
    "factaudio.publish",
    "factaudio.stages",
    "factaudio.voices",
)
THIN_SCRIPTS = ("synthesize", "chat", "serve", "stack", "demo")
PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;]+)(\s*;[^\\]*)?", re.M)


def canonical(name: str) -> str:
    return re.sub(r"[-_.]+", "-", name).lower()


def pins(lock: Path) -> dict[str, str]:
    return {canonical(name): version for name, version, _ in PIN.findall(lock.read_text())}


def requirement_name(requirement: str) -> str:
    return canonical(re.split(r"[\s\[<>=!~;]", requirement, maxsplit=1)[0])


# --- locks ---


def test_lambda_requirements_name_only_the_sdk() -> None:
    lines = (REPO_ROOT / "skill" / "requirements.in").read_text().splitlines()
    direct = {requirement_name(line) for line in lines if line.strip() and not line.startswith("#")}
    assert direct == {"ask-sdk-core"}


@pytest.mark.parametrize("lock", [SKILL_LOCK, DEV_LOCK], ids=lambda p: p.name)
def test_every_pin_of_a_lock_carries_hashes(lock: Path) -> None:
    blocks = re.split(r"\n(?=[A-Za-z0-9])", lock.read_text())
    pinned = [block for block in blocks if PIN.match(block)]
    assert len(pinned) == len(PIN.findall(lock.read_text())) > 5
    for block in pinned:
        assert "--hash=sha256:" in block, block.splitlines()[0]


def test_the_lambda_lock_pins_the_versions_the_tests_run() -> None:
    """The artifact ships what the tests import: same versions in both locks and installed."""
    lambda_pins, dev_pins = pins(SKILL_LOCK), pins(DEV_LOCK)
    assert {"ask-sdk-core", "ask-sdk-model", "python-dateutil"} <= set(lambda_pins)
    for name, version in lambda_pins.items():
        assert dev_pins.get(name) == version, (
            f"{name}: Lambda {version}, tests {dev_pins.get(name)}"
        )
        assert importlib.metadata.version(name) == version, name


def test_the_dev_lock_covers_every_dependency_pyproject_names() -> None:
    project = PYPROJECT["project"]
    named = {requirement_name(r) for r in project["dependencies"]}
    for extra in project["optional-dependencies"].values():
        named |= {requirement_name(r) for r in extra if not r.startswith(project["name"])}
    named |= {requirement_name(r) for r in PYPROJECT["build-system"]["requires"]}
    assert named - set(pins(DEV_LOCK)) == set()


def test_the_installed_tools_are_the_locked_versions() -> None:
    """make installs exactly requirements-dev.txt: what passed today installs next month."""
    python = f"{sys.version_info[0]}.{sys.version_info[1]}"
    for name, version, marker in PIN.findall(DEV_LOCK.read_text()):
        if marker and not _marker_holds(marker.lstrip(" ;"), python):
            continue
        assert importlib.metadata.version(name) == version, name


def _marker_holds(marker: str, python: str) -> bool:
    from packaging.markers import Marker

    return Marker(marker).evaluate({"python_full_version": f"{python}.0", "python_version": python})


# --- packages ---


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project's wheel, built by the pinned backend, and what the build printed."""
    out = tmp_path_factory.mktemp("wheel")
    result = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-w", out, "."],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=True,
    )
    (built,) = out.glob("*.whl")
    return built, result.stdout + result.stderr


def test_the_wheel_installs_the_named_packages_and_no_scripts_package(
    wheel: tuple[Path, str],
) -> None:
    built, _ = wheel
    names = zipfile.ZipFile(built).namelist()
    top = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert top == set(PACKAGES)
    assert not [name for name in names if name.endswith(".json") and "/content/" in name]


def test_building_the_project_prints_no_warning(wheel: tuple[Path, str]) -> None:
    _, output = wheel
    assert "warning" not in output.lower(), output


@pytest.mark.parametrize("name", sorted(PYPROJECT["project"]["scripts"]))
def test_entry_points_are_main_functions_taking_argv(name: str) -> None:
    module, function = PYPROJECT["project"]["scripts"][name].split(":")
    main = getattr(importlib.import_module(module), function)
    assert list(inspect.signature(main).parameters) == ["argv"]


@pytest.mark.parametrize("name", THIN_SCRIPTS)
def test_scripts_are_thin_programs_over_an_entry_point(name: str) -> None:
    """scripts/NAME.py only imports `main` from a package and calls it."""
    tree = ast.parse((REPO_ROOT / "scripts" / f"{name}.py").read_text())
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    targets = {
        f"{node.module}:main" for node in imports if [a.name for a in node.names] == ["main"]
    }
    assert targets & set(PYPROJECT["project"]["scripts"].values())
    functions = [node for node in ast.walk(tree) if isinstance(node, ast.FunctionDef)]
    assert functions == []


def test_the_pipeline_imports_nothing_of_the_ask_sdk() -> None:
    code = (
        "import importlib, sys\n"
        f"for name in {PIPELINE_MODULES!r}: importlib.import_module(name)\n"
        "bad = sorted(m for m in sys.modules if m.startswith(('ask_sdk', 'factskill')))\n"
        "assert not bad, bad\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)


def test_the_shared_package_is_pure_standard_library() -> None:
    for path in (REPO_ROOT / "skill" / "factcontent").glob("*.py"):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                top = node.module.split(".")[0]
            elif isinstance(node, ast.Import):
                top = node.names[0].name.split(".")[0]
            else:
                continue
            assert top == "factcontent" or top in sys.stdlib_module_names, f"{path.name}: {top}"


@pytest.mark.parametrize("tree", ["skill", "scripts"])
def test_no_code_finds_the_repository_from_its_own_path(tree: str) -> None:
    offenders = [
        f"{path.relative_to(REPO_ROOT)}:{number}"
        for path in (REPO_ROOT / tree).rglob("*.py")
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if re.search(r"parents\[\d+\]|parent\.parent|\.\./\.\.", line)
    ]
    assert offenders == []
