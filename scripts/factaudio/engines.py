"""TTS engines: Amazon Polly (boto3) and espeak-ng (offline, through the espeakng-loader wheel)."""

from __future__ import annotations

import ctypes
import logging
import re
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from functools import cache
from typing import TYPE_CHECKING, Any, NamedTuple, Protocol

from factaudio.captions import WordMark, marks_onto, words_of
from factaudio.constants import POLLY_TPS
from factaudio.exceptions import PipelineError, SynthesisError
from factaudio.lexicon import POLLY_LEXICONS_PER_REQUEST, Lexicon
from factaudio.plan import Job, Voice
from factaudio.postprocess import AudioSegment, decode_mp3
from factaudio.readings import KANA_LANGUAGES, espeak_reading
from factaudio.speakable import fallback, primary, tokens
from factaudio.voices import LocaleVoices
from factcontent.deck import billed_characters
from factcontent.limits import POLLY_MAX_BILLED_CHARACTERS
from factcontent.locales import LOCALE_LANGUAGE

if TYPE_CHECKING:
    from mypy_boto3_polly import PollyClient

logger = logging.getLogger(__name__)


class NoVoice(PipelineError):
    """The engine has no voice for a locale (its facts are left to Alexa's own voice)."""


class Engine(Protocol):
    """Speaks text with a voice (and a lexicon of its language) and returns the raw audio."""

    name: str

    def voice(self, locale: str) -> Voice:
        """The locale's voice; NoVoice when this engine must not speak the locale."""
        ...

    def unreadable(self, text: str, voice: Voice, lexicon: Lexicon | None) -> str | None:
        """Why `voice` cannot speak `text` acceptably (naming the words), or None."""
        ...

    def prepare(self, jobs: Sequence[Job]) -> None:
        """Make ready what the jobs need before the first synthesis (Polly: the lexicons)."""
        ...

    def synthesize(
        self, text: str, voice: Voice, lexicon: Lexicon | None = None
    ) -> AudioSegment: ...

    def max_tps(self, voice: Voice) -> float | None: ...


class Speech(NamedTuple):
    """Synthesized audio and when each word of the text starts in it (for captions)."""

    segment: AudioSegment
    marks: tuple[WordMark, ...] = ()


