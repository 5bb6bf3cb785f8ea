"""Pure planning: one job per (locale, fact), keyed by a hash of everything that shapes its audio."""

from __future__ import annotations

import hashlib
import json
from collections import Counter
from collections.abc import Iterable, Mapping
from typing import NamedTuple

from factaudio.constants import AUDIO_SETTINGS, PIPELINE_VERSION
from factaudio.lexicon import Lexicon, digest_of
from factcontent.deck import Deck, billed_characters
from factcontent.layout import audio_key
from factcontent.locales import LOCALE_LANGUAGE
from factcontent.manifest import AudioEntry, DeckRef, Manifest, text_digest


class Voice(NamedTuple):
    """What an engine speaks with: engine family, voice id, engine variant (e.g. neural), and
    for a bilingual voice the language it must speak (Polly's LanguageCode, e.g. hi-IN)."""

    engine: str
    voice: str
    variant: str
    language: str = ""

    def label(self) -> str:
        parts = (self.engine, self.voice, self.variant, self.language)
        return ":".join(part for part in parts if part)


class Job(NamedTuple):
    locale: str
    fact_id: str
    text: str
    voice: Voice
    digest: str
    lexicon: Lexicon | None = None

    @property
    def key(self) -> str:
        """The content-addressed object key, relative to the public root."""
        return audio_key(self.locale, self.digest[:32])

    @property
    def where(self) -> str:
        return f"fact {self.fact_id!r} ({self.locale})"


def job_digest(
    text: str, voice: Voice, lexicon: Lexicon | None = None, *, brand: str | None = None
) -> str:
    """Hash of the text, voice, engine, audio settings and pipeline version, of the lexemes
    that change how the text is read (only those: a lexicon edit rebuilds exactly the facts
    that contain the edited words) and of the brand mixed in, if any."""
    payload: dict[str, object] = {
        "text": text,
        "voice": voice.label(),
        "audio": AUDIO_SETTINGS,
        "pipeline": PIPELINE_VERSION,
    }
    applied = lexicon.applied(text) if lexicon is not None else ()
    if applied:
        payload["lexicon"] = digest_of(applied)
    if brand is not None:
        payload["brand"] = brand
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


class StoredObject(NamedTuple):
    """What a listing says of one published object."""

    size: int
    md5: str | None  # hex MD5 of its bytes, where the listing knows it (S3's ETag)
    modified: float  # when it was last written, seconds since the epoch

    def holds(self, size: int, md5: str) -> bool:
        """True when the object has this size and (where the listing knows it) this MD5."""
        return self.size == size and self.md5 in (None, md5)


def intact(entry: AudioEntry, stored: StoredObject) -> bool:
    """True when the object is the one the entry recorded (same size, same MD5 where known)."""
    if entry.size is None or entry.md5 is None:
        return False  # recorded before sizes were: checked once, then recorded
    return stored.holds(entry.size, entry.md5)


class Plan(NamedTuple):
    """What a run will do: jobs to build, entries it can keep, jobs already uploaded earlier."""

    build: tuple[Job, ...]
    keep: dict[tuple[str, str], AudioEntry]
    resume: tuple[Job, ...]

    @property
    def planned(self) -> int:
        return len(self.build) + len(self.keep) + len(self.resume)

    def characters(self) -> int:
        return sum(billed_characters(job.text) for job in self.build)

    def per_locale(self) -> dict[str, Counter[str]]:
        counts: dict[str, Counter[str]] = {}
        for job in self.build:
            counts.setdefault(job.locale, Counter())["build"] += 1
        for job in self.resume:
            counts.setdefault(job.locale, Counter())["resume"] += 1
        for locale, _ in self.keep:
            counts.setdefault(locale, Counter())["keep"] += 1
        return counts


def make_jobs(
    decks: Mapping[str, Deck],
    voices: Mapping[str, Voice],
    *,
    only: Iterable[str] = (),
    lexicons: Mapping[str, Lexicon] | None = None,
    brand: str | None = None,
) -> list[Job]:
    """Return one job per fact of each locale's deck that has a voice (only the fact ids in
    `only`, if given); `lexicons`: language -> its lexicon; `brand`: the brand's digest."""
    wanted = set(only)
    jobs = []
    for locale, deck in decks.items():
        voice = voices.get(locale)
        if voice is None:
            continue
        lexicon = (lexicons or {}).get(LOCALE_LANGUAGE[locale])
        for fact in deck.facts:
            if wanted and fact.id not in wanted:
                continue
            digest = job_digest(fact.text, voice, lexicon, brand=brand)
            jobs.append(Job(locale, fact.id, fact.text, voice, digest, lexicon))
    return jobs


def plan_jobs(
    jobs: Iterable[Job], manifest: Manifest, published: Mapping[str, StoredObject]
) -> Plan:
    """Split jobs into kept (the manifest's entry and its object, intact), resumed (an object
    without a matching entry: checked before it is adopted) and to build (no object, or one
    that differs from the size and MD5 its entry recorded, even if it still decodes)."""
    build: list[Job] = []
    resume: list[Job] = []
    keep: dict[tuple[str, str], AudioEntry] = {}
    for job in jobs:
        entry = manifest.entry(job.locale, job.fact_id)
        stored = published.get(job.key)
        if entry is not None and (entry.digest, entry.key) != (job.digest, job.key):
            entry = None  # a stale entry (other text or settings): it says nothing of this object
        if stored is None:
            build.append(job)
        elif entry is not None and intact(entry, stored):
            keep[(job.locale, job.fact_id)] = entry
        elif entry is not None and entry.md5 is not None:
            build.append(job)  # not what was published (cut short, overwritten): made again
        else:
            resume.append(job)
    return Plan(tuple(build), keep, tuple(resume))


def captions_key(clip_key: str) -> str:
    """Where a clip's WebVTT captions go: next to it, the same name (content-addressed too)."""
    return clip_key.removesuffix(".mp3") + ".vtt"


def entry_for(
    job: Job,
    duration: float,
    *,
    lufs: float | None = None,
    true_peak: float | None = None,
    size: int | None = None,
    md5: str | None = None,
    captions: str | None = None,
) -> AudioEntry:
    return AudioEntry(
        key=job.key,
        duration=duration,
        text_sha256=text_digest(job.text),
        voice=job.voice.label(),
        digest=job.digest,
        lufs=lufs,
        true_peak=true_peak,
        size=size,
        md5=md5,
        captions=captions,
    )


def merge_manifest(
    previous: Manifest,
    entries: Mapping[tuple[str, str], AudioEntry],
    *,
    scope: Iterable[tuple[str, str]],
    generated_at: str,
    decks: Mapping[str, DeckRef] | None = None,
) -> Manifest:
    """Replace the entries in `scope` (this run's locales/facts) with `entries`, and the decks
    of `decks`; keep the rest. The result is the generation after `previous`."""
    in_scope = set(scope)
    locales: dict[str, dict[str, AudioEntry]] = {}
    for locale, facts in previous.locales.items():
        for fact_id, entry in facts.items():
            if (locale, fact_id) not in in_scope:
                locales.setdefault(locale, {})[fact_id] = entry
    for (locale, fact_id), entry in entries.items():
        locales.setdefault(locale, {})[fact_id] = entry
    merged = Manifest(
        locales,
        generated_at,
        {**previous.decks, **(decks or {})},
        None,
        previous.generation,
    )
    return merged._replace(generation=merged.content_id())  # type: ignore[no-any-return]
