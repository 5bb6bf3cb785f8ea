"""Talk to the skill in text, the way Alexa would send it, or play a dialog file and check it.

python scripts/chat.py                                   # the skill in this process
python scripts/chat.py --url http://127.0.0.1:3000/      # scripts/serve.py --no-verify
python scripts/chat.py --script tests/dialogs/en_us_tour.yaml   # exit 1 on the first mismatch
python scripts/chat.py --replay session.json             # an ASK CLI replay file (ask dialog)
python scripts/chat.py --url http://127.0.0.1:3000/ --listener sam   # the same listener each run

Interactive commands, as in `ask dialog`: `.record FILE` saves the session's utterances as a
replay file when you leave, `.quit` leaves. Outside a terminal, the exit status is 1 when any
audio check failed.

Run from the repository root, or pass --models and --content.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

from factcontent.locales import DEFAULT_LOCALE, LOCALE_LANGUAGE
from factsim.audiocheck import AudioCheck, trusting
from factsim.envelopes import listener_id
from factsim.exceptions import DialogError, SimulatorError, TransportError
from factsim.facts import fact_topics
from factsim.model import MODELS_DIR
from factsim.replay import Replay, load_replay, write_replay
from factsim.resolver import Resolver, SessionEnd
from factsim.session import Conversation, HttpTransport, InProcess, Transport
from factsim.transcript import PROMPT, format_turn
from factskill.constants import ENV_CONTENT_DIR

DEFAULT_CONTENT = Path("assets")
# Written by the local stack (make serve) at start-up: its S3 server's certificate chains to it.
LOCAL_STACK_CA = Path("build/local-stack/ca.pem")
DEFAULT_APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
EXIT_INTERRUPTED = 130


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="chat", description=(__doc__ or "").splitlines()[0], epilog="Say 'exit' to leave."
    )
    parser.add_argument("--url", help="POST requests to this skill server instead of in-process")
    parser.add_argument(
        "--locale", choices=sorted(LOCALE_LANGUAGE), help=f"default {DEFAULT_LOCALE}"
    )
    parser.add_argument("--script", type=Path, metavar="FILE", help="play a dialog file")
    parser.add_argument(
        "--replay", type=Path, metavar="FILE", help="play an ASK CLI replay file (ask dialog)"
    )
    parser.add_argument(
        "--record", type=Path, metavar="FILE", help="write the utterances as an ASK CLI replay"
    )
    parser.add_argument(
        "--ca",
        type=Path,
        default=LOCAL_STACK_CA if LOCAL_STACK_CA.is_file() else None,
        help=f"also trust this CA for audio URLs (default: the local stack's, {LOCAL_STACK_CA})",
    )
    parser.add_argument(
        "--listener",
        metavar="NAME",
        type=_listener(),
        help="talk as this listener in every run (a skill with memory, such as make serve's, "
        "then welcomes them back); default: a new listener each run",
    )
    parser.add_argument(
        "--person",
        metavar="NAME",
        type=_listener("person"),
        help="also a recognized voice profile of that account (Alexa's personId)",
    )
    parser.add_argument("--no-screen", action="store_true", help="a device without APL")
    parser.add_argument(
        "--audio-player",
        action="store_true",
        help="a device with AudioPlayer: 'play all facts' streams; '.play N' plays N tracks",
    )
    parser.add_argument(
        "--no-audio-check", action="store_true", help="do not fetch and check <audio> files"
    )
    parser.add_argument(
        "--models",
        type=Path,
        default=MODELS_DIR,
        help=f"the interaction models (default {MODELS_DIR})",
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=Path(os.environ.get(ENV_CONTENT_DIR) or DEFAULT_CONTENT),
        help=f"the skill's content, in process (default ${ENV_CONTENT_DIR}, else {DEFAULT_CONTENT})",
    )
    parser.add_argument("--application-id", default=DEFAULT_APPLICATION_ID)
    parser.add_argument("-v", "--verbose", action="store_true", help="log every envelope")
    return parser


def _listener(kind: str = "account") -> Callable[[str], str]:
    """An argparse type: a listener's name to the id Alexa would send for it."""

    def parse(name: str) -> str:
        try:
            return listener_id(name, kind=kind)
        except ValueError as exc:
            raise argparse.ArgumentTypeError(str(exc)) from exc

    return parse


def _usage_error(message: str) -> int:
    print(f"chat: error: {message}", file=sys.stderr)
    return 2


def _conversation(
    args: argparse.Namespace,
    locale: str,
    transport: Transport,
    check: AudioCheck | None,
    *,
    audio_player: bool = False,
) -> Conversation:
    return Conversation(
        locale,
        transport,
        application_id=args.application_id,
        screen=not args.no_screen,
        check_audio=check,
        resolver=Resolver.for_locale(locale, models_dir=args.models),
        user_id=args.listener,
        person_id=args.person,
        audio_player=audio_player or args.audio_player,
    )


def run_script(args: argparse.Namespace, transport: Transport, check: AudioCheck | None) -> int:
    from factsim.dialog import load_dialog, run_dialog

    try:
        dialog = load_dialog(args.script)
    except DialogError as exc:
        return _usage_error(str(exc))
    if args.locale and dialog.locale_given and args.locale != dialog.locale:
        return _usage_error(f"{dialog.source} is for {dialog.locale}, not --locale {args.locale}")
    if dialog.memory and not args.url:
        return _usage_error(
            f"{dialog.source} needs the skill's listener memory, which the skill in this process "
            "has not: run it against the local stack (make serve, then --url URL)"
        )
    locale = dialog.locale if dialog.locale_given else args.locale or dialog.locale
    try:
        failure = run_dialog(
            dialog,
            _conversation(args, locale, transport, check, audio_player=dialog.audio_player),
            topic_of=fact_topics(args.content),
        )
    except SimulatorError as exc:
        print(f"chat: {exc}", file=sys.stderr)
        return 1
    if failure is not None:
        print(failure, file=sys.stderr)
        return 1
    print(f"{dialog.source}: {len(dialog.turns)} turns, every expectation met")
    return 0


