"""The text simulator: resolving utterances, request envelopes, rendering and sessions."""

from __future__ import annotations

import json
import re
import urllib.error
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from factcontent.locales import LOCALE_LANGUAGE
from factsim.audiocheck import AudioVerdict, check_audio_url, url_problem
from factsim.builtins import BUILTIN_PHRASES, FALLBACK
from factsim.envelopes import Device, envelope, intent_request, slot_json
from factsim.exceptions import TransportError
from factsim.model import Intent as ModelIntent
from factsim.model import InteractionModel
from factsim.render import render_reply, speech_text
from factsim.resolver import (
    Intent,
    Launch,
    NeedsLaunch,
    Resolution,
    Resolver,
    SessionEnd,
    Slot,
)
from factsim.session import Conversation, InProcess
from tests.conftest import load_event

APP_ID = "amzn1.ask.skill.00000000-0000-0000-0000-000000000000"
LOCALES = sorted(LOCALE_LANGUAGE)
FIXED_NOW = datetime(2026, 11, 27, 10, 0, 0, tzinfo=UTC)


def resolve(utterance: str, locale: str = "en-US", *, in_session: bool = True) -> Resolution:
    return Resolver.for_locale(locale).resolve(utterance, in_session=in_session)


def intent_name(resolution: Resolution) -> str:
    assert isinstance(resolution, Intent), resolution
    return resolution.name


def topic_of(resolution: Resolution) -> Slot:
    intent = resolution.intent if isinstance(resolution, Launch) else resolution
    assert isinstance(intent, Intent) and intent.name == "GetNewFactIntent", resolution
    (slot,) = intent.slots
    return slot


# --- resolver: launch phrasing ---


@pytest.mark.parametrize(
    ("locale", "utterance"),
    [
        ("en-US", "open serverless facts"),
        ("en-US", "Alexa, open Serverless Facts!"),
        ("en-GB", "launch serverless facts"),
        ("de-DE", "Alexa, öffne serverless fakten"),
        ("es-ES", "abre datos serverless"),
        ("fr-FR", "ouvre infos serverless"),
        ("ja-JP", "サーバーレス豆知識を開いて"),
        ("ja-JP", "アレクサ、サーバーレス豆知識を開いて"),
    ],
)
@pytest.mark.parametrize("in_session", [False, True])
def test_resolver_launch_phrases_open_the_skill(
    locale: str, utterance: str, in_session: bool
) -> None:
    assert resolve(utterance, locale, in_session=in_session) == Launch("", None)


@pytest.mark.parametrize(
    "utterance",
    [
        "please open serverless facts",
        "tell me a fact and open serverless facts",
        "i said ask serverless facts for a fact",
        "open serverless facts now please",
    ],
)
def test_resolver_recognizes_launch_phrasing_only_at_the_start(utterance: str) -> None:
    assert resolve(utterance) == Intent(FALLBACK)
    assert isinstance(resolve(utterance, in_session=False), NeedsLaunch)


def test_resolver_one_shot_launch_resolves_the_rest_as_an_intent() -> None:
    resolution = resolve("Alexa, ask serverless facts for a fact about pricing", in_session=False)
    assert isinstance(resolution, Launch)
    assert resolution.rest == "for a fact about pricing"
    slot = topic_of(resolution)
    assert (slot.spoken, slot.value and slot.value.id) == ("pricing", "pricing")


@pytest.mark.parametrize(
    ("locale", "utterance", "topic"),
    [
        ("de-DE", "frage serverless fakten nach einem fakt über kosten", "pricing"),
        ("es-ES", "pide a datos serverless un dato sobre precios", "pricing"),
        ("fr-FR", "demande à infos serverless une info sur les prix", "pricing"),
        ("ja-JP", "サーバーレス豆知識で料金の豆知識を教えて", "pricing"),
    ],
)
def test_resolver_one_shot_launch_in_every_language(
    locale: str, utterance: str, topic: str
) -> None:
    slot = topic_of(resolve(utterance, locale, in_session=False))
    assert slot.value is not None and slot.value.id == topic


