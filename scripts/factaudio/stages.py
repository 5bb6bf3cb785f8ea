"""The build's two stages: TTS calls feed post-processing, validation and upload.

TTS calls are I/O-bound: `workers` run at once, rate-limited per engine. Post-processing is
CPU-bound: a few threads per core, each taking every clip that is waiting (up to BATCH) into one
ffmpeg run, since starting ffmpeg costs more than encoding a short fact. A semaphore bounds the
audio held in memory between the stages.
"""

from __future__ import annotations

import logging
import queue
import threading
from concurrent.futures import Future, ThreadPoolExecutor
from typing import NamedTuple

from factaudio.captions import WordMark, cues, webvtt
from factaudio.engines import Engine, RateLimiter, speak
from factaudio.exceptions import PipelineError
from factaudio.loudness import check_band
from factaudio.plan import Job, captions_key, entry_for
from factaudio.postprocess import (
    AudioSegment,
    Mixer,
    Prepared,
    encode_batch,
    make_scratch,
    prepare,
    remove_scratch,
    settle,
)
from factaudio.publish import Target, md5_hex
from factaudio.validate import check_alexa_mp3
from factcontent.manifest import AudioEntry

logger = logging.getLogger(__name__)

CAPTIONS_TYPE = "text/vtt; charset=utf-8"

BATCH = 8


class Skipped(Exception):
    """A job not started because another one failed."""


def named(job: Job, exc: BaseException) -> PipelineError:
    """The error that ends a job, naming its locale and fact."""
    if isinstance(exc, PipelineError):
        return PipelineError(f"{job.where}: {exc}")
    # the network, throttling beyond the retries, SDK errors
    return PipelineError(f"{job.where}: {type(exc).__name__}: {exc}")


class _Spoken(NamedTuple):
    job: Job
    segment: AudioSegment
    result: Future[AudioEntry]
    marks: tuple[WordMark, ...] = ()


class Stages:
    """Run jobs through both stages; `submit` returns a future of each job's manifest entry."""

    def __init__(
        self,
        engine: Engine,
        target: Target,
        *,
        workers: int,
        post_workers: int,
        brand: Mixer | None = None,
    ) -> None:
        self.engine, self.target, self.brand = engine, target, brand
        self.scratch = make_scratch()  # this run's: removed at exit, even after Ctrl-C
        self.tts = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="tts")
        self.spoken: queue.SimpleQueue[_Spoken | None] = queue.SimpleQueue()
        self.in_memory = threading.BoundedSemaphore(workers + post_workers * BATCH)
        self.stopping = threading.Event()
        self.post = [
            threading.Thread(target=self._post_loop, name=f"post-{n}", daemon=True)
            for n in range(post_workers)
        ]
        for thread in self.post:
            thread.start()

    def __enter__(self) -> Stages:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stopping.set()
        self.tts.shutdown(wait=True, cancel_futures=True)
        for _ in self.post:
            self.spoken.put(None)
        for thread in self.post:
            thread.join()
        remove_scratch(self.scratch)  # nothing is left, even by an encode that was interrupted

    def submit(self, job: Job, limiter: RateLimiter) -> Future[AudioEntry]:
        result: Future[AudioEntry] = Future()

        def run_tts() -> None:
            if self.stopping.is_set():
                result.set_exception(Skipped(job.where))
                return
            self.in_memory.acquire()
            try:
                speech = speak(self.engine, job.text, job.voice, job.lexicon, wait=limiter.wait)
            except Exception as exc:
                self.in_memory.release()
                result.set_exception(named(job, exc))
                return
            self.spoken.put(_Spoken(job, speech.segment, result, speech.marks))

        self.tts.submit(run_tts)
        return result

    def _post_loop(self) -> None:
        while True:
            first = self.spoken.get()
            if first is None:
                return
            batch, last = [first], False
            while len(batch) < BATCH:
                try:
                    item = self.spoken.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    last = True  # this thread's stop signal: finish the batch, then stop
                    break
                batch.append(item)
            try:
                self._finish(batch)
            finally:
                for _ in batch:
                    self.in_memory.release()
            if last:
                return

    def _finish(self, batch: list[_Spoken]) -> None:
        ready: list[tuple[_Spoken, Prepared]] = []
        for item in batch:
            try:
                ready.append((item, prepare(item.segment, brand=self.brand)))
            except Exception as exc:
                item.result.set_exception(named(item.job, exc))
        shifts = [prepared.shift_ms for _, prepared in ready]
        for item, encoded, shift in zip(
            (item for item, _ in ready), self._encode(ready), shifts, strict=True
        ):
            if isinstance(encoded, Exception):
                item.result.set_exception(named(item.job, encoded))
                continue
            try:
                audio, measured = settle(
                    item.segment,
                    encoded,
                    where=item.job.where,
                    brand=self.brand,
                    scratch=self.scratch,
                )
                duration = check_alexa_mp3(audio, where=item.job.where)
                loudness = check_band(measured, where=item.job.where)
                captions = self._captions(item, shift, duration)
                self.target.put_audio(item.job.key, audio, duration=duration)
            except Exception as exc:
                item.result.set_exception(named(item.job, exc))
            else:
                item.result.set_result(
                    entry_for(
                        item.job,
                        duration,
                        lufs=loudness.lufs,
                        true_peak=loudness.true_peak,
                        size=len(audio),
                        md5=md5_hex(audio),
                        captions=captions,
                    )
                )

    def _captions(self, item: _Spoken, shift_ms: int, duration: float) -> str | None:
        """Publish the clip's WebVTT captions (when its engine timed the words): their key."""
        found = cues(item.job.text, item.marks, shift_ms=shift_ms, duration_ms=int(duration * 1000))
        if not found:
            return None
        key = captions_key(item.job.key)
        self.target.put_file(key, webvtt(found).encode("utf-8"), content_type=CAPTIONS_TYPE)
        return key

    def _encode(self, ready: list[tuple[_Spoken, Prepared]]) -> list[bytes | Exception]:
        """Encode the batch in one run; if it fails, clip by clip, to blame the right fact."""
        if not ready:
            return []
        try:
            return list(encode_batch([prepared for _, prepared in ready], scratch=self.scratch))
        except Exception as exc:
            if len(ready) == 1:
                return [exc]
        outcomes: list[bytes | Exception] = []
        for _, prepared in ready:
            try:
                outcomes.append(encode_batch([prepared], scratch=self.scratch)[0])
            except Exception as exc:
                outcomes.append(exc)
        return outcomes
