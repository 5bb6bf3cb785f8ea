"""Pure deck logic: parse and check a deck, pick facts without repeats."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeVar

from factcontent.exceptions import DeckError
from factcontent.limits import POLLY_MAX_BILLED_CHARACTERS
from factcontent.records import Record

REQUIRED_FACT_FIELDS = ("id", "topic", "text")


class Fact(Record):
    id: str
    topic: str
    text: str


class Deck:
    """The facts of one language, with topic ids mapped to their spoken names (read-only)."""

    __slots__ = ("_all_ids", "_by_id", "_by_topic", "facts", "language", "topics")

    def __init__(
        self, *, language: str, topics: Mapping[str, str], facts: tuple[Fact, ...]
    ) -> None:
        self.language = language
        self.topics = topics
        self.facts = facts
        by_topic: dict[str, list[str]] = {t: [] for t in topics}
        for fact in facts:
            by_topic.setdefault(fact.topic, []).append(fact.id)
        self._by_id = {f.id: f for f in facts}
        self._by_topic = {t: tuple(ids) for t, ids in by_topic.items()}
        self._all_ids = tuple(f.id for f in facts)

    def __repr__(self) -> str:
        return f"Deck(language={self.language!r}, facts={len(self.facts)})"

    def get(self, fact_id: str) -> Fact | None:
        return self._by_id.get(fact_id)

    def ids(self, topic: str | None = None) -> tuple[str, ...]:
        """Return the fact ids of `topic`, or of the whole deck when `topic` is None."""
        return self._all_ids if topic is None else self._by_topic.get(topic, ())


def deck_to_json(deck: Deck) -> dict[str, object]:
    """Return the deck in its file format (what parse_deck reads), for publishing."""
    return {
        "language": deck.language,
        "topics": dict(deck.topics),
        "facts": [{"id": f.id, "topic": f.topic, "text": f.text} for f in deck.facts],
    }


def billed_characters(text: str) -> int:
    """Return the characters Polly bills for plain `text` (every character counts)."""
    return len(text)


def _fail(
    source: str, locales: Sequence[str], message: str, fact_id: str | None = None
) -> DeckError:
    where = f"{source} [{', '.join(locales)}]"
    if fact_id is not None:
        where += f" fact {fact_id!r}"
    return DeckError(f"{where}: {message}")


def _parse_fact(
    raw: object, index: int, topics: Mapping[str, str], *, source: str, locales: Sequence[str]
) -> Fact:
    fact_id = raw.get("id") if isinstance(raw, Mapping) else None
    label = fact_id if isinstance(fact_id, str) and fact_id else f"#{index + 1}"
    if not isinstance(raw, Mapping):
        raise _fail(source, locales, "must be an object", label)
    for name in REQUIRED_FACT_FIELDS:
        value = raw.get(name)
        if not isinstance(value, str):
            raise _fail(source, locales, f"missing field {name!r}", label)
        if not value.strip():
            raise _fail(source, locales, f"field {name!r} is empty", label)
    fact = Fact(id=raw["id"], topic=raw["topic"], text=" ".join(raw["text"].split()))
    if fact.topic not in topics:
        known = ", ".join(sorted(topics))
        raise _fail(source, locales, f"unknown topic {fact.topic!r} (known: {known})", fact.id)
    billed = billed_characters(fact.text)
    if billed > POLLY_MAX_BILLED_CHARACTERS:
        raise _fail(
            source,
            locales,
            f"is {billed} billed characters; Polly allows {POLLY_MAX_BILLED_CHARACTERS}: "
            "shorten it or split it",
            fact.id,
        )
    return fact


def parse_deck(data: object, *, source: str, locales: Sequence[str]) -> Deck:
    """Check decoded deck JSON from file `source`, spoken in `locales`; raise DeckError naming both."""
    if not isinstance(data, Mapping):
        raise _fail(source, locales, "a deck must be a JSON object with 'topics' and 'facts'")
    language, topics, facts = data.get("language"), data.get("topics"), data.get("facts")
    if not isinstance(language, str) or not language:
        raise _fail(source, locales, "missing 'language'")
    if not isinstance(topics, Mapping) or not topics:
        raise _fail(source, locales, "'topics' must map topic ids to spoken names")
    for topic_id, name in topics.items():
        if not isinstance(name, str) or not name.strip():
            raise _fail(source, locales, f"topic {topic_id!r} has no spoken name")
    if not isinstance(facts, list) or not facts:
        raise _fail(source, locales, "'facts' must be a non-empty list")
    parsed: list[Fact] = []
    seen: set[str] = set()
    for index, raw in enumerate(facts):
        fact = _parse_fact(raw, index, topics, source=source, locales=locales)
        if fact.id in seen:
            raise _fail(source, locales, "duplicate id", fact.id)
        seen.add(fact.id)
        parsed.append(fact)
    for topic_id in topics:
        if not any(f.topic == topic_id for f in parsed):
            raise _fail(source, locales, f"topic {topic_id!r} has no facts")
    return Deck(language=language, topics=dict(topics), facts=tuple(parsed))


T = TypeVar("T")


if TYPE_CHECKING:  # a Protocol class costs cold start; annotations are all that use it
    from typing import Protocol

    class Chooser(Protocol):
        """What picking needs of a random source: random.Random satisfies it (tests seed one)."""

        def choice(self, seq: Sequence[T], /) -> T: ...


class SystemChooser:
    """Uniform choices from the OS's entropy: no `random` import on the skill's cold start."""

    __slots__ = ()

    def choice(self, seq: Sequence[T], /) -> T:
        if not seq:
            raise IndexError("cannot choose from an empty sequence")
        # 64 random bits: the modulo bias for a deck of n facts is below n / 2**64.
        return seq[int.from_bytes(os.urandom(8), "little") % len(seq)]


class Pick(Record):
    """A chosen fact and the seen-ids list to store for the next turn."""

    fact: Fact
    seen: tuple[str, ...]
    restarted: bool


def pick_fact(
    deck: Deck,
    seen: Iterable[str],
    *,
    topic: str | None = None,
    last: str | None = None,
    rng: Chooser,
) -> Pick:
    """Pick an unseen fact (of `topic`, if given); when all are seen, start over but avoid `last`."""
    pool = deck.ids(topic)
    if not pool:
        raise ValueError(f"deck {deck.language!r} has no facts for topic {topic!r}")
    seen_set = set(seen)
    fresh = [fid for fid in pool if fid not in seen_set]
    restarted = not fresh
    if restarted:
        seen_set.difference_update(pool)
        fresh = [fid for fid in pool if fid != last] or list(pool)
    chosen = rng.choice(fresh)
    kept = tuple(fid for fid in deck.ids() if fid in seen_set or fid == chosen)
    fact = deck.get(chosen)
    assert fact is not None
    return Pick(fact=fact, seen=kept, restarted=restarted)
