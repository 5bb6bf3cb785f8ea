"""The local development commands: serve (the endpoint), stack (everything, kept up), demo."""

__all__ = ["demo", "serve", "stack"]
