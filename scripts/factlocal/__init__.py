"""Local development helpers: run the skill as a web service, the way Alexa calls it."""

__all__ = [
    "commands",
    "exceptions",
    "net",
    "project",
    "stack",
    "template",
    "tls",
    "verify",
    "webapp",
]