@pytest.mark.parametrize(
    ("locale", "utterance", "topic"),
    [
        ("en-US", "tell serverless facts to give me a fact about docker", "containers"),
        ("en-US", "ask serverless facts to tell me a fact", None),
        ("en-US", "ask serverless facts about pricing", "pricing"),
        ("en-GB", "ask the serverless facts for a fact about billing", "pricing"),
        ("en-US", "open serverless facts and tell me a fact about scaling", "scaling"),
        ("en-US", "use serverless facts to give me a fact", None),
        ("en-US", "give me a fact about docker from serverless facts", "containers"),
        ("en-AU", "tell me a fact using serverless facts", None),
        ("de-DE", "frage serverless fakten nach einem fakt über kosten", "pricing"),
        ("de-DE", "sag serverless fakten, dass ich einen fakt über kosten will", None),
        ("de-DE", "öffne serverless fakten und erzähl mir einen fakt", None),
        ("de-DE", "erzähl mir einen fakt über kosten von serverless fakten", "pricing"),
        ("es-ES", "pide a datos serverless que me des un dato sobre precios", None),
        ("es-ES", "dile a datos serverless que me cuente un dato", None),
        ("es-ES", "dame un dato sobre precios de datos serverless", "pricing"),
        ("fr-FR", "demande à infos serverless de me donner une info sur les prix", "pricing"),
        ("fr-FR", "ouvre infos serverless et donne moi une info", None),
        ("fr-FR", "donne moi une info sur les prix avec infos serverless", "pricing"),
    ],
)
def test_resolver_one_shot_with_alexas_connecting_words(
    locale: str, utterance: str, topic: str | None
) -> None:
    """Amazon's invocation phrases: the connecting word is Alexa's, the rest a sample."""
    resolution = resolve(utterance, locale, in_session=False)
    assert isinstance(resolution, Launch), resolution
    assert resolution.intent is not None and resolution.intent.name == "GetNewFactIntent", (
        resolution
    )
    if topic is not None:
        slot = topic_of(resolution)
        assert slot.value is not None and slot.value.id == topic


def test_resolver_tell_me_a_fact_in_session_is_an_intent_not_a_launch() -> None:
    assert resolve("tell me a fact") == Intent("GetNewFactIntent", (Slot("topic", "TopicType"),))


def test_resolver_outside_a_session_asks_to_open_the_skill_first() -> None:
    resolution = resolve("tell me a fact", in_session=False)
    assert isinstance(resolution, NeedsLaunch)
    assert 'say "open serverless facts" first' in resolution.message
    ja = resolve("豆知識を教えて", "ja-JP", in_session=False)
    assert isinstance(ja, NeedsLaunch) and "サーバーレス豆知識を開いて" in ja.message


# --- resolver: exit words, custom samples, slots ---


@pytest.mark.parametrize(
    ("locale", "utterance"),
    [
        ("en-US", "exit"),
        ("en-US", "Quit."),
        ("en-US", "alexa exit"),
        ("en-US", "Alexa, quit"),
        ("de-DE", "beenden"),
        ("de-DE", "Alexa, exit"),
        ("es-ES", "salir"),
        ("fr-FR", "quitter"),
        ("ja-JP", "終了"),
        ("ja-JP", "アレクサ終了"),
        ("ja-JP", "exit"),
    ],
)
@pytest.mark.parametrize("in_session", [False, True])
def test_resolver_exit_words_end_the_session(locale: str, utterance: str, in_session: bool) -> None:
    assert resolve(utterance, locale, in_session=in_session) == SessionEnd()