def speak(
    engine: Engine,
    text: str,
    voice: Voice,
    lexicon: Lexicon | None = None,
    *,
    wait: Callable[[], None] = lambda: None,
) -> Speech:
    """The engine's audio with word marks when it times words (its `speak`), else without;
    `wait` comes before each request the engine makes (a rate limiter's)."""
    timed = getattr(engine, "speak", None)
    if timed is not None:
        speech: Speech = timed(text, voice, lexicon, wait=wait)
        return speech
    wait()
    return Speech(engine.synthesize(text, voice, lexicon))


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
        self._language_codes: dict[str, str] = {}  # voice id -> its LanguageCode

    def voice(self, locale: str) -> Voice:
        polly = self._voices[locale].polly
        return Voice("polly", polly.voice, polly.engine, polly.language_code or "")

    def max_tps(self, voice: Voice) -> float | None:
        return POLLY_TPS.get(voice.variant)

    def unreadable(self, text: str, voice: Voice, lexicon: Lexicon | None) -> str | None:
        return None  # Polly's voices read their language's text, its lexicon applied

    def know_voices(self, described: Sequence[Mapping[str, Any]]) -> None:
        """Remember each voice's language code (DescribeVoices): its lexicons must match it."""
        self._language_codes = {v["Id"]: v["LanguageCode"] for v in described}

    def _language_code(self, voice: Voice) -> str | None:
        """The language the voice speaks here: its LanguageCode when bilingual, else its own."""
        return voice.language or self._language_codes.get(voice.voice)

    def lexicon_names(self, voice: Voice, lexicon: Lexicon) -> list[str]:
        code = self._language_code(voice)
        if code is None:
            raise PipelineError(f"no language code known for Polly voice {voice.voice!r}")
        return lexicon.polly_names(code)

    def prepare(self, jobs: Sequence[Job]) -> None:
        """PutLexicon each lexicon the jobs apply, rendered for its voice's language code, unless
        Polly already has it (content-addressed names: an unchanged lexicon is not re-sent)."""
        wanted: dict[str, str] = {}
        for job in jobs:
            if job.lexicon is None or not job.lexicon.applied(job.text):
                continue
            code = self._language_code(job.voice)
            if code is None:
                raise PipelineError(f"no language code known for Polly voice {job.voice.voice!r}")
            for name, document in zip(
                job.lexicon.polly_names(code), job.lexicon.documents(code), strict=True
            ):
                wanted[name] = document
        if not wanted:
            return
        existing = set()
        page = self._client.list_lexicons()
        while True:
            existing |= {lexicon["Name"] for lexicon in page.get("Lexicons", [])}
            token = page.get("NextToken")
            if not token:
                break
            page = self._client.list_lexicons(NextToken=token)
        for name, document in sorted(wanted.items()):
            if name not in existing:
                logger.info("PutLexicon %s (%d characters)", name, len(document))
                self._client.put_lexicon(Name=name, Content=document)

    def describe_voices(self) -> list[Mapping[str, Any]]:
        voices: list[Mapping[str, Any]] = []
        page = self._client.describe_voices()
        while True:
            voices.extend(page["Voices"])
            token = page.get("NextToken")
            if not token:
                return voices
            page = self._client.describe_voices(NextToken=token)

    def synthesize(self, text: str, voice: Voice, lexicon: Lexicon | None = None) -> AudioSegment:
        return decode_mp3(self._request(text, voice, lexicon, "mp3"))

    def speak(
        self,
        text: str,
        voice: Voice,
        lexicon: Lexicon | None = None,
        *,
        wait: Callable[[], None] = lambda: None,
    ) -> Speech:
        """The audio, then its word speech marks (a second request, billed as the first)."""
        wait()
        segment = self.synthesize(text, voice, lexicon)
        wait()
        raw = self._request(text, voice, lexicon, "json")
        return Speech(segment, tuple(polly_word_marks(text, raw)))

    def _request(self, text: str, voice: Voice, lexicon: Lexicon | None, output: str) -> bytes:
        from botocore.exceptions import BotoCoreError, ClientError

        billed = billed_characters(text)
        if billed > POLLY_MAX_BILLED_CHARACTERS:  # checked before a call Polly would bill
            raise SynthesisError(
                f"{billed} billed characters; Polly allows {POLLY_MAX_BILLED_CHARACTERS}: "
                "shorten the fact or split it"
            )

        names = self.lexicon_names(voice, lexicon) if lexicon and lexicon.applied(text) else []
        if len(names) > POLLY_LEXICONS_PER_REQUEST:
            raise SynthesisError(f"{len(names)} lexicons; Polly applies at most 5 per request")
        request: dict[str, Any] = {"LexiconNames": names} if names else {}
        if voice.language:  # a bilingual voice: the language of this locale
            request["LanguageCode"] = voice.language
        if output == "json":
            request["SpeechMarkTypes"] = ["word"]
        for attempt in range(LEXICON_TRIES):
            try:
                response = self._client.synthesize_speech(
                    Text=text,
                    TextType="text",
                    VoiceId=voice.voice,  # type: ignore[arg-type]
                    Engine=voice.variant,  # type: ignore[arg-type]
                    OutputFormat=output,  # type: ignore[arg-type]
                    SampleRate="24000",
                    **request,
                )
                break
            except ClientError as exc:
                # PutLexicon is eventually consistent: a lexicon put moments ago may not be seen yet
                code = exc.response.get("Error", {}).get("Code")
                if code != "LexiconNotFoundException" or attempt == LEXICON_TRIES - 1:
                    raise SynthesisError(f"Polly {voice.label()} failed: {exc}") from exc
                time.sleep(LEXICON_WAIT_SECONDS * (attempt + 1))
            except BotoCoreError as exc:
                raise SynthesisError(f"Polly {voice.label()} failed: {exc}") from exc
        stream = response["AudioStream"]
        try:
            data: bytes = stream.read()
        finally:
            stream.close()
        return data


def polly_word_marks(text: str, raw: bytes) -> list[WordMark]:
    """Word marks from Polly's speech marks (JSON lines; start and end are UTF-8 byte offsets
    of the word in the text), as character offsets."""
    import json

    encoded = text.encode("utf-8")
    char_at = {len(text[:i].encode("utf-8")): i for i in range(len(text) + 1)}
    marks = []
    for line in raw.decode("utf-8").splitlines():
        if not line.strip():
            continue
        mark = json.loads(line)
        start, end = mark.get("start"), mark.get("end")
        if mark.get("type") != "word" or start not in char_at or end not in char_at:
            continue
        if not 0 <= start < end <= len(encoded):
            continue
        marks.append(WordMark(ms=int(mark["time"]), start=char_at[start], end=char_at[end]))
    return marks


LEXICON_TRIES = 5
LEXICON_WAIT_SECONDS = 1.0

