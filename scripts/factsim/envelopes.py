"""Request envelopes shaped like the ones Alexa sends (compare tests/events/*.json)."""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from factsim.resolver import Intent, Slot

API_ENDPOINT = "https://api.amazonalexa.com"
APL_INTERFACE = {"Alexa.Presentation.APL": {"runtime": {"maxVersion": "2024.1"}}}
ER_SUCCESS_MATCH = "ER_SUCCESS_MATCH"
ER_SUCCESS_NO_MATCH = "ER_SUCCESS_NO_MATCH"

Clock = Callable[[], datetime]
Envelope = dict[str, Any]


def utc_now() -> datetime:
    return datetime.now(UTC)


def new_id(kind: str) -> str:
    """Return an id the way Alexa spells them, e.g. amzn1.echo-api.request.<uuid>."""
    return f"amzn1.echo-api.{kind}.{uuid.uuid4()}"


# What may follow "amzn1.ask.account." in a listener's id the simulator makes from a name.
_LISTENER_NAME = re.compile(r"[A-Za-z0-9_-]{1,64}")


def listener_id(name: str | None = None, *, kind: str = "account") -> str:
    """Return a listener's id as Alexa spells it (amzn1.ask.account.<id>, amzn1.ask.person.<id>).

    The same `name` gives the same listener in every run (so a skill with memory recognizes
    them); None gives a new listener, never seen before.
    """
    if name is None:
        return f"amzn1.ask.{kind}.SIM{uuid.uuid4().hex.upper()}"
    if not _LISTENER_NAME.fullmatch(name):
        raise ValueError(f"a listener's name is 1 to 64 letters, digits, '-' or '_', not {name!r}")
    return f"amzn1.ask.{kind}.{name}"


@dataclass(frozen=True, slots=True)
class Device:
    """Who is talking to the skill, on what: fixed for a whole conversation.

    `person_id` is the recognized voice profile Alexa adds when it knows who speaks.
    """

    application_id: str
    user_id: str = "amzn1.ask.account.SIMULATOR"
    device_id: str = "amzn1.ask.device.SIMULATOR"
    screen: bool = True
    person_id: str | None = None
    audio_player: bool = False  # the AudioPlayer interface (long-form audio)

    def system(self) -> dict[str, Any]:
        interfaces: dict[str, Any] = dict(APL_INTERFACE) if self.screen else {}
        if self.audio_player:
            interfaces["AudioPlayer"] = {}
        system: dict[str, Any] = {
            "application": {"applicationId": self.application_id},
            "user": {"userId": self.user_id},
            "device": {"deviceId": self.device_id, "supportedInterfaces": interfaces},
            "apiEndpoint": API_ENDPOINT,
        }
        if self.person_id is not None:
            system["person"] = {"personId": self.person_id}
        return system


def launch_request() -> dict[str, Any]:
    return {"type": "LaunchRequest"}


def session_ended_request() -> dict[str, Any]:
    return {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}


def slot_json(slot: Slot, *, application_id: str) -> dict[str, Any]:
    """Return one slot as Alexa sends it: unfilled slots carry only name and status."""
    if slot.spoken is None:
        return {"name": slot.name, "confirmationStatus": "NONE"}
    body: dict[str, Any] = {
        "name": slot.name,
        "value": slot.spoken,
        "confirmationStatus": "NONE",
        "source": "USER",
    }
    if slot.type.startswith("AMAZON."):
        return body  # built-in slot types carry no entity resolution
    authority: dict[str, Any] = {
        "authority": f"amzn1.er-authority.echo-sdk.{application_id}.{slot.type}",
        "status": {"code": ER_SUCCESS_MATCH if slot.value else ER_SUCCESS_NO_MATCH},
    }
    if slot.value is not None:
        authority["values"] = [{"value": {"name": slot.value.name, "id": slot.value.id}}]
    body["resolutions"] = {"resolutionsPerAuthority": [authority]}
    return body


def intent_request(intent: Intent, *, application_id: str) -> dict[str, Any]:
    return {
        "type": "IntentRequest",
        "intent": {
            "name": intent.name,
            "confirmationStatus": "NONE",
            "slots": {
                slot.name: slot_json(slot, application_id=application_id) for slot in intent.slots
            },
        },
    }


def envelope(
    request: Mapping[str, Any],
    *,
    device: Device,
    locale: str,
    session_id: str | None,
    new: bool,
    attributes: Mapping[str, Any],
    clock: Clock = utc_now,
    player: Mapping[str, Any] | None = None,
) -> Envelope:
    """Wrap `request` (type and its own fields) in a full envelope with ids and a timestamp.

    `session_id` None: a request without a session (AudioPlayer, PlaybackController). `player`:
    the device's context.AudioPlayer.
    """
    system = device.system()
    context: dict[str, Any] = {"System": system}
    if player is not None:
        context["AudioPlayer"] = dict(player)
    event: Envelope = {"version": "1.0"}
    if session_id is not None:
        event["session"] = {
            "new": new,
            "sessionId": session_id,
            "application": dict(system["application"]),
            "user": dict(system["user"]),
            "attributes": dict(attributes),
        }
    return {
        **event,
        "context": context,
        "request": {
            "type": request["type"],
            "requestId": new_id("request"),
            "timestamp": clock().astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": locale,
            **{key: value for key, value in request.items() if key != "type"},
        },
    }


def describe(event: Mapping[str, Any]) -> str:
    """Summarize a request in one line: type, intent and slots with their resolution."""
    request = event.get("request", {})
    if request.get("type") != "IntentRequest":
        return str(request.get("type"))
    intent = request.get("intent", {})
    parts = [f"IntentRequest {intent.get('name')}"]
    for name, slot in intent.get("slots", {}).items():
        if "value" not in slot:
            continue
        authorities = slot.get("resolutions", {}).get("resolutionsPerAuthority", [])
        ids = [v["value"]["id"] for a in authorities for v in a.get("values", [])]
        codes = [a["status"]["code"] for a in authorities]
        resolved = f" -> {ids[0]}" if ids else (f" ({codes[0]})" if codes else "")
        parts.append(f"{name}={slot['value']!r}{resolved}")
    return " ".join(parts)
