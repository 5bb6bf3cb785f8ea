"""Dialog files (tests/dialogs/*.yaml): what the user says and what each reply must contain.

locale: en-US            # optional, default en-US
memory: true             # optional: the dialog needs the skill's listener memory (two sessions
                         #   of one listener: the local stack, or a skill built with memory)
audio_player: true       # optional: the device has AudioPlayer (long-form audio)
turns:
  - user: open serverless facts
    expect: Welcome to Serverless Facts   # a regex searched in the rendered reply
    ended: false                          # optional: is the session closed afterwards?
    audio: false                          # optional: does the reply play audio?
    intent: AnotherFactIntent             # optional: the intent the utterance resolves to
    topic: pricing                        # optional: the topic (id) of the fact told
    fact: new                             # optional: new (not told before in this dialog) or
                                          #   same (the fact the previous fact-turn told)
  - play: 40                              # the device plays up to 40 tracks of the stream,
    played: 35                            #   sending its events; optional: exactly 35 started
    expect: 'PlaybackStarted'             #   (a regex searched in the events' transcript)
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcontent.locales import DEFAULT_LOCALE, LOCALE_LANGUAGE
from factsim.exceptions import DialogError
from factsim.facts import FactTopic
from factsim.session import Conversation, Turn
from factsim.transcript import format_events, format_turn

TURN_KEYS = frozenset(
    {"user", "expect", "audio", "ended", "intent", "topic", "fact", "play", "played"}
)
PLAY_KEYS = frozenset({"play", "played", "expect"})
FACT_KINDS = ("new", "same")
# The skill keeps the id of the fact it told last in this session attribute (fact ids only).
LAST_FACT_ATTRIBUTE = "last"
DIALOG_KEYS = frozenset({"locale", "memory", "audio_player", "turns"})
SHOWN_REPLY_CHARS = 300
BOOL_TAG = "tag:yaml.org,2002:bool"
YAML12_BOOL = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")


@dataclass(frozen=True, slots=True)
class DialogTurn:
    user: str
    expect: re.Pattern[str] | None = None
    audio: bool | None = None
    ended: bool | None = None
    intent: str | None = None
    topic: str | None = None
    fact: str | None = None
    play: int | None = None  # a playback turn: the device plays this many tracks
    played: int | None = None


@dataclass(frozen=True, slots=True)
class Dialog:
    source: str
    turns: tuple[DialogTurn, ...]
    locale: str = DEFAULT_LOCALE
    locale_given: bool = False
    memory: bool = False
    audio_player: bool = False


def _flag(raw: Mapping[str, object], key: str, where: str) -> bool | None:
    value = raw.get(key)
    if value is not None and not isinstance(value, bool):
        raise DialogError(f"{where}: '{key}' must be true or false, not {value!r}")
    return value


def _turn(raw: object, where: str) -> DialogTurn:
    if not isinstance(raw, Mapping):
        raise DialogError(f"{where}: a turn is a mapping with 'user' and 'expect'")
    unknown = set(raw) - TURN_KEYS
    if unknown:
        raise DialogError(
            f"{where}: unknown keys {sorted(map(str, unknown))}; use {sorted(TURN_KEYS)}"
        )
    if "play" in raw:
        return _play_turn(raw, where)
    user, expect = raw.get("user"), raw.get("expect")
    if not isinstance(user, str):
        raise DialogError(f"{where}: 'user' must be the text the user says (quote it)")
    if expect is not None and not isinstance(expect, str):
        raise DialogError(f"{where}: 'expect' must be a regular expression (a string)")
    try:
        pattern = re.compile(expect) if expect is not None else None
    except re.error as exc:
        raise DialogError(f"{where}: 'expect' is not a valid regular expression ({exc})") from exc
    texts = {key: raw.get(key) for key in ("intent", "topic", "fact")}
    for key, value in texts.items():
        if value is not None and not isinstance(value, str):
            raise DialogError(f"{where}: '{key}' must be a string, not {value!r}")
    if texts["fact"] is not None and texts["fact"] not in FACT_KINDS:
        raise DialogError(f"{where}: 'fact' must be one of {list(FACT_KINDS)}")
    return DialogTurn(
        user,
        pattern,
        _flag(raw, "audio", where),
        _flag(raw, "ended", where),
        texts["intent"],
        texts["topic"],
        texts["fact"],
    )


def _count(raw: Mapping[str, object], key: str, where: str) -> int | None:
    value = raw.get(key)
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or value < 0):
        raise DialogError(f"{where}: '{key}' must be a whole number of tracks, not {value!r}")
    return value


def _play_turn(raw: Mapping[str, object], where: str) -> DialogTurn:
    """A turn where the device plays the stream instead of the user speaking."""
    other = set(raw) - PLAY_KEYS
    if other:
        raise DialogError(f"{where}: a 'play' turn takes only {sorted(PLAY_KEYS)}")
    expect = raw.get("expect")
    try:
        pattern = re.compile(expect) if isinstance(expect, str) else None
    except re.error as exc:
        raise DialogError(f"{where}: 'expect' is not a valid regular expression ({exc})") from exc
    tracks = _count(raw, "play", where)
    return DialogTurn("", pattern, play=tracks or 0, played=_count(raw, "played", where))


def parse_dialog(data: object, *, source: str) -> Dialog:
    """Validate a decoded dialog; raise DialogError naming `source` and the turn."""
    if not isinstance(data, Mapping) or not isinstance(data.get("turns"), list):
        raise DialogError(f"{source}: a dialog is a mapping with a 'turns' list")
    unknown = set(data) - DIALOG_KEYS
    if unknown:
        raise DialogError(f"{source}: unknown keys {sorted(map(str, unknown))}")
    locale = data.get("locale", DEFAULT_LOCALE)
    if locale not in LOCALE_LANGUAGE:
        raise DialogError(f"{source}: locale {locale!r} is not one of {sorted(LOCALE_LANGUAGE)}")
    turns = tuple(_turn(raw, f"{source}: turn {n}") for n, raw in enumerate(data["turns"], 1))
    if not turns:
        raise DialogError(f"{source}: 'turns' is empty")
    memory = _flag(data, "memory", source) or False
    player = _flag(data, "audio_player", source) or False
    if not player and any(turn.play is not None for turn in turns):
        raise DialogError(f"{source}: 'play' turns need 'audio_player: true'")
    return Dialog(source, turns, str(locale), "locale" in data, memory, player)


def _loader() -> type[Any]:
    """Return a safe YAML loader where only true/false are booleans (YAML 1.2), so "yes" is text."""
    import yaml

    class DialogLoader(yaml.SafeLoader):
        pass

    DialogLoader.yaml_implicit_resolvers = {
        first: [(tag, rx) for tag, rx in resolvers if tag != BOOL_TAG]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    DialogLoader.add_implicit_resolver(BOOL_TAG, YAML12_BOOL, list("tTfF"))
    return DialogLoader


def load_dialog(path: Path) -> Dialog:
    """Read and validate the dialog file at `path`."""
    import yaml

    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_loader())  # noqa: S506 - safe
    except OSError as exc:
        raise DialogError(f"{path}: cannot read it ({exc.strerror})") from exc
    except UnicodeDecodeError as exc:
        raise DialogError(f"{path}: not UTF-8 text (byte {exc.start}): save it as UTF-8") from exc
    except yaml.YAMLError as exc:
        raise DialogError(f"{path}: not valid YAML ({exc})".replace("\n", " ")) from exc
    return parse_dialog(data, source=str(path))


def told_fact(turn: Turn) -> str | None:
    """Return the id of the fact this turn told (a fact comes with its card), or None."""
    response = turn.response or {}
    attributes = response.get("sessionAttributes") or {}
    fact_id = attributes.get(LAST_FACT_ATTRIBUTE)
    has_card = isinstance(response.get("response"), dict) and "card" in response["response"]
    return fact_id if isinstance(fact_id, str) and has_card else None


def resolved_intent(turn: Turn) -> str | None:
    request = (turn.request or {}).get("request", {})
    intent = request.get("intent") if isinstance(request, dict) else None
    return intent.get("name") if isinstance(intent, dict) else None


def fact_mismatch(  # noqa: PLR0911 - one return per expectation
    spec: DialogTurn, turn: Turn, told: list[str], topic_of: FactTopic | None, locale: str
) -> str | None:
    """Check the `intent`, `topic` and `fact` expectations against what the turn told."""
    if spec.intent is not None and resolved_intent(turn) != spec.intent:
        return f"expected intent {spec.intent}, the utterance resolved to {resolved_intent(turn)}"
    if spec.topic is None and spec.fact is None:
        return None
    fact = told_fact(turn)
    if fact is None:
        return "expected a fact in the reply, it told none"
    if spec.topic is not None:
        topic = topic_of(locale, fact) if topic_of else None
        if topic != spec.topic:
            return f"expected a fact about {spec.topic}, told {fact!r} about {topic}"
    if spec.fact == "new" and fact in told:
        return f"expected a new fact, {fact!r} was told before"
    if spec.fact == "same" and (not told or told[-1] != fact):
        return f"expected the previous fact again, told {fact!r}"
    return None


def mismatch(spec: DialogTurn, turn: Turn) -> str | None:
    """Return how `turn` fails `spec`, or None when it meets every expectation."""
    text = turn.text()
    if spec.expect is not None and not spec.expect.search(text):
        shown = text.replace("\n", " | ")[:SHOWN_REPLY_CHARS]
        return f"expected /{spec.expect.pattern}/ in the reply, got {shown!r}"
    if spec.ended is not None and spec.ended == turn.session_open:
        return "expected the session to end" if spec.ended else "expected the session to stay open"
    audio = len(turn.reply.audio) if turn.reply else 0
    if spec.audio is True and not audio:
        return "expected audio in the reply, there is none"
    if spec.audio is False and audio:
        return f"expected no audio in the reply, it has {audio}"
    failures = turn.failures()
    if failures:
        return f"the reply has a problem: {failures[0]}"
    return None


def _play(
    spec: DialogTurn, conversation: Conversation, emit: Callable[[str], object]
) -> str | None:
    events = conversation.play(spec.play or 0)
    lines = format_events(events)
    for line in lines:
        emit(line)
    problems = [p for event in events for p in event.problems]
    if problems:
        return f"the skill broke an AudioPlayer rule: {problems[0]}"
    started = sum(event.kind == "AudioPlayer.PlaybackStarted" for event in events)
    if spec.played is not None and started != spec.played:
        return f"expected {spec.played} tracks to start, {started} did"
    if spec.expect is not None and not spec.expect.search("\n".join(lines)):
        return f"expected /{spec.expect.pattern}/ in the playback events"
    return None


def run_dialog(
    dialog: Dialog,
    conversation: Conversation,
    *,
    emit: Callable[[str], object] = print,
    topic_of: FactTopic | None = None,
) -> str | None:
    """Play `dialog`, emitting the transcript; return the first mismatch as one line, or None.

    `topic_of` (factsim.facts.fact_topics) answers `topic` expectations. Raises TransportError
    when the skill cannot be reached.
    """
    told: list[str] = []
    for number, spec in enumerate(dialog.turns, 1):
        if spec.play is not None:
            problem = _play(spec, conversation, emit)
            if problem is not None:
                return f"{dialog.source}: turn {number} (play {spec.play}): {problem}"
            continue
        turn = conversation.say(spec.user)
        for line in format_turn(turn):
            emit(line)
        problem = mismatch(spec, turn) or fact_mismatch(
            spec, turn, told, topic_of, conversation.locale
        )
        if problem is not None:
            return f"{dialog.source}: turn {number} ({spec.user!r}): {problem}"
        fact = told_fact(turn)
        if fact is not None:
            told.append(fact)
    return None
