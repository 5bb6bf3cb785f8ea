"""The simulator's AudioPlayer device: its queue, its event orders, and the rules it holds."""

from __future__ import annotations

from typing import Any

import pytest

from factsim.builtins import PAUSE
from factsim.player import AudioPlayerDevice, EventOrder, play_track
from factsim.resolver import Intent, NeedsLaunch, Resolver


def play(token: str, behavior: str = "REPLACE_ALL", previous: str | None = None) -> dict[str, Any]:
    stream: dict[str, Any] = {
        "token": token,
        "url": f"https://a.test/{token}.mp3",
        "offsetInMilliseconds": 0,
    }
    if previous is not None:
        stream["expectedPreviousToken"] = previous
    return {"type": "AudioPlayer.Play", "playBehavior": behavior, "audioItem": {"stream": stream}}


REQUEST = {
    "request": {"type": "AudioPlayer.PlaybackNearlyFinished"},
    "context": {"System": {"device": {"supportedInterfaces": {"AudioPlayer": {}}}}},
}


def answer(device: AudioPlayerDevice, *directives: dict[str, Any]) -> list[str]:
    return device.answer(REQUEST, {"response": {"directives": list(directives)}})


class Skill:
    """Answers NearlyFinished with the next numbered track (once), Finished with it when nothing
    was queued, Failed with it at once."""

    def __init__(self, device: AudioPlayerDevice, *, last: int = 99) -> None:
        self.device, self.last, self.seen = device, last, []

    def __call__(self, kind: str, fields: dict[str, Any]) -> dict[str, Any]:
        self.seen.append((kind, fields["token"], self.device.context().get("token")))
        token, number = fields["token"], int(fields["token"][1:])
        following = f"t{number + 1}"
        playing = self.device.current.token if self.device.current else None
        queued = any(q.token == following for q in self.device.queue)
        more = number < self.last
        if (
            kind == "AudioPlayer.PlaybackNearlyFinished"
            and token == playing
            and more
            and not queued
        ):
            answer(self.device, play(following, "ENQUEUE", token))
        if kind == "AudioPlayer.PlaybackFailed" and more:
            answer(self.device, play(following))
        if kind == "AudioPlayer.PlaybackFinished" and more and not queued and token == playing:
            answer(self.device, play(following))
        return {}


@pytest.mark.parametrize(
    ("order", "kinds"),
    [
        (EventOrder.NORMAL, ["Started", "NearlyFinished", "Finished"]),
        (EventOrder.DUPLICATE, ["Started", "NearlyFinished", "NearlyFinished", "Finished"]),
        (EventOrder.SHORT, ["Started", "Finished", "NearlyFinished"]),
    ],
)
def test_each_order_sends_its_events_and_moves_on(order: EventOrder, kinds: list[str]) -> None:
    device = AudioPlayerDevice()
    answer(device, play("t0"))
    skill = Skill(device)
    sent = play_track(device, skill, order=order)
    assert [k.removeprefix("AudioPlayer.Playback") for k in sent] == kinds
    assert device.current is not None and device.current.token == "t1"
    assert device.queue == [] and device.problems == []


def test_a_short_clips_late_nearly_finished_reports_the_next_track_in_its_context() -> None:
    device = AudioPlayerDevice()
    answer(device, play("t0"))
    skill = Skill(device)
    play_track(device, skill, order=EventOrder.SHORT)
    assert skill.seen[-1] == ("AudioPlayer.PlaybackNearlyFinished", "t0", "t1")


def test_the_stream_ends_when_nothing_is_queued() -> None:
    device = AudioPlayerDevice()
    answer(device, play("t0"))
    play_track(device, Skill(device, last=0))
    assert device.activity == "FINISHED" and device.current is not None


def test_a_failed_track_sends_playback_failed() -> None:
    device = AudioPlayerDevice()
    answer(device, play("t0"))
    sent = play_track(device, Skill(device), playable=lambda url: False)
    assert sent == ["AudioPlayer.PlaybackFailed"]
    assert device.current is not None and device.current.token == "t1"  # skipped by the skill


def test_a_reused_token_and_a_wrong_expected_previous_token_are_problems() -> None:
    device = AudioPlayerDevice()
    answer(device, play("t0"))
    assert answer(device, play("t0")) == []  # resuming the same stream: the same token
    problems = answer(device, play("t1", "ENQUEUE", "t9"))
    assert problems == ["ENQUEUE ignored: expectedPreviousToken is not the last track"]
    device.advance()
    answer(device, play("t1"))
    assert any("played before" in p for p in answer(device, play("t0")))


def test_stop_pauses_and_clear_queue_empties() -> None:
    device = AudioPlayerDevice()
    answer(device, play("t0"), play("t1", "ENQUEUE", "t0"))
    assert [t.token for t in device.queue] == ["t1"]
    answer(device, {"type": "AudioPlayer.Stop"})
    assert device.context()["playerActivity"] == "STOPPED"
    answer(device, {"type": "AudioPlayer.ClearQueue", "clearBehavior": "CLEAR_ALL"})
    assert device.queue == []


def test_playback_commands_reach_the_skill_without_its_name_while_it_plays() -> None:
    resolver = Resolver.for_locale("en-US")
    assert resolver.resolve("pause", in_session=False, playing=True) == Intent(PAUSE)
    assert resolver.resolve("stop", in_session=False, playing=True) == Intent(PAUSE)
    assert resolver.resolve("next", in_session=False, playing=True) == Intent("AMAZON.NextIntent")
    assert isinstance(resolver.resolve("pause", in_session=False), NeedsLaunch)
    assert isinstance(
        resolver.resolve("tell me a fact", in_session=False, playing=True), NeedsLaunch
    )
