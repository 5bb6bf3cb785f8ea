"""The pipeline end to end against a directory and moto S3, with real MP3s and injected faults."""

from __future__ import annotations

import fnmatch
import hashlib
import io
from pathlib import Path
from typing import Any

import pytest
from mutagen.mp3 import MP3

from factaudio.constants import CACHE_CONTROL
from factaudio.pipeline import Options, Summary, build
from factaudio.publish import DirectoryTarget, S3Target, Target
from factcontent.deck import Deck, Fact
from factcontent.layout import MANIFEST_FILE
from factlocal.template import bucket_settings
from tests.audio_support import ToneEngine
from tests.conftest import REPO_ROOT
from tests.functional.audio.conftest import PREFIX


def deck(*texts: str, language: str = "en") -> Deck:
    return Deck(
        language=language,
        topics={"t": "T"},
        facts=tuple(Fact(f"f-{i}", "t", text) for i, text in enumerate(texts, 1)),
    )


DECKS = {
    "en-US": deck("One & one.", "Two.", "Three."),
    "de-DE": deck("Eins.", "Zwei.", language="de"),
}


def published_entries(target: Target) -> dict[tuple[str, str], Any]:
    manifest = target.read_manifest().manifest
    return {(loc, fid): e for loc, facts in manifest.locales.items() for fid, e in facts.items()}


def assert_manifest_points_at_valid_objects(target: Target) -> None:
    objects = target.list_audio()
    for entry in published_entries(target).values():
        assert entry.key in objects


def run(
    engine: ToneEngine, target: Target, decks: dict[str, Deck] = DECKS, **options: Any
) -> Summary:
    return build(engine, target, decks, Options(workers=3, **options))


def test_first_build_publishes_every_fact(target: Target) -> None:
    summary = run(ToneEngine(), target)
    assert summary.error is None
    assert (summary.planned, summary.synthesized, summary.uploaded, summary.skipped) == (5, 5, 5, 0)
    assert summary.characters == sum(len(f.text) for d in DECKS.values() for f in d.facts)
    entries = published_entries(target)
    assert set(entries) == {
        ("en-US", "f-1"),
        ("en-US", "f-2"),
        ("en-US", "f-3"),
        ("de-DE", "f-1"),
        ("de-DE", "f-2"),
    }
    assert_manifest_points_at_valid_objects(target)


def test_rerun_with_nothing_changed_does_nothing(target: Target) -> None:
    run(ToneEngine(), target)
    engine = ToneEngine()
    summary = run(engine, target)
    assert engine.calls == []
    assert (summary.synthesized, summary.uploaded, summary.skipped) == (0, 0, 5)


def test_changing_one_fact_resynthesizes_exactly_one_file(target: Target) -> None:
    run(ToneEngine(), target)
    before = published_entries(target)
    engine = ToneEngine()
    changed = {**DECKS, "en-US": deck("One & one.", "Two, revised.", "Three.")}
    summary = run(engine, target, changed)
    assert engine.calls == ["Two, revised."]
    assert summary.synthesized == 1 and summary.skipped == 4
    after = published_entries(target)
    assert after[("en-US", "f-2")].key != before[("en-US", "f-2")].key
    assert {k: v for k, v in after.items() if k != ("en-US", "f-2")} == {
        k: v for k, v in before.items() if k != ("en-US", "f-2")
    }


def test_removed_fact_leaves_the_manifest(target: Target) -> None:
    run(ToneEngine(), target)
    run(ToneEngine(), target, {**DECKS, "de-DE": deck("Eins.", language="de")})
    assert ("de-DE", "f-2") not in published_entries(target)


def test_only_rebuilds_one_fact_and_keeps_other_locales(target: Target) -> None:
    run(ToneEngine(), target)
    engine = ToneEngine()
    summary = run(engine, target, {"en-US": deck("One & one.", "Two!", "Three.")}, only=("f-2",))
    assert engine.calls == ["Two!"] and summary.planned == 1
    entries = published_entries(target)
    assert ("de-DE", "f-1") in entries and len(entries) == 5


def test_failure_mid_run_leaves_manifest_untouched_and_next_run_resumes(target: Target) -> None:
    run(ToneEngine(), target, {"de-DE": DECKS["de-DE"]})
    before = target.read_manifest()
    failing = ToneEngine(fail_on=lambda text: text == "Three.")
    summary = failed = run(failing, target)
    assert summary.failed == 1 and summary.error is not None
    assert "fact 'f-3' (en-US)" in summary.error and "manifest is unchanged" in summary.error
    assert not summary.manifest_written
    after = target.read_manifest()
    assert after.manifest == before.manifest and after.etag == before.etag
    assert_manifest_points_at_valid_objects(target)
    # the next run redoes nothing that finished
    retry = ToneEngine()
    summary = run(retry, target)
    assert summary.error is None
    assert "Three." in retry.calls
    assert summary.resumed == failed.uploaded  # finished files are adopted, not redone
    assert summary.synthesized == 3 - failed.uploaded
    assert len(retry.calls) == summary.synthesized
    assert set(published_entries(target)) >= {("en-US", "f-1"), ("en-US", "f-3"), ("de-DE", "f-2")}
    assert_manifest_points_at_valid_objects(target)


