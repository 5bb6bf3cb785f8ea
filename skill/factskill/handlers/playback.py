"""'Play all facts': the deck as one stream with the AudioPlayer interface (ALEXA.md section 10).

AudioPlayer.* and PlaybackController.* requests carry no session: these handlers never touch
session attributes there, and answer them with AudioPlayer directives only (no speech, card,
reprompt or shouldEndSession). Where playback is, travels in the stream's token
(factskill/playlist.py). An IntentRequest that plays ends the session.
"""

from __future__ import annotations

import logging
from collections import OrderedDict
from typing import Any

from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import get_intent_name, is_intent_name, is_request_type
from ask_sdk_model import Response

from factskill.audioplayer import ENQUEUE, clear_queue_directive, play_directive, stop_directive
from factskill.constants import ATTR_RESUME
from factskill.content import LocaleContent
from factskill.handlers.base import StoreHandler
from factskill.listeners import identity, recall, remember
from factskill.playlist import Cursor, decode, first, moved, new_seed, order, playable, reordered
from factskill.responses import (
    ask,
    content_for,
    new_fact,
    save_state,
    session_state,
    unknown_topic,
)
from factskill.slots import read_topic
from factskill.speech import SpeechBuilder

logger = logging.getLogger(__name__)

PLAY_ALL_INTENT = "PlayAllFactsIntent"
PAUSE = "AMAZON.PauseIntent"
RESUME = "AMAZON.ResumeIntent"
NEXT = "AMAZON.NextIntent"
PREVIOUS = "AMAZON.PreviousIntent"
START_OVER = "AMAZON.StartOverIntent"
LOOP_ON, LOOP_OFF = "AMAZON.LoopOnIntent", "AMAZON.LoopOffIntent"
SHUFFLE_ON, SHUFFLE_OFF = "AMAZON.ShuffleOnIntent", "AMAZON.ShuffleOffIntent"
CANCEL, STOP = "AMAZON.CancelIntent", "AMAZON.StopIntent"
# Intents that only mean something to a stream: with none of ours, "nothing is playing".
PLAYER_ONLY_INTENTS = frozenset(
    {PAUSE, RESUME, PREVIOUS, START_OVER, LOOP_ON, LOOP_OFF, SHUFFLE_ON, SHUFFLE_OFF}
)
# Intents that also mean something in a conversation ("next": another fact; "stop": goodbye):
# for the stream only when they open a new session (said while it plays, not in a dialog).
SHARED_INTENTS = frozenset({NEXT, CANCEL, STOP})
PLAYBACK_INTENTS = PLAYER_ONLY_INTENTS | SHARED_INTENTS
# How many streams' advances a container remembers (see Advances).
REMEMBERED_ADVANCES = 1024


def _player_state(handler_input: HandlerInput) -> Any:
    context = getattr(handler_input.request_envelope, "context", None)
    return getattr(context, "audio_player", None)


def current_cursor(handler_input: HandlerInput) -> Cursor | None:
    """The cursor of the stream the device has (context.AudioPlayer), when it is ours."""
    return decode(getattr(_player_state(handler_input), "token", None))


def current_offset(handler_input: HandlerInput) -> int:
    offset = getattr(_player_state(handler_input), "offset_in_milliseconds", None)
    return offset if isinstance(offset, int) and not isinstance(offset, bool) and offset > 0 else 0


def has_audio_player(handler_input: HandlerInput) -> bool:
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    interfaces = getattr(getattr(system, "device", None), "supported_interfaces", None)
    return getattr(interfaces, "audio_player", None) is not None


def device_id(handler_input: HandlerInput) -> str:
    system = getattr(getattr(handler_input.request_envelope, "context", None), "system", None)
    value = getattr(getattr(system, "device", None), "device_id", None)
    return value if isinstance(value, str) else ""


def playlist(content: LocaleContent, cursor: Cursor) -> tuple[str, ...]:
    """The order the cursor plays in: the facts with a playable MP3, shuffled by its seed."""
    ids = playable(content.deck, content.audio, cursor.topic)
    return order(ids, seed=cursor.seed, shuffle=cursor.shuffle)


