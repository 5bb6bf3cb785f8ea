"""Errors of the simulator: each says what failed and what to do next."""

from __future__ import annotations


class SimulatorError(Exception):
    """Base of every simulator error."""


class TransportError(SimulatorError):
    """The skill could not be reached, or refused the request."""


class DialogError(SimulatorError):
    """A dialog file is malformed."""
