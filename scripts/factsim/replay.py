"""ASK CLI replay files: what `ask dialog --replay FILE` plays and `.record FILE` writes.

    {"skillId": "amzn1.ask.skill...", "locale": "en-US", "type": "text",
     "userInput": ["open serverless facts", "yes", "stop"]}

The same file runs here (`chat.py --replay FILE`) and against the deployed skill
(`ask dialog --replay FILE`).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from factcontent.locales import LOCALE_LANGUAGE
from factsim.exceptions import DialogError

REPLAY_TYPE = "text"


@dataclass(frozen=True, slots=True)
class Replay:
    skill_id: str
    locale: str
    inputs: tuple[str, ...]

    def to_json(self) -> dict[str, object]:
        return {
            "skillId": self.skill_id,
            "locale": self.locale,
            "type": REPLAY_TYPE,
            "userInput": list(self.inputs),
        }


def load_replay(path: Path) -> Replay:
    """Read an ASK CLI replay file; raise DialogError naming the file and what is wrong."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise DialogError(f"{path}: cannot read it ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise DialogError(f"{path}: not UTF-8 text") from exc
    except ValueError as exc:
        raise DialogError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise DialogError(f"{path}: a replay file is a JSON object")
    inputs, locale, kind = data.get("userInput"), data.get("locale"), data.get("type", REPLAY_TYPE)
    if kind != REPLAY_TYPE:
        raise DialogError(f"{path}: type {kind!r}: only {REPLAY_TYPE!r} replays are supported")
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs) or not inputs:
        raise DialogError(f"{path}: 'userInput' must be a non-empty list of strings")
    if locale not in LOCALE_LANGUAGE:
        raise DialogError(f"{path}: locale {locale!r} is not one of {sorted(LOCALE_LANGUAGE)}")
    skill_id = data.get("skillId", "")
    if not isinstance(skill_id, str):
        raise DialogError(f"{path}: 'skillId' must be a string")
    return Replay(skill_id, locale, tuple(inputs))


def write_replay(path: Path, replay: Replay) -> None:
    """Write `replay` as the ASK CLI does (UTF-8 JSON)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(replay.to_json(), indent=2, ensure_ascii=False) + "\n", "utf-8")
