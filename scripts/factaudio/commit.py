"""Publishing one generation: the decks and clips it names, then the manifest, its one commit point.

A reader fetches the manifest, then only what it names: content-addressed objects that are never
rewritten. So the manifest write is the commit: conditional (S3 If-Match / If-None-Match; a
directory's exclusive lock), and on a conflict the run reads what the other run published,
merges its own locales and facts onto it and tries again; only when both changed the same fact
or deck is it a genuine conflict, reported and never silently lost.

Prune never deletes what the current or the previous generation references (nor any older one
replaced within the grace period), nor anything younger
than its grace period (longer than the skill's refresh interval plus the longest run): warm
skill containers keep playing the previous manifest for up to CONTENT_REFRESH_SECONDS, and a
concurrent build's new or resumed objects are young.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from datetime import UTC
from typing import NamedTuple

from factaudio.exceptions import ManifestConflictError, PipelineError
from factaudio.plan import merge_manifest
from factaudio.publish import PublishedManifest, Target
from factcontent.layout import AUDIO_DIR, DECKS_DIR, GENERATIONS_DIR, generation_key
from factcontent.manifest import AudioEntry, DeckRef, Manifest, loads_manifest

logger = logging.getLogger(__name__)

# How long a run goes on merging onto other runs' generations: every failed write means another
# run published, so while runs finish together each try is progress; the bound is for a manifest
# something rewrites without end. Between tries a short random wait breaks lockstep.
COMMIT_PATIENCE_SECONDS = 60.0
MAX_RETRY_WAIT_SECONDS = 0.5
# Prune leaves objects younger than this alone: far longer than the skill's refresh interval
# (300 s by default) plus the longest run.
DEFAULT_PRUNE_GRACE_SECONDS = 24 * 3600.0
# The skill's default refresh interval (factskill.config) plus an hour for a long run.
MIN_PRUNE_GRACE_SECONDS = 300.0 + 3600.0
PRUNABLE = (AUDIO_DIR + "/", DECKS_DIR + "/", GENERATIONS_DIR + "/")


class Change(NamedTuple):
    """What this run publishes, to merge onto whatever generation is current when it commits."""

    entries: Mapping[tuple[str, str], AudioEntry]
    scope: frozenset[tuple[str, str]]  # the (locale, fact) this run decides
    decks: Mapping[str, DeckRef]
    generated_at: str
    # Objects the manifest this run started from named but its listing did not find: a new
    # generation never names them (the skill speaks those facts, or keeps its bundled deck).
    missing: frozenset[str] = frozenset()

    def onto(self, base: Manifest) -> Manifest:
        merged = merge_manifest(
            base, self.entries, scope=self.scope, generated_at=self.generated_at, decks=self.decks
        )
        if not self.missing & merged.keys():
            return merged
        locales = {
            locale: {fid: e for fid, e in entries.items() if e.key not in self.missing}
            for locale, entries in merged.locales.items()
        }
        decks = {lang: ref for lang, ref in merged.decks.items() if ref.key not in self.missing}
        healed = merged._replace(locales=locales, decks=decks, generation=None)
        return healed._replace(generation=healed.content_id())  # type: ignore[no-any-return]


def _conflicts(change: Change, seen: Manifest, latest: Manifest) -> list[str]:
    """What another run changed since `seen` that this run changes too, differently."""
    clashes = []
    for locale, fact_id in sorted(change.scope):
        theirs, before = latest.entry(locale, fact_id), seen.entry(locale, fact_id)
        ours = change.entries.get((locale, fact_id))
        if theirs not in (before, ours):
            clashes.append(f"fact {fact_id!r} ({locale})")
    for language, ours_deck in sorted(change.decks.items()):
        theirs_deck = latest.decks.get(language)
        if theirs_deck not in (seen.decks.get(language), ours_deck):
            clashes.append(f"the {language} deck")
    return clashes


def commit(
    target: Target,
    change: Change,
    seen: PublishedManifest,
    *,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], None] = time.sleep,
) -> Manifest | None:
    """Publish `change` as the next generation after `seen`; None when it changes nothing.

    Raises PipelineError on a genuine conflict (another run published the same facts or decks
    differently while this one was building): nothing of this run is published then.
    """
    import random

    base = seen
    deadline = clock() + COMMIT_PATIENCE_SECONDS
    tries = 0
    while tries == 0 or clock() < deadline:
        if tries:
            sleep(random.uniform(0, min(MAX_RETRY_WAIT_SECONDS, 0.02 * 2**tries)))
        tries += 1
        manifest = change.onto(base.manifest)
        unchanged = manifest.content_json() == base.manifest.content_json()
        if unchanged and base.etag is not None:
            return None
        target.put_file(generation_key(manifest.generation or ""), manifest.dumps().encode())
        try:
            target.write_manifest(manifest, expected=base.etag)
            return manifest
        except ManifestConflictError:
            latest = target.read_manifest()
            clashes = _conflicts(change, seen.manifest, latest.manifest)
            if clashes:
                raise PipelineError(
                    f"another run published {', '.join(clashes[:5])} differently while this one "
                    "was building; nothing of this run is published: check what is live, then "
                    "run again"
                ) from None
            logger.info("another run published meanwhile: merging onto its generation")
            base = latest
    raise PipelineError(
        f"the manifest kept changing for {COMMIT_PATIENCE_SECONDS:.0f} s ({tries} tries): "
        "another run is publishing, run again when it is done"
    )


def verify(target: Target, manifest: Manifest) -> None:
    """Every object the published manifest names exists; raise naming the missing ones."""
    listed = target.list_objects()
    missing = sorted(manifest.keys() - listed.keys())
    if missing:
        raise PipelineError(
            f"the published manifest names {len(missing)} missing objects ({', '.join(missing[:3])}"
            f"{', ...' if len(missing) > 3 else ''}): something deleted them meanwhile; run again "
            "to rebuild them"
        )


def _age(manifest: Manifest, now: float) -> float:
    """Seconds since `manifest` was generated (0 when it does not say)."""
    from datetime import datetime

    if not manifest.generated_at:
        return 0.0
    try:
        written = datetime.strptime(manifest.generated_at, "%Y-%m-%dT%H:%M:%SZ")
    except ValueError:
        return 0.0
    return now - written.replace(tzinfo=UTC).timestamp()


def referenced(target: Target, manifest: Manifest, *, grace: float, now: float) -> set[str]:
    """What prune must keep: the current generation's objects, the previous one's, and every
    older generation replaced less than `grace` ago (two publishes in quick succession: warm
    containers may still play the one before both), with their copies. Without a copy it needs
    (a lifecycle rule expired it), pruning is safe only when the generation that replaced it is
    older than the grace period: no warm container plays it any more."""
    keep = manifest.keys()
    if manifest.generation:
        keep.add(generation_key(manifest.generation))
    newer, seen = manifest, {manifest.generation}
    while newer.previous and newer.previous not in seen:
        replaced_recently = _age(newer, now) <= grace
        if newer is not manifest and not replaced_recently:
            break  # replaced longer ago than the grace period: no container plays it
        key = generation_key(newer.previous)
        keep.add(key)
        seen.add(newer.previous)
        data = target.read_file(key)
        if data is None:
            if replaced_recently:
                raise PipelineError(
                    f"the earlier generation's copy {key} is missing and what replaced it is "
                    "recent: warm skill containers may still play it; nothing deleted"
                )
            break
        try:
            older = loads_manifest(data, source=key)
        except Exception as exc:  # a damaged copy: keep everything rather than guess
            raise PipelineError(
                f"cannot read an earlier generation to prune safely ({exc}); nothing deleted"
            ) from exc
        keep |= older.keys()
        newer = older
    return keep


def prune(
    target: Target,
    manifest: Manifest,
    *,
    grace: float,
    confirm: Callable[[list[str]], bool],
    now: Callable[[], float] = time.time,
) -> int:
    """Delete objects neither generation references and older than `grace` seconds."""
    moment = now()
    keep = referenced(target, manifest, grace=grace, now=moment)
    orphans = sorted(
        key
        for key, stored in target.list_objects().items()
        if key.startswith(PRUNABLE) and key not in keep and moment - stored.modified > grace
    )
    if not orphans or not confirm(orphans):
        return 0
    return target.delete(orphans, older_than=moment - grace)
