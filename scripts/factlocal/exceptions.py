"""Errors of the local development stack."""

from __future__ import annotations


class StackError(Exception):
    """A part of the local stack did not start; the message says which and why."""
