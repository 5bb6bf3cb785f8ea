"""Errors of the audio pipeline: each names what failed and what to do next."""

from __future__ import annotations


class PipelineError(Exception):
    """A known failure: the CLI prints it as one line and exits 1."""


class SynthesisError(PipelineError):
    """A TTS engine could not speak a fact."""


class AudioValidationError(PipelineError):
    """A produced MP3 is not in Alexa's format."""


class PublishError(PipelineError):
    """Publishing audio or the manifest failed."""


class ManifestConflictError(PublishError):
    """Someone else published a manifest since this run read it."""
