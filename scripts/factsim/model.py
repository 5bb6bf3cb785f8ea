"""Load an interaction model and match utterances against its samples, the way Alexa resolves them."""

from __future__ import annotations

import json
import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

# The interaction models, relative to the repository root (the directory make runs in).
MODELS_DIR = Path("interaction_model") / "interactionModels" / "custom"
_SLOT = re.compile(r"\{(\w+)\}")
_PUNCT = re.compile(r"[.,!?¿¡。、？！「」،؛؟।]")


def normalize(text: str) -> str:
    """Lower-case, strip punctuation Alexa would not transcribe, fold whitespace."""
    text = unicodedata.normalize("NFC", text).lower()
    return " ".join(_PUNCT.sub(" ", text).split())


def _has_open_slot(sample: str) -> bool:
    """Return True when `sample` may fill its slots with words that are no slot value.

    A sample that is nothing but slots ("{topic}") would then take every utterance as an
    unknown value; Alexa sends such out-of-domain utterances to AMAZON.FallbackIntent instead.
    """
    return bool(_SLOT.search(sample)) and bool(_SLOT.sub("", sample).strip())


@dataclass(frozen=True, slots=True)
class SlotValue:
    id: str
    name: str
    synonyms: tuple[str, ...]

    def phrases(self) -> tuple[str, ...]:
        return (self.name, *self.synonyms)


@dataclass(frozen=True, slots=True)
class Intent:
    name: str
    samples: tuple[str, ...]
    slots: dict[str, str]  # slot name -> slot type


@dataclass(frozen=True, slots=True)
class SlotMatch:
    """A filled slot: the words heard, and the value they resolve to (None: ER_SUCCESS_NO_MATCH)."""

    spoken: str
    value: SlotValue | None


@dataclass(frozen=True, slots=True)
class IntentMatch:
    intent: str
    slots: dict[str, SlotMatch] = field(default_factory=dict)


@dataclass
class InteractionModel:
    locale: str
    invocation: str
    intents: dict[str, Intent]
    types: dict[str, tuple[SlotValue, ...]]
    _compiled: list[tuple[re.Pattern[str], Intent, bool]] = field(default_factory=list, repr=False)

    @classmethod
    def load(cls, path: Path) -> InteractionModel:
        data = json.loads(path.read_text(encoding="utf-8"))["interactionModel"]["languageModel"]
        intents = {
            raw["name"]: Intent(
                raw["name"],
                tuple(raw.get("samples", [])),
                {s["name"]: s["type"] for s in raw.get("slots", [])},
            )
            for raw in data["intents"]
        }
        types = {
            t["name"]: tuple(
                SlotValue(
                    v.get("id") or v["name"]["value"],
                    v["name"]["value"],
                    tuple(v["name"].get("synonyms", [])),
                )
                for v in t["values"]
            )
            for t in data.get("types", [])
        }
        return cls(path.stem, data["invocationName"], intents, types)

    def slot_values(self, intent: str, slot: str) -> tuple[SlotValue, ...]:
        return self.types.get(self.intents[intent].slots.get(slot, ""), ())

    def _sample_pattern(self, intent: Intent, sample: str, *, open_slots: bool) -> re.Pattern[str]:
        pattern, pos = "", 0
        words = normalize(sample)
        for m in _SLOT.finditer(words):
            pattern += re.escape(words[pos : m.start()])
            slot = m.group(1)
            values = self.slot_values(intent.name, slot)
            alternatives = sorted(
                {normalize(p) for v in values for p in v.phrases()}, key=len, reverse=True
            )
            known = "|".join(re.escape(a) for a in alternatives)
            body = ".+?" if open_slots else (known or ".+?")
            pattern += f"(?P<{slot}>{body})"
            pos = m.end()
        pattern += re.escape(words[pos:])
        return re.compile(f"^{pattern}$")

    def _patterns(self) -> list[tuple[re.Pattern[str], Intent, bool]]:
        if not self._compiled:
            for open_slots in (False, True):  # known values first, then any words (NO_MATCH)
                for intent in self.intents.values():
                    for sample in intent.samples:
                        if open_slots and not _has_open_slot(sample):
                            continue
                        self._compiled.append(
                            (
                                self._sample_pattern(intent, sample, open_slots=open_slots),
                                intent,
                                open_slots,
                            )
                        )
        return self._compiled

    def resolve(self, intent: str, slot: str, spoken: str) -> SlotValue | None:
        heard = normalize(spoken)
        for value in self.slot_values(intent, slot):
            if heard in {normalize(p) for p in value.phrases()}:
                return value
        return None

    def match(self, utterance: str) -> IntentMatch | None:
        """Return the custom intent whose sample matches `utterance`, with its slots resolved."""
        heard = normalize(utterance)
        for pattern, intent, _ in self._patterns():
            found = pattern.match(heard)
            if found:
                slots = {
                    name: SlotMatch(spoken, self.resolve(intent.name, name, spoken))
                    for name, spoken in found.groupdict().items()
                }
                return IntentMatch(intent.name, slots)
        return None


def load_models(root: Path) -> dict[str, InteractionModel]:
    """Return every locale's model under the skill package `root`."""
    return {
        p.stem: InteractionModel.load(p)
        for p in sorted((root / "interactionModels" / "custom").glob("*.json"))
    }
