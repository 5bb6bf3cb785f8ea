"""Voices per locale (a voices.json passed in), checked against the engine's voice list."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any, NamedTuple

from factaudio.exceptions import PipelineError
from factcontent.locales import LOCALE_LANGUAGE


class PollyVoice(NamedTuple):
    voice: str
    engine: str


class LocaleVoices(NamedTuple):
    polly: PollyVoice
    espeak: str


def load_voices(path: Path) -> dict[str, LocaleVoices]:
    """Read the voice table; every supported locale must have one. Errors name file and locale."""
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PipelineError(f"{path}: cannot read the voices file ({exc.strerror})") from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise PipelineError(f"{path}: the voices file is not valid JSON ({exc})") from exc
    if not isinstance(data, Mapping):
        raise PipelineError(f"{path}: the voices file must map locales to their voices")
    voices: dict[str, LocaleVoices] = {}
    for locale in LOCALE_LANGUAGE:
        raw = data.get(locale)
        if not isinstance(raw, Mapping):
            raise PipelineError(f"{path}: no voices for {locale}: add an entry")
        polly = raw.get("polly")
        fields = (
            polly.get("voice") if isinstance(polly, Mapping) else None,
            polly.get("engine") if isinstance(polly, Mapping) else None,
            raw.get("espeak"),
        )
        if not all(isinstance(field, str) and field.strip() for field in fields):
            raise PipelineError(
                f"{path} [{locale}]: needs polly.voice, polly.engine and espeak, each a name"
            )
        voice, engine, espeak = (str(field) for field in fields)
        voices[locale] = LocaleVoices(PollyVoice(voice, engine), espeak)
    return voices


def check_polly_voices(
    voices: Mapping[str, LocaleVoices], described: Iterable[Mapping[str, Any]]
) -> None:
    """Raise unless every configured voice exists with its engine (`described`: DescribeVoices)."""
    engines = {v["Id"]: set(v.get("SupportedEngines", [])) for v in described}
    for locale, choice in voices.items():
        voice = choice.polly
        if voice.voice not in engines:
            raise PipelineError(f"voice {voice.voice!r} ({locale}) is not in Polly's voice list")
        if voice.engine not in engines[voice.voice]:
            supported = ", ".join(sorted(engines[voice.voice]))
            raise PipelineError(
                f"voice {voice.voice!r} ({locale}) has no {voice.engine!r} engine "
                f"(it has {supported}): change the voices file"
            )
