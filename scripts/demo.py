"""Run a scripted conversation through the real Lambda handler, in-process, and print it.

Usage: python scripts/demo.py [--locale en-US ...]
"""

from __future__ import annotations

import argparse
import logging
import sys
import uuid
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from factskill.app import handler

# (what the user says, the request it becomes)
Turn = tuple[str, dict[str, Any]]


def intent(name: str, topic: tuple[str, str] | None = None) -> dict[str, Any]:
    slots: dict[str, Any] = {}
    if topic is not None:
        spoken, topic_id = topic
        slots["topic"] = {
            "name": "topic",
            "value": spoken,
            "resolutions": {
                "resolutionsPerAuthority": [
                    {
                        "authority": "amzn1.er-authority.echo-sdk.demo.TopicType",
                        "status": {"code": "ER_SUCCESS_MATCH"},
                        "values": [{"value": {"name": spoken, "id": topic_id}}],
                    }
                ]
            },
        }
    return {"type": "IntentRequest", "intent": {"name": name, "slots": slots}}


SCRIPT: Sequence[Turn] = (
    ("open serverless facts", {"type": "LaunchRequest"}),
    ("yes", intent("AMAZON.YesIntent")),
    ("repeat that", intent("AMAZON.RepeatIntent")),
    ("what topics do you know", intent("ListTopicsIntent")),
    ("a fact about pricing", intent("GetNewFactIntent", ("pricing", "pricing"))),
    ("next", intent("AMAZON.NextIntent")),
    ("help", intent("AMAZON.HelpIntent")),
    ("no", intent("AMAZON.NoIntent")),
)


def envelope(
    request: dict[str, Any], *, locale: str, attributes: dict[str, Any], new: bool
) -> dict[str, Any]:
    app = {"applicationId": "amzn1.ask.skill.demo"}
    user = {"userId": "amzn1.ask.account.demo"}
    return {
        "version": "1.0",
        "session": {
            "new": new,
            "sessionId": "demo-session",
            "application": app,
            "user": user,
            "attributes": attributes,
        },
        "context": {
            "System": {
                "application": app,
                "user": user,
                "device": {"deviceId": "demo", "supportedInterfaces": {}},
            }
        },
        "request": {
            **request,
            "requestId": f"demo.{uuid.uuid4()}",
            "timestamp": datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "locale": locale,
        },
    }


def spoken(ssml: str) -> str:
    """Render SSML for a reader: text as is, each <audio> as [audio URL]."""
    root = ET.fromstring(ssml)  # noqa: S314 - SSML our own skill produced
    parts = [root.text or ""]
    for child in root:
        parts.append(
            f"[audio {child.attrib.get('src')}]"
            if child.tag == "audio"
            else "".join(child.itertext())
        )
        parts.append(child.tail or "")
    return " ".join("".join(parts).split())


def run(locale: str) -> int:
    attributes: dict[str, Any] = {}
    print(f"--- {locale} ---")
    for number, (utterance, request) in enumerate(SCRIPT):
        response = handler(
            envelope(request, locale=locale, attributes=attributes, new=number == 0), None
        )
        body = response["response"]
        attributes = response.get("sessionAttributes") or {}
        print(f"  user : {utterance}")
        print(f"  alexa: {spoken(body['outputSpeech']['ssml'])}")
        if body.get("card"):
            print(f"  card : {body['card']['title']}: {body['card']['content']}")
        if body.get("shouldEndSession"):
            print("  (session ended)")
            return 0
    print("  (script ended with the session open)", file=sys.stderr)
    return 1


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--locale", action="append", help="locale to run (repeatable; default en-US)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    status = 0
    for locale in args.locale or ["en-US", "de-DE"]:
        status |= run(locale)
    return status


if __name__ == "__main__":
    raise SystemExit(main())
