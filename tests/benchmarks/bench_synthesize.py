"""The audio pipeline: a no-op re-run, throughput at Polly's quota, and post-processing cost."""

from __future__ import annotations

import math
import os
import tempfile
import time
from pathlib import Path

from factaudio.constants import POLLY_TPS
from factaudio.pipeline import Options, build
from factaudio.plan import entry_for, make_jobs
from factaudio.postprocess import AudioSegment, Prepared, encode_batch, to_alexa_mp3
from factaudio.publish import DirectoryTarget, S3Target, md5_hex
from factcontent.deck import Deck, Fact
from factcontent.manifest import Manifest
from tests.audio_support import ToneEngine, tone
from tests.benchmarks.common import Result, cpu_seconds, paired_result

NOOP_FACTS = 1000
NOOP_ROUNDS = 3
QUOTA_FACTS = 48
QUOTA_ROUNDS = 3
WORKERS = 8
TTS_LATENCY = 0.100
NEURAL_TPS = POLLY_TPS["neural"]
POSTPROCESS_ROUNDS = 7
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
    """A re-run with nothing changed over 1,000 facts: wall time and S3 requests."""
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
        body = b"mp3"  # what the listing will report: size and MD5 (ETag) as recorded
        recorded = {j.fact_id: entry_for(j, 1.0, size=len(body), md5=md5_hex(body)) for j in jobs}
        target.write_manifest(Manifest({"en-US": recorded}), expected=None)
        build(engine, target, decks, Options(workers=WORKERS))  # publishes the deck once

        calls: list[str] = []
        s3.meta.events.register("before-call.s3.*", lambda model, **_: calls.append(model.name))
        ours, naive = [], []
        made: list[str] = []
        for _ in range(NOOP_ROUNDS):
            calls.clear()
            started = time.perf_counter()
            summary = build(engine, target, decks, Options(workers=WORKERS))
            ours.append(time.perf_counter() - started)
            assert summary.error is None and summary.synthesized == summary.uploaded == 0, summary
            assert not engine.calls
            made = list(calls)  # before the naive loop below adds its own
            started = time.perf_counter()
            for job in jobs:  # the naive alternative: a HEAD per object
                s3.head_object(Bucket=BUCKET, Key="public/" + job.key)
            naive.append(time.perf_counter() - started)
    keys = len(jobs) + 2  # the MP3s, the manifest and the deck
    lists = made.count("ListObjectsV2")
    others = len(made) - lists - made.count("GetObject")
    return [
        paired_result(
            f"no-op re-run, {NOOP_FACTS} facts: wall vs a HEAD per object (moto)",
            ours,
            naive,
            "s",
            target=0.5,
        ),
        Result(
            f"no-op re-run: ListObjectsV2 requests vs pages of {keys} keys",
            lists,
            "req",
            baseline=math.ceil(keys / 1000),
            target=1.0,
        ),
        Result("no-op re-run: requests other than the list and the manifest GET", others, "req"),
    ]


def quota_bound_build() -> list[Result]:
    """Facts through the real rate limiter at Polly neural's quota, a fake TTS of 100 ms."""
    engine = ToneEngine(tps=NEURAL_TPS)
    decks = {"en-US": generated_deck(QUOTA_FACTS)}
    # Steady state: the fake TTS's audio exists before the clock starts (a real TTS spends its
    # time waiting, which the 100 ms latency stands for), and the post-processing imports are done.
    for fact in decks["en-US"].facts:
        engine.synthesize(fact.text, engine.voice("en-US"))
    engine.latency = TTS_LATENCY
    to_alexa_mp3(tone(500))
    # The quota binds: WORKERS / TTS_LATENCY calls per second would be possible without it.
    ideal = min(NEURAL_TPS, WORKERS / TTS_LATENCY)
    achieved: list[float] = []
    cpu_before = cpu_seconds()
    for _ in range(QUOTA_ROUNDS):
        engine.calls = []
        with tempfile.TemporaryDirectory() as tmp:
            started = time.perf_counter()
            summary = build(engine, DirectoryTarget(Path(tmp)), decks, Options(workers=WORKERS))
            wall = time.perf_counter() - started
        assert summary.error is None and summary.synthesized == QUOTA_FACTS, summary
        achieved.append(QUOTA_FACTS / wall)
    cpu_per_fact = (cpu_seconds() - cpu_before) / (QUOTA_FACTS * QUOTA_ROUNDS)
    return [
        paired_result(
            f"build at Polly neural's {NEURAL_TPS:g} TPS ({WORKERS} workers, 100 ms TTS) vs ideal",
            achieved,
            [ideal] * QUOTA_ROUNDS,
            "fact/s",
            target=0.95,
            higher_is_better=True,
        ),
        Result("build: CPU per fact, ffmpeg and Python (reported)", cpu_per_fact * 1000, "ms"),
    ]


def _postprocess_ratio(speech: AudioSegment) -> tuple[list[float], list[float]]:
    """CPU per second of `speech`: ours (trim, loudness, encode, measure) and a bare encode."""
    seconds = len(speech) / 1000
    to_alexa_mp3(speech)  # imports, and the ffmpeg binary in the page cache
    ours, bare = [], []
    for _ in range(POSTPROCESS_ROUNDS):
        before = cpu_seconds()
        encode_batch([Prepared(speech, 0.0)])  # the same scratch files and ffmpeg run, no work
        middle = cpu_seconds()
        to_alexa_mp3(speech)
        after = cpu_seconds()
        bare.append((middle - before) / seconds)
        ours.append((after - middle) / seconds)
    return ours, bare


def espeak_speech() -> AudioSegment:
    """About 11 s of real offline speech: peaky, so the limiter works hard."""
    from factaudio.engines import EspeakEngine
    from factaudio.voices import load_voices
    from tests.conftest import ASSETS_DIR

    engine = EspeakEngine(load_voices(ASSETS_DIR / "voices.json"))
    text = (
        "AWS Lambda runs your code without servers. You pay only for the compute time you "
        "use, measured in milliseconds, and it scales from a few requests a day to thousands "
        "per second."
    )
    return engine.synthesize(text, engine.voice("en-US"))


def postprocess_cost() -> list[Result]:
    """CPU per second of audio: trim, loudness and encode, vs a bare encode through the same path:
    a steady tone (the limiter idle), and real espeak-ng speech (the limiter busy)."""
    tone_ours, tone_bare = _postprocess_ratio(tone(10 * 1000, silence_ms=200))
    speech_ours, speech_bare = _postprocess_ratio(espeak_speech())
    return [
        paired_result(
            "post-processing CPU per second of audio vs a bare encode (same I/O), a tone",
            tone_ours,
            tone_bare,
            "ms",
            scale=1000,
            target=1.5,
        ),
        paired_result(
            "post-processing CPU per second vs a bare encode, espeak-ng speech (reported)",
            speech_ours,
            speech_bare,
            "ms",
            scale=1000,
        ),
    ]


def run() -> list[Result]:
    return [*noop_rerun(), *quota_bound_build(), *postprocess_cost()]