# espeak-ng C API (speak_lib.h)
_AUDIO_OUTPUT_SYNCHRONOUS = 2
_POS_CHARACTER = 1
_CHARS_UTF8 = 1
_ENDPAUSE = 0x1000
_RATE = 1
_PHONEMES_IPA = 0x02
_CALLBACK = ctypes.CFUNCTYPE(
    ctypes.c_int, ctypes.POINTER(ctypes.c_short), ctypes.c_int, ctypes.c_void_p
)


class _EventStruct(ctypes.Structure):
    """espeak_EVENT (speak_lib.h); `id` is a union of an int, a pointer and char[8]."""

    _fields_ = [
        ("type", ctypes.c_int),
        ("unique_identifier", ctypes.c_uint),
        ("text_position", ctypes.c_int),
        ("length", ctypes.c_int),
        ("audio_position", ctypes.c_int),
        ("sample", ctypes.c_int),
        ("user_data", ctypes.c_void_p),
        ("id", ctypes.c_char * 8),
    ]


_EVENT_LIST_TERMINATED = 0
_EVENT_WORD = 1


class _VoiceStruct(ctypes.Structure):
    _fields_ = [
        ("name", ctypes.c_char_p),
        ("languages", ctypes.c_char_p),
        ("identifier", ctypes.c_char_p),
        ("gender", ctypes.c_ubyte),
        ("age", ctypes.c_ubyte),
        ("variant", ctypes.c_ubyte),
        ("xx1", ctypes.c_ubyte),
        ("score", ctypes.c_int),
        ("spare", ctypes.c_void_p),
    ]


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
        self.lib.espeak_TextToPhonemes.restype = ctypes.c_char_p
        self.lib.espeak_TextToPhonemes.argtypes = [
            ctypes.POINTER(ctypes.c_void_p),
            ctypes.c_int,
            ctypes.c_int,
        ]
        self.lib.espeak_GetCurrentVoice.restype = ctypes.POINTER(_VoiceStruct)
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
        self._words: list[tuple[int, int]] = []  # (ms, character position) of each word
        self._callback = _CALLBACK(self._collect)  # kept referenced while the library holds it
        self.lib.espeak_SetSynthCallback(self._callback)
        self.lock = threading.Lock()
        self._languages: dict[str, str] = {}  # voice name -> the language it speaks

    def _collect(self, wav: Any, count: int, events: Any) -> int:
        if wav and count > 0:
            self._chunks.append(ctypes.string_at(wav, count * 2))
        if events:
            event = ctypes.cast(events, ctypes.POINTER(_EventStruct))
            index = 0
            while event[index].type != _EVENT_LIST_TERMINATED:
                if event[index].type == _EVENT_WORD:  # 1-based character position, ms
                    self._words.append((event[index].audio_position, event[index].text_position))
                index += 1
        return 0

    def _use(self, voice: str) -> None:
        if self.lib.espeak_SetVoiceByName(voice.encode()) != 0:
            raise SynthesisError(f"espeak-ng has no voice {voice!r}: change assets/voices.json")

    def language(self, voice: str) -> str:
        """The language `voice` speaks (its first language tag, e.g. "en-us"), asked once."""
        with self.lock:
            if voice not in self._languages:
                self._use(voice)
                languages = self.lib.espeak_GetCurrentVoice().contents.languages
                # priority byte, then a NUL-terminated tag
                self._languages[voice] = (languages or b"\0\0")[1:].split(b"\0")[0].decode()
            return self._languages[voice]

    def phonemes(self, text: str, voice: str) -> str:
        """espeak-ng's IPA reading of `text`, clause after clause, with its language switches."""
        with self.lock:
            self._use(voice)
            buffer = ctypes.create_string_buffer(text.encode("utf-8"))
            position = ctypes.c_void_p(ctypes.addressof(buffer))
            clauses = []
            while position.value:
                clause = self.lib.espeak_TextToPhonemes(
                    ctypes.byref(position), _CHARS_UTF8, _PHONEMES_IPA
                )
                clauses.append(clause.decode("utf-8", "replace") if clause else "")
        return " ".join(clauses)

    def speak(self, text: str, voice: str) -> tuple[bytes, list[tuple[int, int]]]:
        """PCM of `text`, and (ms, 1-based character position) of each word it spoke."""
        with self.lock:
            self._use(voice)
            self.lib.espeak_SetParameter(_RATE, 165, 0)
            self._chunks, self._words = [], []
            encoded = text.encode("utf-8") + b"\0"
            status = self.lib.espeak_Synth(
                encoded, len(encoded), 0, _POS_CHARACTER, 0, _CHARS_UTF8 | _ENDPAUSE, None, None
            )
            if status != 0:
                raise SynthesisError(f"espeak-ng failed with status {status}")
            return b"".join(self._chunks), list(self._words)


