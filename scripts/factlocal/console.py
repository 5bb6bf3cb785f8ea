"""The local test console: a page in the browser that talks to the skill like a device would.

A client of the same endpoint and the same simulator as chat.py (factsim.session.Conversation:
one per browser session and device), served on loopback only. The page (console_static/) is
plain HTML, CSS and JavaScript: no build step, nothing from a CDN. The API:

    GET  /api/config                  locales, devices, and each locale's phrases
    POST /api/session {locale, device}     a new conversation -> {session}
    POST /api/say {session, utterance}     one turn: intent, speech parts, card, envelopes...
    POST /api/play {session, tracks}       the device plays tracks of its stream: its events
    GET  /api/audio?url=...                a clip (or captions) of the stack's bucket, proxied

The proxy serves only objects under the stack's public URL: the browser does not trust the
stack's local CA, and nothing else is fetched for it.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections import OrderedDict
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, quote

from factcontent.locales import LOCALE_LANGUAGE
from factsim.builtins import BUILTIN_PHRASES, NEXT, PAUSE, RESUME
from factsim.envelopes import describe
from factsim.exceptions import SimulatorError
from factsim.resolver import Resolver
from factsim.session import Conversation, HttpTransport, PlaybackEvent, Turn

logger = logging.getLogger(__name__)

STATIC_DIR = Path(__file__).resolve().parent / "console_static"
STATIC_TYPES = {".html": "text/html; charset=utf-8", ".js": "text/javascript; charset=utf-8",
                ".css": "text/css; charset=utf-8"}  # fmt: skip
STATIC_FILES = ("index.html", "console.js", "console.css")
MAX_BODY_BYTES = 16 * 1024
MAX_SESSIONS = 64
MAX_PROXIED_BYTES = 8 * 1024 * 1024
APPLICATION_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
DEVICES = {
    "echo-dot": {"label": "Echo Dot (voice only, AudioPlayer)", "screen": False, "player": True},
    "echo-show": {"label": "Echo Show (screen, AudioPlayer)", "screen": True, "player": True},
    "voice-only": {"label": "Voice only, no AudioPlayer", "screen": False, "player": False},
}
DEFAULT_DEVICE = "echo-dot"

StartResponse = Callable[..., Any]


class ConsoleError(Exception):
    """A request the console refuses: answered with `status` and a JSON reason."""

    def __init__(self, status: str, reason: str) -> None:
        super().__init__(reason)
        self.status = status


def speech_parts(ssml: str) -> list[dict[str, str]]:
    """The SSML of a response in order: text to say, and clips to play."""
    try:
        root = ET.fromstring(ssml)  # noqa: S314 - the skill's response, inspected
    except ET.ParseError:
        return [{"text": ssml}]
    parts: list[dict[str, str]] = []

    def add_text(text: str | None) -> None:
        words = " ".join((text or "").split())
        if not words:
            return
        if parts and "text" in parts[-1]:
            parts[-1]["text"] += " " + words
        else:
            parts.append({"text": words})

    def walk(element: ET.Element) -> None:
        if element.tag == "audio":
            parts.append({"audio": element.attrib.get("src", "")})
        else:
            add_text(element.text)
            for child in element:
                walk(child)
        add_text(element.tail)

    walk(root)
    return parts


def _ssml(node: object) -> str:
    if not isinstance(node, Mapping):
        return ""
    return str(node.get("ssml") or node.get("text") or "")


def display_of(response: Mapping[str, Any]) -> dict[str, Any] | None:
    """What an APL fact view shows, from the datasource the skill sent: the preview's data."""
    for directive in (response.get("response") or {}).get("directives") or []:
        if str(directive.get("type", "")).startswith("Alexa.Presentation.APL.RenderDocument"):
            fact = (directive.get("datasources") or {}).get("fact")
            if isinstance(fact, Mapping):
                return {k: fact.get(k) for k in ("title", "topic", "text", "hint", "direction")}
    return None


class Session:
    """One browser's conversation with the skill on one device."""

    def __init__(self, conversation: Conversation, locale: str, device: str) -> None:
        self.conversation, self.locale, self.device = conversation, locale, device
        self.lock = threading.Lock()


