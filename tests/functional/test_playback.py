"""'Play all facts' through the real Lambda handler: the AudioPlayer event matrix (issue 14).

Every response is checked by factsim.audiorules, the validator the simulator's device uses.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from factcontent.files import load_deck
from factsim.audiorules import audio_player_problems
from factskill.config import Settings
from factskill.content import ContentStore
from factskill.playlist import decode
from factskill.wiring import build_handler
from tests.conftest import ASSETS_DIR, load_event
from tests.playback import intent_while_playing, playback_request, with_audio_player
from tests.support import assert_valid_response, ssml_of, text_of, write_audio_manifest

BASE = "https://audio.example.test/"
DECK = load_deck(ASSETS_DIR, "en")
SILENT = DECK.facts[3].id  # no MP3: a stream skips it
WITH_AUDIO = [f.id for f in DECK.facts if f.id != SILENT]
Invoke = Callable[[dict[str, Any]], dict[str, Any]]


def skill(tmp_path: Path, ids: list[str], *, fetch: Any = None) -> Invoke:
    settings = Settings(
        content_dir=str(ASSETS_DIR),
        audio_manifest=write_audio_manifest(
            tmp_path / "manifest.json", DECK, ids=ids, captions=fetch is not None
        ),
        audio_base_url=BASE,
    )
    handler = build_handler(ContentStore(settings, fetch=fetch), skill_id=None)

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        response = handler(json.loads(json.dumps(event)), None)
        assert_valid_response(response)
        problems = audio_player_problems(event, response)
        assert not problems, problems
        return response

    return invoke


@pytest.fixture
def invoke(tmp_path: Path) -> Invoke:
    return skill(tmp_path, WITH_AUDIO)


def directives(response: dict[str, Any]) -> list[dict[str, Any]]:
    return list(response["response"].get("directives") or [])


def the_play(response: dict[str, Any]) -> dict[str, Any]:
    (play,) = [d for d in directives(response) if d["type"] == "AudioPlayer.Play"]
    return play


def token_of(response: dict[str, Any]) -> str:
    token: str = the_play(response)["audioItem"]["stream"]["token"]
    return token


def fact_of(token: str) -> str:
    cursor = decode(token)
    assert cursor is not None, token
    return cursor.fact


def play_all(invoke: Invoke, slots: dict[str, Any] | None = None) -> dict[str, Any]:
    event = intent_while_playing("PlayAllFactsIntent", token=None, slots=slots)
    return invoke(event)


def play_through(invoke: Invoke, first: str, *, limit: int = 200) -> list[str]:
    """Play a stream the way a device does (Started, NearlyFinished, Finished per track);
    return the facts played, in order, until nothing is queued."""
    played, token = [], first
    for _ in range(limit):
        played.append(fact_of(token))
        assert (
            directives(invoke(playback_request("AudioPlayer.PlaybackStarted", token=token))) == []
        )
        nearly = invoke(playback_request("AudioPlayer.PlaybackNearlyFinished", token=token))
        finished = invoke(playback_request("AudioPlayer.PlaybackFinished", token=token))
        assert directives(finished) == []  # the next one was queued already
        if not directives(nearly):
            return played
        play = the_play(nearly)
        assert play["playBehavior"] == "ENQUEUE"
        assert play["audioItem"]["stream"]["expectedPreviousToken"] == token
        token = play["audioItem"]["stream"]["token"]
    raise AssertionError(f"still playing after {limit} tracks")


def test_play_all_facts_speaks_an_intro_and_plays_the_first_fact(invoke: Invoke) -> None:
    response = play_all(invoke)
    assert text_of(ssml_of(response)) == "Here are all my facts, one after another."
    assert response["response"]["shouldEndSession"] is True
    play = the_play(response)
    stream = play["audioItem"]["stream"]
    assert play["playBehavior"] == "REPLACE_ALL" and "expectedPreviousToken" not in stream
    assert stream["url"] == f"{BASE}audio/en-US/{WITH_AUDIO[0]}.mp3"
    assert stream["offsetInMilliseconds"] == 0
    metadata = play["audioItem"]["metadata"]
    assert metadata["title"] == "Serverless Facts"
    assert metadata["subtitle"] == f"AWS Lambda · Fact 1 of {len(WITH_AUDIO)}"
    assert "reprompt" not in response["response"]


def test_every_fact_with_an_mp3_plays_once_in_deck_order_then_the_stream_ends(
    invoke: Invoke,
) -> None:
    played = play_through(invoke, token_of(play_all(invoke)))
    assert played == WITH_AUDIO  # the fact without an MP3 is skipped


def test_a_topic_plays_only_its_facts(invoke: Invoke) -> None:
    slots = load_event("get_new_fact_topic")["request"]["intent"]["slots"]  # "cost": pricing
    response = play_all(invoke, slots)
    assert "about pricing" in text_of(ssml_of(response))
    pricing = [f.id for f in DECK.facts if f.topic == "pricing" and f.id in WITH_AUDIO]
    assert play_through(invoke, token_of(response)) == pricing


def test_tokens_are_short_unique_strings_and_carry_the_place(invoke: Invoke) -> None:
    first = token_of(play_all(invoke))
    loop = invoke(intent_while_playing("AMAZON.LoopOnIntent", token=first, offset=1200))
    tokens = [first, token_of(loop)]
    assert the_play(loop)["audioItem"]["stream"]["offsetInMilliseconds"] == 1200
    token = tokens[-1]
    for _ in range(len(WITH_AUDIO) + 3):  # once round the loop and on
        nearly = invoke(playback_request("AudioPlayer.PlaybackNearlyFinished", token=token))
        token = token_of(nearly)
        tokens.append(token)
    assert len(set(tokens)) == len(tokens)  # a fact played again gets a new token
    assert all(len(t) <= 120 for t in tokens)
    assert [fact_of(t) for t in tokens[-3:]] == WITH_AUDIO[1:4]  # looped round to the start


def test_nearly_finished_twice_enqueues_once(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    first = invoke(playback_request("AudioPlayer.PlaybackNearlyFinished", token=token))
    again = invoke(playback_request("AudioPlayer.PlaybackNearlyFinished", token=token))
    assert the_play(first)["playBehavior"] == "ENQUEUE"
    assert directives(again) == []


def test_a_short_clip_finished_before_nearly_finished_plays_the_next_once(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    finished = invoke(playback_request("AudioPlayer.PlaybackFinished", token=token))
    following = the_play(finished)
    assert following["playBehavior"] == "REPLACE_ALL"
    assert fact_of(following["audioItem"]["stream"]["token"]) == WITH_AUDIO[1]
    late = playback_request(
        "AudioPlayer.PlaybackNearlyFinished",
        token=token,
        playing=following["audioItem"]["stream"]["token"],
    )
    assert directives(invoke(late)) == []


def test_a_late_nearly_finished_in_another_container_sees_the_stream_moved_on(
    tmp_path: Path,
) -> None:
    one, other = skill(tmp_path, WITH_AUDIO), skill(tmp_path, WITH_AUDIO)
    token = token_of(play_all(one))
    following = token_of(one(playback_request("AudioPlayer.PlaybackFinished", token=token)))
    late = playback_request("AudioPlayer.PlaybackNearlyFinished", token=token, playing=following)
    assert directives(other(late)) == []  # the device's context says what plays now


def test_a_failed_fact_is_skipped(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    failed = invoke(playback_request("AudioPlayer.PlaybackFailed", token=token))
    assert the_play(failed)["playBehavior"] == "REPLACE_ALL"
    assert fact_of(token_of(failed)) == WITH_AUDIO[1]


@pytest.mark.parametrize("kind", ["AudioPlayer.PlaybackStarted", "AudioPlayer.PlaybackStopped"])
def test_started_and_stopped_get_an_empty_answer(invoke: Invoke, kind: str) -> None:
    token = token_of(play_all(invoke))
    response = invoke(playback_request(kind, token=token, offset=4000))
    assert response["response"] == {} or directives(response) == []
    assert "sessionAttributes" not in response


def test_pause_stops_and_resume_plays_the_same_stream_where_it_stopped(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    paused = invoke(intent_while_playing("AMAZON.PauseIntent", token=token, offset=3100))
    assert [d["type"] for d in directives(paused)] == ["AudioPlayer.Stop"]
    assert "outputSpeech" not in paused["response"]
    resumed = invoke(
        intent_while_playing("AMAZON.ResumeIntent", token=token, offset=3100, activity="STOPPED")
    )
    stream = the_play(resumed)["audioItem"]["stream"]
    assert stream["token"] == token and stream["offsetInMilliseconds"] == 3100
    assert resumed["response"]["shouldEndSession"] is True


@pytest.mark.parametrize(
    ("intent", "expected"),
    [
        ("AMAZON.NextIntent", 3),
        ("AMAZON.PreviousIntent", 1),
        ("AMAZON.StartOverIntent", 2),
    ],
)
def test_next_previous_and_start_over(invoke: Invoke, intent: str, expected: int) -> None:
    token = token_of(play_all(invoke))
    for _ in range(2):  # on to the third fact
        token = token_of(invoke(playback_request("AudioPlayer.PlaybackFailed", token=token)))
    assert fact_of(token) == WITH_AUDIO[2]
    response = invoke(intent_while_playing(intent, token=token, offset=5000))
    assert fact_of(token_of(response)) == WITH_AUDIO[expected]
    assert the_play(response)["audioItem"]["stream"]["offsetInMilliseconds"] == 0


def test_previous_at_the_first_fact_starts_it_over(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    response = invoke(intent_while_playing("AMAZON.PreviousIntent", token=token))
    assert fact_of(token_of(response)) == WITH_AUDIO[0] and token_of(response) != token


def test_next_after_the_last_fact_stops_unless_looping(invoke: Invoke) -> None:
    played = play_through(invoke, token_of(play_all(invoke)))
    assert played[-1] == WITH_AUDIO[-1]
    last = token_of(play_all(invoke))
    for _ in range(len(WITH_AUDIO) - 1):
        last = token_of(invoke(intent_while_playing("AMAZON.NextIntent", token=last)))
    assert fact_of(last) == WITH_AUDIO[-1]
    stopped = invoke(intent_while_playing("AMAZON.NextIntent", token=last))
    assert [d["type"] for d in directives(stopped)] == ["AudioPlayer.Stop"]
    looping = token_of(invoke(intent_while_playing("AMAZON.LoopOnIntent", token=last)))
    wrapped = invoke(intent_while_playing("AMAZON.NextIntent", token=looping))
    assert fact_of(token_of(wrapped)) == WITH_AUDIO[0]
    unlooped = token_of(invoke(intent_while_playing("AMAZON.LoopOffIntent", token=looping)))
    assert decode(unlooped) is not None and not decode(unlooped).loop  # type: ignore[union-attr]


def test_shuffle_keeps_the_fact_playing_and_plays_every_fact_once(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    shuffled = invoke(intent_while_playing("AMAZON.ShuffleOnIntent", token=token, offset=700))
    stream = the_play(shuffled)["audioItem"]["stream"]
    assert fact_of(stream["token"]) == WITH_AUDIO[0] and stream["offsetInMilliseconds"] == 700
    cursor = decode(stream["token"])
    assert cursor is not None and cursor.shuffle
    rest = play_through(invoke, stream["token"])
    # what follows the current fact in the shuffled order, each at most once, none repeated
    assert len(rest) == len(set(rest)) and set(rest) <= set(WITH_AUDIO)
    back = invoke(intent_while_playing("AMAZON.ShuffleOffIntent", token=stream["token"]))
    assert decode(token_of(back)).shuffle is False  # type: ignore[union-attr]


def test_a_shuffled_loop_plays_every_fact_before_any_repeats(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    token = token_of(invoke(intent_while_playing("AMAZON.ShuffleOnIntent", token=token)))
    cursor = decode(token)
    assert cursor is not None
    # from the start of the shuffled order, looping: the first len() facts are all different
    start = token_of(invoke(intent_while_playing("AMAZON.LoopOnIntent", token=token)))
    facts = []
    for _ in range(len(WITH_AUDIO)):
        start = token_of(invoke(playback_request("AudioPlayer.PlaybackFailed", token=start)))
        facts.append(fact_of(start))
    assert sorted(facts) == sorted(WITH_AUDIO)
    assert facts != WITH_AUDIO[1:] + WITH_AUDIO[:1]  # not the deck order


@pytest.mark.parametrize("intent", ["AMAZON.CancelIntent", "AMAZON.StopIntent"])
def test_cancel_and_stop_clear_the_queue(invoke: Invoke, intent: str) -> None:
    token = token_of(play_all(invoke))
    response = invoke(intent_while_playing(intent, token=token))
    assert directives(response) == [
        {"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"}
    ]
    assert response["response"]["shouldEndSession"] is True


def test_next_and_stop_in_a_conversation_are_the_conversations(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    fact = invoke(intent_while_playing("AMAZON.NextIntent", token=token, new=False))
    assert not directives(fact) or all(d["type"].startswith("Alexa.") for d in directives(fact))
    assert "Want another fact?" in text_of(ssml_of(fact))
    goodbye = invoke(intent_while_playing("AMAZON.StopIntent", token=token, new=False))
    assert text_of(ssml_of(goodbye)) == "Goodbye, and happy building!"


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        ("PlaybackController.NextCommandIssued", 1),
        ("PlaybackController.PreviousCommandIssued", 0),
        ("PlaybackController.PlayCommandIssued", 0),
    ],
)
def test_the_devices_buttons(invoke: Invoke, command: str, expected: int) -> None:
    token = token_of(play_all(invoke))
    response = invoke(playback_request(command, token=None, playing=token, offset=2500))
    play = the_play(response)
    assert fact_of(play["audioItem"]["stream"]["token"]) == WITH_AUDIO[expected]
    if command.endswith("PlayCommandIssued"):
        assert play["audioItem"]["stream"]["offsetInMilliseconds"] == 2500
    assert "shouldEndSession" not in response["response"]


def test_the_pause_button_stops(invoke: Invoke) -> None:
    token = token_of(play_all(invoke))
    response = invoke(
        playback_request("PlaybackController.PauseCommandIssued", token=None, playing=token)
    )
    assert [d["type"] for d in directives(response)] == ["AudioPlayer.Stop"]


@pytest.mark.parametrize(
    "token", ["", "another-skills-token", "sf1|en-US||zz|00|0|x|0", "sf1|xx-XX||0000000a|00|0|x|0"]
)
def test_a_token_not_ours_plays_nothing(invoke: Invoke, token: str) -> None:
    for kind in ("AudioPlayer.PlaybackNearlyFinished", "AudioPlayer.PlaybackFailed"):
        assert directives(invoke(playback_request(kind, token=token))) == []
    resume = invoke(intent_while_playing("AMAZON.ResumeIntent", token=token or None))
    assert text_of(ssml_of(resume)) == "Nothing is playing right now. Would you like a fact?"


def test_a_device_without_audio_player_hears_a_fact_and_why(invoke: Invoke) -> None:
    event = load_event("get_new_fact")
    event["request"]["intent"] = {"name": "PlayAllFactsIntent", "confirmationStatus": "NONE"}
    response = invoke(event)
    spoken = text_of(ssml_of(response))
    assert spoken.startswith(
        "This device can't play a stream of facts, so here's one fact instead."
    )
    assert not any(d["type"].startswith("AudioPlayer.") for d in directives(response))
    assert response["response"]["shouldEndSession"] is False


def test_no_playable_mp3_means_a_spoken_fact(tmp_path: Path) -> None:
    response = play_all(skill(tmp_path, []))
    assert text_of(ssml_of(response)).startswith("The recordings of those facts aren't ready yet")
    assert not any(d["type"].startswith("AudioPlayer.") for d in directives(response))


def test_pause_with_nothing_playing_says_so(invoke: Invoke) -> None:
    response = invoke(with_audio_player(_intent("AMAZON.PauseIntent")))
    assert text_of(ssml_of(response)) == "Nothing is playing right now. Would you like a fact?"
    assert response["response"]["shouldEndSession"] is False


def _intent(name: str) -> dict[str, Any]:
    event = load_event("get_new_fact")
    event["request"]["intent"] = {"name": name, "confirmationStatus": "NONE", "slots": {}}
    return event


def test_the_validator_catches_the_known_sample_bugs() -> None:
    """What the official Python audio-player sample gets wrong is refused here."""
    request = playback_request("PlaybackController.NextCommandIssued", token=None, playing="t")
    bad = {
        "version": "1.0",
        "response": {
            "shouldEndSession": True,
            "directives": [
                {
                    "type": "AudioPlayer.Play",
                    "playBehavior": "REPLACE_ALL",
                    "audioItem": {
                        "stream": {
                            "token": 7,
                            "url": "http://x/a.mp3",
                            "offsetInMilliseconds": 0,
                            "expectedPreviousToken": "t",
                        }
                    },
                }
            ],
        },
    }
    problems = audio_player_problems(request, bad)
    assert any("shouldEndSession in the answer" in p for p in problems)
    assert any("token 7" in p for p in problems)
    assert any("is not https" in p for p in problems)
    assert any("expectedPreviousToken with REPLACE_ALL" in p for p in problems)
    no_player = load_event("get_new_fact")
    assert any(
        "without the AudioPlayer interface" in p for p in audio_player_problems(no_player, bad)
    )


VTT = "WEBVTT\n\n1\n00:00:01.500 --> 00:00:04.000\nAWS Lambda runs your code\n"


def test_each_play_carries_the_clips_captions_fetched_once(tmp_path: Path) -> None:
    from factskill.remote import Fetched

    fetched: list[str] = []

    def fetch(url: str, etag: str | None, timeout: float) -> Fetched:
        fetched.append(url)
        return Fetched(VTT.encode(), None)

    invoke = skill(tmp_path, WITH_AUDIO, fetch=fetch)
    first = the_play(play_all(invoke))["audioItem"]["stream"]
    assert first["captionData"] == {"content": VTT, "type": "WEBVTT"}
    assert fetched == [f"{BASE}audio/en-US/{WITH_AUDIO[0]}.vtt"]
    play_all(invoke)
    assert len(fetched) == 1  # kept: content-addressed, never changes
    nearly = invoke(playback_request("AudioPlayer.PlaybackNearlyFinished", token=first["token"]))
    assert the_play(nearly)["audioItem"]["stream"]["captionData"]["type"] == "WEBVTT"


@pytest.mark.parametrize("answer", [b"not captions", None])
def test_a_stream_plays_without_captions_it_cannot_get(tmp_path: Path, answer: Any) -> None:
    from factskill.remote import Fetched, RemoteError

    def fetch(url: str, etag: str | None, timeout: float) -> Fetched:
        if answer is None:
            raise RemoteError(f"{url}: timed out")
        return Fetched(answer, None)

    stream = the_play(play_all(skill(tmp_path, WITH_AUDIO, fetch=fetch)))["audioItem"]["stream"]
    assert "captionData" not in stream and stream["url"].endswith(".mp3")
