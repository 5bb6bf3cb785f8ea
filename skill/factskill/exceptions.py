"""Errors raised by the skill's pure core."""

from __future__ import annotations


class FactSkillError(Exception):
    """Base class for the skill's own errors."""


class ConfigError(FactSkillError):
    """An environment variable is missing or malformed."""


class DeckError(FactSkillError):
    """A deck or prompt file is malformed; the message names file, locale and fact."""


class ManifestError(FactSkillError):
    """An audio manifest is malformed."""