def run_replay(args: argparse.Namespace, transport: Transport, check: AudioCheck | None) -> int:
    """Play an ASK CLI replay file: its locale, and its skill id when it has one."""
    try:
        replay = load_replay(args.replay)
    except DialogError as exc:
        return _usage_error(str(exc))
    if replay.skill_id:
        args.application_id = replay.skill_id
    conversation = _conversation(args, replay.locale, transport, check)
    return chat(conversation, interactive=False, inputs=iter(replay.inputs), record=args.record)


def _read(interactive: bool) -> str | None:
    """Return the next utterance, or None at the end of input."""
    if interactive:
        try:
            return input(PROMPT)
        except EOFError:
            print()
            return None
    line = sys.stdin.readline()
    if not line.isascii():
        try:
            line.encode("utf-8")  # stdin decodes undecodable bytes as lone surrogates
        except UnicodeEncodeError as exc:
            raise UnicodeDecodeError("utf-8", b"", exc.start, exc.end, "standard input") from exc
    return line.rstrip("\r\n") if line else None


def chat(
    conversation: Conversation,
    *,
    interactive: bool,
    inputs: Iterator[str] | None = None,
    record: Path | None = None,
) -> int:
    """Read utterances until "exit" or the end of input, printing the transcript.

    Return 1 when a turn failed (an audio check, the skill unreachable) and no one watched
    (not interactive), else 0.
    """
    if interactive:
        with contextlib.suppress(ImportError):  # not on every platform
            import readline  # noqa: F401 - line editing and history for input()
        opener = conversation.resolver.open_phrase()
        print(f'Say "{opener}" to start, "exit" to leave. ({conversation.locale})')
    said: list[str] = []
    failed = False
    try:
        while (line := next(inputs, None) if inputs else _read(interactive)) is not None:
            command = line.strip()
            if not command:
                continue
            if command == ".quit":
                break
            if command.startswith(".record"):
                record = _record_command(command) or record
                continue
            if command.startswith(".play"):
                failed = _play_command(conversation, command) or failed
                continue
            said.append(line)
            try:
                turn = conversation.say(line)
            except TransportError as exc:
                print(f"chat: {exc}", file=sys.stderr)
                if not interactive:
                    return 1
                continue
            for shown in format_turn(turn, echo=not interactive):
                print(shown)
            failed = failed or bool(turn.failures())
            if isinstance(turn.resolution, SessionEnd):
                break
    finally:
        if record is not None:
            write_replay(
                record, Replay(conversation.device.application_id, conversation.locale, tuple(said))
            )
            print(f"recorded {len(said)} utterances to {record} (ask dialog --replay {record})")
    return 1 if failed and not interactive else 0


def _play_command(conversation: Conversation, command: str) -> bool:
    """`.play [N]`: the device plays N tracks (default 1); True when the skill broke a rule."""
    from factsim.transcript import format_events

    _, _, count = command.partition(" ")
    if conversation.player is None:
        print("chat: .play needs a device with AudioPlayer (--audio-player)", file=sys.stderr)
        return False
    if count.strip() and not count.strip().isdigit():
        print("usage: .play [NUMBER OF TRACKS]", file=sys.stderr)
        return False
    try:
        events = conversation.play(int(count) if count.strip() else 1)
    except TransportError as exc:
        print(f"chat: {exc}", file=sys.stderr)
        return True
    if not events:
        print("sim> nothing is playing")
    for line in format_events(events):
        print(line)
    return any(event.problems for event in events)


def _record_command(command: str) -> Path | None:
    _, _, name = command.partition(" ")
    if not name.strip():
        print("usage: .record FILE", file=sys.stderr)
        return None
    print(f"recording: the session's utterances go to {name.strip()} when you leave")
    return Path(name.strip())


def main(argv: Sequence[str] | None = None) -> int:
    """Run the simulator; every failure is one line on stderr, never a traceback."""
    try:
        return run(argv)
    except KeyboardInterrupt:
        print(("\n" if sys.stdin.isatty() else "") + "chat: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED
    except UnicodeDecodeError as exc:  # a script, a replay or stdin that is not UTF-8
        print(
            f"chat: the input is not UTF-8 text (byte {exc.start}: {exc.reason}): save it as UTF-8",
            file=sys.stderr,
        )
        return 1


def run(argv: Sequence[str] | None) -> int:
    args = build_parser().parse_args(argv)
    handler = logging.StreamHandler()
    handler.setLevel(logging.DEBUG if args.verbose else logging.WARNING)
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        handlers=[handler],
    )
    if not args.url:
        # The skill in this process reads its content from CONTENT_DIR when it is imported.
        os.environ[ENV_CONTENT_DIR] = str(args.content)
    try:
        transport: Transport = HttpTransport(args.url) if args.url else InProcess()
    except TransportError as exc:
        return _usage_error(str(exc))
    check = None if args.no_audio_check else trusting(args.ca)
    if args.script is not None:
        return run_script(args, transport, check)
    if args.replay is not None:
        return run_replay(args, transport, check)
    conversation = _conversation(args, args.locale or DEFAULT_LOCALE, transport, check)
    return chat(conversation, interactive=sys.stdin.isatty(), record=args.record)


if __name__ == "__main__":
    raise SystemExit(main())
