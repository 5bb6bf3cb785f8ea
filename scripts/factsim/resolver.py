"""Turn what the user says into what Alexa would send: a launch, an intent, or the end."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path

from factcontent.locales import LOCALE_LANGUAGE
from factsim.builtins import FALLBACK, PAUSE, PLAYBACK_INTENTS, STOP, match_builtin
from factsim.exceptions import SimulatorError
from factsim.launch import WAKE_WORDS, match_launch
from factsim.model import (
    MODELS_DIR,
    IntentMatch,
    InteractionModel,
    SlotValue,
    normalize,
)
from factsim.phrasebook import phrasebooks, table

# Words Alexa itself answers by closing the skill (SessionEndedRequest, USER_INITIATED).
# The English ones work in every locale, so "exit" always leaves the simulator.
EXIT_WORDS = {
    "en": ("exit", "quit"),
    "de": ("beenden", "beende", "verlassen"),
    "es": ("salir", "sal"),
    "fr": ("quitter", "quitte", "sortir", "sors"),
    "ja": ("終了", "終了して", "閉じて"),
}
OPEN_PHRASES = {"de": "öffne {}", "es": "abre {}", "fr": "ouvre {}", "ja": "{}を開いて"}
EXIT_WORDS.update(table("exit_words"))
OPEN_PHRASES.update(
    {lang: book["open_phrase"] for lang, book in phrasebooks().items() if "open_phrase" in book}
)


@dataclass(frozen=True, slots=True)
class Slot:
    """A declared slot: `spoken` None when not filled; `value` None when filled but unresolved."""

    name: str
    type: str
    spoken: str | None = None
    value: SlotValue | None = None


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    slots: tuple[Slot, ...] = ()


@dataclass(frozen=True, slots=True)
class Launch:
    """Start a session: a LaunchRequest, or (one-shot) the IntentRequest `intent` for `rest`."""

    rest: str = ""
    intent: Intent | None = None


@dataclass(frozen=True, slots=True)
class SessionEnd:
    """The user left the skill ("exit")."""


@dataclass(frozen=True, slots=True)
class NeedsLaunch:
    """Said outside a session without opening the skill: nothing is sent, `message` says why."""

    message: str


Resolution = Launch | Intent | SessionEnd | NeedsLaunch


def language_of(locale: str) -> str:
    return LOCALE_LANGUAGE.get(locale, locale.partition("-")[0].lower())


def strip_wake_word(text: str, language: str) -> str:
    """Drop a leading "alexa" from normalized `text` ("アレクサ" may come without a space)."""
    for wake in WAKE_WORDS.get(language, ("alexa",)):
        rest = text.removeprefix(wake)
        if rest != text and (not rest or rest.startswith(" ") or not wake.isascii()):
            return rest.strip()
    return text


@functools.cache
def load_model(path: Path) -> InteractionModel:
    """Load the model at `path` once per process."""
    if not path.is_file():
        raise SimulatorError(f"no interaction model at {path}: is the locale supported?")
    return InteractionModel.load(path)


class Resolver:
    """Resolve utterances against one locale's interaction model.

    Order: exit words, launch phrasing (only as the whole utterance, from its start), custom
    samples, built-in phrases, then AMAZON.FallbackIntent. Outside a session only the first
    two apply; anything else is `NeedsLaunch`.
    """

    def __init__(self, model: InteractionModel) -> None:
        self.model = model
        self.language = language_of(model.locale)

    @classmethod
    def for_locale(cls, locale: str, *, models_dir: Path = MODELS_DIR) -> Resolver:
        return cls(load_model(models_dir / f"{locale}.json"))

    def resolve(self, utterance: str, *, in_session: bool, playing: bool = False) -> Resolution:
        """What Alexa makes of `utterance`. `playing`: the device has one of the skill's
        streams (playing or paused), so its playback commands reach the skill unnamed, and
        "stop" arrives as AMAZON.PauseIntent."""
        text = strip_wake_word(normalize(utterance), self.language)
        if text in EXIT_WORDS["en"] or text in EXIT_WORDS.get(self.language, ()):
            return SessionEnd()
        launch = match_launch(utterance, language=self.language, invocation=self.model.invocation)
        if launch is not None:
            return Launch(
                launch.rest,
                self._one_shot(launch.candidates or (launch.rest,)) if launch.rest else None,
            )
        if not in_session and playing:
            command = match_builtin(text, language=self.language, declared=self.model.intents)
            if command in PLAYBACK_INTENTS:
                return Intent(PAUSE if command == STOP else command)
        if not in_session:
            return NeedsLaunch(
                f'The skill is not open: say "{self.open_phrase()}" first (or "exit" to quit).'
            )
        return self.intent(text)

    def _one_shot(self, candidates: tuple[str, ...]) -> Intent:
        """The first candidate request that names an intent, else the fallback of the first."""
        intents = [self.intent(candidate) for candidate in candidates]
        return next((i for i in intents if i.name != FALLBACK), intents[0])

    def open_phrase(self) -> str:
        return OPEN_PHRASES.get(self.language, "open {}").format(self.model.invocation)

    def intent(self, text: str) -> Intent:
        """Return the intent `text` says inside a session, AMAZON.FallbackIntent when none."""
        candidates = [text]
        if self.language == "ja" and " " in text:  # Japanese is written without spaces
            candidates.append(text.replace(" ", ""))
        for candidate in candidates:
            found = self.model.match(candidate)
            if found is not None:
                return self._custom(found)
        for candidate in candidates:
            builtin = match_builtin(candidate, language=self.language, declared=self.model.intents)
            if builtin is not None:
                return Intent(builtin)
        return Intent(FALLBACK)

    def _custom(self, found: IntentMatch) -> Intent:
        declared = self.model.intents[found.intent].slots
        slots = []
        for name, slot_type in declared.items():
            heard = found.slots.get(name)
            slots.append(
                Slot(name, slot_type)
                if heard is None
                else Slot(name, slot_type, heard.spoken, heard.value)
            )
        return Intent(found.intent, tuple(slots))
