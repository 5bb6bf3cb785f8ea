"""Pure: decide which facts have a playable MP3, from a manifest and the current deck."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Mapping

from factcontent.deck import Deck
from factcontent.limits import MAX_AUDIO_FILE_SECONDS
from factcontent.manifest import AudioEntry, text_digest
from factskill.speech import AudioClip, is_allowed_audio_url

logger = logging.getLogger(__name__)


def _check(entry: AudioEntry, text: str, base_url: str | None, allow_http: bool) -> str | AudioClip:
    if entry.text_sha256 != text_digest(text):
        return "stale (made from another text)"
    url = entry.url(base_url)
    if url is None:
        return "no AUDIO_BASE_URL for a relative key"
    if not is_allowed_audio_url(url, allow_http=allow_http):
        return "not an https URL"
    if entry.duration > MAX_AUDIO_FILE_SECONDS:
        return f"longer than {MAX_AUDIO_FILE_SECONDS:.0f} s"
    captions = entry.captions_url(base_url)
    if captions is not None and not is_allowed_audio_url(captions, allow_http=allow_http):
        captions = None
    return AudioClip(url=url, duration=entry.duration, captions_url=captions)


def playable_audio(
    deck: Deck,
    entries: Mapping[str, AudioEntry],
    *,
    locale: str,
    base_url: str | None,
    allow_http: bool,
) -> dict[str, AudioClip]:
    """Return fact id -> clip for every manifest entry that may be played; log the rest once."""
    clips: dict[str, AudioClip] = {}
    refused: Counter[str] = Counter()
    for fact in deck.facts:
        entry = entries.get(fact.id)
        if entry is None:
            continue
        result = _check(entry, fact.text, base_url, allow_http)
        if isinstance(result, AudioClip):
            clips[fact.id] = result
        else:
            refused[result] += 1
    for reason, count in refused.items():
        logger.warning(
            "%s: %d audio entries ignored, Alexa will speak the text: %s", locale, count, reason
        )
    return clips
