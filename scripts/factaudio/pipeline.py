"""Run a build: plan, synthesize with bounded concurrency, publish, write the manifest last."""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import as_completed
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from typing import Any

from factaudio.brand import Brand
from factaudio.commit import DEFAULT_PRUNE_GRACE_SECONDS, Change, commit, prune, verify
from factaudio.constants import POLLY_USD_PER_MILLION
from factaudio.engines import Engine, NoVoice, RateLimiter
from factaudio.exceptions import PipelineError
from factaudio.lexicon import Lexicon
from factaudio.loudness import check_loudness
from factaudio.plan import (
    Job,
    Plan,
    StoredObject,
    Voice,
    captions_key,
    entry_for,
    make_jobs,
    plan_jobs,
)
from factaudio.publish import Target, md5_hex
from factaudio.stages import Skipped, Stages
from factaudio.validate import check_alexa_mp3
from factcontent.deck import Deck, billed_characters, deck_to_json
from factcontent.exceptions import ContentError
from factcontent.layout import published_deck_key
from factcontent.manifest import AudioEntry, DeckRef

logger = logging.getLogger(__name__)


@dataclass
class Summary:
    """What a run did; `--json` prints it."""

    planned: int = 0
    synthesized: int = 0
    skipped: int = 0
    resumed: int = 0
    uploaded: int = 0
    failed: int = 0
    pruned: int = 0
    characters: int = 0
    estimated_usd: float = 0.0
    seconds: float = 0.0
    manifest_written: bool = False
    decks_published: int = 0
    per_locale: dict[str, dict[str, int]] = field(default_factory=dict)
    # Per locale, the facts the engine cannot speak acceptably: no clip, the skill speaks the text.
    unspoken: dict[str, list[str]] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Per locale, of every clip the manifest lists: [min, median, max] of loudness, peak, length.
    audio: dict[str, dict[str, list[float]]] = field(default_factory=dict)
    error: str | None = None

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    def audio_lines(self) -> list[str]:
        """One line per locale: loudness, true peak and duration, min / median / max."""
        lines = []
        for locale, stats in sorted(self.audio.items()):
            shown = {
                name: " / ".join(f"{value:.1f}" for value in values)
                for name, values in stats.items()
            }
            lines.append(
                f"{locale}: {shown.get('lufs', '-')} LUFS, {shown.get('true_peak', '-')} dBTP, "
                f"{shown.get('duration', '-')} s (min / median / max)"
            )
        return lines

    def line(self) -> str:
        return (
            f"planned {self.planned}, synthesized {self.synthesized}, skipped {self.skipped}, "
            f"resumed {self.resumed}, uploaded {self.uploaded}, failed {self.failed}, "
            f"pruned {self.pruned}, left to Alexa's voice "
            f"{sum(len(ids) for ids in self.unspoken.values())}, "
            f"{self.characters} characters, {self.seconds:.1f} s"
        )


@dataclass(frozen=True)
class Options:
    workers: int = 4
    only: Sequence[str] = ()
    dry_run: bool = False
    prune: bool = False
    confirm_prune: Callable[[list[str]], bool] = lambda keys: False
    prune_grace: float = DEFAULT_PRUNE_GRACE_SECONDS  # prune leaves younger objects alone
    lexicons: Mapping[str, Lexicon] = field(default_factory=dict)  # language -> lexicon
    brand: Brand | None = None  # the sting and bed mixed under every clip


class Progress:
    """A progress bar with ETA on stderr (tqdm), only when that is a terminal; quiet otherwise."""

    def __init__(self, total: int, stream: Any = None) -> None:
        from tqdm import tqdm

        stream = stream if stream is not None else sys.stderr
        self.enabled = total > 0 and stream.isatty()
        self.bar = tqdm(
            total=total,
            desc="synthesizing",
            unit="clip",
            file=stream,
            disable=not self.enabled,
            dynamic_ncols=True,
        )

    def step(self) -> None:  # called from one thread only: the one collecting results
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def audio_stats(manifest: Any, decks: Mapping[str, Deck]) -> dict[str, dict[str, list[float]]]:
    """Per locale of `decks`, [min, median, max] of what the manifest's entries measured."""
    import statistics

    stats: dict[str, dict[str, list[float]]] = {}
    for locale in decks:
        entries = list(manifest.locales.get(locale, {}).values())
        columns = {
            "lufs": [e.lufs for e in entries if e.lufs is not None],
            "true_peak": [e.true_peak for e in entries if e.true_peak is not None],
            "duration": [e.duration for e in entries],
        }
        stats[locale] = {
            name: [min(values), statistics.median(values), max(values)]
            for name, values in columns.items()
            if values
        }
    return stats


