"""Content I/O: load decks, prompts and the audio manifest once per container."""

from __future__ import annotations

import json
import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from factcontent.deck import Deck, SystemChooser, parse_deck
from factcontent.exceptions import DeckError, ManifestError
from factcontent.files import StrPath, load_deck, load_prompts
from factcontent.layout import MANIFEST_FILE, deck_path
from factcontent.locales import LOCALE_LANGUAGE, locales_of, resolve_locale
from factcontent.manifest import EMPTY_MANIFEST, Manifest, loads_manifest
from factcontent.prompts import Prompts
from factcontent.records import Record
from factskill.audio import playable_audio
from factskill.config import Settings
from factskill.speech import AudioClip

if TYPE_CHECKING:  # factskill.remote loads only when content is published (CONTENT_BASE_URL)
    from factcontent.deck import Chooser
    from factskill.remote import Fetch, PublishedContent

logger = logging.getLogger(__name__)


class LocaleContent(Record):
    """Everything one locale needs to answer: deck, prompts and playable audio."""

    locale: str
    deck: Deck
    prompts: Prompts
    audio: dict[str, AudioClip]


def load_manifest(path: StrPath) -> Manifest:
    """Read a manifest; on any problem log it and return an empty one (Alexa speaks the text)."""
    try:
        with open(path, "rb") as file:
            return loads_manifest(file.read(), source=os.fspath(path))
    except (OSError, ManifestError) as exc:
        logger.error("audio manifest unusable, speaking text instead: %s", exc)
        return EMPTY_MANIFEST


class ContentStore:
    """Loads each language once, on first use, and keeps it for the life of the container."""

    def __init__(
        self,
        settings: Settings,
        *,
        content_dir: StrPath | None = None,
        rng: Chooser | None = None,
        fetch: Fetch | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._settings = settings
        self._content_dir = settings.content_dir if content_dir is None else content_dir
        self.rng = rng or SystemChooser()
        self.allow_http = settings.allow_http_audio
        self._lock = threading.Lock()
        self._manifest: Manifest | None = None
        self._locales: dict[str, LocaleContent] = {}
        self._languages: dict[str, tuple[Deck, Prompts]] = {}
        self._published: PublishedContent | None = None
        if settings.content_base_url:
            from factskill.remote import PublishedContent, https_fetch

            self._published = PublishedContent(
                settings.content_base_url,
                settings.content_refresh_seconds,
                fetch=fetch or https_fetch,
                clock=clock,
            )

    @property
    def manifest(self) -> Manifest:
        if self._manifest is None:
            configured = self._settings.audio_manifest
            path = configured or os.path.join(self._content_dir, MANIFEST_FILE)
            self._manifest = load_manifest(path)
        return self._manifest

    def for_locale(self, locale: object) -> LocaleContent:
        """Return the content of the supported locale closest to `locale`."""
        resolved = resolve_locale(locale)
        language = LOCALE_LANGUAGE[resolved]
        if self._published is not None and self._published.due():
            with self._lock:
                self._refresh(self._published, languages=(*self._languages, language))
        cached = self._locales.get(resolved)
        if cached is not None:
            return cached
        with self._lock:
            if language not in self._languages and self._published is not None:
                self._refresh(self._published, languages=(language,), manifest=False)
            self._load_language(language)
            deck, prompts = self._languages[language]
            audio = playable_audio(
                deck,
                self.manifest.locales.get(resolved, {}),
                locale=resolved,
                base_url=self._settings.audio_base_url,
                allow_http=self._settings.allow_http_audio,
            )
            content = LocaleContent(resolved, deck, prompts, audio)
            self._locales[resolved] = content
            return content

    def _load_language(self, language: str) -> None:
        if language not in self._languages:
            self._languages[language] = (
                load_deck(self._content_dir, language),
                load_prompts(self._content_dir, language),
            )

    def _refresh(
        self, published: PublishedContent, *, languages: tuple[str, ...], manifest: bool = True
    ) -> None:
        """Adopt newly published decks (and manifest); keep what is in use on any problem."""
        changed = False
        manifest_file = published.file(MANIFEST_FILE)
        body = manifest_file.fetch(published.fetch) if manifest else None
        if body is not None:
            try:
                self._manifest = loads_manifest(body, source=manifest_file.url)
                changed = True
            except ManifestError as exc:
                manifest_file.reject(str(exc))
        for language in dict.fromkeys(languages):
            self._load_language(language)
            prompts = self._languages[language][1]
            deck_file = published.file(deck_path(language))
            body = deck_file.fetch(published.fetch)
            if body is None:
                continue
            locales = locales_of(language)
            try:
                data = json.loads(body)
                deck = parse_deck(data, source=deck_file.url, locales=locales)
                if deck.language != language:
                    raise DeckError(f"{deck_file.url}: is a deck of {deck.language!r}")
            except ValueError as exc:
                deck_file.reject(f"{deck_file.url}: not valid JSON ({exc})")
                continue
            except DeckError as exc:
                deck_file.reject(str(exc))
                continue
            self._languages[language] = (deck, prompts)
            changed = True
        if changed:
            logger.info("adopted newly published content from %s", published.base_url)
            self._locales.clear()
