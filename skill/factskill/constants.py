"""The skill's names: environment variables and session attribute keys.

What the skill shares with the audio pipeline (locales, limits, formats) is in factcontent.
"""

from __future__ import annotations

# Environment variables (template.yaml sets them; config.Settings reads them).
ENV_SKILL_ID = "SKILL_ID"
ENV_AUDIO_BASE_URL = "AUDIO_BASE_URL"
ENV_AUDIO_MANIFEST = "AUDIO_MANIFEST"
ENV_ALLOW_HTTP_AUDIO = "ALLOW_HTTP_AUDIO"
ENV_LOG_LEVEL = "LOG_LEVEL"
ENV_CONTENT_BASE_URL = "CONTENT_BASE_URL"
ENV_CONTENT_REFRESH_SECONDS = "CONTENT_REFRESH_SECONDS"
ENV_CONTENT_DIR = "CONTENT_DIR"
ENV_MEMORY_TABLE = "MEMORY_TABLE"

SETTINGS_ENV_VARS = (
    ENV_SKILL_ID,
    ENV_AUDIO_BASE_URL,
    ENV_AUDIO_MANIFEST,
    ENV_ALLOW_HTTP_AUDIO,
    ENV_LOG_LEVEL,
    ENV_CONTENT_BASE_URL,
    ENV_CONTENT_REFRESH_SECONDS,
    ENV_CONTENT_DIR,
    ENV_MEMORY_TABLE,
)

# Session attribute keys: ids only, never fact texts.
ATTR_SEEN = "seen"
ATTR_LAST = "last"
ATTR_TOPIC = "topic"
# With memory on: the version of the listener's item read this session (-1: memory unreachable
# this session), and the listener's visits, this one included.
ATTR_MEMORY_VERSION = "mv"
ATTR_VISITS = "mn"
# With memory on, at a launch that offers to carry on a stream: its token and offset.
ATTR_RESUME = "rs"
ATTR_RESUME_AT = "ro"
