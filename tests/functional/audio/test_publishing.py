"""Publishing that never breaks what is live: concurrent runs, prune, damage, hostile decks.

Each test reproduces a failure a content team met (issue 11) on both targets where it applies.
"""

from __future__ import annotations

import json
import shutil
import threading
from pathlib import Path
from typing import Any

import pytest

from factaudio import cli as synthesize
from factaudio.pipeline import Options, Summary, build
from factaudio.publish import DirectoryTarget, S3Target, Target
from factcontent.deck import Deck
from factcontent.manifest import Manifest
from tests.audio_support import ToneEngine
from tests.conftest import ASSETS_DIR, BUCKET
from tests.functional.audio.test_pipeline import (
    DECKS,
    PREFIX,
    assert_manifest_points_at_valid_objects,
    deck,
    published_entries,
)


def run(target: Target, decks: dict[str, Deck], **options: Any) -> Summary:
    return build(ToneEngine(), target, decks, Options(workers=3, **options))


class BeforeCommit:
    """A target whose first manifest write lets something else happen first (another run)."""

    def __init__(self, target: Target, meanwhile: Any) -> None:
        self._target, self._meanwhile, self._done = target, meanwhile, False

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None:
        if not self._done:
            self._done = True
            self._meanwhile()
        self._target.write_manifest(manifest, expected=expected)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def test_a_prune_during_a_build_deletes_nothing_that_build_publishes(target: Target) -> None:
    """Was: --prune --yes deleted the MP3s a concurrent run was about to list in its manifest."""
    run(target, {"de-DE": DECKS["de-DE"]})
    pruner: list[Summary] = []

    def prune_meanwhile() -> None:
        pruner.append(
            run(target, {"de-DE": DECKS["de-DE"]}, prune=True, confirm_prune=lambda k: True)
        )

    summary = run(BeforeCommit(target, prune_meanwhile), {"en-US": DECKS["en-US"]})  # type: ignore[arg-type]
    assert summary.error is None and pruner[0].error is None and pruner[0].pruned == 0
    assert {loc for loc, _ in published_entries(target)} == {"en-US", "de-DE"}
    assert_manifest_points_at_valid_objects(target)


def test_two_runs_on_different_locales_both_land(target: Target) -> None:
    """Was: one run's update was lost (or it failed) when another published meanwhile."""
    other: list[Summary] = []

    def publish_meanwhile() -> None:
        other.append(run(target, {"de-DE": DECKS["de-DE"]}))

    summary = run(BeforeCommit(target, publish_meanwhile), {"en-US": DECKS["en-US"]})  # type: ignore[arg-type]
    assert summary.error is None and other[0].error is None
    assert len(published_entries(target)) == 5  # 3 en-US and 2 de-DE: both runs' facts
    manifest = target.read_manifest().manifest
    assert set(manifest.decks) == {"en", "de"}
    assert_manifest_points_at_valid_objects(target)


def test_a_genuine_conflict_is_reported_not_lost(target: Target) -> None:
    run(target, DECKS)
    theirs = {"en-US": deck("One, theirs.", "Two.", "Three.")}
    ours = {"en-US": deck("One, ours.", "Two.", "Three.")}

    def publish_meanwhile() -> None:
        assert run(target, theirs).error is None

    summary = run(BeforeCommit(target, publish_meanwhile), ours)  # type: ignore[arg-type]
    assert summary.error is not None and "another run published fact 'f-1' (en-US)" in summary.error
    assert not summary.manifest_written
    entry = target.read_manifest().manifest.entry("en-US", "f-1")
    assert entry is not None
    from factcontent.manifest import text_digest

    assert entry.text_sha256 == text_digest("One, theirs.")  # theirs stays, ours is not merged


