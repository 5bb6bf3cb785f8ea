"""The supported locales, the language each speaks, and pure locale resolution."""

from __future__ import annotations

# Supported locales and the language (deck, prompts) each one speaks.
LOCALE_LANGUAGE: dict[str, str] = {
    "en-US": "en",
    "en-GB": "en",
    "en-AU": "en",
    "en-CA": "en",
    "en-IN": "en",
    "de-DE": "de",
    "es-ES": "es",
    "fr-FR": "fr",
    "ja-JP": "ja",
}
DEFAULT_LOCALE = "en-US"
LANGUAGES = tuple(sorted(set(LOCALE_LANGUAGE.values())))

# For a locale we do not support, the first supported locale of the same language.
_LANGUAGE_DEFAULT: dict[str, str] = {}
for _locale, _language in LOCALE_LANGUAGE.items():
    _LANGUAGE_DEFAULT.setdefault(_language, _locale)


def resolve_locale(locale: object) -> str:
    """Map a request locale to a supported one: exact, else same language, else English (US)."""
    if not isinstance(locale, str):
        return DEFAULT_LOCALE
    for known in LOCALE_LANGUAGE:
        if known.lower() == locale.lower():
            return known
    language = locale.split("-", 1)[0].lower()
    return _LANGUAGE_DEFAULT.get(language, DEFAULT_LOCALE)


def locales_of(language: str) -> tuple[str, ...]:
    """Return the supported locales that speak `language`."""
    return tuple(loc for loc, lang in LOCALE_LANGUAGE.items() if lang == language)
