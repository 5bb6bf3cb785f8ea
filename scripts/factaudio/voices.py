"""Voices per locale (a voices.json passed in), checked against the engine's voice list."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from factaudio.constants import POLLY_USD_PER_MILLION
from factaudio.exceptions import PipelineError
from factaudio.jsonfiles import read_object
from factcontent.locales import LOCALE_LANGUAGE


class PollyVoice(NamedTuple):
    voice: str
    engine: str
    language_code: str | None = None  # a bilingual voice's language for this locale (hi-IN)


class LocaleVoices(NamedTuple):
    polly: PollyVoice
    espeak: str | None  # None: no offline voice speaks the locale acceptably


def load_voices(path: Path) -> dict[str, LocaleVoices]:
    """Read the voice table; every supported locale must have one. Errors name file and locale."""
    data = read_object(path, what="voices file")
    voices: dict[str, LocaleVoices] = {}
    for locale in LOCALE_LANGUAGE:
        raw = data.get(locale)
        if not isinstance(raw, Mapping):
            raise PipelineError(f"{path}: no voices for {locale}: add an entry")
        polly = raw.get("polly")
        fields = (
            polly.get("voice") if isinstance(polly, Mapping) else None,
            polly.get("engine") if isinstance(polly, Mapping) else None,
            raw.get("espeak", ""),
        )
        offline = fields[2]
        if not all(isinstance(field, str) and field.strip() for field in fields[:2]) or not (
            offline is None or (isinstance(offline, str) and offline.strip())
        ):
            raise PipelineError(
                f"{path} [{locale}]: needs polly.voice, polly.engine and espeak, each a name "
                "(espeak: null when no offline voice speaks the locale acceptably)"
            )
        voice, engine = (str(field) for field in fields[:2])
        if engine not in POLLY_USD_PER_MILLION:  # a typo would be priced at nothing
            raise PipelineError(
                f"{path} [{locale}]: polly.engine {engine!r} is not one of Polly's engines "
                f"({', '.join(sorted(POLLY_USD_PER_MILLION))})"
            )
        code = polly.get("language_code") if isinstance(polly, Mapping) else None
        if code is not None and not (isinstance(code, str) and code.strip()):
            raise PipelineError(f"{path} [{locale}]: polly.language_code must be a code (hi-IN)")
        voices[locale] = LocaleVoices(PollyVoice(voice, engine, code), offline)
    return voices


def check_polly_voices(
    voices: Mapping[str, LocaleVoices], described: Iterable[Mapping[str, Any]]
) -> None:
    """Raise unless every configured voice exists with its engine (`described`: DescribeVoices)."""
    engines = {v["Id"]: set(v.get("SupportedEngines", [])) for v in described}
    languages = {
        v["Id"]: {v.get("LanguageCode"), *v.get("AdditionalLanguageCodes", [])} for v in described
    }
    for locale, choice in voices.items():
        voice = choice.polly
        if voice.voice not in engines:
            raise PipelineError(f"voice {voice.voice!r} ({locale}) is not in Polly's voice list")
        if voice.language_code and voice.language_code not in languages[voice.voice]:
            raise PipelineError(
                f"voice {voice.voice!r} ({locale}) does not speak {voice.language_code}: "
                f"it speaks {', '.join(sorted(c for c in languages[voice.voice] if c))}"
            )
        if voice.engine not in engines[voice.voice]:
            supported = ", ".join(sorted(engines[voice.voice]))
            raise PipelineError(
                f"voice {voice.voice!r} ({locale}) has no {voice.engine!r} engine "
                f"(it has {supported}): change the voices file"
            )
