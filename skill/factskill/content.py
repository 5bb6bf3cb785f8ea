"""Content I/O: load decks, prompts and the audio manifest once; adopt published updates."""

from __future__ import annotations

import logging
import os
import threading
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from factcontent.deck import Deck, SystemChooser
from factcontent.exceptions import ManifestError
from factcontent.files import StrPath, load_deck, load_prompts
from factcontent.layout import MANIFEST_FILE
from factcontent.locales import LOCALE_LANGUAGE, locales_of, resolve_locale
from factcontent.manifest import EMPTY_MANIFEST, Manifest, loads_manifest
from factcontent.prompts import Prompts
from factcontent.records import Record
from factskill.audio import playable_audio
from factskill.config import Settings
from factskill.speech import AudioClip

if TYPE_CHECKING:
    from factcontent.deck import Chooser
    from factskill.captions import (
        Captions,
    )  # factskill.remote loads only when content is published (CONTENT_BASE_URL)
    from factskill.remote import Fetch, Generation, PublishedContent

logger = logging.getLogger(__name__)


class LanguageContent(Record):
    """A language's deck and prompts; `deck_key` names a published deck (None: the bundled one)."""

    deck: Deck
    prompts: Prompts
    deck_key: str | None = None


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
    """Loads each language once, on first use; adopts published content as it changes.

    With CONTENT_BASE_URL, a request checks for newer published content first (at most one
    request at a time, outside the lock: the others answer from the content in use), then takes
    the lock only to swap in what was fetched and parsed.
    """

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
        self._lock = threading.Lock()  # guards the content in use; never held over the network
        self._checking = threading.Lock()  # the one request checking published content
        self._manifest: Manifest | None = None
        self._locales: dict[str, LocaleContent] = {}
        self._languages: dict[str, LanguageContent] = {}
        self._published: PublishedContent | None = None
        self._fetch = fetch
        self._captions: Captions | None = None
        if settings.content_base_url:
            from factskill.remote import PublishedContent, https_fetch

            self._published = PublishedContent(
                settings.content_base_url,
                settings.content_refresh_seconds,
                fetch=fetch or https_fetch,
                clock=clock,
            )

    @property
    def captions(self) -> Captions:
        """The clips' captions, fetched on first use (only a stream needs them)."""
        if self._captions is None:
            from factskill.captions import Captions

            self._captions = Captions(self._fetch)
        return self._captions

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
        if self._published is not None:
            self._check(self._published, language)
        cached = self._locales.get(resolved)
        if cached is not None:
            return cached
        with self._lock:
            return self._locales.get(resolved) or self._build(resolved, language)

    def _build(self, locale: str, language: str) -> LocaleContent:
        content = self._language(language)
        audio = playable_audio(
            content.deck,
            self.manifest.locales.get(locale, {}),
            locale=locale,
            base_url=self._settings.audio_base_url,
            allow_http=self._settings.allow_http_audio,
        )
        self._locales[locale] = LocaleContent(locale, content.deck, content.prompts, audio)
        return self._locales[locale]

    def _language(self, language: str) -> LanguageContent:
        if language not in self._languages:
            self._languages[language] = LanguageContent(
                load_deck(self._content_dir, language), load_prompts(self._content_dir, language)
            )
        return self._languages[language]

    def _check(self, published: PublishedContent, language: str) -> None:
        """Fetch what is newer for `language`, then adopt it; keep what is in use on any problem."""
        if not self._checking.acquire(blocking=False):
            return  # another request is on the network: this one answers with what is in use
        try:
            in_use = self._languages.get(language)
            generation = published.check(
                language,
                deck_key=in_use.deck_key if in_use is not None else None,
                in_use=self._manifest,
            )
            if generation is not None:
                with self._lock:
                    self._adopt(language, generation)
                logger.info(
                    "adopted published content from %s: generation %s, deck of %r %s",
                    published.base_url,
                    generation.manifest.generation,
                    language,
                    generation.deck_key or "unchanged",
                )
        finally:
            self._checking.release()

    def _adopt(self, language: str, generation: Generation) -> None:
        """Swap in a manifest and `language`'s deck of the same generation (under the lock)."""
        if generation.deck is not None:
            current = self._languages.get(language)
            prompts = current.prompts if current else load_prompts(self._content_dir, language)
            self._languages[language] = LanguageContent(
                generation.deck, prompts, generation.deck_key
            )
        if generation.manifest is not self._manifest:
            self._manifest = generation.manifest
            self._locales.clear()
        else:
            for locale in locales_of(language):
                self._locales.pop(locale, None)
