"""The whole local stack, end to end, with no AWS account: `make demo`.

Starts an S3-compatible server (moto, HTTPS) with the audio bucket as template.yaml declares it,
builds the audio with espeak-ng into it, starts the skill's endpoint with its listener memory in
the same server's DynamoDB, talks to it over HTTP with the text simulator in two locales (one
listener in two sessions: welcomed back, told only new facts), checks that every audio URL
serves a valid Alexa MP3, and stops everything, on success, failure and Ctrl-C.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from factlocal.exceptions import StackError
from factlocal.project import Project
from factlocal.stack import local_stack
from factsim.audiocheck import AudioVerdict, check_audio_url
from factsim.dialog import load_dialog, run_dialog
from factsim.exceptions import DialogError, TransportError
from factsim.facts import fact_topics
from factsim.resolver import Resolver
from factsim.session import Conversation
from factsim.transport import HttpTransport

logger = logging.getLogger("demo")

# In the project's tests/dialogs/.
DIALOGS = ("en_us_tour.yaml", "en_us_memory.yaml", "en_us_play_all.yaml", "de_de.yaml")
APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"


class AudioLog:
    """Check each audio URL the skill plays, and remember every verdict."""

    def __init__(self) -> None:
        self.verdicts: dict[str, AudioVerdict] = {}

    def __call__(self, url: str) -> AudioVerdict:
        verdict = check_audio_url(url)
        self.verdicts[url] = verdict
        return verdict


def talk(project: Project, endpoint: str, dialog_path: Path, audio: AudioLog) -> str | None:
    """Play one dialog over HTTP; return the first problem, or None."""
    dialog = load_dialog(dialog_path)
    print(f"\n=== {dialog.locale}: {dialog_path.name} over HTTP at {endpoint}")
    conversation = Conversation(
        dialog.locale,
        HttpTransport(endpoint),
        application_id=APPLICATION_ID,
        check_audio=audio,
        resolver=Resolver.for_locale(dialog.locale, models_dir=project.models),
        audio_player=dialog.audio_player,
    )
    before = len(audio.verdicts)
    problem = run_dialog(dialog, conversation, topic_of=fact_topics(project.assets))
    if problem is None and len(audio.verdicts) == before:
        problem = f"{dialog_path.name}: the skill played no audio in {dialog.locale}"
    return problem


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="demo.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("-v", "--verbose", action="store_true", help="log what every part does")
    parser.add_argument(
        "--project", type=Path, default=Path("."), help="the repository root (default: here)"
    )
    args = parser.parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    started = time.monotonic()
    audio = AudioLog()
    problems: list[str] = []
    try:
        project = Project.at(args.project)
    except StackError as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 2
    paths = [project.dialogs / name for name in DIALOGS]
    dialogs = [load_dialog(path) for path in paths]
    print(
        "starting the local stack: S3 and DynamoDB (moto, HTTPS), espeak-ng audio, "
        "the skill endpoint..."
    )
    try:
        with local_stack(sorted({d.locale for d in dialogs}), project=project) as stack:
            # The simulator's audio checks trust the stack's local CA, like the skill does.
            os.environ["SSL_CERT_FILE"] = str(stack.ca)
            print(f"skill endpoint {stack.endpoint}, audio at {stack.public_url}")
            print(f"listener memory: DynamoDB table {stack.memory_table} at {stack.s3_url}")
            for path in paths:
                problem = talk(project, stack.endpoint, path, audio)
                if problem:
                    problems.append(problem)
    except KeyboardInterrupt:
        print("\ninterrupted: the stack is stopped", file=sys.stderr)
        return 130
    except (StackError, DialogError, TransportError) as exc:
        print(f"demo: {exc}", file=sys.stderr)
        return 1
    bad = {url: v for url, v in audio.verdicts.items() if not v.ok}
    print(
        f"\n{len(audio.verdicts)} audio URLs played, {len(audio.verdicts) - len(bad)} valid Alexa MP3s"
    )
    for url, verdict in audio.verdicts.items():
        print(f"  {'ok ' if verdict.ok else 'BAD'} {url} {verdict.detail}")
    problems += [f"{url}: {v.detail}" for url, v in bad.items()]
    print(f"stack stopped; {time.monotonic() - started:.0f} s in all")
    for problem in problems:
        print(f"demo: {problem}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
