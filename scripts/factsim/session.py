"""A conversation with the skill: sessions, their attributes, and one rendered turn per utterance."""

from __future__ import annotations

import functools
import logging
from dataclasses import dataclass
from typing import Any

from factsim.audiocheck import AudioCheck
from factsim.envelopes import (
    Clock,
    Device,
    Envelope,
    envelope,
    intent_request,
    launch_request,
    listener_id,
    new_id,
    session_ended_request,
    utc_now,
)
from factsim.exceptions import SimulatorError
from factsim.player import AudioPlayerDevice, EventOrder, play_track
from factsim.render import Reply, describe_directive, render_reply
from factsim.resolver import Intent, Launch, NeedsLaunch, Resolution, Resolver
from factsim.transport import HttpTransport, InProcess, Transport

__all__ = ["Conversation", "HttpTransport", "InProcess", "PlaybackEvent", "Transport", "Turn"]

logger = logging.getLogger(__name__)

SESSION_ENDED_MARK = "[session ended]"
NO_SESSION = "No session is open."


@dataclass(frozen=True, slots=True)
class Turn:
    """One utterance and what came of it.

    `note` is the simulator's own message when nothing reached the skill; `ended` is True when
    this turn closed the session; `session_open` is whether a session is open after it.
    """

    utterance: str
    resolution: Resolution
    request: Envelope | None = None
    response: dict[str, Any] | None = None
    reply: Reply | None = None
    note: str = ""
    ended: bool = False
    session_open: bool = False
    problems: tuple[str, ...] = ()  # AudioPlayer rules the answer breaks (factsim.audiorules)

    def lines(self) -> list[str]:
        if self.reply is None:
            return [self.note]
        problems = [f"problem: {problem}" for problem in self.problems]
        return [*self.reply.lines(), *problems, *([SESSION_ENDED_MARK] if self.ended else [])]

    def failures(self) -> list[str]:
        return [*(self.reply.failures() if self.reply else []), *self.problems]

    def text(self) -> str:
        """Return the rendered reply, the text dialog expectations are searched in."""
        return "\n".join(self.lines())


@dataclass(frozen=True, slots=True)
class PlaybackEvent:
    """One event the AudioPlayer device sent, and what the skill answered."""

    kind: str
    token: str
    answer: tuple[str, ...]  # the directives answered, described
    problems: tuple[str, ...] = ()