class Console:
    """The console's WSGI app over the skill endpoint at `endpoint`; clips under `public_url`
    are proxied, trusting `ca` (the stack's local CA)."""

    def __init__(
        self,
        endpoint: str,
        *,
        public_url: str | None,
        models_dir: Path,
        ca: Path | None = None,
        opener: Callable[[str], bytes] | None = None,
    ) -> None:
        self.endpoint = endpoint
        self.public_url = public_url
        self.models_dir = models_dir
        self._open = opener or self._opener(ca)
        self._sessions: OrderedDict[str, Session] = OrderedDict()
        self._lock = threading.Lock()

    @staticmethod
    def _opener(ca: Path | None) -> Callable[[str], bytes]:
        import ssl

        context = ssl.create_default_context(cafile=str(ca) if ca else None)

        def fetch(url: str) -> bytes:
            with urllib.request.urlopen(url, timeout=10, context=context) as answer:  # noqa: S310
                data: bytes = answer.read(MAX_PROXIED_BYTES + 1)
            if len(data) > MAX_PROXIED_BYTES:
                raise ConsoleError("502 Bad Gateway", "the clip is too large to proxy")
            return data

        return fetch

    # --- WSGI ---

    def __call__(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        try:
            return self._route(environ, start_response)
        except ConsoleError as exc:
            return self._json(start_response, {"error": str(exc)}, status=exc.status)
        except SimulatorError as exc:
            return self._json(start_response, {"error": str(exc)}, status="502 Bad Gateway")

    def _route(self, environ: dict[str, Any], start_response: StartResponse) -> Iterable[bytes]:
        method, path = environ.get("REQUEST_METHOD", "GET"), environ.get("PATH_INFO", "/")
        posts = {"/api/session": self.new_session, "/api/say": self.say, "/api/play": self.play}
        if method == "POST" and path in posts:
            return self._json(start_response, posts[path](self._body(environ)))
        if method != "GET":
            raise ConsoleError("404 Not Found", f"no {method} {path}")
        if path in ("/", "/index.html"):
            return self._static("index.html", start_response)
        if path.startswith("/static/"):
            return self._static(path.removeprefix("/static/"), start_response)
        if path == "/api/config":
            return self._json(start_response, self.config())
        if path == "/api/audio":
            query = parse_qs(environ.get("QUERY_STRING", ""))
            return self._audio((query.get("url") or [""])[0], start_response)
        raise ConsoleError("404 Not Found", f"no {method} {path}")

    def _static(self, name: str, start_response: StartResponse) -> Iterable[bytes]:
        if name not in STATIC_FILES:
            raise ConsoleError("404 Not Found", f"no file {name}")
        data = (STATIC_DIR / name).read_bytes()
        headers = [
            ("Content-Type", STATIC_TYPES[Path(name).suffix]),
            ("Content-Length", str(len(data))),
            ("Cache-Control", "no-store"),
            # nothing but this origin: no CDN, no inline script, media from the proxy only
            ("Content-Security-Policy", "default-src 'self'; media-src 'self'; object-src 'none'"),
            ("X-Content-Type-Options", "nosniff"),
        ]
        start_response("200 OK", headers)
        return [data]

    @staticmethod
    def _json(
        start_response: StartResponse, data: object, *, status: str = "200 OK"
    ) -> Iterable[bytes]:
        body = json.dumps(data, ensure_ascii=False).encode("utf-8")
        start_response(
            status,
            [
                ("Content-Type", "application/json; charset=utf-8"),
                ("Content-Length", str(len(body))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [body]

    @staticmethod
    def _body(environ: dict[str, Any]) -> dict[str, Any]:
        try:
            length = int(environ.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = -1
        if not 0 < length <= MAX_BODY_BYTES:
            raise ConsoleError("400 Bad Request", f"a JSON body of 1 to {MAX_BODY_BYTES} bytes")
        try:
            data = json.loads(environ["wsgi.input"].read(length))
        except ValueError as exc:
            raise ConsoleError("400 Bad Request", f"not JSON: {exc}") from exc
        if not isinstance(data, dict):
            raise ConsoleError("400 Bad Request", "the body must be a JSON object")
        return data

    # --- the API ---

    def config(self) -> dict[str, Any]:
        locales = []
        for locale in sorted(LOCALE_LANGUAGE):
            language = LOCALE_LANGUAGE[locale]
            phrases = BUILTIN_PHRASES.get(language, {})
            resolver = Resolver.for_locale(locale, models_dir=self.models_dir)
            locales.append(
                {
                    "locale": locale,
                    "open": resolver.open_phrase(),
                    "pause": (phrases.get(PAUSE) or ("pause",))[0],
                    "resume": (phrases.get(RESUME) or ("resume",))[0],
                    "next": (phrases.get(NEXT) or ("next",))[0],
                    "rtl": language == "ar",
                }
            )
        devices = [{"id": key, **value} for key, value in DEVICES.items()]
        return {"locales": locales, "devices": devices, "default_device": DEFAULT_DEVICE}

    def new_session(self, body: Mapping[str, Any]) -> dict[str, Any]:
        locale, device = body.get("locale"), body.get("device", DEFAULT_DEVICE)
        if locale not in LOCALE_LANGUAGE:
            raise ConsoleError(
                "400 Bad Request", f"locale must be one of {sorted(LOCALE_LANGUAGE)}"
            )
        if device not in DEVICES:
            raise ConsoleError("400 Bad Request", f"device must be one of {sorted(DEVICES)}")
        spec = DEVICES[device]
        conversation = Conversation(
            locale,
            HttpTransport(self.endpoint),
            application_id=APPLICATION_ID,
            screen=bool(spec["screen"]),
            resolver=Resolver.for_locale(locale, models_dir=self.models_dir),
            audio_player=bool(spec["player"]),
        )
        key = secrets.token_urlsafe(12)
        with self._lock:
            self._sessions[key] = Session(conversation, locale, device)
            while len(self._sessions) > MAX_SESSIONS:
                self._sessions.popitem(last=False)
        return {"session": key, "locale": locale, "device": device}

    def _session(self, body: Mapping[str, Any]) -> Session:
        with self._lock:
            session = self._sessions.get(str(body.get("session")))
        if session is None:
            raise ConsoleError("404 Not Found", "no such session: start a new one")
        return session

    def say(self, body: Mapping[str, Any]) -> dict[str, Any]:
        session = self._session(body)
        utterance = body.get("utterance")
        if not isinstance(utterance, str) or not utterance.strip() or len(utterance) > 500:
            raise ConsoleError("400 Bad Request", "utterance must be 1 to 500 characters of text")
        with session.lock:
            turn = session.conversation.say(utterance)
            return {**self._turn(turn), "player": self._player(session.conversation)}

    def play(self, body: Mapping[str, Any]) -> dict[str, Any]:
        session = self._session(body)
        tracks = body.get("tracks", 1)
        if not isinstance(tracks, int) or isinstance(tracks, bool) or not 1 <= tracks <= 50:
            raise ConsoleError("400 Bad Request", "tracks must be 1 to 50")
        with session.lock:
            if session.conversation.player is None:
                raise ConsoleError("400 Bad Request", "this device has no AudioPlayer")
            events = session.conversation.play(tracks)
            return {
                "events": [self._event(event) for event in events],
                "player": self._player(session.conversation),
            }

    def _proxy(self, url: str | None) -> str | None:
        if not url or not self.public_url or not url.startswith(self.public_url):
            return None
        return "/api/audio?url=" + quote(url, safe="")

    def _audio(self, url: str, start_response: StartResponse) -> Iterable[bytes]:
        if self._proxy(url) is None or ".." in url or not url.endswith((".mp3", ".vtt")):
            raise ConsoleError("403 Forbidden", "only the stack's clips and captions are proxied")
        try:
            data = self._open(url)
        except OSError as exc:
            raise ConsoleError("502 Bad Gateway", f"cannot fetch {url}: {exc}") from exc
        kind = "audio/mpeg" if url.endswith(".mp3") else "text/vtt; charset=utf-8"
        start_response(
            "200 OK",
            [
                ("Content-Type", kind),
                ("Content-Length", str(len(data))),
                ("Cache-Control", "no-store"),
            ],
        )
        return [data]

    def _turn(self, turn: Turn) -> dict[str, Any]:
        response = turn.response or {}
        body = response.get("response") or {}
        request = (turn.request or {}).get("request") or {}
        intent = request.get("intent") or {}
        slots = {
            name: {"value": slot.get("value"), "id": _resolved_id(slot)}
            for name, slot in (intent.get("slots") or {}).items()
            if "value" in slot
        }
        parts = speech_parts(_ssml(body.get("outputSpeech"))) if body.get("outputSpeech") else []
        for part in parts:
            if "audio" in part:
                part["proxy"] = self._proxy(part["audio"]) or ""
        card = body.get("card") or None
        return {
            "utterance": turn.utterance,
            "note": turn.note,
            "request_line": describe(turn.request) if turn.request else "",
            "request_type": request.get("type"),
            "intent": intent.get("name"),
            "slots": slots,
            "speech": parts,
            "reprompt": " ".join(
                p.get("text", "")
                for p in speech_parts(_ssml((body.get("reprompt") or {}).get("outputSpeech")))
            )
            if body.get("reprompt")
            else "",
            "card": {"title": card.get("title"), "text": card.get("content", card.get("text"))}
            if card
            else None,
            "directives": list(turn.reply.directives) if turn.reply else [],
            "display": display_of(response),
            "session_open": turn.session_open,
            "ended": turn.ended,
            "problems": turn.failures(),
            "request": turn.request,
            "response": turn.response,
        }

    def _event(self, event: PlaybackEvent) -> dict[str, Any]:
        return {
            "kind": event.kind,
            "token": event.token,
            "answer": list(event.answer),
            "problems": list(event.problems),
        }

    def _player(self, conversation: Conversation) -> dict[str, Any] | None:
        player = conversation.player
        if player is None:
            return None
        current = player.current
        return {
            "activity": player.activity,
            "offset": player.offset_ms,
            "current": None
            if current is None
            else {
                "token": current.token,
                "title": current.title,
                "subtitle": current.subtitle,
                "offset": current.offset_ms,
                "proxy": self._proxy(current.url),
            },
            "queue": [
                {"token": t.token, "title": t.title, "subtitle": t.subtitle} for t in player.queue
            ],
        }


def _resolved_id(slot: Mapping[str, Any]) -> str | None:
    for authority in (slot.get("resolutions") or {}).get("resolutionsPerAuthority", []):
        for value in authority.get("values", []):
            return str(value.get("value", {}).get("id"))
    return None
