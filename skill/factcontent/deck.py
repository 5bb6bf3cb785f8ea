"""Pure deck logic: parse and check a deck, pick facts without repeats."""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, TypeGuard, TypeVar

from factcontent.exceptions import DeckError, Problems, kind, show
from factcontent.layout import plain_language
from factcontent.limits import (
    MAX_DECK_FACTS,
    MAX_FACT_SPOKEN_SECONDS,
    MAX_FACT_SSML_CHARACTERS,
    MAX_ID_LENGTH,
    MAX_LIST_SEPARATOR_SSML_CHARACTERS,
    MAX_TOPIC_LIST_SSML_CHARACTERS,
    MAX_TOPIC_NAME_SSML_CHARACTERS,
    POLLY_MAX_BILLED_CHARACTERS,
)
from factcontent.records import Record
from factcontent.text import id_key, id_problems, ssml_length, text_problems

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


def _string_field(raw: Mapping[str, object], name: str, found: list[str]) -> str | None:
    value = raw.get(name)
    if type(value) is str and value.strip():  # the common case first: cold starts check decks
        return value
    if value is None:
        found.append(f"missing field {name!r}")
    elif not isinstance(value, str):
        found.append(f"field {name!r} must be a string, not {kind(value)}")
    else:
        found.append(f"field {name!r} is empty")
    return None


def _parse_fact(
    raw: object,
    index: int,
    topics: Mapping[str, str] | None,
    *,
    language: str,
    problems: Problems,
) -> tuple[str | None, str | None, Fact | None]:
    """Check one fact: return its id and its topic when usable, and the fact when valid."""
    if not isinstance(raw, Mapping):
        problems.add(f"must be an object, not {kind(raw)}", f"fact '#{index + 1}'")
        return None, None, None
    found: list[str] = []
    fact_id = _string_field(raw, "id", found)
    if fact_id is not None:
        found += id_problems(fact_id, max_length=MAX_ID_LENGTH)
    topic = _string_field(raw, "topic", found)
    if topic is not None and topics is not None and topic not in topics:
        known = ", ".join(show(t) for t in sorted(topics)[:10]) + (", …" * (len(topics) > 10))
        found.append(f"unknown topic {show(topic)} (known: {known})")
    written = _string_field(raw, "text", found)
    text = None
    if written is not None:
        text = " ".join(written.split())
        found += text_problems(
            text,
            what="text",
            max_ssml=MAX_FACT_SSML_CHARACTERS,
            language=language,
            max_seconds=MAX_FACT_SPOKEN_SECONDS,
            written=written,
        )
        billed = billed_characters(text)
        if billed > POLLY_MAX_BILLED_CHARACTERS:
            found.append(
                f"is {billed} billed characters; Polly allows {POLLY_MAX_BILLED_CHARACTERS}: "
                "shorten it or split it"
            )
    if found:
        subject = f"fact {show(fact_id)}" if fact_id is not None else f"fact '#{index + 1}'"
        for problem in found:
            problems.add(problem, subject)
        return fact_id, topic, None
    if fact_id is None or topic is None or text is None:  # for mypy: each one has a problem
        return fact_id, topic, None
    return fact_id, topic, Fact(id=fact_id, topic=topic, text=text)


