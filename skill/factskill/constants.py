"""Names and limits shared by the skill and the tools around it."""

from __future__ import annotations

# Environment variables (template.yaml sets them; config.Settings reads them).
ENV_SKILL_ID = "SKILL_ID"
ENV_AUDIO_BASE_URL = "AUDIO_BASE_URL"
ENV_AUDIO_MANIFEST = "AUDIO_MANIFEST"
ENV_ALLOW_HTTP_AUDIO = "ALLOW_HTTP_AUDIO"
ENV_LOG_LEVEL = "LOG_LEVEL"
ENV_CONTENT_BASE_URL = "CONTENT_BASE_URL"
ENV_CONTENT_REFRESH_SECONDS = "CONTENT_REFRESH_SECONDS"

SETTINGS_ENV_VARS = (
    ENV_SKILL_ID,
    ENV_AUDIO_BASE_URL,
    ENV_AUDIO_MANIFEST,
    ENV_ALLOW_HTTP_AUDIO,
    ENV_LOG_LEVEL,
    ENV_CONTENT_BASE_URL,
    ENV_CONTENT_REFRESH_SECONDS,
)

# Supported locales and the language (deck, prompts) each one speaks.
LOCALE_LANGUAGE: dict[str, str] = {
    "en-US": "en",
    "en-GB": "en",
    "en-AU": "en",
    "en-CA": "en",
    "en-IN": "en",
    "de-DE": "de",
    "es-ES": "es",
    "fr-FR": "fr",
    "ja-JP": "ja",
}
DEFAULT_LOCALE = "en-US"
LANGUAGES = tuple(sorted(set(LOCALE_LANGUAGE.values())))

# Amazon Polly bills at most 3000 characters per SynthesizeSpeech call (ALEXA.md section 3).
POLLY_MAX_BILLED_CHARACTERS = 3000

# Alexa SSML limits (ALEXA.md section 1).
MAX_AUDIO_TAGS = 5
MAX_SPEECH_AUDIO_SECONDS = 240.0
MAX_REPROMPT_AUDIO_SECONDS = 90.0
MAX_AUDIO_FILE_SECONDS = 240.0

# Session attribute keys: ids only, never fact texts.
ATTR_SEEN = "seen"
ATTR_LAST = "last"
ATTR_TOPIC = "topic"
