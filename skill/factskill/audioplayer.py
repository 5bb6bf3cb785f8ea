"""AudioPlayer directives for "play all facts": Play (with metadata), Stop, ClearQueue.

The SDK's model classes are imported on first use: only a playback request pays for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from factskill.playlist import Cursor, encode

if TYPE_CHECKING:
    from factskill.captions import Captions
    from factskill.content import LocaleContent

REPLACE_ALL = "REPLACE_ALL"
ENQUEUE = "ENQUEUE"


def play_directive(
    content: LocaleContent,
    cursor: Cursor,
    ordered: tuple[str, ...],
    *,
    behavior: str = REPLACE_ALL,
    offset_ms: int = 0,
    previous_token: str | None = None,
    art_url: str | None = None,
    captions: Captions | None = None,
) -> Any:
    """Play the cursor's fact: REPLACE_ALL, or ENQUEUE after `previous_token` (then required).

    `expectedPreviousToken` goes with ENQUEUE and only with it: Alexa refuses the response
    otherwise. With `captions`, the clip's WebVTT captions go with it (captionData), when they
    can be had.
    """
    from ask_sdk_model.interfaces.audioplayer import (
        AudioItem,
        PlayBehavior,
        PlayDirective,
        Stream,
    )

    if (behavior == ENQUEUE) != (previous_token is not None):
        raise ValueError("expectedPreviousToken goes with ENQUEUE, and only with it")
    clip = content.audio[cursor.fact]
    vtt = captions.text(clip.captions_url) if captions is not None else None
    stream = Stream(
        token=encode(cursor),
        url=clip.url,
        offset_in_milliseconds=max(0, offset_ms),
        expected_previous_token=previous_token,
        caption_data=caption_data(vtt) if vtt else None,
    )
    return PlayDirective(
        play_behavior=PlayBehavior(behavior),
        audio_item=AudioItem(stream=stream, metadata=metadata(content, cursor, ordered, art_url)),
    )


def caption_data(vtt: str) -> Any:
    from ask_sdk_model.interfaces.audioplayer import CaptionData, CaptionType

    return CaptionData(content=vtt, object_type=CaptionType.WEBVTT)


def metadata(
    content: LocaleContent, cursor: Cursor, ordered: tuple[str, ...], art_url: str | None
) -> Any:
    """What a screen shows while a fact plays: the skill, the topic, "Fact 3 of 12", the art."""
    from ask_sdk_model.interfaces.audioplayer import AudioItemMetadata
    from ask_sdk_model.interfaces.display import Image, ImageInstance

    prompts, deck = content.prompts, content.deck
    fact = deck.get(cursor.fact)
    topic = deck.topics.get(fact.topic if fact else cursor.topic or "", "")
    place = prompts.say("playback_subtitle", number=str(cursor.index + 1), count=str(len(ordered)))
    art = Image(sources=[ImageInstance(url=art_url)]) if art_url else None
    return AudioItemMetadata(
        title=prompts.say("skill_name"),
        subtitle=f"{topic} · {place}" if topic else place,
        art=art,
        background_image=None,
    )


def stop_directive() -> Any:
    from ask_sdk_model.interfaces.audioplayer import StopDirective

    return StopDirective()


def clear_queue_directive() -> Any:
    """Stop what plays and forget the queue (Cancel, Stop): not only pause it."""
    from ask_sdk_model.interfaces.audioplayer import ClearBehavior, ClearQueueDirective

    return ClearQueueDirective(clear_behavior=ClearBehavior.CLEAR_ALL)