@pytest.mark.parametrize(
    ("utterance", "topic"),
    [
        ("a fact about cost", "pricing"),
        ("billing", "pricing"),
        ("tell me about docker", "containers"),
    ],
)
def test_resolver_synonyms_resolve_to_the_value_id(utterance: str, topic: str) -> None:
    slot = topic_of(resolve(utterance))
    assert slot.value is not None and slot.value.id == topic
    body = slot_json(slot, application_id=APP_ID)
    (authority,) = body["resolutions"]["resolutionsPerAuthority"]
    assert authority["status"] == {"code": "ER_SUCCESS_MATCH"}
    assert authority["values"] == [{"value": {"name": slot.value.name, "id": topic}}]
    assert body["value"] == utterance.rsplit(maxsplit=1)[-1]


def test_resolver_unknown_topic_is_no_match_with_the_spoken_value() -> None:
    slot = topic_of(resolve("tell me a fact about cooking pasta"))
    assert (slot.spoken, slot.value) == ("cooking pasta", None)
    body = slot_json(slot, application_id=APP_ID)
    assert body["value"] == "cooking pasta"
    (authority,) = body["resolutions"]["resolutionsPerAuthority"]
    assert authority == {
        "authority": f"amzn1.er-authority.echo-sdk.{APP_ID}.TopicType",
        "status": {"code": "ER_SUCCESS_NO_MATCH"},
    }


@pytest.mark.parametrize(
    ("locale", "utterance", "intent"),
    [
        ("en-US", "Alexa, tell me a fact", "GetNewFactIntent"),
        ("en-US", "alexa", FALLBACK),
        ("en-US", "alexandria", FALLBACK),
        ("ja-JP", "アレクサ、はい", "AMAZON.YesIntent"),
        ("ja-JP", "アレクサはい", "AMAZON.YesIntent"),
    ],
)
def test_resolver_ignores_the_wake_word(locale: str, utterance: str, intent: str) -> None:
    assert intent_name(resolve(utterance, locale)) == intent


def test_resolver_list_topics_is_a_custom_intent() -> None:
    assert resolve("What topics do you know?") == Intent("ListTopicsIntent")


# --- resolver: built-in intents ---


@pytest.mark.parametrize(
    ("locale", "utterance", "intent"),
    [
        ("en-US", "yes", "AMAZON.YesIntent"),
        ("en-US", "Yes please!", "AMAZON.YesIntent"),
        ("en-US", "nope", "AMAZON.NoIntent"),
        ("en-US", "skip", "AMAZON.NextIntent"),
        ("en-US", "say that again", "AMAZON.RepeatIntent"),
        ("en-US", "what can I say?", "AMAZON.HelpIntent"),
        ("en-US", "shut up", "AMAZON.StopIntent"),
        ("en-US", "never mind", "AMAZON.CancelIntent"),
        ("en-US", "go to home screen", "AMAZON.NavigateHomeIntent"),
        ("en-IN", "okay", "AMAZON.YesIntent"),
        ("de-DE", "Ja", "AMAZON.YesIntent"),
        ("de-DE", "gerne", "AMAZON.YesIntent"),
        ("de-DE", "nein danke", "AMAZON.NoIntent"),
        ("de-DE", "weiter", "AMAZON.NextIntent"),
        ("de-DE", "stopp", "AMAZON.StopIntent"),
        ("es-ES", "Sí", "AMAZON.YesIntent"),
        ("es-ES", "vale", "AMAZON.YesIntent"),
        ("es-ES", "¿qué puedo decir?", "AMAZON.HelpIntent"),
        ("fr-FR", "oui", "AMAZON.YesIntent"),
        ("fr-FR", "d'accord", "AMAZON.YesIntent"),
        ("fr-FR", "non merci", "AMAZON.NoIntent"),
        ("ja-JP", "はい", "AMAZON.YesIntent"),
        ("ja-JP", "うん。", "AMAZON.YesIntent"),
        ("ja-JP", "いいえ", "AMAZON.NoIntent"),
        ("ja-JP", "もう一度", "AMAZON.RepeatIntent"),
    ],
)
def test_resolver_builtin_phrases_per_language(locale: str, utterance: str, intent: str) -> None:
    assert resolve(utterance, locale) == Intent(intent)