def test_resumed_entries_keep_real_durations(target: Target) -> None:
    run(ToneEngine(fail_on=lambda text: text == "Three."), target, {"en-US": DECKS["en-US"]})
    run(ToneEngine(), target, {"en-US": DECKS["en-US"]})
    for entry in published_entries(target).values():
        assert 0.2 < entry.duration < 2.0


def test_dry_run_changes_nothing(target: Target) -> None:
    engine = ToneEngine(variant="neural")
    summary = run(engine, target, dry_run=True)
    assert engine.calls == [] and not summary.manifest_written
    assert target.list_audio() == set()
    assert summary.per_locale == {"de-DE": {"build": 2}, "en-US": {"build": 3}}
    assert summary.estimated_usd == pytest.approx(16.0 * summary.characters / 1e6, abs=1e-4)


def test_prune_deletes_only_what_neither_generation_references(target: Target) -> None:
    first = {**DECKS, "de-DE": deck("Eins.", "Zwei.", language="de")}
    second = {**DECKS, "de-DE": deck("Eins!", "Zwei.", language="de")}
    third = {**DECKS, "de-DE": deck("Eins?", "Zwei.", language="de")}
    run(ToneEngine(), target, first)
    run(ToneEngine(), target, second)
    # "Eins." is the previous generation's: warm skill containers may still play it
    kept = run(
        ToneEngine(), target, second, prune=True, confirm_prune=lambda k: True, prune_grace=0
    )
    assert kept.pruned == 0 and len(target.list_audio()) == 6
    refused = run(ToneEngine(), target, third, prune=True, confirm_prune=lambda keys: False)
    assert refused.pruned == 0 and len(target.list_audio()) == 7
    young = run(ToneEngine(), target, third, prune=True, confirm_prune=lambda keys: True)
    assert young.pruned == 0  # the default grace period: a day
    pruned: list[str] = []

    def confirm(keys: list[str]) -> bool:
        pruned.extend(keys)
        return True

    summary = run(ToneEngine(), target, third, prune=True, confirm_prune=confirm, prune_grace=0)
    assert summary.pruned == len(pruned) >= 1
    assert len(target.list_audio()) == 6  # "Eins." is gone, "Eins!" (previous) stays
    assert all(key.startswith(("audio/", "decks/", "generations/")) for key in pruned)
    assert_manifest_points_at_valid_objects(target)


def test_concurrent_publisher_is_detected(target: Target) -> None:
    run(ToneEngine(), target, {"de-DE": DECKS["de-DE"]})
    seen = target.read_manifest()
    run(ToneEngine(), target)  # someone else publishes in between
    from factaudio.exceptions import ManifestConflictError

    with pytest.raises(ManifestConflictError, match="run it again"):
        target.write_manifest(seen.manifest, expected=seen.etag)


def test_first_manifest_write_refuses_to_overwrite(target: Target) -> None:
    from factaudio.exceptions import ManifestConflictError

    empty = target.read_manifest()
    run(ToneEngine(), target, {"de-DE": DECKS["de-DE"]})
    with pytest.raises(ManifestConflictError):
        target.write_manifest(empty.manifest, expected=empty.etag)


# --- S3 specifics moto does not check for us ---


def publicly_readable(bucket: str, key: str) -> bool:
    """True when template.yaml's bucket policy lets anyone GetObject `key` (moto checks no policy)."""
    policy = bucket_settings(bucket, path=REPO_ROOT / "template.yaml")["policy"]
    arn = f"arn:aws:s3:::{bucket}/{key}"
    for statement in policy["Statement"]:
        resources = statement["Resource"]
        resources = [resources] if isinstance(resources, str) else resources
        actions = statement["Action"]
        actions = [actions] if isinstance(actions, str) else actions
        if (
            statement["Effect"] == "Allow"
            and statement.get("Principal") in ("*", {"AWS": "*"})
            and "s3:GetObject" in actions
            and any(fnmatch.fnmatchcase(arn, pattern) for pattern in resources)
        ):
            return True
    return False