def test_the_directory_lock_holds_the_manifest_write(tmp_path: Path) -> None:
    """Was: check-then-rename without a lock, and os.sync() widened the window."""
    target = DirectoryTarget(tmp_path / "out")
    run(target, {"de-DE": DECKS["de-DE"]})
    seen = target.read_manifest()
    finished = threading.Event()

    def write() -> None:
        target.write_manifest(seen.manifest, expected=seen.etag)
        finished.set()

    with target.locked():
        writer = threading.Thread(target=write)
        writer.start()
        assert not finished.wait(0.3)  # blocked while another run holds the lock
    writer.join(5)
    assert finished.is_set()


def test_concurrent_runs_on_one_directory_all_land(tmp_path: Path) -> None:
    out = tmp_path / "out"
    decks = {
        loc: deck(f"Fact of {loc}.", language=loc.split("-")[0])
        for loc in ("en-US", "de-DE", "fr-FR", "es-ES", "ja-JP")
    }
    decks["en-GB"] = decks["en-US"]  # the same English deck: no conflict over it
    results: list[Summary] = []
    threads = [
        threading.Thread(
            target=lambda d=d: results.append(run(DirectoryTarget(out), {d: decks[d]}))
        )
        for d in decks
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert [r.error for r in results] == [None] * len(decks)
    assert {loc for loc, _ in published_entries(DirectoryTarget(out))} == set(decks)


class LosesRaces:
    """A target whose manifest write loses to `others` other runs in turn, each publishing its
    own locale just before this run's write (as when six runs finish at once)."""

    def __init__(self, target: Target, others: list[Any]) -> None:
        self._target, self._others = target, list(others)

    def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None:
        if self._others:
            self._others.pop(0)()
        self._target.write_manifest(manifest, expected=expected)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def test_a_run_that_loses_to_five_concurrent_runs_still_lands(tmp_path: Path) -> None:
    """Was: with six runs on one directory, the last to commit lost five races, ran out of its
    five tries and failed ("the manifest kept changing"), though nothing conflicted."""
    out = tmp_path / "out"
    locales = ("de-DE", "fr-FR", "es-ES", "ja-JP", "it-IT")
    others = [
        lambda loc=loc: run(
            DirectoryTarget(out), {loc: deck(f"Fact of {loc}.", language=loc.split("-")[0])}
        )
        for loc in locales
    ]
    mine = run(LosesRaces(DirectoryTarget(out), others), {"en-US": deck("Fact of en-US.")})
    assert mine.error is None
    assert {loc for loc, _ in published_entries(DirectoryTarget(out))} == {"en-US", *locales}


def damage(target: Target, key: str, data: bytes) -> None:
    if isinstance(target, DirectoryTarget):
        (target.root / key).parent.mkdir(parents=True, exist_ok=True)
        (target.root / key).write_bytes(data)
    else:
        target.client.put_object(Bucket=BUCKET, Key=PREFIX + key, Body=data)


@pytest.mark.parametrize("kind", ["truncated", "empty", "corrupted"])
def test_a_damaged_referenced_clip_is_rebuilt(target: Target, kind: str) -> None:
    """Was: a corrupted, empty or truncated clip (11.28 s -> 0.17 s) was never noticed."""
    run(target, DECKS)
    entry = target.read_manifest().manifest.entry("en-US", "f-2")
    assert entry is not None
    original = target.read_file(entry.key)
    assert original is not None
    damaged = {
        "truncated": original[: len(original) // 8],
        "empty": b"",
        "corrupted": bytes(len(original)),
    }[kind]
    damage(target, entry.key, damaged)
    summary = run(target, DECKS)
    assert summary.error is None and summary.synthesized == 1, summary
    assert target.read_file(entry.key) == original or len(target.read_file(entry.key) or b"") > 1000
    assert_manifest_points_at_valid_objects(target)


def test_an_unreadable_left_over_never_blocks_a_run(target: Target) -> None:
    """Was: garbage at a new fact's key made every later run fail until deleted by hand."""
    from factaudio.plan import make_jobs

    engine = ToneEngine()
    (job,) = make_jobs({"en-US": deck("Brand new.")}, {"en-US": engine.voice("en-US")})
    damage(target, job.key, b"not an mp3 at all")
    summary = run(target, {"en-US": deck("Brand new.")})
    assert summary.error is None and summary.synthesized == 1 and summary.resumed == 0
    summary = run(target, {"en-US": deck("Brand new.")})
    assert summary.error is None and summary.skipped == 1


def test_a_clip_cut_short_that_still_decodes_is_rebuilt(target: Target) -> None:
    """Was: a clip cut to 55% still decoded, so it was adopted and its shorter length recorded:
    the fact stopped mid-sentence. An object that is not what its entry recorded is made again."""
    run(target, DECKS)
    entry = target.read_manifest().manifest.entry("de-DE", "f-1")
    assert entry is not None
    original = target.read_file(entry.key)
    assert original is not None
    damage(target, entry.key, original[: len(original) * 55 // 100])
    summary = run(target, DECKS)
    assert summary.error is None and summary.synthesized == 1 and summary.resumed == 0, summary
    again = target.read_manifest().manifest.entry("de-DE", "f-1")
    assert again is not None and again.duration == pytest.approx(entry.duration, abs=0.05)
    assert len(target.read_file(entry.key) or b"") == again.size


def test_a_damaged_published_deck_is_published_again(target: Target) -> None:
    """Was: a deck cut to 100 bytes stayed so: the skill refused it on every check, and that
    language never adopted a newer generation."""
    import hashlib

    run(target, DECKS)
    ref = target.read_manifest().manifest.decks["de"]
    damage(target, ref.key, (target.read_file(ref.key) or b"")[:100])
    summary = run(target, DECKS)
    assert summary.error is None and summary.decks_published == 1
    assert hashlib.sha256(target.read_file(ref.key) or b"").hexdigest() == ref.sha256


class PrunedBeforeTouch:
    """A target on which a concurrent prune deletes a left-over between a run's check of it and
    the touch that would have made it young."""

    def __init__(self, target: Target) -> None:
        self._target = target

    def touch(self, key: str) -> bool:
        self._target.delete([key])
        return self._target.touch(key)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def test_a_left_over_a_prune_deletes_while_it_is_adopted_is_made_again(
    target: Target, tmp_path: Path
) -> None:
    """Was: the touch ignored a missing file, the run adopted it anyway and published a
    manifest naming it: live, and broken, before the run's own check failed."""
    scratch = DirectoryTarget(tmp_path / "scratch")
    run(scratch, {"en-US": DECKS["en-US"]})
    key = published_entries(scratch)[("en-US", "f-1")].key
    damage(target, key, scratch.read_file(key) or b"")  # an interrupted run's upload
    summary = run(PrunedBeforeTouch(target), {"en-US": DECKS["en-US"]})
    assert summary.error is None and summary.resumed == 0 and summary.synthesized == 3, summary
    assert_manifest_points_at_valid_objects(target)


class TouchedBeforeDelete:
    """A directory on which a concurrent build adopts (touches) what a prune listed as old,
    between the prune's listing and its delete."""

    def __init__(self, target: DirectoryTarget) -> None:
        self._target = target

    def delete(self, keys: list[str], *, older_than: float | None = None) -> int:
        for key in keys:
            self._target.touch(key)
        return self._target.delete(keys, older_than=older_than)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._target, name)


def backdate(root: Path, seconds: float) -> None:
    import os
    import time

    then = time.time() - seconds
    for path in root.rglob("*"):
        if path.is_file():
            os.utime(path, (then, then))


def test_a_prune_keeps_what_a_build_adopted_after_the_prune_listed_it(tmp_path: Path) -> None:
    """Was: prune listed and decided outside the lock and deleted by that list: an old object a
    concurrent build adopted (touched) in between was deleted under it."""
    out = DirectoryTarget(tmp_path / "out")
    decks = {"de-DE": deck("Eins.", "Zwei.", language="de")}
    run(out, decks)
    stray = out.root / "audio" / "de-DE" / ("0" * 64 + ".mp3")
    stray.write_bytes(b"an interrupted run's upload")
    backdate(out.root, 3 * 86400.0)
    summary = run(
        TouchedBeforeDelete(out),
        decks,
        prune=True,
        confirm_prune=lambda k: True,
        prune_grace=3600.0,
    )
    assert summary.error is None and summary.pruned == 0 and stray.exists()
    summary = run(out, decks, prune=True, confirm_prune=lambda k: True, prune_grace=0)
    assert summary.pruned == 1 and not stray.exists()  # not touched: pruned


def test_prune_keeps_every_generation_replaced_within_the_grace_period(tmp_path: Path) -> None:
    """Was: two publishes in quick succession left the generation before both unprotected: its
    clips were pruned a second after it stopped being current, while warm containers that had
    read it minutes earlier still played them."""
    out = DirectoryTarget(tmp_path / "out")
    run(out, {"de-DE": deck("Eins.", "Zwei.", language="de")})
    old_clip = published_entries(out)[("de-DE", "f-1")].key
    backdate(out.root, 3 * 86400.0)  # an old clip, current until now
    run(out, {"de-DE": deck("Eins!", "Zwei.", language="de")})
    summary = run(
        out,
        {"de-DE": deck("Eins?", "Zwei.", language="de")},
        prune=True,
        confirm_prune=lambda keys: True,
        prune_grace=3600.0,
    )
    assert summary.error is None
    assert old_clip in out.list_audio()  # replaced seconds ago: warm containers may play it
    assert_manifest_points_at_valid_objects(out)


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    copy = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR, copy)
    return copy


@pytest.mark.parametrize("claimed", ["../../OUTSIDE", "de"])
def test_a_deck_is_published_only_as_the_language_of_its_file(
    assets: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], claimed: str
) -> None:
    """Was: "../../OUTSIDE" wrote outside --out; a French deck claiming de became decks/de.json."""
    path = assets / "decks" / "fr.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    data["language"] = claimed
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    out = tmp_path / "out"
    argv = ["--assets", str(assets), "--out", str(out), "--locale", "fr-FR", "--dry-run"]
    assert synthesize.main(argv) == 1
    err = capsys.readouterr().err
    assert str(path) in err and "fr" in err
    assert not (tmp_path / "OUTSIDE").exists() and not out.exists()


@pytest.fixture
def public_server() -> Any:
    """A stand-in for the bucket's public HTTPS endpoint: answers every GET with `status`."""
    import http.server

    class Handler(http.server.BaseHTTPRequestHandler):
        status = 200
        paths: list[str] = []  # noqa: RUF012 - shared with the test on purpose

        def do_GET(self) -> None:
            Handler.paths.append(self.path)
            body = b"ok" if Handler.status == 200 else b"<Error>AccessDenied</Error>"
            self.send_response(Handler.status)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: Any) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server, Handler
    server.shutdown()


