"""Envelopes of playback, as a device sends them: playback events and controller commands carry
no session; every request carries the device's AudioPlayer state in its context."""

from __future__ import annotations

import copy
from typing import Any

from tests.conftest import load_event

AUDIO_PLAYER_INTERFACE = {"AudioPlayer": {}}


def with_audio_player(
    event: dict[str, Any],
    *,
    token: str | None = None,
    offset: int = 0,
    activity: str = "PLAYING",
    screen: bool = True,
) -> dict[str, Any]:
    """`event` from a device with AudioPlayer, in `activity` on `token` (IDLE without one)."""
    event = copy.deepcopy(event)
    system = event["context"]["System"]
    interfaces = dict(system["device"]["supportedInterfaces"]) if screen else {}
    interfaces.update(AUDIO_PLAYER_INTERFACE)
    system["device"]["supportedInterfaces"] = interfaces
    state: dict[str, Any] = {"playerActivity": activity if token else "IDLE"}
    if token:
        state.update(token=token, offsetInMilliseconds=offset)
    event["context"]["AudioPlayer"] = state
    return event


def playback_request(
    kind: str,
    *,
    token: str | None,
    offset: int = 0,
    playing: str | None = None,
    activity: str = "PLAYING",
    locale: str = "en-US",
) -> dict[str, Any]:
    """An AudioPlayer.* event about `token`, or a PlaybackController.* command: no session.

    `playing` is the token the device's context reports (default: the event's own).
    """
    event = with_audio_player(
        load_event("launch"), token=playing or token, offset=offset, activity=activity
    )
    del event["session"]
    request: dict[str, Any] = {
        "type": kind,
        "requestId": "amzn1.echo-api.request.playback-0001",
        "timestamp": "2026-12-02T10:00:00Z",
        "locale": locale,
    }
    if kind.startswith("AudioPlayer."):
        request["token"] = token
        request["offsetInMilliseconds"] = offset
    if kind == "AudioPlayer.PlaybackFailed":
        request["error"] = {"type": "MEDIA_ERROR_UNKNOWN", "message": "cannot play"}
        request["currentPlaybackState"] = {
            "token": token,
            "offsetInMilliseconds": offset,
            "playerActivity": "PLAYING",
        }
    event["request"] = request
    return event


def intent_while_playing(
    name: str,
    *,
    token: str | None,
    offset: int = 0,
    activity: str = "PLAYING",
    new: bool = True,
    slots: dict[str, Any] | None = None,
    locale: str = "en-US",
) -> dict[str, Any]:
    """An IntentRequest from a device with AudioPlayer (a new session unless `new` is False)."""
    event = with_audio_player(
        load_event("get_new_fact", locale=locale), token=token, offset=offset, activity=activity
    )
    event["session"]["new"] = new
    event["request"]["intent"] = {"name": name, "confirmationStatus": "NONE", "slots": slots or {}}
    return event