def estimate_usd(plan: Plan) -> float:
    """What Polly would bill for the jobs to build, by engine price per million characters."""
    return sum(
        POLLY_USD_PER_MILLION.get(j.voice.variant, 0.0) * billed_characters(j.text) / 1e6
        for j in plan.build
    )


def build(
    engine: Engine,
    target: Target,
    decks: Mapping[str, Deck],
    options: Options,
    *,
    clock: Callable[[], float] = time.monotonic,
) -> Summary:
    """Build and publish the audio of `decks` (locale -> deck); never raises PipelineError."""
    started = clock()
    summary = Summary()
    try:
        _run(engine, target, decks, options, summary)
    except (PipelineError, ContentError) as exc:
        summary.error = str(exc)
    except Exception as exc:  # the network, credentials, the bucket: botocore says what
        logger.debug("build failed", exc_info=True)
        summary.error = f"{type(exc).__name__}: {exc}; the published manifest is unchanged"
    summary.seconds = clock() - started
    return summary


def _run(
    engine: Engine, target: Target, decks: Mapping[str, Deck], options: Options, summary: Summary
) -> None:
    every, jobs = _speakable_jobs(engine, decks, options, summary)
    objects = target.list_objects()
    current = target.read_manifest()
    plan = plan_jobs(jobs, current.manifest, objects)
    summary.planned, summary.skipped = plan.planned, len(plan.keep)
    summary.characters, summary.estimated_usd = plan.characters(), round(estimate_usd(plan), 4)
    summary.per_locale = {loc: dict(c) for loc, c in sorted(plan.per_locale().items())}
    if options.dry_run:
        return
    entries: dict[tuple[str, str], AudioEntry] = dict(plan.keep)
    rebuild = []
    for job in plan.resume:  # uploaded by an interrupted run, or maybe damaged: checked first
        entry = _adopt(target, job)
        if entry is None:
            rebuild.append(job)  # a broken left-over never blocks a run: it is made again
        else:
            entries[(job.locale, job.fact_id)] = entry
            summary.resumed += 1
    engine.prepare([*plan.build, *rebuild])
    _synthesize_all([*plan.build, *rebuild], engine, target, options, entries, summary)
    scope = {(job.locale, job.fact_id) for job in every}
    scope |= {(loc, fid) for loc, ids in summary.unspoken.items() for fid in ids}
    if not options.only:  # a whole-locale run also drops entries of facts that left the deck
        scope |= {(loc, fid) for loc in decks for fid in current.manifest.locales.get(loc, {})}
    change = Change(
        entries,
        frozenset(scope),
        _publish_decks(target, decks, objects, summary),
        datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        frozenset(current.manifest.keys() - objects.keys()),
    )
    if change.missing:
        summary.warnings.append(
            f"the published manifest names {len(change.missing)} objects that are gone "
            "(deleted by hand, or by a lifecycle rule): the new generation leaves them out"
        )
    manifest = commit(target, change, current)
    summary.manifest_written = manifest is not None
    published = manifest or current.manifest
    summary.audio = audio_stats(published, decks)
    if manifest is not None:  # what the run planned from was listed; a new generation is proved
        verify(target, manifest)
    if options.prune:
        summary.pruned = prune(
            target, published, grace=options.prune_grace, confirm=options.confirm_prune
        )


def _adopt(target: Target, job: Job) -> AudioEntry | None:
    """The entry of an object already at the job's key, if it is a valid clip (format and
    loudness); made young again so a concurrent prune leaves it alone until it is published."""
    data = target.read_file(job.key)
    if data is None:
        return None
    try:
        duration = check_alexa_mp3(data, where=job.where)
        loudness = check_loudness(data, where=job.where)
    except PipelineError as exc:
        logger.warning("%s: rebuilding the damaged clip at %s (%s)", job.where, job.key, exc)
        return None
    if not target.touch(job.key):
        logger.warning(
            "%s: %s was deleted meanwhile (a prune): making it again", job.where, job.key
        )
        return None
    key = captions_key(job.key)
    text = target.read_file(key)
    captions = key if text is not None and text.startswith(b"WEBVTT") else None
    if captions is not None and not target.touch(captions):
        captions = None  # deleted meanwhile: the clip plays without them
    return entry_for(
        job,
        duration,
        lufs=loudness.lufs,
        true_peak=loudness.true_peak,
        size=len(data),
        md5=md5_hex(data),
        captions=captions,
    )


