"""Request handlers, in dispatch order: the first whose can_handle is true wins."""

from __future__ import annotations

from factskill.handlers.builtin import ExitIntentHandler, FallbackIntentHandler, HelpIntentHandler
from factskill.handlers.errors import CatchAllExceptionHandler
from factskill.handlers.facts import (
    AnotherFactHandler,
    GetNewFactIntentHandler,
    LaunchRequestHandler,
    ListTopicsIntentHandler,
    RepeatIntentHandler,
)
from factskill.handlers.lifecycle import (
    SessionEndedRequestHandler,
    SkillDisabledHandler,
    UnusedRequestHandler,
)
from factskill.handlers.playback import (
    AudioPlayerEventHandler,
    NotPlayingHandler,
    PlayAllFactsHandler,
    PlaybackControllerHandler,
    PlaybackIntentHandler,
    ResumeAnswerHandler,
)

# Handlers that answer from content; they take the ContentStore (and memory, when on).
CONTENT_HANDLERS = (
    LaunchRequestHandler,
    GetNewFactIntentHandler,
    PlaybackIntentHandler,  # "next", "stop"... said to a stream of ours: before their dialog use
    ResumeAnswerHandler,  # "yes"/"no" to a launch's offer to carry on a stream: before "yes"
    AnotherFactHandler,
    RepeatIntentHandler,
    ListTopicsIntentHandler,
    HelpIntentHandler,
    PlayAllFactsHandler,
    NotPlayingHandler,  # pause, resume... with no stream of ours
    ExitIntentHandler,
    FallbackIntentHandler,  # any other IntentRequest: keep after every intent handler
    SkillDisabledHandler,  # rare requests, not IntentRequests: last, no cost to the others
    AudioPlayerEventHandler,
    PlaybackControllerHandler,
)
# Handlers with no content; last, because UnusedRequestHandler accepts everything.
TRAILING_HANDLERS = (SessionEndedRequestHandler, UnusedRequestHandler)

__all__ = [
    "CONTENT_HANDLERS",
    "TRAILING_HANDLERS",
    "CatchAllExceptionHandler",
    "FallbackIntentHandler",
    "UnusedRequestHandler",
]
