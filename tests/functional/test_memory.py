"""Listener memory across sessions (issue 13), against moto's DynamoDB and a black-holed one."""

from __future__ import annotations

import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from factskill.config import Settings
from factskill.content import ContentStore
from factskill.memory import DynamoStore, Memory, account_key
from factskill.wiring import build_handler
from tests.conftest import ASSETS_DIR, load_event
from tests.support import assert_valid_response, ssml_of, text_of

TABLE = "listener-memory"
USER = "amzn1.ask.account.TESTUSER"
Invoke = Callable[[dict[str, Any]], dict[str, Any]]


@pytest.fixture
def dynamodb(mocked_aws: None) -> Any:
    import boto3

    client = boto3.client("dynamodb", region_name="us-east-1")
    client.create_table(
        TableName=TABLE,
        KeySchema=[{"AttributeName": "listener", "KeyType": "HASH"}],
        AttributeDefinitions=[{"AttributeName": "listener", "AttributeType": "S"}],
        BillingMode="PAY_PER_REQUEST",
    )
    return client


class CountingStore(DynamoStore):
    """The real store, counting its calls."""

    def __init__(self, client: Any) -> None:
        super().__init__(TABLE, client_factory=lambda: client)
        self.calls: list[str] = []

    def read(self, account: str) -> Any:
        self.calls.append("read")
        return super().read(account)

    def write(self, *args: Any, **kwargs: Any) -> bool:
        self.calls.append("write")
        return super().write(*args, **kwargs)


@pytest.fixture
def store(dynamodb: Any) -> CountingStore:
    return CountingStore(dynamodb)


@pytest.fixture
def invoke(store: CountingStore) -> Invoke:
    handler = build_handler(
        ContentStore(Settings(content_dir=str(ASSETS_DIR))), skill_id=None, memory=Memory(store)
    )
    return lambda event: handler(event, None)


class Session:
    """One Alexa session of a listener: its requests carry the attributes of the last answer."""

    def __init__(self, invoke: Invoke, *, user: str = USER, person: str | None = None) -> None:
        self.invoke, self.user, self.person = invoke, user, person
        self.attributes: dict[str, Any] | None = None
        self.told: list[str] = []

    def say(self, name: str) -> dict[str, Any]:
        event = load_event(name, attributes=self.attributes or {})
        event["session"]["new"] = self.attributes is None
        event["session"]["user"]["userId"] = self.user
        event["context"]["System"]["user"]["userId"] = self.user
        if self.person:
            event["context"]["System"]["person"] = {"personId": self.person}
        response = self.invoke(event)
        assert_valid_response(response)
        self.attributes = response.get("sessionAttributes") or {}
        last = self.attributes.get("last")
        if last and (not self.told or self.told[-1] != last):
            self.told.append(last)
        return response


def item(dynamodb: Any, user: str = USER) -> dict[str, Any]:
    return dynamodb.get_item(TableName=TABLE, Key={"listener": {"S": account_key(user)}})["Item"]


def test_a_returning_listener_is_welcomed_back_and_hears_only_new_facts(
    invoke: Invoke, dynamodb: Any, store: CountingStore
) -> None:
    first = Session(invoke)
    welcome = text_of(ssml_of(first.say("launch")))
    for _ in range(3):
        first.say("yes")
    assert len(set(first.told)) == 4
    assert store.calls.count("read") == 1  # one read per session
    second = Session(invoke)
    back = text_of(ssml_of(second.say("launch")))
    assert back != welcome and back.lower().startswith("welcome back")
    second.say("yes")
    assert not set(second.told) & set(first.told)  # nothing heard before comes again
    stored = item(dynamodb)
    assert json.loads(stored["m_-"]["S"])["visits"] == 2
    assert set(json.loads(stored["h_-_en"]["S"])) == set(first.told) | set(second.told)
    expires = int(stored["expires_at"]["N"])
    assert abs(expires - (time.time() + 365 * 24 * 3600)) < 120
    assert USER not in json.dumps(stored)  # the account id is stored only as a digest


def test_requests_that_change_nothing_write_nothing(invoke: Invoke, store: CountingStore) -> None:
    session = Session(invoke)
    session.say("launch")
    writes = store.calls.count("write")
    for name in ("help", "repeat", "list_topics", "fallback"):
        session.say(name)
    assert store.calls.count("write") == writes


def test_two_devices_at_once_keep_each_others_facts(invoke: Invoke, dynamodb: Any) -> None:
    kitchen, car = Session(invoke), Session(invoke)
    kitchen.say("launch")
    car.say("launch")  # both read the same version
    car.say("yes")
    kitchen.say("yes")  # its write meets the car's: conflict, merged, written again
    heard = set(json.loads(item(dynamodb)["h_-_en"]["S"]))
    assert set(kitchen.told) | set(car.told) <= heard


