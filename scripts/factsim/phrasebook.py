"""How people talk to Alexa in the languages whose phrases live in data files (phrases/*.json):
built-in intents' common phrases, wake words, launch verbs and connecting words, exit words.

One file per content language (factcontent.locales), keyed like its deck; builtins.py and
launch.py hold the first languages' tables in code and merge these in.
"""

from __future__ import annotations

import functools
import json
from pathlib import Path
from typing import Any

PHRASES_DIR = Path(__file__).resolve().parent / "phrases"
LISTS = (
    "wake_words",
    "open_verbs",
    "one_shot_verbs",
    "connectors_after_name",
    "connectors_before_name",
    "exit_words",
)


@functools.cache
def phrasebooks() -> dict[str, dict[str, Any]]:
    """Language -> its phrasebook, checked: every list a list of strings."""
    books: dict[str, dict[str, Any]] = {}
    for path in sorted(PHRASES_DIR.glob("*.json")):
        book = json.loads(path.read_text(encoding="utf-8"))
        for key in LISTS:
            if not all(isinstance(p, str) and p for p in book.get(key, [])):
                raise ValueError(f"{path}: {key!r} must be a list of phrases")
        builtins = book.get("builtins", {})
        if not all(isinstance(v, list) for v in builtins.values()):
            raise ValueError(f"{path}: 'builtins' maps intent names to lists of phrases")
        books[path.stem] = book
    return books


def table(key: str) -> dict[str, tuple[str, ...]]:
    """Language -> the phrases of list `key`, for every phrasebook that has it."""
    return {lang: tuple(book[key]) for lang, book in phrasebooks().items() if key in book}