_ESPEAK: _Espeak | None = None
_ESPEAK_LOCK = threading.Lock()


def _espeak() -> _Espeak:
    global _ESPEAK  # noqa: PLW0603 - one library instance per process
    with _ESPEAK_LOCK:
        if _ESPEAK is None:
            _ESPEAK = _Espeak()
        return _ESPEAK


@cache
def letter_names(voice: str = "en") -> frozenset[str]:
    """The phonemes of the letters a-z as `voice` names them: what spelling out sounds like."""
    engine = _espeak()
    return frozenset(
        name
        for letter in "abcdefghijklmnopqrstuvwxyz"
        for name in tokens(engine.phonemes(letter, voice))
    )


class EspeakEngine:
    """Offline speech through libespeak-ng: real audio, no AWS account.

    Each locale's voice must speak the locale's language, and each fact is checked before it is
    spoken: a fact espeak-ng would read as letter names (or, in Japanese, in any other language
    than Japanese) is not built, and the skill speaks its text with Alexa's own voice.
    """

    name = "espeak"

    def __init__(self, voices: Mapping[str, LocaleVoices], *, where: str = "voices.json") -> None:
        self._voices = voices
        self._where = where

    def voice(self, locale: str) -> Voice:
        name = self._voices[locale].espeak
        if name is None:
            raise NoVoice(f"{locale}: no offline voice ({self._where} has espeak: null)")
        spoken = _espeak().language(name)
        language = primary(LOCALE_LANGUAGE[locale])
        if primary(spoken) != language:
            raise PipelineError(
                f"{self._where} [{locale}]: espeak voice {name!r} speaks {spoken!r}, not "
                f"{language!r}: choose a {language} voice (espeak-ng --voices={language})"
            )
        return Voice("espeak", name, "kana" if language in KANA_LANGUAGES else "")

    def max_tps(self, voice: Voice) -> float | None:
        return None

    def prepare(self, jobs: Sequence[Job]) -> None:
        return None

    def _language(self, voice: Voice) -> str:
        return primary(_espeak().language(voice.voice))

    def unreadable(self, text: str, voice: Voice, lexicon: Lexicon | None) -> str | None:
        language = self._language(voice)
        reading = espeak_reading(text, language, lexicon)
        engine = _espeak()
        names = letter_names()
        if fallback(engine.phonemes(reading, voice.voice), language, names) is None:
            return None
        # Name the words: read each word of the reading on its own.
        words = [
            word
            for word in _WORDS.findall(reading)
            if fallback(engine.phonemes(word, voice.voice), language, names) is not None
        ]
        shown = ", ".join(dict.fromkeys(words)) or reading
        return (
            f"espeak-ng {voice.voice!r} cannot read {shown} in {language} "
            f"(add readings to lexicons/{language}.pls)"
        )

    def synthesize(self, text: str, voice: Voice, lexicon: Lexicon | None = None) -> AudioSegment:
        return self.speak(text, voice, lexicon).segment

    def speak(
        self,
        text: str,
        voice: Voice,
        lexicon: Lexicon | None = None,
        *,
        wait: Callable[[], None] = lambda: None,
    ) -> Speech:
        """The audio and its word events: times of the reading's words, shown as the fact's."""
        import bisect

        engine = _espeak()
        reading = espeak_reading(text, self._language(voice), lexicon)
        wait()
        pcm, words = engine.speak(reading, voice.voice)
        if not pcm:
            raise SynthesisError(f"espeak-ng produced no audio for voice {voice.voice!r}")
        segment = AudioSegment(data=pcm, sample_width=2, frame_rate=engine.sample_rate, channels=1)
        starts = [start for start, _ in words_of(reading)]
        timed = [
            (ms, max(0, bisect.bisect_right(starts, position - 1) - 1)) for ms, position in words
        ]
        return Speech(segment, tuple(marks_onto(text, timed)))


# A word, for naming what espeak-ng cannot read: a run of Latin letters and digits (with the
# marks inside names like "Node.js" or "re:Invent"), or a run of kanji.
_WORDS = re.compile(
    r"[0-9A-Za-z\u00c0-\u024f][0-9A-Za-z\u00c0-\u024f.:+-]*[0-9A-Za-z]|[0-9A-Za-z]|[\u3400-\u9fff]+"
)