def test_voice_profiles_of_one_account_are_remembered_apart(invoke: Invoke, dynamodb: Any) -> None:
    Session(invoke, person="amzn1.ask.person.ALICE").say("launch")
    bob = Session(invoke, person="amzn1.ask.person.BOB")
    # a fact may say "back end": the welcome itself is what must differ
    assert not text_of(ssml_of(bob.say("launch"))).lower().startswith("welcome back")
    assert len([k for k in item(dynamodb) if k.startswith("m_")]) == 2


def test_skill_disabled_deletes_the_listener(invoke: Invoke, dynamodb: Any) -> None:
    Session(invoke).say("launch")
    event = load_event("session_ended")
    event["request"] = {
        "type": "AlexaSkillEvent.SkillDisabled",
        "requestId": "amzn1.ask.skillevent.1",
        "timestamp": "2026-12-01T00:00:00Z",
        "eventCreationTime": "2026-12-01T00:00:00Z",
        "eventPublishingTime": "2026-12-01T00:00:00Z",
    }
    event.pop("session", None)
    event["context"]["System"]["user"]["userId"] = USER
    invoke(event)
    answer = dynamodb.get_item(TableName=TABLE, Key={"listener": {"S": account_key(USER)}})
    assert "Item" not in answer


@pytest.fixture
def black_hole() -> Iterator[str]:
    """A TCP port that accepts connections and never answers."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(64)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        server.settimeout(0.2)
        while not stop.is_set():
            try:
                held.append(server.accept()[0])
            except OSError:
                continue

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.getsockname()[1]}"
    stop.set()
    thread.join(2)
    for connection in held:
        connection.close()
    server.close()


def test_with_dynamodb_down_launch_answers_within_two_seconds(
    black_hole: str, monkeypatch: pytest.MonkeyPatch, caplog: pytest.LogCaptureFixture
) -> None:
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"):
        monkeypatch.setenv(name, "testing")

    def client() -> Any:  # the store's own client, pointed at the black hole
        return DynamoStore._default_client(region_name="us-east-1", endpoint_url=black_hole)

    handler = build_handler(
        ContentStore(Settings(content_dir=str(ASSETS_DIR))),
        skill_id=None,
        memory=Memory(DynamoStore(TABLE, client_factory=client)),
    )
    started = time.monotonic()
    response = handler(load_event("launch"), None)
    assert time.monotonic() - started < 2.0
    assert_valid_response(response)
    assert text_of(ssml_of(response)).startswith("Welcome")
    started = time.monotonic()
    handler(load_event("launch"), None)  # memory paused after the failure: no second wait
    assert time.monotonic() - started < 0.5
    assert len([r for r in caplog.records if "memory unavailable" in r.getMessage()]) == 1


def test_memory_off_imports_no_aws_client() -> None:
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    code = (
        "import sys, os; os.environ.pop('MEMORY_TABLE', None); "
        "import factskill.app, json; "
        "event = json.load(open('tests/events/launch.json')); "
        "r = factskill.app.handler(event, None); "
        "assert 'mv' not in (r.get('sessionAttributes') or {}); "
        "print(sorted(m for m in sys.modules if m.startswith(('botocore', 'boto3', 'factskill.memory'))))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=REPO_ROOT,
        env={"CONTENT_DIR": str(ASSETS_DIR), "PATH": "/usr/bin:/bin", "PYTHONPATH": "skill"},
        capture_output=True,
        text=True,
        check=True,
    )
    assert result.stdout.strip() == "[]", result.stdout


def test_two_containers_move_a_stream_on_once(dynamodb: Any, tmp_path: Any) -> None:
    """A duplicate NearlyFinished, or the Finished after it, answered by another container."""
    from factcontent.files import load_deck
    from tests.playback import intent_while_playing, playback_request
    from tests.support import write_audio_manifest

    settings = Settings(
        content_dir=str(ASSETS_DIR),
        audio_manifest=write_audio_manifest(tmp_path / "m.json", load_deck(ASSETS_DIR, "en")),
        audio_base_url="https://audio.example.test/",
    )

    def container() -> Invoke:
        store = DynamoStore(TABLE, client_factory=lambda: dynamodb)
        handler = build_handler(ContentStore(settings), skill_id=None, memory=Memory(store))
        return lambda event: handler(event, None)

    one, other = container(), container()

    def directives(response: dict[str, Any]) -> list[dict[str, Any]]:
        return list(response["response"].get("directives") or [])

    start = one(intent_while_playing("PlayAllFactsIntent", token=None))
    token = directives(start)[0]["audioItem"]["stream"]["token"]
    nearly = playback_request("AudioPlayer.PlaybackNearlyFinished", token=token)
    assert directives(one(nearly))[0]["playBehavior"] == "ENQUEUE"
    assert directives(other(nearly)) == []  # the duplicate, in another container
    finished = playback_request("AudioPlayer.PlaybackFinished", token=token)
    assert directives(other(finished)) == []  # the next one is queued already
    stored = dynamodb.scan(TableName=TABLE)["Items"]
    (device,) = [i for i in stored if i["listener"]["S"].startswith("device:")]
    assert "TESTDEVICE" not in json.dumps(device)  # a digest, not the device id
    assert int(device["expires_at"]["N"]) - time.time() < 24 * 3600 + 60


def test_a_stream_stopped_on_one_device_is_offered_on_another(dynamodb: Any, tmp_path: Any) -> None:
    from factcontent.files import load_deck
    from tests.playback import intent_while_playing, playback_request, with_audio_player
    from tests.support import write_audio_manifest

    settings = Settings(
        content_dir=str(ASSETS_DIR),
        audio_manifest=write_audio_manifest(tmp_path / "m.json", load_deck(ASSETS_DIR, "en")),
        audio_base_url="https://audio.example.test/",
    )
    store = DynamoStore(TABLE, client_factory=lambda: dynamodb)
    handler = build_handler(ContentStore(settings), skill_id=None, memory=Memory(store))

    def invoke(event: dict[str, Any]) -> dict[str, Any]:
        response = handler(json.loads(json.dumps(event)), None)
        assert_valid_response(response)
        return response

    def play_of(response: dict[str, Any]) -> dict[str, Any]:
        (play,) = [d for d in response["response"]["directives"] if d["type"] == "AudioPlayer.Play"]
        return play

    kitchen = play_of(invoke(intent_while_playing("PlayAllFactsIntent", token=None)))
    assert json.loads(item(dynamodb)["m_-"]["S"])["visits"] == 1  # playing is a visit too
    token = kitchen["audioItem"]["stream"]["token"]
    invoke(playback_request("AudioPlayer.PlaybackStarted", token=token))
    following = play_of(invoke(playback_request("AudioPlayer.PlaybackFailed", token=token)))
    second = following["audioItem"]["stream"]["token"]
    invoke(playback_request("AudioPlayer.PlaybackStopped", token=second, offset=5200))

    # another device of the account, with AudioPlayer: offered to carry on
    launch = with_audio_player(load_event("launch"))
    launch["context"]["System"]["device"]["deviceId"] = "amzn1.ask.device.CAR"
    offer = invoke(launch)
    assert text_of(ssml_of(offer)).startswith("Welcome back to Serverless Facts. Last time you")
    assert offer["response"]["shouldEndSession"] is False
    yes = load_event("get_new_fact", attributes=offer["sessionAttributes"])
    yes = with_audio_player(yes)
    yes["session"]["new"] = False
    yes["request"]["intent"] = {"name": "AMAZON.YesIntent", "confirmationStatus": "NONE"}
    resumed = play_of(invoke(yes))["audioItem"]["stream"]
    assert resumed["offsetInMilliseconds"] == 5200
    assert resumed["token"] != second and resumed["token"].split("|")[6] == second.split("|")[6]

    # a device without AudioPlayer is only welcomed back; "no" to the offer is a fact
    plain = text_of(ssml_of(invoke(load_event("launch"))))
    assert plain.startswith("Welcome back to Serverless Facts. Here's a fact")
    no = dict(yes, request={**yes["request"], "intent": {"name": "AMAZON.NoIntent"}})
    no["session"] = {**yes["session"], "attributes": offer["sessionAttributes"]}
    told = invoke(no)
    assert "Want another fact?" in text_of(ssml_of(told))
    assert "rs" not in told["sessionAttributes"]


def test_a_stream_played_to_its_end_is_not_offered(dynamodb: Any, tmp_path: Any) -> None:
    from factcontent.files import load_deck
    from tests.playback import intent_while_playing, playback_request, with_audio_player
    from tests.support import write_audio_manifest

    deck = load_deck(ASSETS_DIR, "en")
    only = [deck.facts[0].id]
    settings = Settings(
        content_dir=str(ASSETS_DIR),
        audio_manifest=write_audio_manifest(tmp_path / "m.json", deck, ids=only),
        audio_base_url="https://audio.example.test/",
    )
    store = DynamoStore(TABLE, client_factory=lambda: dynamodb)
    handler = build_handler(ContentStore(settings), skill_id=None, memory=Memory(store))
    start = handler(intent_while_playing("PlayAllFactsIntent", token=None), None)
    token = start["response"]["directives"][0]["audioItem"]["stream"]["token"]
    handler(playback_request("AudioPlayer.PlaybackStarted", token=token), None)
    handler(playback_request("AudioPlayer.PlaybackNearlyFinished", token=token), None)
    handler(playback_request("AudioPlayer.PlaybackFinished", token=token), None)  # the last one
    again = handler(with_audio_player(load_event("launch")), None)
    assert "Last time you were playing" not in text_of(ssml_of(again))
