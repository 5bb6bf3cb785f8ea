"""The simulator's AudioPlayer device: a queue the skill's directives fill, and the playback
events a real device sends about it, in the orders real devices send them.

Per track, by `EventOrder`: Started, NearlyFinished, Finished (NORMAL); NearlyFinished twice
(DUPLICATE); Finished before a late NearlyFinished, as for a clip shorter than the device's
buffer (SHORT). A track whose audio check fails gets PlaybackFailed instead. Every answer is
held to factsim.audiorules, and a Play that reuses a token played before is a problem: tokens
must be unique per play.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from factsim.audiorules import audio_player_problems

IDLE, PLAYING, STOPPED, FINISHED = "IDLE", "PLAYING", "STOPPED", "FINISHED"
SPOKEN_AFTER_MS = 4_200  # how far into a track the user is when they speak


class EventOrder(enum.Enum):
    NORMAL = "normal"
    DUPLICATE = "duplicate"  # NearlyFinished sent twice
    SHORT = "short"  # Finished, then a late NearlyFinished

    @classmethod
    def cycle(cls) -> tuple[EventOrder, ...]:
        """Every order in turn: a deck played through meets them all."""
        return (cls.NORMAL, cls.DUPLICATE, cls.NORMAL, cls.SHORT)


@dataclass(frozen=True, slots=True)
class Track:
    token: str
    url: str
    offset_ms: int = 0
    title: str = ""
    subtitle: str = ""


@dataclass
class AudioPlayerDevice:
    """What plays, what is queued, and the state every request's context reports."""

    current: Track | None = None
    queue: list[Track] = field(default_factory=list)
    activity: str = IDLE
    offset_ms: int = 0
    played: list[str] = field(default_factory=list)  # every token a Play started, in order
    problems: list[str] = field(default_factory=list)

    def context(self) -> dict[str, Any]:
        """context.AudioPlayer as a device sends it."""
        if self.current is None:
            return {"playerActivity": IDLE}
        return {
            "token": self.current.token,
            "offsetInMilliseconds": self.offset_ms,
            "playerActivity": self.activity,
        }

    def elapse(self, ms: int = SPOKEN_AFTER_MS) -> None:
        """Time passes while a track plays."""
        if self.current is not None and self.activity == PLAYING:
            self.offset_ms += ms

    @property
    def has_stream(self) -> bool:
        return self.current is not None

    def answer(self, request: Mapping[str, Any], response: Mapping[str, Any]) -> list[str]:
        """Check `response` against the AudioPlayer rules and apply its directives; return the
        problems found (also kept in `problems`)."""
        found = audio_player_problems(request, response)
        body = response.get("response")
        directives = body.get("directives") if isinstance(body, Mapping) else None
        for directive in directives or []:
            if isinstance(directive, Mapping):
                found += self._apply(directive)
        self.problems += found
        return found

    def _apply(self, directive: Mapping[str, Any]) -> list[str]:
        kind = directive.get("type")
        if kind == "AudioPlayer.Stop":
            if self.current is not None:
                self.activity = STOPPED
            return []
        if kind == "AudioPlayer.ClearQueue":
            self.queue.clear()
            if directive.get("clearBehavior") == "CLEAR_ALL" and self.current is not None:
                self.activity = STOPPED
            return []
        if kind != "AudioPlayer.Play":
            return []
        stream = directive.get("audioItem", {}).get("stream", {})
        metadata = directive.get("audioItem", {}).get("metadata") or {}
        track = Track(
            token=str(stream.get("token")),
            url=str(stream.get("url")),
            offset_ms=int(stream.get("offsetInMilliseconds") or 0),
            title=str(metadata.get("title", "")),
            subtitle=str(metadata.get("subtitle", "")),
        )
        behavior = directive.get("playBehavior")
        resumed = self.current is not None and track.token == self.current.token
        problems = []
        if track.token in self.played and not (resumed and behavior == "REPLACE_ALL"):
            problems.append(f"token {track.token!r} played before: tokens are unique per play")
        if behavior == "ENQUEUE":
            last = self.queue[-1].token if self.queue else getattr(self.current, "token", None)
            if stream.get("expectedPreviousToken") != last:
                return [*problems, "ENQUEUE ignored: expectedPreviousToken is not the last track"]
            self.queue.append(track)
        elif behavior == "REPLACE_ENQUEUED":
            self.queue[:] = [track]
        else:
            self.queue.clear()
            self._start(track)
        return problems

    def _start(self, track: Track) -> None:
        self.current, self.offset_ms, self.activity = track, track.offset_ms, PLAYING
        if track.token not in self.played:
            self.played.append(track.token)

    def advance(self) -> Track | None:
        """The current track finished: start the next queued one, if any."""
        if self.queue:
            self._start(self.queue.pop(0))
            return self.current
        self.activity = FINISHED
        return None


Send = Callable[[str, dict[str, Any]], dict[str, Any]]


def play_track(
    device: AudioPlayerDevice,
    send: Send,
    *,
    order: EventOrder = EventOrder.NORMAL,
    playable: Callable[[str], bool] = lambda url: True,
    duration_ms: int = 10_000,
) -> list[str]:
    """Play the current track to its end (or its failure), sending the events `order` says
    through `send(kind, fields)`; return the event kinds sent. The device then moves on to
    what the skill queued (or played instead)."""
    track = device.current
    assert track is not None and device.activity == PLAYING
    token = track.token

    def event(kind: str, offset: int, **extra: Any) -> None:
        send(kind, {"token": token, "offsetInMilliseconds": offset, **extra})
        sent.append(kind)

    sent: list[str] = []
    if not playable(track.url):
        error = {"type": "MEDIA_ERROR_UNKNOWN", "message": f"cannot play {track.url}"}
        state = {"token": token, "offsetInMilliseconds": 0, "playerActivity": PLAYING}
        event("AudioPlayer.PlaybackFailed", 0, error=error, currentPlaybackState=state)
        if device.current is not None and device.current.token == token:
            device.advance()  # nothing replaced it: on to what was queued
        return sent
    event("AudioPlayer.PlaybackStarted", track.offset_ms)
    nearly = max(track.offset_ms, duration_ms - 3_000)
    if order is EventOrder.SHORT:
        device.offset_ms = duration_ms
        event("AudioPlayer.PlaybackFinished", duration_ms)
        if device.current is not None and device.current.token == token:
            device.advance()  # the skill did not play the next one in its answer
        event("AudioPlayer.PlaybackNearlyFinished", duration_ms)  # late: context moved on
        return sent
    device.offset_ms = nearly
    event("AudioPlayer.PlaybackNearlyFinished", nearly)
    if order is EventOrder.DUPLICATE:
        event("AudioPlayer.PlaybackNearlyFinished", nearly)
    device.offset_ms = duration_ms
    event("AudioPlayer.PlaybackFinished", duration_ms)
    if device.current is not None and device.current.token == token:
        device.advance()
    return sent
