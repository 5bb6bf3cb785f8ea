"""The AudioPlayer rules a response must meet, checked against the request it answers.

One validator for the tests and the simulator's device (ALEXA.md section 10; the AudioPlayer
interface reference): one Play per response, an https stream, a string token of at most 1,024
characters, expectedPreviousToken with ENQUEUE and only with it, no speech, card, reprompt or
shouldEndSession in answer to AudioPlayer and PlaybackController requests, a session ended by an
IntentRequest that plays, and no AudioPlayer directive to a device without AudioPlayer.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from factcontent.limits import MAX_AUDIO_TOKEN_CHARACTERS

PLAY = "AudioPlayer.Play"
CLEAR_QUEUE = "AudioPlayer.ClearQueue"
PLAY_BEHAVIORS = ("REPLACE_ALL", "ENQUEUE", "REPLACE_ENQUEUED")
AUDIO_PLAYER_DIRECTIVES = ("AudioPlayer.Play", "AudioPlayer.Stop", "AudioPlayer.ClearQueue")
CLEAR_BEHAVIORS = ("CLEAR_ENQUEUED", "CLEAR_ALL")
# Requests without a session, whose answers may carry AudioPlayer directives and nothing else.
PLAYBACK_REQUEST_PREFIXES = ("AudioPlayer.", "PlaybackController.")
FORBIDDEN_IN_PLAYBACK_ANSWERS = ("outputSpeech", "card", "reprompt", "shouldEndSession")


def _get(node: Any, *path: str) -> Any:
    for key in path:
        node = node.get(key) if isinstance(node, Mapping) else None
    return node


def has_audio_player(request_envelope: Mapping[str, Any]) -> bool:
    interfaces = _get(request_envelope, "context", "System", "device", "supportedInterfaces")
    return isinstance(interfaces, Mapping) and "AudioPlayer" in interfaces


def play_problems(play: Mapping[str, Any]) -> list[str]:
    """What is wrong with one AudioPlayer.Play directive."""
    problems = []
    behavior = play.get("playBehavior")
    if behavior not in PLAY_BEHAVIORS:
        problems.append(f"playBehavior {behavior!r} is not one of {list(PLAY_BEHAVIORS)}")
    stream = _get(play, "audioItem", "stream")
    if not isinstance(stream, Mapping):
        return [*problems, "Play has no audioItem.stream"]
    url = stream.get("url")
    if not isinstance(url, str) or not url.lower().startswith("https://"):
        problems.append(f"stream url {url!r} is not https")
    token = stream.get("token")
    if not isinstance(token, str) or not 0 < len(token) <= MAX_AUDIO_TOKEN_CHARACTERS:
        problems.append(
            f"token {token!r} is not a string of 1 to {MAX_AUDIO_TOKEN_CHARACTERS} characters"
        )
    previous = stream.get("expectedPreviousToken")
    if behavior == "ENQUEUE" and not isinstance(previous, str):
        problems.append("ENQUEUE without expectedPreviousToken")
    if behavior != "ENQUEUE" and previous is not None:
        problems.append(f"expectedPreviousToken with {behavior}: only ENQUEUE may carry it")
    offset = stream.get("offsetInMilliseconds")
    if not isinstance(offset, int) or isinstance(offset, bool) or offset < 0:
        problems.append(f"offsetInMilliseconds {offset!r} is not a whole number >= 0")
    captions = stream.get("captionData")
    if captions is not None:
        content = _get(captions, "content")
        if _get(captions, "type") != "WEBVTT" or not str(content).startswith("WEBVTT"):
            problems.append("captionData is not WEBVTT content")
    return problems


def audio_player_problems(
    request_envelope: Mapping[str, Any], response_envelope: Mapping[str, Any]
) -> list[str]:
    """Every AudioPlayer rule `response_envelope` breaks as the answer to `request_envelope`."""
    problems: list[str] = []
    request_type = str(_get(request_envelope, "request", "type") or "")
    response = response_envelope.get("response")
    response = response if isinstance(response, Mapping) else {}
    directives = response.get("directives") or []
    kinds = [d.get("type") for d in directives if isinstance(d, Mapping)]
    plays = [d for d in directives if isinstance(d, Mapping) and d.get("type") == PLAY]
    if len(plays) > 1:
        problems.append(f"{len(plays)} AudioPlayer.Play directives: at most one per response")
    for play in plays:
        problems += play_problems(play)
    clears = [d for d in directives if isinstance(d, Mapping) and d.get("type") == CLEAR_QUEUE]
    problems += [
        f"ClearQueue clearBehavior {d.get('clearBehavior')!r} is not one of {list(CLEAR_BEHAVIORS)}"
        for d in clears
        if d.get("clearBehavior") not in CLEAR_BEHAVIORS
    ]
    audio = [k for k in kinds if k in AUDIO_PLAYER_DIRECTIVES]
    if audio and not has_audio_player(request_envelope):
        problems.append(f"{audio[0]} sent to a device without the AudioPlayer interface")
    if request_type.startswith(PLAYBACK_REQUEST_PREFIXES):
        for key in FORBIDDEN_IN_PLAYBACK_ANSWERS:
            if key in response:
                problems.append(f"{key} in the answer to {request_type}")
        other = [k for k in kinds if k not in AUDIO_PLAYER_DIRECTIVES]
        if other:
            problems.append(f"{other[0]} in the answer to {request_type}: AudioPlayer only")
        if response_envelope.get("sessionAttributes"):
            problems.append(f"sessionAttributes in the answer to {request_type}: it has no session")
    elif plays and response.get("shouldEndSession") is not True:
        problems.append(f"{request_type} that plays must end the session (shouldEndSession true)")
    return problems
