"""Fixtures: a clean environment, content, the real handler and request envelopes."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from factskill import app
from factskill.config import Settings, get_settings
from factskill.constants import SETTINGS_ENV_VARS
from factskill.content import ContentStore
from factskill.wiring import build_handler

REPO_ROOT = Path(__file__).resolve().parent.parent
EVENTS_DIR = Path(__file__).resolve().parent / "events"
ASSETS_DIR = REPO_ROOT / "assets"
MODEL_DIR = REPO_ROOT / "interaction_model"

Event = dict[str, Any]
Invoke = Callable[[Event], dict[str, Any]]


@pytest.fixture(autouse=True)
def clean_env(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """No setting leaks in from the machine; cached settings and skills are rebuilt."""
    for name in SETTINGS_ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    get_settings.cache_clear()
    app._skill.cache_clear()
    yield
    get_settings.cache_clear()
    app._skill.cache_clear()


@pytest.fixture
def settings() -> Settings:
    return Settings()


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
