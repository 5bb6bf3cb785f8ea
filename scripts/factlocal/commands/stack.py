"""Keep the local stack up: S3 (moto, HTTPS) with the audio, DynamoDB with the listener memory,
and the skill's endpoint.

    python scripts/stack.py [--port 3000] [--verify] [--locale en-US ...] [--project DIR]

Talk to it with `python scripts/chat.py --url http://127.0.0.1:3000/`, or point a tunnel at it
(with --verify, as Alexa will call it). Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from factcontent.locales import LOCALE_LANGUAGE
from factlocal.console import Console
from factlocal.exceptions import StackError
from factlocal.project import Project
from factlocal.stack import local_stack, serving

logger = logging.getLogger("stack")


def audio_line(args: argparse.Namespace, stack: Any) -> str:
    """Say where the audio a device is sent comes from: never the loopback bucket with --verify."""
    reused = f"{stack.reused} files reused from the last run"
    if not args.verify:
        return f"{stack.public_url}audio/ (local, for make chat; {reused})"
    if args.audio_base_url:
        return f"{args.audio_base_url} (public, as the device fetches it)"
    return "left out: Alexa speaks each fact (give --audio-base-url for a public copy)"


@contextlib.contextmanager
def console_server(stack: Any, project: Project, port: int) -> Iterator[str]:
    """The test console (factlocal.console) on loopback, in a thread, over the stack."""
    from werkzeug.serving import make_server

    app = Console(
        stack.endpoint, public_url=stack.public_url, models_dir=project.models, ca=stack.ca
    )
    with serving(make_server("127.0.0.1", port, app, threaded=True), "console"):
        yield f"http://127.0.0.1:{port}/"


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="stack.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--port", type=int, default=3000, help="the skill endpoint's port (default 3000)"
    )
    parser.add_argument(
        "--verify", action="store_true", help="verify Alexa's signatures (for a tunnel)"
    )
    parser.add_argument(
        "--locale",
        action="append",
        choices=sorted(LOCALE_LANGUAGE),
        help="locales to build audio for (default: all)",
    )
    parser.add_argument(
        "--audio-base-url",
        metavar="URL",
        help="with --verify: the public https base URL of the same audio (a real bucket); "
        "without it a device gets no audio and Alexa speaks the text",
    )
    parser.add_argument(
        "--console-port",
        type=int,
        default=None,
        help="the test console's port (default: the endpoint's + 1; not with --verify)",
    )
    parser.add_argument(
        "--project", type=Path, default=Path("."), help="the repository root (default: here)"
    )
    args = parser.parse_args(argv)
    if args.audio_base_url and not args.verify:
        parser.error("--audio-base-url goes with --verify (the local audio serves make chat)")
    if args.audio_base_url and not args.audio_base_url.lower().startswith("https://"):
        parser.error("--audio-base-url must be an https:// URL a device can reach")
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    stop = threading.Event()

    def on_signal(signum: int, frame: Any) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    try:
        project = Project.at(args.project)
        with local_stack(
            args.locale or sorted(LOCALE_LANGUAGE),
            project=project,
            verify=args.verify,
            port=args.port,
            audio_url=args.audio_base_url,
        ) as stack:
            print(
                f"skill endpoint: {stack.endpoint} (verification {'on' if args.verify else 'off'})"
            )
            print(f"content: {stack.public_url} (TLS from a local CA: {stack.ca})")
            print(f"audio: {audio_line(args, stack)}")
            print(
                f"listener memory: DynamoDB table {stack.memory_table} at {stack.s3_url} "
                "(kept while the stack runs; chat.py --listener NAME is one listener across runs)"
            )
            print(f"endpoint log: {stack.log}")
            with contextlib.ExitStack() as extra:
                if not args.verify:
                    print(f"talk to it: python scripts/chat.py --url {stack.endpoint}")
                    port = args.console_port or args.port + 1
                    url = extra.enter_context(console_server(stack, project, port))
                    print(f"test console: {url} (in your browser)")
                print("Ctrl-C stops everything.", flush=True)
                stop.wait()
    except KeyboardInterrupt:
        pass
    except StackError as exc:
        print(f"stack: {exc}", file=sys.stderr)
        return 1
    print("stopped.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