@pytest.mark.parametrize("locale", LOCALES)
def test_every_builtin_phrase_reaches_its_intent(locale: str) -> None:
    """No custom sample, slot value or exit word shadows a built-in phrase."""
    for intent, phrases in BUILTIN_PHRASES[LOCALE_LANGUAGE[locale]].items():
        for phrase in phrases:
            assert resolve(phrase, locale) == Intent(intent), f"{locale}: {phrase!r}"


def test_resolver_matches_only_builtins_the_model_declares() -> None:
    model = InteractionModel(
        "en-US",
        "serverless facts",
        {"AMAZON.YesIntent": ModelIntent("AMAZON.YesIntent", (), {})},
        {},
    )
    resolver = Resolver(model)
    assert resolver.resolve("yes", in_session=True) == Intent("AMAZON.YesIntent")
    assert resolver.resolve("go home", in_session=True) == Intent(FALLBACK)


@pytest.mark.parametrize(
    "utterance", ["order a pizza", "", "   ", "?!.,", "。、", "asdf qwer zxcv", "fact " * 3000]
)
def test_resolver_falls_back_for_anything_else(utterance: str) -> None:
    assert resolve(utterance) == Intent(FALLBACK)


@pytest.mark.parametrize("locale", LOCALES)
@settings(max_examples=60, deadline=None)
@given(text=st.text(max_size=300), in_session=st.booleans())
def test_resolver_never_raises(locale: str, text: str, in_session: bool) -> None:
    resolution = resolve(text, locale, in_session=in_session)
    assert isinstance(resolution, Launch | Intent | SessionEnd | NeedsLaunch)


# --- envelopes ---


def shape(value: object) -> object:
    """The structure of a JSON value: keys and types, not values."""
    if isinstance(value, Mapping):
        return {key: shape(item) for key, item in value.items()}
    if isinstance(value, list):
        return [shape(item) for item in value[:1]]
    return type(value).__name__


RECORDED_ONLY = ("apiAccessToken", "dialogState")  # not sent by our simulated device/model


def recorded_shape(name: str) -> object:
    event = load_event(name)
    event["context"]["System"].pop("apiAccessToken")
    event["request"].pop("dialogState", None)
    return shape(event)


def simulated(request: dict[str, Any], *, new: bool = True, screen: bool = True) -> dict[str, Any]:
    return envelope(
        request,
        device=Device(APP_ID, screen=screen),
        locale="en-US",
        session_id="amzn1.echo-api.session.0001",
        new=new,
        attributes={},
        clock=lambda: FIXED_NOW,
    )


@pytest.mark.parametrize(
    ("event", "request_body", "screen"),
    [
        ("launch", {"type": "LaunchRequest"}, True),
        ("launch_no_screen", {"type": "LaunchRequest"}, False),
        ("session_ended", {"type": "SessionEndedRequest", "reason": "USER_INITIATED"}, True),
        ("yes", intent_request(Intent("AMAZON.YesIntent"), application_id=APP_ID), True),
    ],
)
def test_envelope_has_the_shape_of_recorded_events(
    event: str, request_body: dict[str, Any], screen: bool
) -> None:
    assert shape(simulated(request_body, screen=screen)) == recorded_shape(event)


@pytest.mark.parametrize(
    ("event", "utterance"),
    [("get_new_fact_topic", "cost"), ("get_new_fact_unknown_topic", "cooking")],
)
def test_envelope_slots_have_the_shape_of_recorded_events(event: str, utterance: str) -> None:
    resolution = resolve(f"tell me a fact about {utterance}")
    assert isinstance(resolution, Intent)
    built = simulated(intent_request(resolution, application_id=APP_ID))
    assert shape(built) == recorded_shape(event)
    ours = built["request"]["intent"]["slots"]["topic"]["resolutions"]["resolutionsPerAuthority"]
    recorded = load_event(event)["request"]["intent"]["slots"]["topic"]["resolutions"]
    for mine, theirs in zip(ours, recorded["resolutionsPerAuthority"], strict=True):
        assert mine["authority"] == theirs["authority"]
        assert mine["status"] == theirs["status"]
        ids = [[v["value"]["id"] for v in a.get("values", [])] for a in (mine, theirs)]
        assert ids[0] == ids[1]


