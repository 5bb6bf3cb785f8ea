"""Issue 3: the audio pipeline's no-op re-run, its concurrency, and post-processing cost."""

from __future__ import annotations

import math
import os
import resource
import statistics
import tempfile
import time
from pathlib import Path
from typing import Any

from factskill.deck import Deck, Fact
from scripts.audio.pipeline import Options, build
from scripts.audio.plan import entry_for, make_jobs
from scripts.audio.postprocess import AudioSegment, pcm_input, run_ffmpeg, to_alexa_mp3
from scripts.audio.publish import DirectoryTarget, S3Target
from tests.audio_support import ToneEngine, tone
from tests.benchmarks.common import Result

NOOP_FACTS = 1000
FULL_FACTS = 200
WORKERS = 8
TTS_LATENCY = 0.100
BUCKET = "bench-audio"


def generated_deck(count: int) -> Deck:
    facts = tuple(
        Fact(f"gen-{i:04d}", "t", f"Generated fact number {i}, about serverless.")
        for i in range(count)
    )
    return Deck(language="en", topics={"t": "Topic"}, facts=facts)


def _aws_env() -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        os.environ[name] = "bench"
    os.environ["AWS_DEFAULT_REGION"] = "us-east-1"


def noop_rerun() -> list[Result]:
    """(a) A re-run with nothing changed over 1,000 facts: wall time and S3 requests."""
    import boto3
    from moto import mock_aws

    _aws_env()
    with mock_aws():
        s3 = boto3.client("s3", region_name="us-east-1")
        s3.create_bucket(Bucket=BUCKET)
        target = S3Target(s3, BUCKET)
        engine = ToneEngine()
        decks = {"en-US": generated_deck(NOOP_FACTS)}
        jobs = make_jobs(decks, {"en-US": engine.voice("en-US")})
        for job in jobs:  # as a finished earlier run left them
            s3.put_object(
                Bucket=BUCKET, Key="public/" + job.key, Body=b"mp3", ContentType="audio/mpeg"
            )
        from factskill.manifest import Manifest

        target.write_manifest(
            Manifest({"en-US": {j.fact_id: entry_for(j, 1.0) for j in jobs}}), expected=None
        )
        build(engine, target, decks, Options(workers=WORKERS))  # publishes the deck once

        calls: list[str] = []
        s3.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
        started = time.perf_counter()
        summary = build(engine, target, decks, Options(workers=WORKERS))
        wall = time.perf_counter() - started
        assert summary.error is None and summary.synthesized == summary.uploaded == 0, summary
        assert not engine.calls

        made = list(calls)  # before the naive loop below adds its own
        keys = len(jobs) + 2  # the MP3s, the manifest and the deck
        started = time.perf_counter()
        for job in jobs:  # the naive alternative: a HEAD per object
            s3.head_object(Bucket=BUCKET, Key="public/" + job.key)
        naive = time.perf_counter() - started
    lists = made.count("ListObjectsV2")
    return [
        Result(
            f"no-op re-run, {NOOP_FACTS} facts: wall time (absolute target)", wall, "s", target=2.0
        ),
        Result(
            "no-op re-run: wall vs a HEAD per object (moto, same run)", wall, "s", baseline=naive
        ),
        Result(
            f"no-op re-run: ListObjectsV2 requests ({keys} keys)",
            lists,
            "req",
            target=math.ceil(keys / 1000),
        ),
        Result(
            "no-op re-run: requests other than list + manifest GET",
            len(made) - lists - made.count("GetObject"),
            "req",
            target=0,
        ),
    ]


def full_build() -> list[Result]:
    """(b) 200 facts, a fake TTS of fixed 100 ms latency, 8 workers: achieved over ideal throughput."""
    engine = ToneEngine()
    decks = {"en-US": generated_deck(FULL_FACTS)}
    # Steady state: the fake TTS's audio exists before the clock starts (a real TTS spends its
    # time waiting, which the 100 ms latency stands for), and the post-processing imports are done.
    for fact in decks["en-US"].facts:
        engine.synthesize(fact.text, engine.voice("en-US"))
    engine.latency, engine.calls = TTS_LATENCY, []
    to_alexa_mp3(tone(500))
    cpu_before = _cpu_seconds()
    with tempfile.TemporaryDirectory() as tmp:
        started = time.perf_counter()
        summary = build(engine, DirectoryTarget(Path(tmp)), decks, Options(workers=WORKERS))
        wall = time.perf_counter() - started
    cpu_per_fact = (_cpu_seconds() - cpu_before) / FULL_FACTS
    assert summary.error is None and summary.synthesized == FULL_FACTS, summary
    ideal = WORKERS / TTS_LATENCY  # facts per second if only the TTS latency limited the build
    achieved = FULL_FACTS / wall
    cores = os.cpu_count() or 1
    cpu_bound = cores / cpu_per_fact
    return [
        Result(
            f"full build: achieved / ideal throughput ({WORKERS} workers, 100 ms TTS)",
            achieved,
            "fact/s",
            baseline=ideal,
            target=0.8,
            higher_is_better=True,
        ),
        Result(
            f"full build: achieved / what the CPU allows on {cores} cores (reported)",
            achieved,
            "fact/s",
            baseline=min(ideal, cpu_bound),
            higher_is_better=True,
        ),
        Result("full build: CPU per fact, ffmpeg and Python (reported)", cpu_per_fact * 1000, "ms"),
    ]


def _cpu_seconds() -> float:
    """CPU time of this process and its finished children (the ffmpeg runs)."""
    own, children = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def _cpu(work: Any, repeat: int) -> float:
    samples = []
    for _ in range(repeat):
        before = _cpu_seconds()
        work()
        samples.append(_cpu_seconds() - before)
    return statistics.median(samples)


def postprocess_cost() -> list[Result]:
    """(c) CPU per second of audio: ours, vs a bare encode (the floor) and vs ffmpeg's loudnorm."""
    seconds = 10
    speech = tone(seconds * 1000, silence_ms=200)
    bare = ["-ar", "24000", "-ac", "1", "-c:a", "libmp3lame", "-b:a", "48k", "-f", "mp3", "pipe:1"]
    loudnorm = ["-af", "loudnorm=I=-16:TP=-1.5:LRA=11", *bare]
    piped = [*pcm_input(speech), "-i", "pipe:0"]
    ours = _cpu(lambda: to_alexa_mp3(speech), 7) / seconds
    floor = _cpu(lambda: run_ffmpeg(piped + bare, stdin=speech.raw_data), 7) / seconds
    single_pass = _cpu(lambda: run_ffmpeg(piped + loudnorm, stdin=speech.raw_data), 7) / seconds
    assert isinstance(speech, AudioSegment)
    return [
        Result(
            "post-processing CPU per second of audio vs a bare encode",
            ours * 1000,
            "ms",
            baseline=floor * 1000,
        ),
        Result(
            "post-processing CPU per second of audio vs ffmpeg loudnorm",
            ours * 1000,
            "ms",
            baseline=single_pass * 1000,
            target=1.0,
        ),
    ]


def run() -> list[Result]:
    return [*noop_rerun(), *full_build(), *postprocess_cost()]
