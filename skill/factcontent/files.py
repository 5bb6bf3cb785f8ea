"""Read decks and prompts from a content directory, checked.

os.path rather than pathlib: importing pathlib costs several ms of the skill's cold start.
"""

from __future__ import annotations

import json
import os

from factcontent.deck import Deck, parse_deck
from factcontent.exceptions import DeckError
from factcontent.layout import deck_path, prompts_path
from factcontent.locales import locales_of
from factcontent.prompts import Prompts, parse_prompts

StrPath = str | os.PathLike[str]


def read_json(path: str, *, what: str, locales: tuple[str, ...]) -> object:
    """Return the decoded JSON of `path`; raise DeckError naming the file and its locales."""
    where = f"{path} [{', '.join(locales)}]"
    try:
        with open(path, encoding="utf-8") as file:
            return json.load(file)
    except FileNotFoundError as exc:
        raise DeckError(f"{where}: {what} file is missing") from exc
    except RecursionError as exc:  # nested deeper than the JSON parser goes
        raise DeckError(f"{where}: not valid JSON (nested too deeply)") from exc
    except (OSError, ValueError) as exc:
        raise DeckError(f"{where}: not valid JSON ({exc})") from exc


def load_deck(content_dir: StrPath, language: str) -> Deck:
    """Read and check the deck of `language` under `content_dir`."""
    path = os.path.join(content_dir, deck_path(language))
    locales = locales_of(language)
    data = read_json(path, what="deck", locales=locales)
    deck = parse_deck(data, source=path, locales=locales)
    if deck.language != language:
        raise DeckError(
            f"{path} [{', '.join(locales)}]: declares language {deck.language!r}, "
            f"but its file is the deck of {language!r}"
        )
    return deck


def load_prompts(content_dir: StrPath, language: str) -> Prompts:
    """Read and check the prompts of `language` under `content_dir`."""
    path = os.path.join(content_dir, prompts_path(language))
    locales = locales_of(language)
    return parse_prompts(
        read_json(path, what="prompts", locales=locales), source=path, locales=locales
    )
