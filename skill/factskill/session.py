"""Pure session state: a few ids kept in the session attributes, tolerant of anything malformed."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from factcontent.records import Record
from factskill.constants import ATTR_LAST, ATTR_SEEN, ATTR_TOPIC

MAX_SEEN = 200  # a deck is far smaller; caps what a hostile request can make us carry


def _id_or_none(value: object) -> str | None:
    return value if isinstance(value, str) and 0 < len(value) <= 64 else None


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
