from __future__ import annotations

import pytest

from factaudio import plan as plan_module
from factaudio.plan import (
    Job,
    StoredObject,
    Voice,
    entry_for,
    intact,
    job_digest,
    make_jobs,
    merge_manifest,
    plan_jobs,
)
from factcontent.deck import Deck, Fact
from factcontent.manifest import AudioEntry, Manifest, text_digest

VOICE = Voice("polly", "Joanna", "neural")
DECK = Deck(
    language="en",
    topics={"t": "T"},
    facts=(Fact("a", "t", "Alpha."), Fact("b", "t", "Beta."), Fact("c", "t", "Gamma.")),
)


def test_job_digest_covers_text_voice_settings_and_version(monkeypatch: pytest.MonkeyPatch) -> None:
    base = job_digest("Alpha.", VOICE)
    assert job_digest("Alpha.", VOICE) == base
    assert job_digest("Alpha!", VOICE) != base
    assert job_digest("Alpha.", VOICE._replace(voice="Matthew")) != base
    assert job_digest("Alpha.", VOICE._replace(variant="standard")) != base
    monkeypatch.setattr(plan_module, "PIPELINE_VERSION", 999)
    assert job_digest("Alpha.", VOICE) != base
    monkeypatch.setattr(plan_module, "AUDIO_SETTINGS", {"sample_rate": 16000})
    assert job_digest("Alpha.", VOICE) != base


def test_make_jobs_keys_are_content_addressed_per_locale() -> None:
    jobs = make_jobs({"en-US": DECK, "en-GB": DECK}, {"en-US": VOICE, "en-GB": VOICE})
    assert len(jobs) == 6
    us = {j.fact_id: j for j in jobs if j.locale == "en-US"}
    assert us["a"].key == f"audio/en-US/{us['a'].digest[:32]}.mp3"
    assert " " not in us["a"].key
    only = make_jobs({"en-US": DECK}, {"en-US": VOICE}, only=["b"])
    assert [j.fact_id for j in only] == ["b"]


def stored(size: int = 100, md5: str = "0" * 32) -> StoredObject:
    return StoredObject(size, md5, 0.0)


def recorded(job: Job) -> AudioEntry:
    return entry_for(job, 1.0, size=100, md5="0" * 32)


def test_plan_keeps_resumes_and_builds() -> None:
    jobs = make_jobs({"en-US": DECK}, {"en-US": VOICE})
    a, b, c = jobs
    manifest = Manifest({"en-US": {"a": recorded(a), "c": recorded(c)._replace(digest="old")}})
    plan = plan_jobs(jobs, manifest, published={a.key: stored(), b.key: stored()})
    assert set(plan.keep) == {("en-US", "a")}
    assert [j.fact_id for j in plan.resume] == ["b"]  # uploaded, not yet in a manifest
    assert [j.fact_id for j in plan.build] == ["c"]  # stale entry, object missing
    assert plan.planned == 3
    assert plan.characters() == len("Gamma.")


def test_plan_rebuilds_when_object_vanished() -> None:
    jobs = make_jobs({"en-US": DECK}, {"en-US": VOICE})
    manifest = Manifest({"en-US": {j.fact_id: entry_for(j, 1.0) for j in jobs}})
    plan = plan_jobs(jobs, manifest, published={})
    assert len(plan.build) == 3 and not plan.keep


@pytest.mark.parametrize(
    ("listed", "why"),
    [
        (StoredObject(17, "0" * 32, 0.0), "truncated: another size"),
        (StoredObject(100, "f" * 32, 0.0), "corrupted: another MD5"),
    ],
)
def test_a_damaged_object_is_rebuilt_not_kept(listed: StoredObject, why: str) -> None:
    """An object that is not what its entry recorded is made again, even if it still decodes
    (a clip cut short plays, only shorter)."""
    jobs = make_jobs({"en-US": DECK}, {"en-US": VOICE})
    manifest = Manifest({"en-US": {j.fact_id: recorded(j) for j in jobs}})
    plan = plan_jobs(jobs, manifest, published={j.key: listed for j in jobs})
    assert not plan.keep and not plan.resume and len(plan.build) == 3, why


def test_an_entry_without_size_is_checked_once() -> None:
    jobs = make_jobs({"en-US": DECK}, {"en-US": VOICE})
    manifest = Manifest({"en-US": {j.fact_id: entry_for(j, 1.0) for j in jobs}})
    plan = plan_jobs(jobs, manifest, published={j.key: stored() for j in jobs})
    assert len(plan.resume) == 3
    assert intact(recorded(jobs[0]), StoredObject(100, None, 0.0))  # a listing without MD5


def test_entry_for_records_text_hash_voice_and_digest() -> None:
    job = make_jobs({"en-US": DECK}, {"en-US": VOICE})[0]
    entry = entry_for(job, 2.5)
    assert entry == AudioEntry(
        job.key, 2.5, text_digest("Alpha."), "polly:Joanna:neural", job.digest
    )


def test_merge_manifest_replaces_scope_and_keeps_the_rest() -> None:
    old = AudioEntry("audio/x.mp3", 1.0, "0" * 64, "v", "d")
    new = old._replace(key="audio/y.mp3")
    previous = Manifest({"en-US": {"a": old, "gone": old}, "de-DE": {"a": old}})
    merged = merge_manifest(
        previous,
        {("en-US", "a"): new},
        scope={("en-US", "a"), ("en-US", "gone")},
        generated_at="now",
    )
    assert merged.locales == {"en-US": {"a": new}, "de-DE": {"a": old}}
    assert merged.generated_at == "now"
