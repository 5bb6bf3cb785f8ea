"""Real audio for tests: tones, MP3 bytes, and a fake TTS engine that speaks tones."""

from __future__ import annotations

import functools
import io
import subprocess
import threading
import time
from collections.abc import Callable, Sequence

from pydub.generators import Sine

from factaudio.lexicon import Lexicon
from factaudio.plan import Job, Voice
from factaudio.postprocess import AudioSegment, ffmpeg


@functools.cache
def tone(ms: int = 800, *, silence_ms: int = 300, rate: int = 22050) -> AudioSegment:
    """A tone with silence around it, like a TTS engine returns (segments are immutable)."""
    quiet = AudioSegment.silent(duration=silence_ms, frame_rate=rate)
    beep = Sine(440, sample_rate=rate).to_audio_segment(duration=ms, volume=-12.0).set_channels(1)
    return quiet + beep + quiet


def encode(segment: AudioSegment, *args: str) -> bytes:
    """Encode with ffmpeg and arbitrary arguments (to make wrong formats on purpose)."""
    wav = io.BytesIO()
    segment.export(wav, format="wav")
    out = subprocess.run(
        [
            ffmpeg(),
            "-hide_banner",
            "-loglevel",
            "error",
            "-f",
            "wav",
            "-i",
            "pipe:0",
            *args,
            "-f",
            "mp3",
            "pipe:1",
        ],
        input=wav.getvalue(),
        capture_output=True,
        check=True,
    )
    return out.stdout


@functools.cache
def polly_like_mp3() -> bytes:
    """MP3 bytes like Polly's (24 kHz, 48 kbps mono), to stand in for moto's 8 zero bytes."""
    return encode(tone(1200), "-ar", "24000", "-ac", "1", "-b:a", "48k")


class ToneEngine:
    """A fake TTS engine: a tone per fact, optional latency, optional failures."""

    name = "tone"

    def __init__(
        self,
        *,
        latency: float = 0.0,
        fail_on: Callable[[str], bool] = lambda text: False,
        variant: str = "",
        tps: float | None = None,
    ) -> None:
        self.latency = latency
        self.fail_on = fail_on
        self.variant = variant
        self.tps = tps
        self.calls: list[str] = []
        self._lock = threading.Lock()

    def voice(self, locale: str) -> Voice:
        return Voice("tone", f"tone-{locale}", self.variant)

    def max_tps(self, voice: Voice) -> float | None:
        return self.tps

    def unreadable(self, text: str, voice: Voice, lexicon: Lexicon | None) -> str | None:
        return None

    def prepare(self, jobs: Sequence[Job]) -> None:
        return None

    def synthesize(self, text: str, voice: Voice, lexicon: Lexicon | None = None) -> AudioSegment:
        with self._lock:
            self.calls.append(text)
        if self.latency:
            time.sleep(self.latency)
        if self.fail_on(text):
            from factaudio.exceptions import SynthesisError

            raise SynthesisError("the engine failed on purpose")
        return tone(300 + 10 * (len(text) % 50))
