from __future__ import annotations

import logging

import pytest

from factskill.config import DEFAULT_CONTENT_REFRESH_SECONDS, Settings, get_settings
from factskill.exceptions import ConfigError


def test_settings_defaults_from_empty_environment() -> None:
    settings = Settings.from_env({})
    assert settings == Settings()
    assert settings.skill_id is None
    assert settings.allow_http_audio is False
    assert settings.content_refresh_seconds == DEFAULT_CONTENT_REFRESH_SECONDS


def test_settings_read_every_variable() -> None:
    settings = Settings.from_env(
        {
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
    ],
)
def test_settings_reject_malformed_values(env: dict[str, str], message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        Settings.from_env(env)


def test_settings_allow_http_audio_for_local_development() -> None:
    settings = Settings.from_env(
        {"ALLOW_HTTP_AUDIO": "true", "AUDIO_BASE_URL": "http://127.0.0.1:5000/b"}
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
