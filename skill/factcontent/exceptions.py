"""Errors about content: decks, prompts and manifests."""

from __future__ import annotations


class ContentError(Exception):
    """Base class: content that cannot be used; the message names the file and the locale."""


class DeckError(ContentError):
    """A deck or prompt file is malformed; the message names file, locale and fact."""


class ManifestError(ContentError):
    """An audio manifest is malformed."""
