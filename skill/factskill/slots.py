"""Read the topic slot the way Alexa resolved it: by entity-resolution id, never by raw words."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot

from factcontent.records import Record
from factcontent.text import xml_safe

TOPIC_SLOT = "topic"
ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
# What the skill repeats of words that matched no topic: a few words, never a forged essay.
MAX_SPOKEN_CHARACTERS = 60


class TopicRequest(Record):
    """What the user asked for: no topic, a resolved topic id, or words that matched nothing."""

    spoken: str | None = None  # what the user said, cleaned and cut for speaking it back
    topic_id: str | None = None

    @property
    def unmatched(self) -> bool:
        return self.spoken is not None and self.topic_id is None


def spoken_back(value: str, limit: int = MAX_SPOKEN_CHARACTERS) -> str:
    """`value` fit to be said back: only characters XML allows, whitespace collapsed, cut at a
    word boundary within `limit` characters."""
    words = xml_safe(value[: limit * 4]).split()
    kept: list[str] = []
    length = 0
    for word in words:
        added = len(word) + (1 if kept else 0)  # the word, and the space before it
        if length + added > limit:
            if not kept:
                kept.append(word[:limit])
            break
        kept.append(word)
        length += added
    return " ".join(kept)


def read_topic(handler_input: HandlerInput) -> TopicRequest:
    """Return the topic the user asked for, resolved to its slot value id."""
    try:
        slot = get_slot(handler_input, TOPIC_SLOT)
    except TypeError:  # not an IntentRequest
        return TopicRequest()
    if slot is None or not slot.value:
        return TopicRequest()
    authorities = getattr(slot.resolutions, "resolutions_per_authority", None) or []
    for authority in authorities:
        code = getattr(getattr(authority.status, "code", None), "value", None)
        if code == ER_SUCCESS_MATCH and authority.values:
            return TopicRequest(
                spoken=spoken_back(slot.value), topic_id=authority.values[0].value.id
            )
    return TopicRequest(spoken=spoken_back(slot.value))