def test_envelope_ids_timestamp_and_unfilled_slots() -> None:
    request = intent_request(
        Intent("GetNewFactIntent", (Slot("topic", "TopicType"),)), application_id=APP_ID
    )
    built = simulated(request)
    assert built["request"]["timestamp"] == "2026-11-27T10:00:00Z"
    assert re.fullmatch(
        r"amzn1\.echo-api\.request\.[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}",
        built["request"]["requestId"],
    )
    assert built["request"]["locale"] == "en-US"
    assert built["request"]["intent"] == {
        "name": "GetNewFactIntent",
        "confirmationStatus": "NONE",
        "slots": {"topic": {"name": "topic", "confirmationStatus": "NONE"}},
    }
    assert built["session"]["application"] == built["context"]["System"]["application"]
    assert built["context"]["System"]["apiEndpoint"] == "https://api.amazonalexa.com"


def test_envelope_timestamp_is_utc_whatever_the_clock_zone() -> None:
    from datetime import timedelta, timezone

    local = FIXED_NOW.astimezone(timezone(timedelta(hours=9)))
    built = envelope(
        {"type": "LaunchRequest"},
        device=Device(APP_ID),
        locale="ja-JP",
        session_id="s",
        new=True,
        attributes={},
        clock=lambda: local,
    )
    assert built["request"]["timestamp"] == "2026-11-27T10:00:00Z"


# --- rendering ---


def test_speech_text_removes_tags_decodes_entities_and_shows_audio() -> None:
    ssml = (
        '<speak>AT&amp;T &lt;3 <audio src="https://a.example/x.mp3"/> '
        '<p>said <say-as interpret-as="digits">12</say-as></p><s>then</s>a<break time="1s"/>b</speak>'
    )
    assert speech_text(ssml) == "AT&T <3 [audio https://a.example/x.mp3] said 12 then a b"


def response(body: dict[str, Any], **extra: Any) -> dict[str, Any]:
    return {"version": "1.0", "response": body, **extra}


def ssml(text: str) -> dict[str, str]:
    return {"type": "SSML", "ssml": f"<speak>{text}</speak>"}


def test_render_reply_shows_speech_reprompt_card_and_checks_each_audio_once() -> None:
    checked: list[str] = []

    def check(url: str) -> AudioVerdict:
        checked.append(url)
        return AudioVerdict(True, "3.2 s") if url.endswith("ok.mp3") else AudioVerdict(False, "bad")

    reply = render_reply(
        response(
            {
                "outputSpeech": ssml(
                    'Hi <audio src="https://a.example/ok.mp3"/> <audio src="https://a.example/no.mp3"/>'
                ),
                "reprompt": {"outputSpeech": ssml('More? <audio src="https://a.example/ok.mp3"/>')},
                "card": {"type": "Simple", "title": "T", "content": "C"},
                "shouldEndSession": False,
            }
        ),
        check_audio=check,
        screen=True,
    )
    assert checked == ["https://a.example/ok.mp3", "https://a.example/no.mp3"]
    assert reply.lines() == [
        "Hi [audio https://a.example/ok.mp3] [audio https://a.example/no.mp3]",
        "reprompt: More? [audio https://a.example/ok.mp3]",
        "card: T | C",
        "audio https://a.example/ok.mp3: ok 3.2 s",
        "audio https://a.example/no.mp3: FAILED: bad",
    ]
    assert reply.failures() == ["audio https://a.example/no.mp3: bad"]


def test_render_reply_without_checking_marks_audio_unchecked() -> None:
    reply = render_reply(
        response({"outputSpeech": ssml('<audio src="https://a.example/x.mp3"/>')}),
        check_audio=None,
        screen=True,
    )
    assert reply.lines()[-1] == "audio https://a.example/x.mp3: not checked"
    assert reply.failures() == []


