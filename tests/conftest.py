"""Fixtures: a clean environment, content, the real handler and request envelopes."""

from __future__ import annotations

import copy
import json
import os
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

# The tests live in tests/ of the repository; everything else is found from there.
TESTS_DIR = Path(__file__).resolve().parent
REPO_ROOT = TESTS_DIR.parent
EVENTS_DIR = TESTS_DIR / "events"
ASSETS_DIR = REPO_ROOT / "assets"
MODEL_DIR = REPO_ROOT / "interaction_model"

# The skill reads its content from CONTENT_DIR (the build bundles a copy; the source tree has
# none), and factskill.app builds the skill when imported: set it before that import.
os.environ["CONTENT_DIR"] = str(ASSETS_DIR)

from factskill import app  # noqa: E402
from factskill.config import Settings, get_settings  # noqa: E402
from factskill.constants import ENV_CONTENT_DIR, SETTINGS_ENV_VARS  # noqa: E402
from factskill.content import ContentStore  # noqa: E402
from factskill.wiring import build_handler  # noqa: E402

Event = dict[str, Any]
Invoke = Callable[[Event], dict[str, Any]]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No setting leaks in from the machine; cached settings and skills are rebuilt."""
    for name in SETTINGS_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv(ENV_CONTENT_DIR, str(ASSETS_DIR))
    get_settings.cache_clear()
    app._skill.cache_clear()
    yield
    get_settings.cache_clear()
    app._skill.cache_clear()


@pytest.fixture
def settings() -> Settings:
    return Settings(content_dir=str(ASSETS_DIR))


@pytest.fixture
def store(settings: Settings) -> ContentStore:
    return ContentStore(settings, rng=random.Random(1234))


@pytest.fixture
def invoke(store: ContentStore) -> Invoke:
    """The real ASK SDK Lambda handler, wired like app.handler, over `store`."""
    skill_handler = build_handler(store, skill_id=None)
    return lambda event: skill_handler(event, None)


def load_event(
    name: str,
    *,
    locale: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> Event:
    event: Event = json.loads((EVENTS_DIR / f"{name}.json").read_text())
    if locale is not None:
        event["request"]["locale"] = locale
    if attributes is not None:
        event["session"]["attributes"] = copy.deepcopy(attributes)
    return event


@pytest.fixture
def event() -> Callable[..., Event]:
    return load_event


def event_names() -> list[str]:
    return sorted(p.stem for p in EVENTS_DIR.glob("*.json"))


# --- AWS doubles (moto's fixture chain: credentials -> mock_aws -> clients -> resources) ---

BUCKET = "serverless-facts-test-audio"
REGION = "us-east-1"


@pytest.fixture
def aws_credentials(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fake credentials so nothing can reach a real account."""
    for name, value in {
        "AWS_ACCESS_KEY_ID": "testing",
        "AWS_SECRET_ACCESS_KEY": "testing",
        "AWS_SECURITY_TOKEN": "testing",
        "AWS_SESSION_TOKEN": "testing",
        "AWS_DEFAULT_REGION": REGION,
    }.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("AWS_PROFILE", raising=False)


@pytest.fixture
def mocked_aws(aws_credentials: None) -> Iterator[None]:
    from moto import mock_aws

    with mock_aws():
        yield


@pytest.fixture
def s3_client(mocked_aws: None) -> Any:
    import boto3

    return boto3.client("s3", region_name=REGION)


@pytest.fixture
def s3_calls(s3_client: Any) -> list[tuple[str, dict[str, Any]]]:
    """Every S3 operation the code under test makes, with its parameters (moto checks no ACLs)."""
    calls: list[tuple[str, dict[str, Any]]] = []

    def record(params: dict[str, Any], model: Any, **_: Any) -> None:
        calls.append((model.name, dict(params)))

    s3_client.meta.events.register("provide-client-params.s3.*", record)
    return calls


@pytest.fixture
def bucket(s3_client: Any) -> str:
    s3_client.create_bucket(Bucket=BUCKET)
    return BUCKET
