"""What a dialog needs to know of the decks: the topic of each fact the skill told."""

from __future__ import annotations

import functools
from collections.abc import Callable
from pathlib import Path

from factcontent.exceptions import ContentError
from factcontent.files import load_deck
from factcontent.locales import LOCALE_LANGUAGE

FactTopic = Callable[[str, str], "str | None"]


def fact_topics(content_dir: Path) -> FactTopic:
    """Return (locale, fact id) -> the fact's topic id, read from the decks in `content_dir`."""

    @functools.cache
    def topics_of(language: str) -> dict[str, str]:
        try:
            deck = load_deck(content_dir, language)
        except ContentError:
            return {}
        return {fact.id: fact.topic for fact in deck.facts}

    def topic(locale: str, fact_id: str) -> str | None:
        language = LOCALE_LANGUAGE.get(locale)
        return topics_of(language).get(fact_id) if language else None

    return topic
