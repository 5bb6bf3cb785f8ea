"""Settings from the environment: one frozen object, read once, at init."""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Mapping

from factcontent.records import Record
from factskill import constants
from factskill.exceptions import ConfigError

logger = logging.getLogger(__name__)

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"", "0", "false", "no", "off"})
DEFAULT_CONTENT_REFRESH_SECONDS = 300.0
# The content the build copies into the function, next to this package (skill/Makefile).
BUNDLED_CONTENT_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "content")


def _content_dir(raw: str) -> str:
    value = raw.strip()
    if value and not os.path.isdir(value):
        raise ConfigError(
            f"{constants.ENV_CONTENT_DIR}={value!r} is not a directory: point it at the "
            "content (decks/, prompts/, audio-manifest.json), for example the assets/ directory"
        )
    if not value and not os.path.isdir(BUNDLED_CONTENT_DIR):
        raise ConfigError(
            f"no content is bundled at {BUNDLED_CONTENT_DIR}: build the function with "
            f"`sam build` (skill/Makefile), or set {constants.ENV_CONTENT_DIR} to the assets/ "
            "directory to run from the source tree"
        )
    return value or BUNDLED_CONTENT_DIR


def _parse_bool(name: str, raw: str) -> bool:
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise ConfigError(f"{name}={raw!r} is not a boolean: use true or false")


def _parse_url(name: str, raw: str, *, allow_http: bool) -> str | None:
    value = raw.strip()
    if not value:
        return None
    schemes = ("https://", "http://") if allow_http else ("https://",)
    if not value.lower().startswith(schemes):
        hint = "" if allow_http else f" (plain http needs {constants.ENV_ALLOW_HTTP_AUDIO}=true)"
        raise ConfigError(f"{name}={value!r} must be an https:// URL{hint}")
    return value if value.endswith("/") else value + "/"


class Settings(Record):
    """Everything the skill reads from its environment (template.yaml sets it in Lambda).

    NamedTuple, not a dataclass: creating a frozen dataclass costs ~2 ms of cold start each.
    """

    skill_id: str | None = None
    audio_base_url: str | None = None
    audio_manifest: str | None = None
    allow_http_audio: bool = False
    log_level: str = "INFO"
    content_base_url: str | None = None
    content_refresh_seconds: float = DEFAULT_CONTENT_REFRESH_SECONDS
    content_dir: str = BUNDLED_CONTENT_DIR
    memory_table: str | None = None  # the DynamoDB table of listener memory; None: memory off

    @classmethod
    def from_env(cls, environ: Mapping[str, str] | None = None) -> Settings:
        """Build settings from `environ` (default: os.environ); raise ConfigError when malformed."""
        env = os.environ if environ is None else environ
        allow_http = _parse_bool(
            constants.ENV_ALLOW_HTTP_AUDIO, env.get(constants.ENV_ALLOW_HTTP_AUDIO, "")
        )
        refresh_raw = env.get(constants.ENV_CONTENT_REFRESH_SECONDS, "").strip()
        try:
            refresh = float(refresh_raw) if refresh_raw else DEFAULT_CONTENT_REFRESH_SECONDS
        except ValueError as exc:
            raise ConfigError(
                f"{constants.ENV_CONTENT_REFRESH_SECONDS}={refresh_raw!r} is not a number of seconds"
            ) from exc
        if refresh < 0:
            raise ConfigError(f"{constants.ENV_CONTENT_REFRESH_SECONDS} must be >= 0")
        level = env.get(constants.ENV_LOG_LEVEL, "").strip().upper() or "INFO"
        if level not in logging.getLevelNamesMapping():
            raise ConfigError(f"{constants.ENV_LOG_LEVEL}={level!r} is not a logging level")
        return cls(
            skill_id=env.get(constants.ENV_SKILL_ID, "").strip() or None,
            audio_base_url=_parse_url(
                constants.ENV_AUDIO_BASE_URL,
                env.get(constants.ENV_AUDIO_BASE_URL, ""),
                allow_http=allow_http,
            ),
            audio_manifest=env.get(constants.ENV_AUDIO_MANIFEST, "").strip() or None,
            allow_http_audio=allow_http,
            log_level=level,
            content_base_url=_parse_url(
                constants.ENV_CONTENT_BASE_URL,
                env.get(constants.ENV_CONTENT_BASE_URL, ""),
                allow_http=allow_http,
            ),
            content_refresh_seconds=refresh,
            content_dir=_content_dir(env.get(constants.ENV_CONTENT_DIR, "")),
            memory_table=env.get(constants.ENV_MEMORY_TABLE, "").strip() or None,
        )


@functools.cache
def get_settings() -> Settings:
    """Return the process-wide settings, read from the environment once."""
    settings = Settings.from_env()
    if settings.skill_id is None:
        logger.warning(
            "%s is not set: accepting requests from any skill (local development only)",
            constants.ENV_SKILL_ID,
        )
    return settings
