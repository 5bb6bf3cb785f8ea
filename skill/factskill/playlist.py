"""Pure: "play all facts" as a playlist, and the AudioPlayer token that carries its place.

AudioPlayer and PlaybackController requests carry no session, so everything needed to go on
travels in the stream's token: the locale, the topic, the order (deck order, or a shuffle of it
by a seed), loop and shuffle, the place in the order and the fact there, and a play counter
that makes every token unique (a fact played again in a loop gets a new one).

    sf1|en-US|pricing|5f3a9c01|10|3|pricing-04|7
    prefix locale topic seed loop/shuffle index fact play

Topic and fact ids are percent-encoded (an id may contain "|"). A token that does not parse is
not ours: nothing is played from it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from factcontent.deck import Deck
from factcontent.limits import MAX_AUDIO_TOKEN_CHARACTERS, MAX_ID_LENGTH
from factcontent.locales import LOCALE_LANGUAGE
from factcontent.records import Record

PREFIX = "sf1"
MAX_COUNT = 10**6  # index and play counter: a listener does not play a million facts
_SEED_HEX = 8
_FIELDS = 8


class Cursor(Record):
    """A place in a playlist: what a token says."""

    locale: str
    topic: str | None
    seed: int
    loop: bool
    shuffle: bool
    index: int  # in the order
    fact: str  # the fact at `index` when the token was made
    play: int  # counts the plays of this playlist: unique tokens


def _quote(value: str) -> str:
    from urllib.parse import quote

    return quote(value, safe="-_.~")


def _unquote(value: str) -> str | None:
    from urllib.parse import unquote

    text = unquote(value, errors="strict") if "%" in value else value
    if not 0 < len(text) <= MAX_ID_LENGTH or not text.isascii() or not text.isprintable():
        return None
    return text


def encode(cursor: Cursor) -> str:
    flags = f"{int(cursor.loop)}{int(cursor.shuffle)}"
    return "|".join(
        (
            PREFIX,
            cursor.locale,
            _quote(cursor.topic) if cursor.topic else "",
            f"{cursor.seed:0{_SEED_HEX}x}",
            flags,
            str(cursor.index),
            _quote(cursor.fact),
            str(cursor.play),
        )
    )


def _count(text: str) -> int | None:
    if not text.isdigit() or not text.isascii() or len(text) > 7:
        return None
    value = int(text)
    return value if value < MAX_COUNT else None


def decode(token: object) -> Cursor | None:
    """The cursor a token of ours carries; None for anything else (another skill's, forged)."""
    if not isinstance(token, str) or len(token) > MAX_AUDIO_TOKEN_CHARACTERS:
        return None
    parts = token.split("|")
    if len(parts) != _FIELDS or parts[0] != PREFIX:
        return None
    _, locale, topic, seed, flags, index, fact, play = parts
    if locale not in LOCALE_LANGUAGE or flags not in ("00", "01", "10", "11"):
        return None
    if len(seed) != _SEED_HEX or any(c not in "0123456789abcdef" for c in seed):
        return None
    topic_id = _unquote(topic) if topic else None
    fact_id = _unquote(fact)
    at, count = _count(index), _count(play)
    if fact_id is None or (topic and topic_id is None) or at is None or count is None:
        return None
    return Cursor(
        locale=locale,
        topic=topic_id,
        seed=int(seed, 16),
        loop=flags[0] == "1",
        shuffle=flags[1] == "1",
        index=at,
        fact=fact_id,
        play=count,
    )


def new_seed() -> int:
    import os

    return int.from_bytes(os.urandom(4), "big")


def playable(deck: Deck, audio: Mapping[str, object], topic: str | None) -> tuple[str, ...]:
    """The facts (of `topic`) that have a playable MP3, in deck order: a stream cannot fall
    back to Alexa's voice, so the others are left out."""
    return tuple(
        fact.id
        for fact in deck.facts
        if fact.id in audio and (topic is None or fact.topic == topic)
    )


def order(ids: Sequence[str], *, seed: int, shuffle: bool) -> tuple[str, ...]:
    """Deck order, or a shuffle of it that only `seed` decides (the same on every request)."""
    if not shuffle:
        return tuple(ids)
    import hashlib

    salt = seed.to_bytes(4, "big")
    return tuple(
        sorted(ids, key=lambda i: hashlib.blake2b(i.encode(), key=salt, digest_size=8).digest())
    )


def locate(cursor: Cursor, ordered: Sequence[str]) -> int | None:
    """Where the cursor's fact is now (the deck may have changed under a long stream): its
    fact, else its index if still in range; None when the playlist is empty."""
    if not ordered:
        return None
    if 0 <= cursor.index < len(ordered) and ordered[cursor.index] == cursor.fact:
        return cursor.index
    try:
        return ordered.index(cursor.fact)
    except ValueError:
        return min(cursor.index, len(ordered) - 1)


def first(locale: str, topic: str | None, ordered: Sequence[str], *, seed: int) -> Cursor | None:
    if not ordered:
        return None
    return Cursor(
        locale=locale,
        topic=topic,
        seed=seed,
        loop=False,
        shuffle=False,
        index=0,
        fact=ordered[0],
        play=0,
    )


def moved(cursor: Cursor, ordered: Sequence[str], delta: int) -> Cursor | None:
    """The cursor `delta` facts on (1: next, -1: previous, 0: the same fact again), as a new
    play; past the end, the first fact again when looping, else None. Before the first: the
    first."""
    here = locate(cursor, ordered)
    if here is None:
        return None
    there = here + delta
    if there >= len(ordered):
        if not cursor.loop:
            return None
        there = 0
    there = max(there, 0)
    return cursor._replace(index=there, fact=ordered[there], play=(cursor.play + 1) % MAX_COUNT)  # type: ignore[no-any-return]


def reordered(
    cursor: Cursor, ids: Sequence[str], *, shuffle: bool
) -> tuple[Cursor, tuple[str, ...]]:
    """The same fact, in the order shuffle on or off gives (a new seed when turned on): what
    follows it changes, not what plays now."""
    seed = new_seed() if shuffle and not cursor.shuffle else cursor.seed
    ordered = order(ids, seed=seed, shuffle=shuffle)
    here = ordered.index(cursor.fact) if cursor.fact in ordered else 0
    new = cursor._replace(
        seed=seed, shuffle=shuffle, index=here, fact=ordered[here] if ordered else cursor.fact
    )
    return new, ordered
