"""Render a skill response for a reader: speech as text, reprompt, card, audio checks, problems."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from factcontent.limits import MAX_AUDIO_TAGS
from factsim.audiocheck import AudioCheck, AudioVerdict

APL_DIRECTIVE_PREFIX = "Alexa.Presentation.APL."
SPACED_TAGS = frozenset({"p", "s", "break"})  # paragraphs, sentences and pauses separate words


@dataclass(frozen=True, slots=True)
class Reply:
    """What the skill answered, readable; `problems` are what Alexa would refuse or flag."""

    speech: str = ""
    reprompt: str = ""
    card_title: str | None = None
    card_text: str | None = None
    directives: tuple[str, ...] = ()
    audio: tuple[tuple[str, AudioVerdict | None], ...] = ()  # (url, None when not checked)
    problems: tuple[str, ...] = ()
    should_end_session: bool | None = None

    def lines(self) -> list[str]:
        lines = [self.speech or "(no speech)"]
        if self.reprompt:
            lines.append(f"reprompt: {self.reprompt}")
        if self.card_title is not None or self.card_text is not None:
            lines.append(f"card: {self.card_title or ''} | {self.card_text or ''}")
        lines.extend(f"directive: {name}" for name in self.directives)
        for url, verdict in self.audio:
            lines.append(f"audio {url}: {verdict or 'not checked'}")
        lines.extend(f"problem: {problem}" for problem in self.problems)
        return lines

    def failures(self) -> list[str]:
        """Return the problems and every audio URL whose check failed."""
        failed = [f"audio {url}: {v.detail}" for url, v in self.audio if v and not v.ok]
        return [*self.problems, *failed]


def _text(element: ET.Element, parts: list[str]) -> None:
    if element.tag == "audio":
        parts.append(f" [audio {element.attrib.get('src', '')}] ")
    else:
        gap = " " if element.tag in SPACED_TAGS else ""
        parts.append(gap + (element.text or ""))
        for child in element:
            _text(child, parts)
        parts.append(gap)
    parts.append(element.tail or "")


def speech_text(ssml: str) -> str:
    """Render SSML for a reader: tags removed, entities decoded, each <audio> as [audio URL].

    Raises ET.ParseError when `ssml` is malformed (Alexa would refuse the whole response).
    """
    root = ET.fromstring(ssml)  # noqa: S314 - a skill response we are inspecting, not trusting
    parts: list[str] = []
    _text(root, parts)
    return " ".join("".join(parts).split())


def audio_urls(ssml: str) -> list[str]:
    root = ET.fromstring(ssml)  # noqa: S314 - as above
    return [element.attrib.get("src", "") for element in root.iter("audio")]


def _speech(node: object, where: str, problems: list[str]) -> tuple[str, list[str]]:
    """Return (text, audio URLs) of an outputSpeech object, noting problems."""
    if not isinstance(node, Mapping):
        return "", []
    if node.get("type") == "PlainText":
        return str(node.get("text", "")), []
    ssml = str(node.get("ssml", ""))
    try:
        text, urls = speech_text(ssml), audio_urls(ssml)
    except ET.ParseError as exc:
        problems.append(f"{where} is malformed SSML ({exc}): {ssml[:120]}")
        return ssml, []
    if len(urls) > MAX_AUDIO_TAGS:
        problems.append(f"{where} has {len(urls)} <audio> tags; Alexa allows {MAX_AUDIO_TAGS}")
    return text, urls


def _card(body: Mapping[str, Any]) -> tuple[str | None, str | None]:
    card = body.get("card")
    if not isinstance(card, Mapping):
        return None, None
    text = card.get("content", card.get("text"))
    return card.get("title"), None if text is None else str(text)


def render_reply(
    response: Mapping[str, Any], *, check_audio: AudioCheck | None, screen: bool
) -> Reply:
    """Return the readable reply in `response`; `check_audio` (None: skip) judges each URL."""
    body = response.get("response")
    body = body if isinstance(body, Mapping) else {}
    problems: list[str] = []
    speech, urls = _speech(body.get("outputSpeech"), "outputSpeech", problems)
    reprompt_node = body.get("reprompt")
    reprompt, reprompt_urls = _speech(
        reprompt_node.get("outputSpeech") if isinstance(reprompt_node, Mapping) else None,
        "reprompt",
        problems,
    )
    end = body.get("shouldEndSession")
    if speech and end is False and not reprompt:
        problems.append("the session stays open but there is no reprompt")
    directives = tuple(
        describe_directive(d) for d in body.get("directives") or () if isinstance(d, Mapping)
    )
    if not screen and any(d.startswith(APL_DIRECTIVE_PREFIX) for d in directives):
        problems.append("an APL directive for a device without a screen: Alexa rejects it")
    audio = []
    for url in dict.fromkeys([*urls, *reprompt_urls]):
        audio.append((url, check_audio(url) if check_audio is not None else None))
    title, text = _card(body)
    return Reply(
        speech=speech,
        reprompt=reprompt,
        card_title=title,
        card_text=text,
        directives=directives,
        audio=tuple(audio),
        problems=tuple(problems),
        should_end_session=end if isinstance(end, bool) else None,
    )


def describe_directive(directive: Mapping[str, Any]) -> str:
    """One line for a directive: a Play's behavior, token, offset and title."""
    kind = str(directive.get("type"))
    if kind == "AudioPlayer.Play":
        stream = directive.get("audioItem", {}).get("stream", {})
        metadata = directive.get("audioItem", {}).get("metadata") or {}
        offset = stream.get("offsetInMilliseconds") or 0
        at = f" at {offset / 1000:.1f} s" if offset else ""
        shown = f" ({metadata['subtitle']})" if metadata.get("subtitle") else ""
        captioned = " +captions" if stream.get("captionData") else ""
        return f"{kind} {directive.get('playBehavior')} {stream.get('token')}{at}{shown}{captioned}"
    if kind == "AudioPlayer.ClearQueue":
        return f"{kind} {directive.get('clearBehavior')}"
    return kind
