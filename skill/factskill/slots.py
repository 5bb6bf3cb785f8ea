"""Read the topic slot the way Alexa resolved it: by entity-resolution id, never by raw words."""

from __future__ import annotations

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_slot

from factcontent.records import Record

TOPIC_SLOT = "topic"
ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"


class TopicRequest(Record):
    """What the user asked for: no topic, a resolved topic id, or words that matched nothing."""

    spoken: str | None = None
    topic_id: str | None = None

    @property
    def unmatched(self) -> bool:
        return self.spoken is not None and self.topic_id is None


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
            return TopicRequest(spoken=slot.value, topic_id=authority.values[0].value.id)
    return TopicRequest(spoken=slot.value)
