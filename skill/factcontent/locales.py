"""The supported locales, the language each speaks, and pure locale resolution."""

from __future__ import annotations

# Every locale Alexa custom skills publish in, and the language (deck, prompts) each one speaks:
# a language code, or a language and region where listeners of a region would notice the
# difference (Latin American Spanish for Mexico and the US, Canadian French).
LOCALE_LANGUAGE: dict[str, str] = {
    "en-US": "en",
    "en-GB": "en",
    "en-AU": "en",
    "en-CA": "en",
    "en-IN": "en",
    "de-DE": "de",
    "es-ES": "es",
    "es-MX": "es-419",
    "es-US": "es-419",
    "fr-FR": "fr",
    "fr-CA": "fr-CA",
    "it-IT": "it",
    "ja-JP": "ja",
    "pt-BR": "pt",
    "hi-IN": "hi",
    "nl-NL": "nl",
    "ar-SA": "ar",
}
# Languages written right to left: screens mirror their layout.
RIGHT_TO_LEFT = frozenset({"ar"})
DEFAULT_LOCALE = "en-US"
LATIN_AMERICAN_SPANISH = "es-MX"  # for a Spanish of the Americas the skill does not publish in
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
    language, _, region = locale.partition("-")
    language = language.lower()
    if language == "es" and region.upper() != "ES" and region:  # the Americas: es-AR, es-419
        return LATIN_AMERICAN_SPANISH
    return _LANGUAGE_DEFAULT.get(language, DEFAULT_LOCALE)


def primary_language(language: str) -> str:
    """The language code of a content language ("es-419" -> "es"): what engines and lexicons
    speak."""
    return language.split("-", 1)[0].lower()


def locales_of(language: str) -> tuple[str, ...]:
    """Return the supported locales that speak `language`."""
    return tuple(loc for loc, lang in LOCALE_LANGUAGE.items() if lang == language)
