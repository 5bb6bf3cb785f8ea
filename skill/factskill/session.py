"""Pure session state: a few ids kept in the session attributes, tolerant of anything malformed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from factcontent.limits import MAX_DECK_FACTS, MAX_ID_LENGTH
from factcontent.records import Record
from factskill.constants import ATTR_LAST, ATTR_SEEN, ATTR_TOPIC

# What a hostile request can make us carry: the content check holds decks to the same numbers.
MAX_SEEN = MAX_DECK_FACTS


def _id_or_none(value: object) -> str | None:
    """A fact or topic id as the session may carry it: a short ASCII name, as the content check
    requires (a forged lone surrogate or a long escape-heavy id never reaches a response)."""
    if not isinstance(value, str) or not 0 < len(value) <= MAX_ID_LENGTH or not value.isascii():
        return None
    return value


class SessionState(Record):
    seen: tuple[str, ...] = ()
    last: str | None = None
    topic: str | None = None

    @classmethod
    def from_attributes(cls, attributes: object) -> SessionState:
        """Read state from session attributes, ignoring anything of the wrong shape."""
        if not isinstance(attributes, Mapping):
            return cls()
        raw_seen = attributes.get(ATTR_SEEN)
        seen = (
            tuple(s for s in raw_seen[:MAX_SEEN] if _id_or_none(s))
            if isinstance(raw_seen, list)
            else ()
        )
        return cls(
            seen=seen,
            last=_id_or_none(attributes.get(ATTR_LAST)),
            topic=_id_or_none(attributes.get(ATTR_TOPIC)),
        )

    def to_attributes(self) -> dict[str, Any]:
        return {ATTR_SEEN: list(self.seen), ATTR_LAST: self.last, ATTR_TOPIC: self.topic}
