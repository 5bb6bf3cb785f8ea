"""Keep the local stack up: S3 (moto, HTTPS) with the audio, and the skill's endpoint.

    python scripts/stack.py [--port 3000] [--verify] [--locale en-US ...] [--project DIR]

Talk to it with `python scripts/chat.py --url http://127.0.0.1:3000/`, or point a tunnel at it
(with --verify, as Alexa will call it). Ctrl-C stops everything.
"""

from __future__ import annotations

import argparse
import logging
import signal
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from factcontent.locales import LOCALE_LANGUAGE
from factlocal.exceptions import StackError
from factlocal.project import Project
from factlocal.stack import local_stack

logger = logging.getLogger("stack")


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
        "--project", type=Path, default=Path("."), help="the repository root (default: here)"
    )
    args = parser.parse_args(argv)
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
        ) as stack:
            print(
                f"skill endpoint: {stack.endpoint} (verification {'on' if args.verify else 'off'})"
            )
            print(f"audio and content: {stack.public_url} (TLS from a local CA: {stack.ca})")
            if not args.verify:
                print(f"talk to it: python scripts/chat.py --url {stack.endpoint}")
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