class Advances:
    """The streams a container has already moved on from, by device and token.

    PlaybackNearlyFinished can come twice, and PlaybackFinished before it for a short clip: the
    first of them moves the stream on, the others must not queue the next fact again. Bounded
    (the oldest forgotten first). Another container's answers are not here: with memory on,
    the memory table settles it for all of them (Memory.claim); with it off, the context check
    (the device already plays another token) catches what it can.
    """

    def __init__(self, size: int = REMEMBERED_ADVANCES) -> None:
        self.size = size
        self._seen: OrderedDict[tuple[str, str], None] = OrderedDict()

    def first(self, device: str, token: str) -> bool:
        """True the first time a stream moves on from `token` on `device`, False after."""
        key = (device, token)
        if key in self._seen:
            return False
        self._seen[key] = None
        if len(self._seen) > self.size:
            self._seen.popitem(last=False)
        return True


class PlayAllFactsHandler(StoreHandler):
    """'Play all facts (about a topic)': a short intro, then one Play of the whole playlist.

    A device without AudioPlayer, or a playlist with no playable MP3, gets one spoken fact and
    the reason instead: never a directive it cannot play.
    """

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return is_intent_name(PLAY_ALL_INTENT)(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        asked = read_topic(handler_input)
        content = content_for(handler_input, self.store)
        prompts = content.prompts
        refused = unknown_topic(handler_input, self.store, content, asked)
        if refused is not None:
            return refused
        topic = asked.topic_id
        if not has_audio_player(handler_input):
            lead = (prompts.say("play_unsupported"),)
            return new_fact(
                handler_input, self.store, content, topic=topic, lead=lead, memory=self.memory
            )
        seed = new_seed()
        ordered = order(playable(content.deck, content.audio, topic), seed=seed, shuffle=False)
        cursor = first(content.locale, topic, ordered, seed=seed)
        if cursor is None:
            lead = (prompts.say("play_no_audio"),)
            return new_fact(
                handler_input, self.store, content, topic=topic, lead=lead, memory=self.memory
            )
        intro = (
            prompts.say("play_intro_topic", topic=content.deck.topics[topic])
            if topic
            else prompts.say("play_intro")
        )
        if self.memory is not None:  # a visit, though no fact is told in this session
            language = content.deck.language
            state, _ = recall(handler_input, self.memory, language, session_state(handler_input))
            save_state(
                handler_input,
                remember(handler_input, self.memory, language, state, state, visit=True),
            )
        builder = handler_input.response_builder
        builder.speak(SpeechBuilder().text(intro).ssml())
        builder.add_directive(
            play_directive(content, cursor, ordered, captions=self.store.captions)
        )
        return builder.set_should_end_session(True).response


def _is_playback_intent(handler_input: HandlerInput) -> bool:
    name = get_intent_name_or_none(handler_input)
    if name not in PLAYBACK_INTENTS:
        return False
    if name in SHARED_INTENTS:
        session = handler_input.request_envelope.session
        if session is not None and not session.new:
            return False  # said in a conversation: "next" is another fact, "stop" goodbye
    return current_cursor(handler_input) is not None


class PlaybackIntentHandler(StoreHandler):
    """Pause, resume, next, previous, start over, loop and shuffle, cancel and stop, said while
    (or after) one of our streams plays."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return _is_playback_intent(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        name = get_intent_name(handler_input)
        cursor = current_cursor(handler_input)
        assert cursor is not None  # can_handle
        builder = handler_input.response_builder.set_should_end_session(True)
        if name == PAUSE:
            return builder.add_directive(stop_directive()).response
        if name in (CANCEL, STOP):
            return builder.add_directive(clear_queue_directive()).response
        content = self.store.for_locale(cursor.locale)
        ordered = playlist(content, cursor)
        offset = current_offset(handler_input)
        if name == RESUME:
            target: Cursor | None = cursor  # the same stream, the same token, where it stopped
        elif name in (NEXT, PREVIOUS, START_OVER):
            target, offset = moved(cursor, ordered, {NEXT: 1, PREVIOUS: -1}.get(name, 0)), 0
        elif name in (LOOP_ON, LOOP_OFF):
            target = moved(cursor._replace(loop=name == LOOP_ON), ordered, 0)
        else:  # shuffle on or off: what plays now goes on, what follows changes
            ids = playable(content.deck, content.audio, cursor.topic)
            shuffled, ordered = reordered(cursor, ids, shuffle=name == SHUFFLE_ON)
            target = moved(shuffled, ordered, 0)
        if target is None or target.fact not in content.audio:
            return builder.add_directive(stop_directive()).response  # past the last fact
        return builder.add_directive(
            play_directive(content, target, ordered, offset_ms=offset, captions=self.store.captions)
        ).response


def resume_offer(handler_input: HandlerInput, content: LocaleContent, token: str | None) -> bool:
    """Whether a launch can offer to carry on the stream `token`: a device with AudioPlayer, a
    stream of this locale whose fact still has its MP3."""
    cursor = decode(token)
    return (
        cursor is not None
        and cursor.locale == content.locale
        and cursor.fact in content.audio
        and has_audio_player(handler_input)
    )


class ResumeAnswerHandler(StoreHandler):
    """'Yes' or 'no' to a launch's offer to carry on a stream: play it from where it stopped,
    or tell a fact instead."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        if get_intent_name_or_none(handler_input) not in ("AMAZON.YesIntent", "AMAZON.NoIntent"):
            return False
        session = handler_input.request_envelope.session
        attributes = getattr(session, "attributes", None)
        return isinstance(attributes, dict) and ATTR_RESUME in attributes

    def handle(self, handler_input: HandlerInput) -> Response:
        state = session_state(handler_input)
        content = content_for(handler_input, self.store)
        cursor = decode(state.resume)
        if get_intent_name(handler_input) == "AMAZON.YesIntent" and cursor is not None:
            played = self.store.for_locale(cursor.locale)
            ordered = playlist(played, cursor)
            target = moved(cursor, ordered, 0)  # a new play of the same place, on this device
            if target is not None and target.fact in played.audio:
                save_state(handler_input, state._replace(resume=None, resume_at=0))
                builder = handler_input.response_builder
                directive = play_directive(
                    played, target, ordered, offset_ms=state.resume_at, captions=self.store.captions
                )
                return builder.add_directive(directive).set_should_end_session(True).response
        return new_fact(
            handler_input,
            self.store,
            content,
            topic=None,
            memory=self.memory,
            state=state._replace(resume=None, resume_at=0),
        )


def get_intent_name_or_none(handler_input: HandlerInput) -> str | None:
    request = handler_input.request_envelope.request
    if getattr(request, "object_type", None) != "IntentRequest":
        return None
    return str(get_intent_name(handler_input))


class NotPlayingHandler(StoreHandler):
    """Pause, resume, loop... with no stream of ours: say so, and offer a fact."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        return (
            is_request_type("IntentRequest")(handler_input)
            and get_intent_name(handler_input) in PLAYER_ONLY_INTENTS
        )

    def handle(self, handler_input: HandlerInput) -> Response:
        prompts = content_for(handler_input, self.store).prompts
        speech = SpeechBuilder().text(prompts.say("not_playing"))
        return ask(handler_input, speech, prompts.say("fallback_reprompt"), store=self.store)


PLAYBACK_EVENTS = frozenset(
    {
        "AudioPlayer.PlaybackStarted",
        "AudioPlayer.PlaybackNearlyFinished",
        "AudioPlayer.PlaybackFinished",
        "AudioPlayer.PlaybackStopped",
        "AudioPlayer.PlaybackFailed",
    }
)


class AudioPlayerEventHandler(StoreHandler):
    """The device's playback events: queue the next fact once; skip a fact that fails.

    NearlyFinished enqueues the next fact after the one that is finishing (expectedPreviousToken)
    unless the stream has already moved on; Finished, when nothing was queued (a short clip
    finishes before NearlyFinished arrives), plays the next one; Failed skips to the next.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.advances = Advances()

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        return request_type in PLAYBACK_EVENTS

    def _keep_place(self, handler_input: HandlerInput, token: str | None, offset: int) -> None:
        """With memory on: where the listener's stream is, for a launch on any device."""
        if self.memory is None:
            return
        who = identity(handler_input)
        if who is not None:
            self.memory.keep_stream(*who, token, max(0, offset))

    def _first_advance(self, device: str, token: str) -> bool:
        """This container first, then (memory on) every container, through the table."""
        if not self.advances.first(device, token):
            return False
        if self.memory is None:
            return True
        shared = self.memory.claim(device, token)
        return shared is not False  # memory unreachable: this container's word

    def handle(self, handler_input: HandlerInput) -> Response:
        request = handler_input.request_envelope.request
        builder = handler_input.response_builder
        kind = getattr(request, "object_type", None)
        token = getattr(request, "token", None)
        cursor = decode(token)
        if cursor is None:
            return builder.response
        if kind in ("AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackStopped"):
            offset = getattr(request, "offset_in_milliseconds", None)
            self._keep_place(handler_input, str(token), offset if isinstance(offset, int) else 0)
            return builder.response
        if kind == "AudioPlayer.PlaybackFailed":
            logger.warning(
                "playback failed for %s: %s", cursor.fact, getattr(request, "error", None)
            )
        playing = getattr(_player_state(handler_input), "token", None)
        if kind == "AudioPlayer.PlaybackNearlyFinished" and playing not in (None, token):
            return builder.response  # the device already plays something else
        content = self.store.for_locale(cursor.locale)
        ordered = playlist(content, cursor)
        following = moved(cursor, ordered, 1)
        if following is None or following.fact not in content.audio:
            if kind == "AudioPlayer.PlaybackFinished":
                self._keep_place(handler_input, None, 0)  # played to its end: nothing to resume
            return builder.response  # the end of the playlist, not looping
        if not self._first_advance(device_id(handler_input), str(token)):
            return builder.response  # already moved on from this one
        if kind == "AudioPlayer.PlaybackNearlyFinished":
            directive = play_directive(
                content,
                following,
                ordered,
                behavior=ENQUEUE,
                previous_token=str(token),
                captions=self.store.captions,
            )
        else:  # Finished with nothing queued, or Failed: play the next one now
            directive = play_directive(content, following, ordered, captions=self.store.captions)
        return builder.add_directive(directive).response


PLAYBACK_COMMANDS = frozenset(
    {
        "PlaybackController.PlayCommandIssued",
        "PlaybackController.PauseCommandIssued",
        "PlaybackController.NextCommandIssued",
        "PlaybackController.PreviousCommandIssued",
    }
)


class PlaybackControllerHandler(StoreHandler):
    """The device's own buttons (and remote controls): play, pause, next, previous."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        request_type = getattr(handler_input.request_envelope.request, "object_type", None)
        return request_type in PLAYBACK_COMMANDS

    def handle(self, handler_input: HandlerInput) -> Response:
        builder = handler_input.response_builder
        kind = getattr(handler_input.request_envelope.request, "object_type", None)
        cursor = current_cursor(handler_input)
        if cursor is None:
            return builder.response
        if kind == "PlaybackController.PauseCommandIssued":
            return builder.add_directive(stop_directive()).response
        content = self.store.for_locale(cursor.locale)
        ordered = playlist(content, cursor)
        target: Cursor | None = cursor  # Play: resume where it stopped
        offset = current_offset(handler_input)
        if kind != "PlaybackController.PlayCommandIssued":
            step = 1 if kind == "PlaybackController.NextCommandIssued" else -1
            target, offset = moved(cursor, ordered, step), 0
        if target is None or target.fact not in content.audio:
            return builder.response
        return builder.add_directive(
            play_directive(content, target, ordered, offset_ms=offset, captions=self.store.captions)
        ).response
