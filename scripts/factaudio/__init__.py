"""The audio pipeline: plan, synthesize, post-process, validate and publish fact MP3s."""

__all__ = [
    "cli",
    "constants",
    "engines",
    "exceptions",
    "pipeline",
    "plan",
    "postprocess",
    "publish",
    "stages",
    "validate",
    "voices",
]