def test_s3_uploads_are_public_audio_without_acls(
    s3_client: Any, bucket: str, s3_calls: list[Any]
) -> None:
    """Public by the bucket policy alone (never an ACL): every MP3 and the manifest under it."""
    run(ToneEngine(), S3Target(s3_client, bucket, prefix=PREFIX))
    assert not publicly_readable(bucket, "private/x.mp3")  # the policy is not public-all
    puts = [params for name, params in s3_calls if name == "PutObject"]
    assert len(puts) == 9  # 5 MP3s, the two decks, the generation's copy, then the manifest
    decks, generation, manifest = puts[-4:-2], puts[-2], puts[-1]
    assert manifest["Key"] == PREFIX + MANIFEST_FILE and manifest["IfNoneMatch"] == "*"
    assert generation["Key"].startswith(PREFIX + "generations/")
    assert sorted(d["Key"].split("/")[2] for d in decks) == ["de", "en"]
    assert {d["ContentType"] for d in [*decks, generation]} == {"application/json"}
    for name, params in s3_calls:
        assert "ACL" not in params, f"{name} sent an ACL"
        assert not any(k.startswith("Grant") for k in params), f"{name} sent a grant"
    assert publicly_readable(bucket, manifest["Key"])
    for params in puts[:-4]:
        assert params["Key"].startswith(PREFIX + "audio/")
        assert publicly_readable(bucket, params["Key"]), params["Key"]
        assert params["ContentType"] == "audio/mpeg"
        assert params["CacheControl"] == CACHE_CONTROL
        head = s3_client.head_object(Bucket=bucket, Key=params["Key"])
        assert head["ContentType"] == "audio/mpeg"
        body = s3_client.get_object(Bucket=bucket, Key=params["Key"])["Body"].read()
        info = MP3(io.BytesIO(body)).info
        assert (info.version, info.bitrate, info.sample_rate) == (2, 48000, 24000)


def test_s3_noop_rerun_lists_once_and_writes_nothing(
    s3_client: Any, bucket: str, s3_calls: list[Any]
) -> None:
    target = S3Target(s3_client, bucket, prefix=PREFIX)
    run(ToneEngine(), target)
    s3_calls.clear()
    run(ToneEngine(), target)
    assert [name for name, _ in s3_calls] == ["ListObjectsV2", "GetObject"]


def test_s3_second_manifest_write_is_conditional_on_etag(
    s3_client: Any, bucket: str, s3_calls: list[Any]
) -> None:
    target = S3Target(s3_client, bucket, prefix=PREFIX)
    run(ToneEngine(), target, {"de-DE": DECKS["de-DE"]})
    etag = target.read_manifest().etag
    s3_calls.clear()
    run(ToneEngine(), target)
    manifest_put = [p for n, p in s3_calls if n == "PutObject" and p["Key"].endswith(MANIFEST_FILE)]
    assert manifest_put and manifest_put[0]["IfMatch"] == etag


def test_directory_target_writes_manifest_atomically(tmp_path: Path) -> None:
    target = DirectoryTarget(tmp_path)
    run(ToneEngine(), target)
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == [DirectoryTarget.LOCK_FILE]  # no temporary file is left
    assert (tmp_path / MANIFEST_FILE).stat().st_mode & 0o644 == 0o644


def test_published_deck_is_what_the_skill_parses(target: Target) -> None:
    import json

    from factcontent.deck import parse_deck

    summary = run(ToneEngine(), target)
    assert summary.decks_published == 2
    ref = target.read_manifest().manifest.decks["en"]
    data = target.read_file(ref.key)
    assert data is not None and len(data) == ref.size
    assert hashlib.sha256(data).hexdigest() == ref.sha256
    assert ref.key == f"decks/en/{ref.sha256[:32]}.json"  # content-addressed, never rewritten
    deck = parse_deck(json.loads(data), source="published", locales=("en-US",))
    assert deck.facts == DECKS["en-US"].facts
    assert run(ToneEngine(), target).decks_published == 0  # unchanged: not uploaded again


def test_failed_run_leaves_the_published_deck_as_it_was(target: Target) -> None:
    run(ToneEngine(), target)
    before = target.read_manifest()
    changed = {**DECKS, "en-US": deck("One & one.", "Two, changed.", "Three, changed.")}
    summary = run(ToneEngine(fail_on=lambda text: text == "Three, changed."), target, changed)
    assert summary.error and summary.decks_published == 0
    assert target.read_manifest() == before
    ref = target.read_manifest().manifest.decks["en"]
    data = target.read_file(ref.key)
    assert data is not None and b"Two, changed." not in data


@pytest.mark.parametrize(("lufs", "true_peak"), [(-20.0, -3.0), (-14.0, -0.5)])
def test_a_clip_outside_amazons_band_is_refused_naming_locale_and_fact(
    target: Target, monkeypatch: pytest.MonkeyPatch, lufs: float, true_peak: float
) -> None:
    """The build's own validator refuses an encoded clip measured outside -14 +-1 LUFS or over
    -2 dBTP, naming the locale and the fact, and publishes nothing of the run."""
    from factaudio import stages
    from factaudio.loudness import Loudness

    settle = stages.settle

    def off_band(segment: Any, encoded: bytes, **kwargs: Any) -> Any:
        audio, _ = settle(segment, encoded, **kwargs)
        return audio, Loudness(lufs, true_peak)

    monkeypatch.setattr(stages, "settle", off_band)
    summary = run(ToneEngine(), target, {"en-US": DECKS["en-US"]})
    assert summary.error is not None and "loudness out of band" in summary.error
    assert "(en-US)" in summary.error and "fact 'f-" in summary.error
    assert not summary.manifest_written and not published_entries(target)
