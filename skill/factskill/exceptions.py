"""Errors raised by the skill itself (content errors are in factcontent.exceptions)."""

from __future__ import annotations


class FactSkillError(Exception):
    """Base class for the skill's own errors."""


class ConfigError(FactSkillError):
    """An environment variable is missing or malformed; the message names it."""
