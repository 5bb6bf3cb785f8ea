from __future__ import annotations

import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest

from factskill.config import (
    BUNDLED_CONTENT_DIR,
    DEFAULT_CONTENT_REFRESH_SECONDS,
    Settings,
    get_settings,
)
from factskill.exceptions import ConfigError
from tests.conftest import ASSETS_DIR, REPO_ROOT

# The source tree bundles no content (the build does): every environment here points at assets/.
BASE = {"CONTENT_DIR": str(ASSETS_DIR)}


def test_settings_defaults_from_empty_environment() -> None:
    settings = Settings.from_env(BASE)
    assert settings == Settings(content_dir=str(ASSETS_DIR))
    assert settings.skill_id is None
    assert settings.allow_http_audio is False
    assert settings.content_refresh_seconds == DEFAULT_CONTENT_REFRESH_SECONDS


def test_settings_read_every_variable() -> None:
    settings = Settings.from_env(
        {
            **BASE,
            "SKILL_ID": " amzn1.ask.skill.abc ",
            "AUDIO_BASE_URL": "https://bucket.s3.eu-west-1.amazonaws.com",
            "AUDIO_MANIFEST": "/tmp/m.json",
            "LOG_LEVEL": "debug",
            "CONTENT_BASE_URL": "https://bucket.s3.eu-west-1.amazonaws.com/content/",
            "CONTENT_REFRESH_SECONDS": "60",
        }
    )
    assert settings.skill_id == "amzn1.ask.skill.abc"
    assert settings.audio_base_url == "https://bucket.s3.eu-west-1.amazonaws.com/"
    assert settings.audio_manifest == "/tmp/m.json"
    assert settings.log_level == "DEBUG"
    assert settings.content_base_url == "https://bucket.s3.eu-west-1.amazonaws.com/content/"
    assert settings.content_refresh_seconds == 60.0


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"AUDIO_BASE_URL": "http://insecure/"}, "AUDIO_BASE_URL.*https.*ALLOW_HTTP_AUDIO"),
        ({"AUDIO_BASE_URL": "bucket/audio"}, "AUDIO_BASE_URL"),
        ({"ALLOW_HTTP_AUDIO": "maybe"}, "ALLOW_HTTP_AUDIO.*boolean"),
        ({"LOG_LEVEL": "LOUD"}, "LOG_LEVEL"),
        ({"CONTENT_REFRESH_SECONDS": "soon"}, "CONTENT_REFRESH_SECONDS"),
        ({"CONTENT_REFRESH_SECONDS": "-1"}, "CONTENT_REFRESH_SECONDS"),
        (
            {"CONTENT_DIR": "/nonexistent/assets"},
            "CONTENT_DIR='/nonexistent/assets' is not a directory",
        ),
    ],
)
def test_settings_reject_malformed_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env({**BASE, **env})


def test_settings_allow_http_audio_for_local_development() -> None:
    settings = Settings.from_env(
        {**BASE, "ALLOW_HTTP_AUDIO": "true", "AUDIO_BASE_URL": "http://127.0.0.1:5000/b"}
    )
    assert settings.audio_base_url == "http://127.0.0.1:5000/b/"


def test_get_settings_reads_once_and_warns_once_without_skill_id(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        first = get_settings()
        monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.later")
        second = get_settings()
    assert first is second and second.skill_id is None
    assert caplog.text.count("SKILL_ID is not set") == 1


def test_get_settings_no_warning_with_skill_id(
    monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.x")
    with caplog.at_level(logging.WARNING):
        assert get_settings().skill_id == "amzn1.ask.skill.x"
    assert "SKILL_ID" not in caplog.text


def test_settings_without_bundled_content_name_content_dir() -> None:
    """The source tree has no factskill/content: the error says to build or to set CONTENT_DIR."""
    assert not Path(BUNDLED_CONTENT_DIR).exists()
    with pytest.raises(ConfigError, match=r"no content is bundled.*CONTENT_DIR"):
        Settings.from_env({})


@pytest.mark.parametrize(
    ("name", "value"),
    [("ALLOW_HTTP_AUDIO", "maybe"), ("LOG_LEVEL", "LOUD"), ("CONTENT_REFRESH_SECONDS", "soon")],
)
def test_configuration_error_fails_init_naming_the_variable(name: str, value: str) -> None:
    """Lambda imports factskill.app at init: a bad setting fails there, once, by name."""
    env = {**os.environ, **BASE, name: value}
    result = subprocess.run(
        [sys.executable, "-c", "import factskill.app"],
        env=env,
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode != 0
    assert f"ConfigError: {name}=" in result.stderr