@pytest.mark.parametrize(
    ("body", "screen", "problem"),
    [
        ({"outputSpeech": ssml("AT&T"), "shouldEndSession": True}, True, "malformed SSML"),
        ({"outputSpeech": ssml("Hi?"), "shouldEndSession": False}, True, "no reprompt"),
        (
            {
                "outputSpeech": ssml("Hi"),
                "shouldEndSession": True,
                "directives": [{"type": "Alexa.Presentation.APL.RenderDocument"}],
            },
            False,
            "without a screen",
        ),
        (
            {"outputSpeech": ssml('<audio src="https://a/b.mp3"/>' * 6), "shouldEndSession": True},
            True,
            "6 <audio> tags",
        ),
    ],
)
def test_render_reply_flags_what_alexa_would_refuse(
    body: dict[str, Any], screen: bool, problem: str
) -> None:
    reply = render_reply(response(body), check_audio=None, screen=screen)
    assert any(problem in p for p in reply.failures()), reply.failures()


def test_render_reply_of_an_empty_response() -> None:
    reply = render_reply(response({}), check_audio=None, screen=True)
    assert reply.lines() == ["(no speech)"]
    assert reply.should_end_session is None


# --- audio checks ---


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("https://bucket.s3.us-east-1.amazonaws.com/a.mp3", True),
        ("http://127.0.0.1:9000/a.mp3", True),
        ("http://localhost/a.mp3", True),
        ("http://[::1]:8000/a.mp3", True),
        ("http://example.com/a.mp3", False),
        ("http://10.0.0.1/a.mp3", False),
        ("ftp://example.com/a.mp3", False),
        ("file:///etc/passwd", False),
        ("https://example.com/a b.mp3", False),
    ],
)
def test_url_problem_allows_https_and_loopback_http_only(url: str, allowed: bool) -> None:
    assert (url_problem(url) == "") is allowed


def test_check_audio_url_validates_the_fetched_mp3() -> None:
    from factaudio.postprocess import to_alexa_mp3
    from tests.audio_support import tone

    mp3 = to_alexa_mp3(tone(1500))
    fetched: list[tuple[str, float]] = []

    def fetch(url: str, timeout: float) -> bytes:
        fetched.append((url, timeout))
        return mp3

    verdict = check_audio_url("https://a.example/x.mp3", fetcher=fetch)
    assert verdict.ok and re.fullmatch(r"\d+\.\d s", verdict.detail)
    assert str(verdict).startswith("ok ")
    assert fetched == [("https://a.example/x.mp3", 5.0)]


def test_check_audio_url_reports_problems() -> None:
    def garbage(url: str, timeout: float) -> bytes:
        return b"\0" * 8

    def unreachable(url: str, timeout: float) -> bytes:
        raise urllib.error.URLError("connection refused")

    def never(url: str, timeout: float) -> bytes:
        raise AssertionError("must not fetch")

    bad = check_audio_url("https://a.example/x.mp3", fetcher=garbage)
    assert not bad.ok and "not an MP3" in bad.detail and "a.example" not in bad.detail
    down = check_audio_url("https://a.example/x.mp3", fetcher=unreachable)
    assert not down.ok and "connection refused" in down.detail
    plain = check_audio_url("http://cdn.example/x.mp3", fetcher=never)
    assert not plain.ok and "https" in plain.detail


# --- sessions ---


class Recorder:
    """A transport that records envelopes and answers with the real skill or canned responses."""

    def __init__(self, *canned: dict[str, Any]) -> None:
        self.sent: list[dict[str, Any]] = []
        self.canned = list(canned)

    def send(self, event: Mapping[str, Any]) -> dict[str, Any]:
        self.sent.append(json.loads(json.dumps(event)))
        return self.canned.pop(0) if self.canned else InProcess().send(event)


def conversation(transport: Recorder, **kwargs: Any) -> Conversation:
    return Conversation("en-US", transport, application_id=APP_ID, **kwargs)


