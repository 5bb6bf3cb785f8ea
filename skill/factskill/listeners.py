"""Between a session and listener memory: who is listening, what they heard before, what to keep.

Pure glue over factskill.memory (which does the I/O): a session's first request reads the
listener's memory once and folds the facts heard before into the session's own; each fact told
then writes the listener's facts back, only when they changed.
"""

from __future__ import annotations

import time
from typing import TYPE_CHECKING

from ask_sdk_core.handler_input import HandlerInput

from factskill.session import MAX_SEEN, SessionState

if TYPE_CHECKING:  # factskill.memory loads only with memory on: not at a cold start without it
    from factskill.memory import Memory

UNREACHABLE = -1  # memory_version of a session whose memory could not be read


def identity(handler_input: HandlerInput) -> tuple[str, str] | None:
    """The account's item key and the listener's key in it (its voice profile, else "-"),
    worked out once per request (recall and remember both ask)."""
    known = handler_input.__dict__.get(_IDENTITY, _UNKNOWN)
    if known is not _UNKNOWN:
        return known  # type: ignore[no-any-return]
    who = _identity(handler_input)
    handler_input.__dict__[_IDENTITY] = who
    return who


_IDENTITY = "_factskill_identity"
_UNKNOWN = object()


def _identity(handler_input: HandlerInput) -> tuple[str, str] | None:
    from factskill.memory import account_key, listener_key

    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    user_id = getattr(getattr(system, "user", None), "user_id", None)
    if not isinstance(user_id, str) or not user_id:
        return None
    person_id = getattr(getattr(system, "person", None), "person_id", None)
    return account_key(user_id), listener_key(person_id if isinstance(person_id, str) else None)


def recall(
    handler_input: HandlerInput, memory: Memory | None, language: str, state: SessionState
) -> tuple[SessionState, bool]:
    """`state` with what the listener heard before (once per session), and whether they are
    a returning listener."""
    if memory is None or state.memory_version is not None:
        return state, False
    who = identity(handler_input)
    recalled = memory.recall(*who, language) if who is not None else None
    if recalled is None:
        return state._replace(memory_version=UNREACHABLE), False
    seen = tuple(dict.fromkeys([*recalled.heard, *state.seen]))[:MAX_SEEN]
    remembered = state._replace(
        seen=seen,
        topic=state.topic or recalled.topic,
        memory_version=recalled.version,
        visits=recalled.visits + 1,  # this visit
        resume=recalled.stream,
        resume_at=recalled.stream_at,
    )
    return remembered, recalled.visits > 0


def remember(
    handler_input: HandlerInput,
    memory: Memory | None,
    language: str,
    before: SessionState,
    after: SessionState,
    *,
    visit: bool = False,
) -> SessionState:
    """Write the listener's facts if they changed (or, with `visit`, to count a visit that
    tells no fact); `after` with the item's new version."""
    version = after.memory_version
    if memory is None or version is None or version == UNREACHABLE:
        return after
    unchanged = after.seen == before.seen and after.topic == before.topic
    if unchanged and version > 0 and not visit:  # nothing new (the first write counts the visit)
        return after
    who = identity(handler_input)
    if who is None:
        return after
    from factskill.memory import Kept

    kept = Kept(  # every field by name: Record's fast path
        heard=after.seen, topic=after.topic, visits=after.visits, last_visit=int(time.time())
    )
    written = memory.keep(*who, language, kept, version=version)
    return after._replace(memory_version=UNREACHABLE if written is None else written)  # type: ignore[no-any-return]