class Conversation:
    """Talk to the skill in `locale` through `transport`, the way one Alexa device would.

    One listener for the whole conversation, across its sessions: `user_id` (a new listener's
    when None; factsim.envelopes.listener_id makes one that lasts across runs) and, when given,
    the voice profile `person_id`.
    """

    def __init__(
        self,
        locale: str,
        transport: Transport,
        *,
        application_id: str,
        screen: bool = True,
        check_audio: AudioCheck | None = None,
        resolver: Resolver | None = None,
        clock: Clock = utc_now,
        user_id: str | None = None,
        person_id: str | None = None,
        audio_player: bool = False,
    ) -> None:
        self.locale = locale
        self.transport = transport
        self.device = Device(
            application_id,
            user_id=user_id or listener_id(),
            screen=screen,
            person_id=person_id,
            audio_player=audio_player,
        )
        self.player = AudioPlayerDevice() if audio_player else None
        self.resolver = resolver or Resolver.for_locale(locale)
        self.clock = clock
        # Each URL is fetched once per conversation: facts repeat, the files do not change.
        self._check_audio = functools.cache(check_audio) if check_audio is not None else None
        self.session_id: str | None = None
        self.attributes: dict[str, Any] = {}
        self._new = False

    @property
    def in_session(self) -> bool:
        return self.session_id is not None

    def say(self, utterance: str) -> Turn:
        """Resolve `utterance`, send what Alexa would send (if anything) and render the answer.

        Raises TransportError when the skill cannot be reached; the session is then unchanged.
        """
        playing = self.player is not None and self.player.has_stream
        if self.player is not None:
            self.player.elapse()  # the user spoke some seconds into what plays
        resolution = self.resolver.resolve(utterance, in_session=self.in_session, playing=playing)
        app_id = self.device.application_id
        if isinstance(resolution, NeedsLaunch):
            return Turn(utterance, resolution, note=resolution.message)
        if isinstance(resolution, Launch):
            request = (
                intent_request(resolution.intent, application_id=app_id)
                if resolution.intent
                else launch_request()
            )
            return self._send(utterance, resolution, request, session_id=new_id("session"))
        if self.session_id is None and playing and isinstance(resolution, Intent):
            # a playback command to the stream's skill: Alexa opens a session for it
            request = intent_request(resolution, application_id=app_id)
            return self._send(utterance, resolution, request, session_id=new_id("session"))
        if self.session_id is None:  # "exit" with nothing to exit
            return Turn(utterance, resolution, note=NO_SESSION)
        if isinstance(resolution, Intent):
            request = intent_request(resolution, application_id=app_id)
        else:
            request = session_ended_request()
        return self._send(utterance, resolution, request, session_id=self.session_id)

    def _send(
        self, utterance: str, resolution: Resolution, request: dict[str, Any], *, session_id: str
    ) -> Turn:
        new = session_id != self.session_id
        event = envelope(
            request,
            device=self.device,
            locale=self.locale,
            session_id=session_id,
            new=new,
            attributes={} if new else self.attributes,
            clock=self.clock,
            player=self.player.context() if self.player is not None else None,
        )
        logger.debug("request: %s", event)
        response = self.transport.send(event)
        logger.debug("response: %s", response)
        problems = tuple(self.player.answer(event, response)) if self.player is not None else ()
        reply = render_reply(response, check_audio=self._check_audio, screen=self.device.screen)
        ended = request["type"] == "SessionEndedRequest" or reply.should_end_session is True
        if ended:
            self.session_id, self.attributes = None, {}
        else:
            attributes = response.get("sessionAttributes")
            self.session_id = session_id
            self.attributes = dict(attributes) if isinstance(attributes, dict) else {}
        return Turn(
            utterance,
            resolution,
            request=event,
            response=response,
            reply=reply,
            ended=ended,
            session_open=not ended,
            problems=problems,
        )

    def playback_event(self, kind: str, fields: dict[str, Any]) -> PlaybackEvent:
        """Send what the device sends about its stream (no session) and apply the answer."""
        assert self.player is not None
        request = {"type": kind, **fields}
        event = envelope(
            request,
            device=self.device,
            locale=self.locale,
            session_id=None,
            new=False,
            attributes={},
            clock=self.clock,
            player=self.player.context(),
        )
        response = self.transport.send(event)
        problems = tuple(self.player.answer(event, response))
        body = response.get("response") or {}
        answer = tuple(describe_directive(d) for d in body.get("directives") or ())
        return PlaybackEvent(kind, str(fields.get("token")), answer, problems)

    def play(
        self, tracks: int, *, orders: tuple[EventOrder, ...] = EventOrder.cycle()
    ) -> list[PlaybackEvent]:
        """Let the device play up to `tracks` tracks of the stream, sending its events (each
        track in the next of `orders`); stop early when the stream ends or is stopped."""
        if self.player is None:
            raise SimulatorError("this device has no AudioPlayer (give audio_player=True)")
        sent: list[PlaybackEvent] = []

        def send(kind: str, fields: dict[str, Any]) -> dict[str, Any]:
            sent.append(self.playback_event(kind, fields))
            return {}

        check = self._check_audio
        for number in range(tracks):
            if self.player.current is None or self.player.activity != "PLAYING":
                break
            play_track(
                self.player,
                send,
                order=orders[number % len(orders)],
                playable=(lambda url: check(url).ok) if check is not None else (lambda url: True),
            )
        return sent
