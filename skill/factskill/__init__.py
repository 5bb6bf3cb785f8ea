"""The Alexa skill: the Lambda package (handler factskill.app.handler)."""

__all__ = [
    "apl",
    "app",
    "audio",
    "config",
    "constants",
    "content",
    "exceptions",
    "fallback",
    "handlers",
    "prebuilt",
    "remote",
    "responses",
    "serializer",
    "session",
    "slots",
    "speech",
    "wiring",
]
