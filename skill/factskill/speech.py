"""Pure SSML: escaping, <audio> tags and Alexa's limits, enforced in one place."""

from __future__ import annotations

import logging

from factcontent.limits import (
    MAX_AUDIO_FILE_SECONDS,
    MAX_AUDIO_TAGS,
    MAX_REPROMPT_AUDIO_SECONDS,
    MAX_SPEECH_AUDIO_SECONDS,
    MAX_SSML_CHARACTERS,
)
from factcontent.records import Record
from factcontent.text import xml_safe

logger = logging.getLogger(__name__)

# Not xml.sax.saxutils: importing it pulls in urllib and http.client, a third of a cold start.
# str.replace per entity, & first: several times faster than str.translate with a dict.
_ENTITIES = (("&", "&amp;"), ("<", "&lt;"), (">", "&gt;"), ('"', "&quot;"), ("'", "&apos;"))


# What ResponseBuilder.speak()/ask() wrap the body in.
_SPEAK_TAGS = len("<speak></speak>")


def escape(text: str) -> str:
    """Escape plain text for SSML: &, <, > and quotes; characters XML forbids are dropped (the
    second defence: content is checked before it gets here)."""
    text = xml_safe(text)
    for char, entity in _ENTITIES:
        if char in text:
            text = text.replace(char, entity)
    return text


def is_allowed_audio_url(url: str, *, allow_http: bool) -> bool:
    """Return True for https URLs (and http ones when explicitly allowed) without spaces."""
    lowered = url.lower()
    if any(c.isspace() for c in url):
        return False
    return lowered.startswith("https://") or (allow_http and lowered.startswith("http://"))


class AudioClip(Record):
    url: str
    duration: float
    captions_url: str | None = None  # its WebVTT captions (for AudioPlayer's captionData)


class SpeechBuilder:
    """Collect text and audio for one outputSpeech or reprompt within Alexa's limits.

    Audio that would break a limit (tag count, total seconds, scheme) is replaced by its
    fallback text and logged, so a response is always valid SSML.
    """

    __slots__ = (
        "_length",
        "_parts",
        "allow_http",
        "audio_seconds",
        "audio_tags",
        "max_audio_seconds",
    )

    def __init__(
        self, max_audio_seconds: float = MAX_SPEECH_AUDIO_SECONDS, *, allow_http: bool = False
    ) -> None:
        self.max_audio_seconds = max_audio_seconds
        self.allow_http = allow_http
        self.audio_tags = 0
        self.audio_seconds = 0.0
        self._parts: list[str] = []
        self._length = _SPEAK_TAGS  # of the SSML so far, with <speak></speak>

    @classmethod
    def for_reprompt(cls, *, allow_http: bool = False) -> SpeechBuilder:
        return cls(MAX_REPROMPT_AUDIO_SECONDS, allow_http=allow_http)

    def _append(self, ssml: str) -> bool:
        """Add a part if the SSML stays within Alexa's 8,000 characters."""
        length = self._length + len(ssml) + bool(self._parts)
        if length > MAX_SSML_CHARACTERS:
            return False
        self._parts.append(ssml)
        self._length = length
        return True

    def text(self, text: str) -> SpeechBuilder:
        """Append plain text, escaped; what would pass Alexa's SSML limit is cut at a word."""
        if text and not self._append(escape(text)):
            words = text.split()
            room = MAX_SSML_CHARACTERS - self._length - bool(self._parts)
            fits, misses = 0, len(words)  # the most words that fit, found by bisection
            while misses - fits > 1:
                middle = (fits + misses) // 2
                if len(escape(" ".join(words[:middle]))) <= room:
                    fits = middle
                else:
                    misses = middle
            if fits:
                self._append(escape(" ".join(words[:fits])))
            logger.warning("speech cut to fit %d SSML characters", MAX_SSML_CHARACTERS)
        return self

    def audio(self, clip: AudioClip | None, fallback_text: str) -> SpeechBuilder:
        """Append `clip` as <audio>, or `fallback_text` when it is missing or breaks a limit."""
        reason = self._refusal(clip)
        if clip is None or reason:
            if clip is not None:
                logger.warning("speaking text instead of %s: %s", clip.url, reason)
            return self.text(fallback_text)
        if not self._append(f'<audio src="{escape(clip.url)}"/>'):
            return self.text(fallback_text)
        self.audio_tags += 1
        self.audio_seconds += clip.duration
        return self

    def _refusal(self, clip: AudioClip | None) -> str:
        if clip is None:
            return ""
        if not is_allowed_audio_url(clip.url, allow_http=self.allow_http):
            return "audio URLs must be https"
        if not 0 < clip.duration <= MAX_AUDIO_FILE_SECONDS:
            return f"a file must last between 0 and {MAX_AUDIO_FILE_SECONDS:.0f} s"
        if self.audio_tags >= MAX_AUDIO_TAGS:
            return f"at most {MAX_AUDIO_TAGS} <audio> tags per response"
        if self.audio_seconds + clip.duration > self.max_audio_seconds:
            return f"at most {self.max_audio_seconds:.0f} s of audio here"
        return ""

    def ssml(self) -> str:
        """Return the body to pass to ResponseBuilder.speak()/ask() (it adds <speak>)."""
        return " ".join(self._parts)
