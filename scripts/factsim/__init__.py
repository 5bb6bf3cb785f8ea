"""A text simulator of Alexa's language understanding over interaction_model/."""

__all__ = [
    "audiocheck",
    "builtins",
    "cli",
    "dialog",
    "envelopes",
    "exceptions",
    "launch",
    "model",
    "render",
    "resolver",
    "session",
    "transcript",
    "transport",
]
