"""Print a conversation the way a reader wants it: who said what, and what was sent."""

from __future__ import annotations

from factsim.envelopes import describe
from factsim.session import PlaybackEvent, Turn

PROMPT = "you> "
ALEXA = "alexa> "
SIMULATOR = "sim> "
DEVICE = "device> "
INDENT = " " * len(ALEXA)


def format_turn(turn: Turn, *, echo: bool = True) -> list[str]:
    """Return the transcript lines of `turn`; `echo` repeats the utterance (input not typed)."""
    lines = [f"{PROMPT}{turn.utterance}"] if echo else []
    if turn.request is not None:
        lines.append(f"{INDENT}-> {describe(turn.request)}")
    if turn.reply is None:
        return [*lines, f"{SIMULATOR}{turn.note}"]
    first, *rest = turn.lines()
    return [*lines, f"{ALEXA}{first}", *(f"{INDENT}{line}" for line in rest)]


def format_events(events: list[PlaybackEvent]) -> list[str]:
    """The playback events a device sent, each with what the skill answered."""
    lines = []
    for event in events:
        lines.append(f"{DEVICE}{event.kind.removeprefix('AudioPlayer.')} {event.token}")
        lines.extend(f"{INDENT}<- {answer}" for answer in event.answer)
        lines.extend(f"{INDENT}problem: {problem}" for problem in event.problems)
    return lines
