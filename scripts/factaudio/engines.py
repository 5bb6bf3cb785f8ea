"""TTS engines: Amazon Polly (boto3) and espeak-ng (offline, through the espeakng-loader wheel)."""

from __future__ import annotations

import ctypes
import logging
import threading
import time
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

from factaudio.constants import POLLY_TPS
from factaudio.exceptions import SynthesisError
from factaudio.plan import Voice
from factaudio.postprocess import AudioSegment, decode_mp3
from factaudio.voices import LocaleVoices
from factcontent.deck import billed_characters
from factcontent.limits import POLLY_MAX_BILLED_CHARACTERS

if TYPE_CHECKING:
    from mypy_boto3_polly import PollyClient

logger = logging.getLogger(__name__)


class Engine(Protocol):
    """Speaks text with a voice and returns the raw audio."""

    name: str

    def voice(self, locale: str) -> Voice: ...

    def synthesize(self, text: str, voice: Voice) -> AudioSegment: ...

    def max_tps(self, voice: Voice) -> float | None: ...


class RateLimiter:
    """Space calls at least 1/tps apart across threads (Polly's quota is per second)."""

    def __init__(self, tps: float | None) -> None:
        self._interval = 1.0 / tps if tps else 0.0
        self._lock = threading.Lock()
        self._next = 0.0

    def wait(self) -> None:
        if not self._interval:
            return
        with self._lock:
            now = time.monotonic()
            start = max(now, self._next)
            self._next = start + self._interval
        if start > now:
            time.sleep(start - now)


class PollyEngine:
    """Amazon Polly SynthesizeSpeech, MP3 at 24 kHz, re-encoded later to Alexa's format."""

    name = "polly"

    def __init__(self, client: PollyClient, voices: Mapping[str, LocaleVoices]) -> None:
        self._client = client
        self._voices = voices

    def voice(self, locale: str) -> Voice:
        polly = self._voices[locale].polly
        return Voice("polly", polly.voice, polly.engine)

    def max_tps(self, voice: Voice) -> float | None:
        return POLLY_TPS.get(voice.variant)

    def describe_voices(self) -> list[Mapping[str, Any]]:
        voices: list[Mapping[str, Any]] = []
        page = self._client.describe_voices()
        while True:
            voices.extend(page["Voices"])
            token = page.get("NextToken")
            if not token:
                return voices
            page = self._client.describe_voices(NextToken=token)

    def synthesize(self, text: str, voice: Voice) -> AudioSegment:
        from botocore.exceptions import BotoCoreError, ClientError

        billed = billed_characters(text)
        if billed > POLLY_MAX_BILLED_CHARACTERS:  # checked before a call Polly would bill
            raise SynthesisError(
                f"{billed} billed characters; Polly allows {POLLY_MAX_BILLED_CHARACTERS}: "
                "shorten the fact or split it"
            )

        try:
            response = self._client.synthesize_speech(
                Text=text,
                TextType="text",
                VoiceId=voice.voice,  # type: ignore[arg-type]
                Engine=voice.variant,  # type: ignore[arg-type]
                OutputFormat="mp3",
                SampleRate="24000",
            )
        except (BotoCoreError, ClientError) as exc:
            raise SynthesisError(f"Polly {voice.label()} failed: {exc}") from exc
        stream = response["AudioStream"]
        try:
            data = stream.read()
        finally:
            stream.close()
        return decode_mp3(data)


# espeak-ng C API (speak_lib.h)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_RATE = 1
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _Espeak:
    """The espeak-ng library: global state, so one synthesis at a time."""

    def __init__(self) -> None:
        import espeakng_loader

        self.lib = ctypes.CDLL(espeakng_loader.get_library_path())
        self.lib.espeak_Initialize.restype = ctypes.c_int
        self.lib.espeak_Initialize.argtypes = [
            ctypes.c_int,
            ctypes.c_int,
            ctypes.c_char_p,
            ctypes.c_int,
        ]
        self.lib.espeak_SetVoiceByName.argtypes = [ctypes.c_char_p]
        self.lib.espeak_Synth.argtypes = [
            ctypes.c_void_p,
            ctypes.c_size_t,
            ctypes.c_uint,
            ctypes.c_int,
            ctypes.c_uint,
            ctypes.c_uint,
            ctypes.c_void_p,
            ctypes.c_void_p,
        ]
        data_path = espeakng_loader.get_data_path().encode()
        self.sample_rate = self.lib.espeak_Initialize(_AUDIO_OUTPUT_SYNCHRONOUS, 0, data_path, 0)
        if self.sample_rate <= 0:
            raise SynthesisError(
                "espeak-ng failed to initialize: reinstall the espeakng-loader wheel"
            )
        self._chunks: list[bytes] = []
        self._callback = _CALLBACK(self._collect)  # kept referenced while the library holds it
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lock = threading.Lock()

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        return 0

    def speak(self, text: str, voice: str) -> bytes:
        with self.lock:
            if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
                raise SynthesisError(f"espeak-ng has no voice {voice!r}: change assets/voices.json")
            self.lib.espeak_SetParameter(_RATE, 165, 0)
            self._chunks = []
            encoded = text.encode("utf-8") + b"\0"
            status = self.lib.espeak_Synth(
                encoded, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
            )
            if status != 0:
                raise SynthesisError(f"espeak-ng failed with status {status}")
            return b"".join(self._chunks)


_ESPEAK: _Espeak | None = None
_ESPEAK_LOCK = threading.Lock()


def _espeak() -> _Espeak:
    global _ESPEAK  # noqa: PLW0603 - one library instance per process
    with _ESPEAK_LOCK:
        if _ESPEAK is None:
            _ESPEAK = _Espeak()
        return _ESPEAK


class EspeakEngine:
    """Offline speech through libespeak-ng: real audio, no AWS account."""

    name = "espeak"

    def __init__(self, voices: Mapping[str, LocaleVoices]) -> None:
        self._voices = voices

    def voice(self, locale: str) -> Voice:
        return Voice("espeak", self._voices[locale].espeak, "")

    def max_tps(self, voice: Voice) -> float | None:
        return None

    def synthesize(self, text: str, voice: Voice) -> AudioSegment:
        engine = _espeak()
        pcm = engine.speak(text, voice.voice)
        if not pcm:
            raise SynthesisError(f"espeak-ng produced no audio for voice {voice.voice!r}")
        return AudioSegment(data=pcm, sample_width=2, frame_rate=engine.sample_rate, channels=1)
