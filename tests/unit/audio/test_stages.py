"""The two stages: every job gets its own result, and a failing clip blames only its fact."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from factaudio import stages
from factaudio.engines import RateLimiter
from factaudio.exceptions import SynthesisError
from factaudio.plan import make_jobs
from factaudio.postprocess import Prepared
from factaudio.publish import DirectoryTarget
from factcontent.deck import Deck, Fact
from tests.audio_support import ToneEngine

TEXTS = ("Alpha fact.", "Bravo fact, longer.", "Charlie.", "Delta fact text here.")


def run_stages(tmp_path: Path, engine: ToneEngine) -> dict[str, object]:
    deck = Deck(
        language="en",
        topics={"t": "T"},
        facts=tuple(Fact(f"f-{i}", "t", t) for i, t in enumerate(TEXTS)),
    )
    jobs = make_jobs({"en-US": deck}, {"en-US": engine.voice("en-US")})
    outcomes: dict[str, object] = {}
    with stages.Stages(engine, DirectoryTarget(tmp_path), workers=4, post_workers=1) as running:
        futures = {running.submit(job, RateLimiter(None)): job for job in jobs}
        for future, job in futures.items():
            error = future.exception(timeout=60)
            outcomes[job.text] = error if error is not None else future.result()
    return outcomes


def test_every_job_gets_its_entry(tmp_path: Path) -> None:
    outcomes = run_stages(tmp_path, ToneEngine())
    assert all(not isinstance(o, BaseException) for o in outcomes.values()), outcomes
    assert len({o.key for o in outcomes.values()}) == len(TEXTS)  # type: ignore[attr-defined]


def test_a_clip_that_breaks_its_batch_fails_alone(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = stages.encode_batch
    probe = ToneEngine()
    bad = stages.prepare(probe.synthesize("Charlie.", probe.voice("en-US"))).segment.raw_data

    def fragile(items: Sequence[Prepared], *, scratch: str | None = None) -> list[bytes]:
        if any(item.segment.raw_data == bad for item in items):
            raise SynthesisError("ffmpeg failed (1): corrupt input")
        return real(items, scratch=scratch)

    monkeypatch.setattr(stages, "encode_batch", fragile)
    outcomes = run_stages(tmp_path, ToneEngine(latency=0.05))
    failed = {text for text, o in outcomes.items() if isinstance(o, BaseException)}
    assert failed == {"Charlie."}, outcomes
    assert "fact 'f-2' (en-US)" in str(outcomes["Charlie."])
    assert "corrupt input" in str(outcomes["Charlie."])


def test_synthesis_failure_names_the_fact(tmp_path: Path) -> None:
    outcomes = run_stages(tmp_path, ToneEngine(fail_on=lambda text: text == "Bravo fact, longer."))
    error = outcomes["Bravo fact, longer."]
    assert isinstance(error, Exception) and "fact 'f-1' (en-US)" in str(error)
    assert not isinstance(outcomes["Alpha fact."], BaseException)


def test_encode_retries_clip_by_clip_after_a_batch_failure(monkeypatch: pytest.MonkeyPatch) -> None:
    real = stages.encode_batch
    engine = ToneEngine()
    prepared = [stages.prepare(engine.synthesize(t, engine.voice("en-US"))) for t in TEXTS]
    bad = prepared[1].segment.raw_data
    calls: list[int] = []

    def fragile(items: Sequence[Prepared], *, scratch: str | None = None) -> list[bytes]:
        calls.append(len(items))
        if any(item.segment.raw_data == bad for item in items):
            raise SynthesisError("corrupt input")
        return real(items, scratch=scratch)

    monkeypatch.setattr(stages, "encode_batch", fragile)
    with stages.Stages(engine, None, workers=1, post_workers=1) as running:  # type: ignore[arg-type]
        outcomes = running._encode([(None, p) for p in prepared])  # type: ignore[misc]
    assert calls == [4, 1, 1, 1, 1]  # the batch, then each clip alone
    assert [isinstance(o, Exception) for o in outcomes] == [False, True, False, False]
