"""Pure session state: a few ids kept in the session attributes, tolerant of anything malformed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from factcontent.limits import MAX_AUDIO_TOKEN_CHARACTERS, MAX_DECK_FACTS, MAX_ID_LENGTH
from factcontent.records import Record
from factskill.constants import (
    ATTR_LAST,
    ATTR_MEMORY_VERSION,
    ATTR_RESUME,
    ATTR_RESUME_AT,
    ATTR_SEEN,
    ATTR_TOPIC,
    ATTR_VISITS,
)

# What a hostile request can make us carry: the content check holds decks to the same numbers.
MAX_SEEN = MAX_DECK_FACTS


def _id_or_none(value: object) -> str | None:
    """A fact or topic id as the session may carry it: a short ASCII name, as the content check
    requires (a forged lone surrogate or a long escape-heavy id never reaches a response)."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH or not value.isascii():
        return None
    return value


def token_or_none(value: object) -> str | None:
    """A stream token as the session or memory may carry it (factskill.playlist decodes it
    when used)."""
    if (
        not isinstance(value, str)
        or not 0 < len(value) <= MAX_AUDIO_TOKEN_CHARACTERS
        or not value.isascii()
    ):
        return None
    return value


def _count_or_none(value: object, *, low: int) -> int | None:
    if isinstance(value, int) and not isinstance(value, bool) and low <= value < 2**53:
        return value
    return None


class StateAttributes(dict[str, Any]):
    """Session attributes made by SessionState.to_attributes: bounded and well formed, so the
    response needs no second check (factskill.wiring)."""


class SessionState(Record):
    seen: tuple[str, ...] = ()
    last: str | None = None
    topic: str | None = None
    memory_version: int | None = None  # None: memory not read this session (or memory off)
    visits: int = 0
    resume: str | None = None  # the stream a launch offered to carry on (its token), if any
    resume_at: int = 0  # where, in milliseconds

    @classmethod
    def from_attributes(cls, attributes: object) -> SessionState:
        """Read state from session attributes, ignoring anything of the wrong shape."""
        if not attributes or not isinstance(attributes, Mapping):
            return EMPTY_STATE  # a session's first request: nothing to read
        raw_seen = attributes.get(ATTR_SEEN)
        seen = (
            tuple(s for s in raw_seen[:MAX_SEEN] if _id_or_none(s))
            if isinstance(raw_seen, list)
            else ()
        )
        version = attributes.get(ATTR_MEMORY_VERSION)
        resume = attributes.get(ATTR_RESUME)
        return cls(
            seen=seen,
            last=_id_or_none(attributes.get(ATTR_LAST)),
            topic=_id_or_none(attributes.get(ATTR_TOPIC)),
            memory_version=None if version is None else _count_or_none(version, low=-1),
            visits=0
            if version is None
            else _count_or_none(attributes.get(ATTR_VISITS), low=0) or 0,
            resume=token_or_none(resume),
            resume_at=0
            if resume is None
            else _count_or_none(attributes.get(ATTR_RESUME_AT), low=0) or 0,
        )

    def to_attributes(self) -> StateAttributes:
        attributes = StateAttributes(
            {
                ATTR_SEEN: list(self.seen),
                ATTR_LAST: self.last,
                ATTR_TOPIC: self.topic,
            }
        )
        if self.memory_version is not None:
            attributes[ATTR_MEMORY_VERSION] = self.memory_version
            attributes[ATTR_VISITS] = self.visits
        if self.resume is not None:
            attributes[ATTR_RESUME] = self.resume
            attributes[ATTR_RESUME_AT] = self.resume_at
        return attributes


EMPTY_STATE = SessionState()