def _parse_topics(raw: object, problems: Problems) -> dict[str, str] | None:
    """Check the topics (ids, spoken names, their list); None when there is no usable mapping."""
    if not isinstance(raw, Mapping) or not raw:
        problems.add("'topics' must map topic ids to spoken names")
        return None
    topics: dict[str, str] = {}
    keys: dict[str, str] = {}
    names_length = 0
    for index, (topic_id, name) in enumerate(raw.items()):
        if problems.full:
            problems.stop(f"topic #{index + 1} of {len(raw)}")
            return None
        if not isinstance(topic_id, str) or not topic_id.strip():
            problems.add(f"topic ids must be non-empty strings, not {kind(topic_id)}")
            continue
        subject = f"topic {show(topic_id)}"
        for problem in id_problems(topic_id, max_length=MAX_ID_LENGTH):
            problems.add(problem, subject)
        first = keys.setdefault(id_key(topic_id), topic_id)
        if first != topic_id:
            problems.add(
                f"duplicate topic id: {show(first)} but for case or normalization", subject
            )
        if not isinstance(name, str) or not name.strip():
            problems.add("has no spoken name", subject)
            continue
        for problem in text_problems(name, what="name", max_ssml=MAX_TOPIC_NAME_SSML_CHARACTERS):
            problems.add(problem, subject)
        names_length += ssml_length(name)
        topics[topic_id] = name
    listed = names_length + MAX_LIST_SEPARATOR_SSML_CHARACTERS * (len(raw) - 1)
    if listed > MAX_TOPIC_LIST_SSML_CHARACTERS:
        problems.add(
            f"the topic names make a list of up to {listed} SSML characters with their "
            f"separators; {{topics}} in a prompt may add {MAX_TOPIC_LIST_SSML_CHARACTERS}: "
            "use fewer or shorter names"
        )
    return topics


def _is_language(value: object) -> TypeGuard[str]:
    try:
        return isinstance(value, str) and plain_language(value) == value
    except ValueError:
        return False


def _parse_facts(
    raw_facts: list[object],
    topics: Mapping[str, str] | None,
    *,
    language: str,
    problems: Problems,
) -> list[Fact]:
    """Check every fact, then that ids are unique and that every topic has a fact."""
    parsed: list[Fact] = []
    firsts: dict[str, str] = {}  # id_key -> the first id that has it
    told: set[str] = set()
    for index, raw in enumerate(raw_facts):
        if problems.full:
            problems.stop(f"fact #{index + 1} of {len(raw_facts)}")
            return parsed
        fact_id, topic, fact = _parse_fact(raw, index, topics, language=language, problems=problems)
        if topic is not None:
            told.add(topic)
        if fact_id is None:
            continue
        key = id_key(fact_id)
        first = firsts.get(key)
        if first is None:
            firsts[key] = fact_id
            if fact is not None:
                parsed.append(fact)
        else:
            same = "" if first == fact_id else f": {show(first)} but for case or normalization"
            problems.add(f"duplicate id{same}", f"fact {show(fact_id)}")
    for topic_id in topics or ():
        if topic_id not in told:
            problems.add("has no facts", f"topic {show(topic_id)}")
    return parsed


def parse_deck(data: object, *, source: str, locales: Sequence[str]) -> Deck:
    """Check decoded deck JSON from file `source`, spoken in `locales`; raise DeckError naming both.

    The one check of every deck, bundled (files.load_deck) or published (read at run time): it
    lists every problem found, one per line (exceptions.Problems).
    """
    problems = Problems(source, tuple(locales))
    if not isinstance(data, Mapping):
        raise problems.error("a deck must be a JSON object with 'language', 'topics' and 'facts'")
    language = data.get("language")
    if not _is_language(language):
        problems.add("missing 'language' (a plain language code, such as 'en')")
    spoken = language if _is_language(language) else ""
    topics = _parse_topics(data.get("topics"), problems)
    raw_facts = data.get("facts")
    if not isinstance(raw_facts, list) or not raw_facts:
        problems.add("'facts' must be a non-empty list")
        raw_facts = []
    elif len(raw_facts) > MAX_DECK_FACTS:
        problems.add(
            f"has {len(raw_facts)} facts; a session remembers at most {MAX_DECK_FACTS} heard "
            f"ones, so facts would repeat: keep at most {MAX_DECK_FACTS}"
        )
    parsed = _parse_facts(raw_facts, topics, language=spoken, problems=problems)
    problems.raise_any()
    return Deck(language=spoken, topics=topics or {}, facts=tuple(parsed))


def loads_deck(body: str | bytes, *, source: str, locales: Sequence[str]) -> Deck:
    """Decode deck JSON text from `source` and check it (parse_deck): DeckError on anything."""
    import json

    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:  # RecursionError: nested beyond the parser's depth
        reason = "nested too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise DeckError(f"{source} [{', '.join(locales)}]: not valid JSON ({reason})") from exc
    return parse_deck(data, source=source, locales=locales)


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