def test_conversation_keeps_session_attributes_between_turns() -> None:
    transport = Recorder()
    talk = conversation(transport)
    first = talk.say("open serverless facts")
    second = talk.say("yes")
    launch, yes = transport.sent
    assert launch["session"]["new"] is True and launch["session"]["attributes"] == {}
    assert yes["session"]["new"] is False
    assert yes["session"]["sessionId"] == launch["session"]["sessionId"]
    assert first.response is not None
    assert yes["session"]["attributes"] == first.response["sessionAttributes"]
    assert first.session_open and second.session_open and talk.in_session


def test_conversation_ends_on_should_end_session_and_starts_fresh() -> None:
    transport = Recorder()
    talk = conversation(transport)
    talk.say("open serverless facts")
    bye = talk.say("stop")
    assert bye.ended and not bye.session_open and not talk.in_session
    assert bye.text().endswith("Goodbye, and happy building!\n[session ended]")
    talk.say("ask serverless facts for a fact")
    again = transport.sent[-1]
    assert again["session"]["new"] is True and again["session"]["attributes"] == {}
    assert again["session"]["sessionId"] != transport.sent[0]["session"]["sessionId"]
    assert again["request"]["type"] == "IntentRequest"


def test_conversation_session_stays_open_when_should_end_session_is_omitted() -> None:
    silent = response({"outputSpeech": ssml("Hmm")}, sessionAttributes={"k": 1})
    transport = Recorder(silent, silent)
    talk = conversation(transport)
    talk.say("open serverless facts")
    turn = talk.say("yes")
    assert turn.session_open and not turn.ended
    assert transport.sent[1]["session"]["attributes"] == {"k": 1}


def test_conversation_exit_sends_session_ended_request() -> None:
    transport = Recorder()
    talk = conversation(transport)
    talk.say("open serverless facts")
    turn = talk.say("exit")
    assert transport.sent[-1]["request"]["type"] == "SessionEndedRequest"
    assert transport.sent[-1]["request"]["reason"] == "USER_INITIATED"
    assert turn.ended and turn.text() == "(no speech)\n[session ended]"
    nothing = talk.say("exit")
    assert nothing.request is None and nothing.note == "No session is open."
    assert len(transport.sent) == 2


def test_conversation_sends_nothing_before_a_launch() -> None:
    transport = Recorder()
    turn = conversation(transport).say("tell me a fact")
    assert transport.sent == [] and turn.request is None
    assert turn.text().startswith("The skill is not open")


def test_conversation_is_unchanged_when_the_transport_fails() -> None:
    class Broken:
        def send(self, event: Mapping[str, Any]) -> dict[str, Any]:
            raise TransportError("down")

    talk = Conversation("en-US", Broken(), application_id=APP_ID)
    with pytest.raises(TransportError):
        talk.say("open serverless facts")
    assert not talk.in_session


def test_conversation_checks_each_audio_url_once() -> None:
    spoken = response(
        {
            "outputSpeech": ssml('<audio src="https://a.example/x.mp3"/> More?'),
            "reprompt": {"outputSpeech": ssml("More?")},
            "shouldEndSession": False,
        }
    )
    checked: list[str] = []

    def check(url: str) -> AudioVerdict:
        checked.append(url)
        return AudioVerdict(True, "1.0 s")

    talk = conversation(Recorder(spoken, spoken), check_audio=check)
    talk.say("open serverless facts")
    turn = talk.say("yes")
    assert checked == ["https://a.example/x.mp3"]
    assert "audio https://a.example/x.mp3: ok 1.0 s" in turn.lines()


def test_conversation_without_screen_sends_no_apl_interface() -> None:
    transport = Recorder()
    turn = conversation(transport, screen=False).say("open serverless facts")
    assert transport.sent[0]["context"]["System"]["device"]["supportedInterfaces"] == {}
    assert turn.reply is not None and turn.reply.directives == ()


def test_in_process_transport_reports_a_skill_id_mismatch(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SKILL_ID", "amzn1.ask.skill.other")
    with pytest.raises(TransportError, match="--application-id"):
        conversation(Recorder()).say("open serverless facts")