def _publish_decks(
    target: Target,
    decks: Mapping[str, Deck],
    objects: Mapping[str, StoredObject],
    summary: Summary,
) -> dict[str, DeckRef]:
    """Upload each language's deck under its content-addressed key (unless it is there): the
    skill fetches the one the manifest names, so a deck is never overwritten in place."""
    refs = {}
    for language, deck in {d.language: d for d in decks.values()}.items():
        data = json.dumps(deck_to_json(deck), ensure_ascii=False, indent=1).encode("utf-8")
        digest = hashlib.sha256(data).hexdigest()
        key = published_deck_key(language, digest)
        stored = objects.get(key)
        if stored is None or not stored.holds(len(data), md5_hex(data)):
            target.put_file(key, data)  # missing, or damaged since: its name says what it holds
            summary.decks_published += 1
        refs[language] = DeckRef(key, digest, len(data))
    return refs


def _speakable_jobs(
    engine: Engine, decks: Mapping[str, Deck], options: Options, summary: Summary
) -> tuple[list[Job], list[Job]]:
    """Every job of the run, and those the engine can speak (the rest go to summary.unspoken)."""
    wanted = set(options.only)
    if wanted and not wanted & {fact.id for deck in decks.values() for fact in deck.facts}:
        raise PipelineError(f"no fact has the id {', '.join(options.only)}")
    voices: dict[str, Voice] = {}
    for locale, deck in decks.items():
        try:
            voices[locale] = engine.voice(locale)
        except NoVoice as exc:
            ids = [fact.id for fact in deck.facts if not wanted or fact.id in wanted]
            summary.unspoken[locale] = ids
            summary.warnings.append(f"{exc}: the skill speaks its {len(ids)} facts")
    every = make_jobs(
        decks,
        voices,
        only=options.only,
        lexicons=options.lexicons,
        brand=options.brand.digest if options.brand else None,
    )
    jobs = []
    for job in every:  # never publish gibberish: what the engine cannot read, Alexa speaks
        reason = engine.unreadable(job.text, job.voice, job.lexicon)
        if reason is None:
            jobs.append(job)
        else:
            summary.unspoken.setdefault(job.locale, []).append(job.fact_id)
            summary.warnings.append(f"{job.where}: {reason}; the skill speaks its text")
    return every, jobs


def _synthesize_all(  # noqa: PLR0917 - internal helper, all required
    jobs: Sequence[Job],
    engine: Engine,
    target: Target,
    options: Options,
    entries: dict[tuple[str, str], AudioEntry],
    summary: Summary,
) -> None:
    limiters: dict[str, RateLimiter] = {}
    for job in jobs:
        limiters.setdefault(job.voice.variant, RateLimiter(engine.max_tps(job.voice)))
    progress = Progress(len(jobs))
    first_error: BaseException | None = None
    post_workers = 2 * (os.cpu_count() or 1)  # while one batch is in ffmpeg, the next is prepared
    with (
        Stages(
            engine,
            target,
            workers=max(1, options.workers),
            post_workers=post_workers,
            brand=options.brand,
        ) as stages,
        contextlib.closing(progress),
    ):
        futures = {stages.submit(job, limiters[job.voice.variant]): job for job in jobs}
        for future in as_completed(futures):
            error = future.exception()
            if error is None:
                job = futures[future]
                entries[(job.locale, job.fact_id)] = future.result()
                summary.synthesized += 1
                summary.uploaded += 1
                progress.step()
            elif not isinstance(error, Skipped):
                summary.failed += 1
                if first_error is None:
                    first_error = error
                    stages.stopping.set()  # start nothing new; running jobs finish and are kept
    if first_error is not None:
        raise PipelineError(
            f"{first_error}; the published manifest is unchanged: fix it and re-run "
            f"({summary.uploaded} finished files will not be redone)"
        ) from first_error