def test_an_s3_publish_is_proved_by_anonymous_gets(
    bucket: str, public_server: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    """moto checks no policy, and Block Public Access silently turns one off: GET proves it."""
    server, handler = public_server
    url = f"http://127.0.0.1:{server.server_address[1]}/public/"
    argv = ["--bucket", bucket, "--engine", "espeak", "--locale", "en-US", "--only", "lambda-01"]
    assert synthesize.main([*argv, "--public-url", url]) == 0
    assert handler.paths[0] == "/public/audio-manifest.json"
    assert handler.paths[1].startswith("/public/audio/en-US/") and len(handler.paths) == 2
    capsys.readouterr()
    handler.status = 403
    assert synthesize.main([*argv, "--public-url", url]) == 1
    err = capsys.readouterr().err
    assert "answered HTTP 403" in err and "Block Public Access" in err


def test_the_default_public_url_is_the_buckets_own_https_address() -> None:
    from factaudio.proof import public_base

    assert public_base(bucket="b", prefix="public/", region="eu-west-1", endpoint=None) == (
        "https://b.s3.eu-west-1.amazonaws.com/public/"
    )
    assert public_base(bucket="b", prefix="public/", region=None, endpoint="http://h:5000/") == (
        "http://h:5000/b/public/"
    )


def test_prune_without_the_previous_generation_waits_for_the_grace_period(target: Target) -> None:
    """A lifecycle rule may expire the previous generation's copy: then prune only once no
    warm container can still play that generation."""
    run(target, {"de-DE": deck("Eins.", language="de")})
    run(target, {"de-DE": deck("Eins!", language="de")})
    manifest = target.read_manifest().manifest
    assert manifest.previous is not None
    target.delete([f"generations/{manifest.previous}.json"])
    summary = run(
        target, {"de-DE": deck("Eins!", language="de")}, prune=True, confirm_prune=lambda k: True
    )
    assert summary.error is not None and "nothing deleted" in summary.error
    assert len(target.list_audio()) == 2


def test_a_403_for_a_missing_manifest_is_a_first_publish(s3_client: Any, bucket: str) -> None:
    """S3 answers 403, not 404, for a missing key to a caller that may list only public/."""
    from botocore.exceptions import ClientError

    def denied(**_: Any) -> None:
        raise ClientError({"Error": {"Code": "AccessDenied", "Message": "denied"}}, "GetObject")

    target = S3Target(s3_client, bucket, prefix=PREFIX)
    real = s3_client.get_object
    s3_client.get_object = denied
    try:
        assert target.read_manifest().etag is None  # not listed: it does not exist
        assert target.read_file("generations/none.json") is None
        s3_client.put_object(Bucket=bucket, Key=PREFIX + "audio-manifest.json", Body=b"{}")
        from factaudio.exceptions import PublishError

        with pytest.raises(PublishError, match="AccessDenied"):
            target.read_manifest()  # listed, yet denied: a real permission problem
    finally:
        s3_client.get_object = real


def test_a_run_heals_a_manifest_that_names_missing_objects(target: Target) -> None:
    """A clip or deck of another locale deleted by hand: the next run leaves it out, it does not
    publish (or keep) a generation that points at nothing."""
    run(target, DECKS)
    manifest = target.read_manifest().manifest
    gone = [manifest.decks["de"].key, manifest.locales["de-DE"]["f-1"].key]
    target.delete(gone)
    summary = run(target, {"en-US": DECKS["en-US"]})  # a run of another locale
    assert summary.error is None and summary.manifest_written
    assert any("objects that are gone" in warning for warning in summary.warnings)
    healed = target.read_manifest().manifest
    assert "de" not in healed.decks and "f-1" not in healed.locales["de-DE"]
    assert_manifest_points_at_valid_objects(target)


def test_a_manifest_rewritten_without_end_still_stops_the_run(tmp_path: Path) -> None:
    """The patience is bounded: a manifest something keeps rewriting ends the run, named."""
    from factaudio.commit import COMMIT_PATIENCE_SECONDS, Change, commit
    from factaudio.exceptions import ManifestConflictError, PipelineError

    target = DirectoryTarget(tmp_path / "out")
    seen = target.read_manifest()
    now = [0.0]

    class AlwaysRewritten:
        def write_manifest(self, manifest: Manifest, *, expected: str | None) -> None:
            raise ManifestConflictError("changed")

        def __getattr__(self, name: str) -> Any:
            return getattr(target, name)

    def sleep(seconds: float) -> None:
        assert 0 <= seconds <= 0.5
        now[0] += seconds + 1.0  # each try takes a second of the clock

    change = Change(entries={}, scope=frozenset(), decks={}, generated_at="2026-12-02T00:00:00Z")
    with pytest.raises(PipelineError, match=r"kept changing for 60 s \(\d+ tries\)"):
        commit(AlwaysRewritten(), change, seen, clock=lambda: now[0], sleep=sleep)  # type: ignore[arg-type]
    assert now[0] >= COMMIT_PATIENCE_SECONDS
