"""Talk to the skill in text, the way Alexa would send it, or play a dialog file and check it.

python scripts/chat.py                                   # the skill in this process
python scripts/chat.py --url http://127.0.0.1:3000/      # scripts/serve.py --no-verify
python scripts/chat.py --script tests/dialogs/en_us_tour.yaml   # exit 1 on the first mismatch

Run from the repository root, or pass --models and --content.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

from factcontent.locales import DEFAULT_LOCALE, LOCALE_LANGUAGE
from factsim.audiocheck import AudioCheck, check_audio_url
from factsim.exceptions import DialogError, SimulatorError, TransportError
from factsim.model import MODELS_DIR
from factsim.resolver import Resolver, SessionEnd
from factsim.session import Conversation, HttpTransport, InProcess, Transport
from factsim.transcript import PROMPT, format_turn
from factskill.constants import ENV_CONTENT_DIR

DEFAULT_CONTENT = Path("assets")
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
    parser.add_argument("--no-screen", action="store_true", help="a device without APL")
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


def _usage_error(message: str) -> int:
    print(f"chat: error: {message}", file=sys.stderr)
    return 2


def _conversation(
    args: argparse.Namespace, locale: str, transport: Transport, check: AudioCheck | None
) -> Conversation:
    return Conversation(
        locale,
        transport,
        application_id=args.application_id,
        screen=not args.no_screen,
        check_audio=check,
        resolver=Resolver.for_locale(locale, models_dir=args.models),
    )


def run_script(args: argparse.Namespace, transport: Transport, check: AudioCheck | None) -> int:
    from factsim.dialog import load_dialog, run_dialog

    try:
        dialog = load_dialog(args.script)
    except DialogError as exc:
        return _usage_error(str(exc))
    if args.locale and dialog.locale_given and args.locale != dialog.locale:
        return _usage_error(f"{dialog.source} is for {dialog.locale}, not --locale {args.locale}")
    locale = dialog.locale if dialog.locale_given else args.locale or dialog.locale
    try:
        failure = run_dialog(dialog, _conversation(args, locale, transport, check))
    except SimulatorError as exc:
        print(f"chat: {exc}", file=sys.stderr)
        return 1
    if failure is not None:
        print(failure, file=sys.stderr)
        return 1
    print(f"{dialog.source}: {len(dialog.turns)} turns, every expectation met")
    return 0


def _read(interactive: bool) -> str | None:
    """Return the next utterance, or None at the end of input."""
    if interactive:
        try:
            return input(PROMPT)
        except EOFError:
            print()
            return None
    line = sys.stdin.readline()
    return line.rstrip("\r\n") if line else None


def chat(conversation: Conversation, *, interactive: bool) -> int:
    """Read utterances until "exit" or the end of input, printing the transcript."""
    if interactive:
        with contextlib.suppress(ImportError):  # not on every platform
            import readline  # noqa: F401 - line editing and history for input()
        opener = conversation.resolver.open_phrase()
        print(f'Say "{opener}" to start, "exit" to leave. ({conversation.locale})')
    while (line := _read(interactive)) is not None:
        if not line.strip():
            continue
        try:
            turn = conversation.say(line)
        except TransportError as exc:
            print(f"chat: {exc}", file=sys.stderr)
            if not interactive:
                return 1
            continue
        for shown in format_turn(turn, echo=not interactive):
            print(shown)
        if isinstance(turn.resolution, SessionEnd):
            break
    return 0


def main(argv: Sequence[str] | None = None) -> int:
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
    check = None if args.no_audio_check else check_audio_url
    if args.script is not None:
        return run_script(args, transport, check)
    conversation = _conversation(args, args.locale or DEFAULT_LOCALE, transport, check)
    try:
        return chat(conversation, interactive=sys.stdin.isatty())
    except KeyboardInterrupt:
        print()
        return EXIT_INTERRUPTED


if __name__ == "__main__":
    raise SystemExit(main())
