"""Build the audio of every fact and publish it with the manifest the skill reads.

python scripts/synthesize.py                         # espeak-ng into build/audio (offline)
python scripts/synthesize.py --bucket BUCKET         # Amazon Polly into S3
python scripts/synthesize.py --bucket B --endpoint-url http://127.0.0.1:5000 --engine espeak
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from factaudio.brand import load_brand
from factaudio.commit import DEFAULT_PRUNE_GRACE_SECONDS, MIN_PRUNE_GRACE_SECONDS
from factaudio.constants import ENV_ASSETS_DIR
from factaudio.engines import Engine, EspeakEngine, PollyEngine
from factaudio.exceptions import PipelineError
from factaudio.lexicon import load_lexicons
from factaudio.pipeline import Options, Summary, build
from factaudio.proof import prove_public, public_base
from factaudio.publish import DirectoryTarget, S3Target, Target
from factaudio.voices import check_polly_voices, load_voices
from factcontent.deck import Deck
from factcontent.exceptions import ContentError
from factcontent.files import load_deck
from factcontent.layout import PUBLIC_PREFIX, VOICES_FILE
from factcontent.locales import LOCALE_LANGUAGE

logger = logging.getLogger("synthesize")
DEFAULT_OUT = Path("build/audio")
DEFAULT_ASSETS = Path("assets")


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="synthesize.py", description=__doc__.split("\n\n")[0])
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--bucket", help="publish to this S3 bucket")
    where.add_argument(
        "--out", type=Path, help=f"publish to this directory (default {DEFAULT_OUT})"
    )
    parser.add_argument(
        "--assets",
        type=Path,
        default=Path(os.environ.get(ENV_ASSETS_DIR) or DEFAULT_ASSETS),
        help=f"the content: decks/ and voices.json (default ${ENV_ASSETS_DIR}, else {DEFAULT_ASSETS})",
    )
    parser.add_argument("--prefix", default=PUBLIC_PREFIX, help="public key prefix in the bucket")
    parser.add_argument("--region", help="AWS region of the bucket and of Polly")
    parser.add_argument("--profile", help="AWS named profile")
    parser.add_argument("--endpoint-url", help="S3-compatible endpoint, e.g. a local moto server")
    parser.add_argument(
        "--engine", choices=("polly", "espeak"), help="default: polly with --bucket, else espeak"
    )
    parser.add_argument(
        "--locale",
        action="append",
        choices=sorted(LOCALE_LANGUAGE),
        help="only this locale (repeatable)",
    )
    parser.add_argument(
        "--only", action="append", default=[], metavar="ID", help="only this fact id (repeatable)"
    )
    parser.add_argument(
        "--which", metavar="ID", help="print where the published clip of this fact is, and stop"
    )
    parser.add_argument(
        "--brand",
        choices=("on", "off"),
        help="mix the sting and music bed of brand.json in (default: brand.json's choice for "
        "directory or --bucket builds)",
    )
    parser.add_argument("--workers", type=int, default=4, help="concurrent syntheses (default 4)")
    parser.add_argument(
        "--dry-run", action="store_true", help="print the plan and its cost, change nothing"
    )
    parser.add_argument("--json", action="store_true", help="print one JSON summary on stdout")
    parser.add_argument(
        "--prune", action="store_true", help="delete MP3s the manifest no longer references"
    )
    parser.add_argument("--yes", action="store_true", help="do not ask before pruning")
    parser.add_argument(
        "--prune-grace",
        type=float,
        default=DEFAULT_PRUNE_GRACE_SECONDS,
        metavar="SECONDS",
        help="prune leaves objects younger than this alone (default one day; at least "
        f"{MIN_PRUNE_GRACE_SECONDS:g}: the skill's refresh interval plus a long run)",
    )
    parser.add_argument(
        "--public-url",
        help="where listeners read the prefix (checked with an anonymous GET after an S3 "
        "publish; default: the bucket's own HTTPS address, or the --endpoint-url)",
    )
    parser.add_argument(
        "--no-public-check",
        action="store_true",
        help="skip the anonymous GET of the manifest and one clip after an S3 publish",
    )
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    if args.workers < 1:
        parser.error("--workers must be at least 1")
    if args.endpoint_url and not args.bucket:
        parser.error("--endpoint-url needs --bucket")
    if args.prune_grace < MIN_PRUNE_GRACE_SECONDS:
        parser.error(
            f"--prune-grace must be at least {MIN_PRUNE_GRACE_SECONDS:g} s: warm skill "
            "containers play the previous manifest for up to CONTENT_REFRESH_SECONDS"
        )
    if not (args.assets / "decks").is_dir():
        parser.error(
            f"no decks in {args.assets}/: run from the repository root or pass --assets DIR"
        )
    return args


def aws_session(args: argparse.Namespace) -> Any:
    """A boto3 session; the region is --region, else the user's AWS configuration's."""
    import boto3

    session = boto3.Session(profile_name=args.profile, region_name=args.region)
    if session.region_name is None:
        raise PipelineError(
            "no AWS region: pass --region or set one in your AWS configuration (aws configure)"
        )
    return session


def aws_config(workers: int) -> Any:
    from botocore.config import Config

    return Config(
        retries={"mode": "standard", "max_attempts": 8}, max_pool_connections=max(10, workers * 2)
    )


def make_target(args: argparse.Namespace, session: Any) -> Target:
    if args.bucket:
        s3 = session.client("s3", endpoint_url=args.endpoint_url, config=aws_config(args.workers))
        target = S3Target(s3, args.bucket, prefix=args.prefix)
        if not args.no_public_check:
            target.public_base = args.public_url or public_base(
                bucket=args.bucket,
                prefix=args.prefix,
                region=session.region_name,
                endpoint=args.endpoint_url,
            )
        return target
    return DirectoryTarget(args.out or DEFAULT_OUT)


def make_engine(args: argparse.Namespace, session: Any) -> Engine:
    voices = load_voices(args.assets / VOICES_FILE)
    engine = args.engine or ("polly" if args.bucket else "espeak")
    if engine == "espeak":
        return EspeakEngine(voices, where=str(args.assets / VOICES_FILE))
    if session is None:  # a dry run plans and prices from voices.json alone: no AWS account
        return PollyEngine(None, voices)  # type: ignore[arg-type]
    polly = PollyEngine(session.client("polly", config=aws_config(args.workers)), voices)
    described = polly.describe_voices()
    check_polly_voices(voices, described)
    polly.know_voices(described)
    return polly


def load_decks(assets: Path, locales: Sequence[str]) -> dict[str, Deck]:
    cache: dict[str, Deck] = {}
    decks = {}
    for locale in locales:
        language = LOCALE_LANGUAGE[locale]
        if language not in cache:
            cache[language] = load_deck(assets, language)
        decks[locale] = cache[language]
    return decks


def which(target: Target, fact_id: str) -> int:
    """Print the published clip of `fact_id` in every locale; 1 when it has none."""
    manifest = target.read_manifest().manifest
    found = 0
    for locale, entries in sorted(manifest.locales.items()):
        entry = entries.get(fact_id)
        if entry is not None:
            found += 1
            print(f"{locale}: {entry.key} ({entry.duration:.1f} s, {entry.voice})")
    if not found:
        print(f"synthesize: {target.describe()} has no clip of fact {fact_id!r}", file=sys.stderr)
        return 1
    return 0


def confirm(keys: list[str]) -> bool:
    if not sys.stdin.isatty():
        print(
            f"refusing to delete {len(keys)} files without a terminal: pass --yes", file=sys.stderr
        )
        return False
    answer = input(f"delete {len(keys)} MP3s no manifest references? [y/N] ")
    return answer.strip().lower() in ("y", "yes")


def report(args: argparse.Namespace, summary: Summary, target: Target) -> None:
    if args.json:
        print(json.dumps(summary.to_json(), indent=1))
        return
    if args.dry_run:
        for locale, counts in summary.per_locale.items():
            print(
                f"{locale}: build {counts.get('build', 0)}, keep {counts.get('keep', 0)}, resume {counts.get('resume', 0)}"
            )
        print(
            f"billed characters: {summary.characters}; estimated Polly cost: ${summary.estimated_usd:.4f}"
        )
    for line in summary.audio_lines():
        print(line)
    print(f"{target.describe()}: {summary.line()}")


def main(argv: Sequence[str] | None = None) -> int:
    try:
        return run(argv)
    except KeyboardInterrupt:  # Ctrl-C: running clips finished or dropped, scratch files removed
        print(
            "synthesize: interrupted; the published manifest is unchanged "
            "(clips already uploaded are reused by the next run)",
            file=sys.stderr,
        )
        return 130


def run(argv: Sequence[str] | None) -> int:
    with contextlib.ExitStack() as stack:
        return _run(parse_args(argv), stack)


def _run(args: argparse.Namespace, stack: contextlib.ExitStack) -> int:
    logging.basicConfig(
        level=logging.DEBUG if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
    )
    try:
        needs_aws = args.bucket or (args.engine == "polly" and not args.dry_run)
        session = aws_session(args) if needs_aws else None
        if args.dry_run and session is not None and session.get_credentials() is None:
            # Pricing needs no AWS account: plan against nothing published, from voices.json.
            print(
                f"synthesize: no AWS credentials: s3://{args.bucket} was not read, so the dry "
                "run prices every clip as new and checks voices against voices.json only",
                file=sys.stderr,
            )
            session = None
            scratch = stack.enter_context(tempfile.TemporaryDirectory(prefix="synthesize-dry-"))
            target: Target = DirectoryTarget(Path(scratch))
        else:
            target = make_target(args, session)
        engine = make_engine(args, session)
        decks = load_decks(args.assets, args.locale or sorted(LOCALE_LANGUAGE))
        lexicons = load_lexicons(args.assets, {deck.language for deck in decks.values()})
        choice = None if args.brand is None else args.brand == "on"
        brand = load_brand(args.assets, bucket=bool(args.bucket), choice=choice)
    except (PipelineError, ContentError) as exc:
        print(f"synthesize: {exc}", file=sys.stderr)
        return 1
    except Exception as exc:  # credentials, profile, endpoint: botocore says what
        print(f"synthesize: cannot start: {type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    if args.which:
        try:
            return which(target, args.which)
        except BrokenPipeError:  # `--which ID | head -0`: the reader left
            os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
            return 0
    options = Options(
        workers=args.workers,
        only=tuple(args.only),
        dry_run=args.dry_run,
        prune=args.prune,
        confirm_prune=(lambda keys: True) if args.yes else confirm,
        prune_grace=args.prune_grace,
        lexicons=lexicons,
        brand=brand,
    )
    summary = build(engine, target, decks, options)
    base = target.public_url("") if not args.dry_run else None
    if base is not None and summary.error is None:
        try:
            prove_public(base, target.read_manifest().manifest)
        except PipelineError as exc:
            summary.error = str(exc)
    for warning in summary.warnings:
        print(f"synthesize: {warning}", file=sys.stderr)
    try:
        report(args, summary, target)
    except BrokenPipeError:  # `--json | head`: the reader left; say nothing more
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
    if summary.error:
        print(f"synthesize: {summary.error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
