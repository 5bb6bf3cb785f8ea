"""Listener memory's cost (issue 13): warm and cold, with a DynamoDB that answers at once, and the
client it is built on against the other two a skill could use.

- Warm p50, memory on against the same skill with memory off (target <= 1.3x): a returning
  listener's Launch (one GetItem, one UpdateItem) and a fact in the session (one UpdateItem),
  the store's calls answered at once by a fake client: the cost of the skill's own memory code.
- The same with botocore's real client (reported): it serializes, signs and parses every call;
  only the network is skipped (its before-send event answers with DynamoDB's JSON).
- Cold start CPU, memory on against off (reported): the Lambda artifact in fresh interpreters,
  with botocore where the Lambda runtime has it (after the code, not in the artifact), answering
  a Launch through a stub DynamoDB on loopback (GetItem, then UpdateItem).
- The client (reported): CPU of a fresh interpreter that imports, builds and makes one GetItem
  with botocore alone (what factskill.memory uses), boto3's client, and the ASK SDK's
  DynamoDbAdapter (boto3's resource), each against the same stub.
"""

from __future__ import annotations

import contextlib
import json
import os
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.benchmarks.bench_skill import build_artifact, cold_cpu
from tests.benchmarks.common import Result, p50_alternating, paired_result
from tests.conftest import ASSETS_DIR, EVENTS_DIR
from tests.lambda_python import NO_LAMBDA_PYTHON, lambda_python

WARM_TARGET = 1.3
WARM_ROUNDS = 7
WARM_CALLS = 300
COLD_ROUNDS = 7
RUNS_PER_ROUND = 5
CLIENT_ROUNDS = 7
TABLE = "bench-memory"
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "bench",
    "AWS_SECRET_ACCESS_KEY": "bench",
    "AWS_DEFAULT_REGION": REGION,
}


def returning_item(user_id: str) -> dict[str, Any]:
    """A listener who has heard ten English facts in three visits, as the table holds them."""
    from factcontent.files import load_deck
    from factskill.memory import ACCOUNT_LISTENER, account_key

    heard = [fact.id for fact in load_deck(ASSETS_DIR, "en").facts[:10]]
    meta = {"topic": None, "visits": 3, "last_visit": 1_764_000_000}
    return {
        "listener": {"S": account_key(user_id)},
        f"h_{ACCOUNT_LISTENER}_en": {"S": json.dumps(heard, separators=(",", ":"))},
        f"m_{ACCOUNT_LISTENER}": {"S": json.dumps(meta, separators=(",", ":"))},
        "version": {"N": "3"},
        "expires_at": {"N": "1795536000"},
    }


def answer_body(target: str, item: dict[str, Any] | None) -> bytes:
    """DynamoDB's JSON answer to one call (X-Amz-Target): the item for GetItem, else nothing."""
    if target.endswith(".GetItem") and item is not None:
        return json.dumps({"Item": item}).encode()
    return b"{}"


class FakeClient:
    """DynamoDB's answers to the store's three calls, at once: the item, and every write ok."""

    def __init__(self, item: dict[str, Any]) -> None:
        self.item = item

    def get_item(self, **_: Any) -> dict[str, Any]:
        return {"Item": self.item}

    def update_item(self, **_: Any) -> dict[str, Any]:
        return {}

    def delete_item(self, **_: Any) -> dict[str, Any]:
        return {}


def instant_client(item: dict[str, Any]) -> Any:
    """botocore's DynamoDB client as factskill.memory makes it, answered without a network."""
    from botocore.awsrequest import AWSResponse

    from factskill.memory import DynamoStore

    class Raw:
        def __init__(self, body: bytes) -> None:
            self.body = body

        def stream(self, **_: Any) -> Iterator[bytes]:
            yield self.body

    def respond(request: Any, **_: Any) -> AWSResponse:
        body = answer_body(request.headers["X-Amz-Target"].decode(), item)
        headers = {"Content-Type": "application/x-amz-json-1.0", "x-amzn-RequestId": "bench"}
        return AWSResponse(request.url, 200, headers, Raw(body))

    with _environment(FAKE_CREDENTIALS):
        client = DynamoStore._default_client(region_name=REGION)
    client.meta.events.register("before-send.dynamodb", respond)
    return client


@contextlib.contextmanager
def _environment(values: dict[str, str]) -> Iterator[None]:
    saved = {name: os.environ.get(name) for name in values}
    os.environ.update(values)
    try:
        yield
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value


def warm_latency(client_kind: str) -> list[Result]:
    from factskill.config import Settings
    from factskill.content import ContentStore
    from factskill.memory import DynamoStore, Memory
    from factskill.wiring import build_handler

    launch = json.loads((EVENTS_DIR / "launch.json").read_text())
    item = returning_item(launch["session"]["user"]["userId"])
    client = FakeClient(item) if client_kind == "fake" else instant_client(item)
    settings = Settings(content_dir=str(ASSETS_DIR))
    store = DynamoStore(TABLE, client_factory=lambda: client)
    on = build_handler(ContentStore(settings), skill_id=None, memory=Memory(store))
    off = build_handler(ContentStore(settings), skill_id=None, memory=None)
    # A fact later in the session: the attributes Launch left (memory's version among them).
    fact = json.loads((EVENTS_DIR / "get_new_fact.json").read_text())
    fact["session"].update(new=False, attributes=on(launch, None)["sessionAttributes"])
    assert "welcome back" in on(launch, None)["response"]["outputSpeech"]["ssml"].lower()
    results = []
    for name, event in (("a returning listener's Launch", launch), ("a fact in session", fact)):
        ours, baseline = [], []
        for _ in range(WARM_ROUNDS):
            a, b = p50_alternating(
                lambda event=event: on(event, None),  # type: ignore[misc]
                lambda event=event: off(event, None),  # type: ignore[misc]
                rounds=WARM_CALLS,
            )
            ours.append(a)
            baseline.append(b)
        results.append(
            paired_result(
                f"warm p50, memory on ({client_kind}) vs off: {name}",
                ours,
                baseline,
                "us",
                scale=1e6,
                target=WARM_TARGET if client_kind == "fake" else None,
            )
        )
    return results


class StubDynamo(BaseHTTPRequestHandler):
    """DynamoDB's JSON protocol on loopback: a new listener (GetItem finds nothing), writes ok."""

    protocol_version = "HTTP/1.1"

    def do_POST(self) -> None:
        self.rfile.read(int(self.headers.get("Content-Length", 0)))
        body = answer_body(self.headers.get("X-Amz-Target", ""), None)
        self.send_response(200)
        self.send_header("Content-Type", "application/x-amz-json-1.0")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@contextlib.contextmanager
def stub_dynamodb() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubDynamo)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def lambda_runtime(folder: Path) -> Path:
    """What the Lambda Python runtime puts on the path after the code: botocore and jmespath
    (this venv's, pure Python), beside the artifact's own dateutil and urllib3."""
    import botocore
    import jmespath

    folder.mkdir()
    (folder / "botocore").symlink_to(Path(botocore.__file__).parent)
    (folder / "jmespath").symlink_to(Path(jmespath.__file__).parent)
    return folder


def cold_start(url: str) -> list[Result]:
    python = lambda_python()
    if python is None:
        print(f"cold start with memory skipped: {NO_LAMBDA_PYTHON}")
        return []
    event = json.loads((EVENTS_DIR / "launch.json").read_text())
    off = {
        "PATH": os.environ.get("PATH", ""),
        "SKILL_ID": event["session"]["application"]["applicationId"],
        "LOG_LEVEL": "INFO",
        **FAKE_CREDENTIALS,
    }
    on = {**off, "MEMORY_TABLE": TABLE, "AWS_ENDPOINT_URL_DYNAMODB": url}
    with tempfile.TemporaryDirectory() as tmp:
        root = build_artifact(Path(tmp), python)
        runtime = lambda_runtime(Path(tmp) / "runtime")
        for env in (off, on):  # the page cache, for both
            cold_cpu(python, root, "factskill.app", env, runtime)
        ours, baseline = [], []
        for _ in range(COLD_ROUNDS):
            runs: tuple[list[float], list[float]] = ([], [])
            for _ in range(RUNS_PER_ROUND):
                runs[0].append(cold_cpu(python, root, "factskill.app", on, runtime))
                runs[1].append(cold_cpu(python, root, "factskill.app", off, runtime))
            ours.append(statistics.median(runs[0]))
            baseline.append(statistics.median(runs[1]))
    return [
        paired_result(
            "cold start CPU (3.13, artifact): first Launch, memory on vs off",
            ours,
            baseline,
            "ms",
            scale=1000,
        )
    ]


# One GetItem from a fresh interpreter, three ways. {url}: the stub.
CLIENTS = {
    "botocore": (
        "import botocore.session\n"
        "c = botocore.session.get_session().create_client('dynamodb', endpoint_url={url!r})\n"
        "c.get_item(TableName='t', Key={{'listener': {{'S': 'a'}}}})\n"
    ),
    "boto3": (
        "import boto3\n"
        "c = boto3.client('dynamodb', endpoint_url={url!r})\n"
        "c.get_item(TableName='t', Key={{'listener': {{'S': 'a'}}}})\n"
    ),
    "ask-sdk-dynamodb adapter": (
        "import boto3\n"
        "from ask_sdk_dynamodb.adapter import DynamoDbAdapter\n"
        "from ask_sdk_model import RequestEnvelope, Context\n"
        "from ask_sdk_model.interfaces.system import SystemState\n"
        "from ask_sdk_model.user import User\n"
        "a = DynamoDbAdapter('t', partition_key_name='listener',\n"
        "    dynamodb_resource=boto3.resource('dynamodb', endpoint_url={url!r}))\n"
        "e = RequestEnvelope(context=Context(system=SystemState(user=User(user_id='a'))))\n"
        "a.get_attributes(e)\n"
    ),
}


def client_cost(url: str) -> list[Result]:
    """CPU of import + client + one GetItem, in this venv's Python, each against botocore."""
    import subprocess

    from tests.benchmarks.common import child_cpu_seconds

    env = {"PATH": os.environ.get("PATH", ""), **FAKE_CREDENTIALS}

    def once(code: str) -> float:
        before = child_cpu_seconds()
        subprocess.run([sys.executable, "-I", "-c", code], env=env, check=True)
        return child_cpu_seconds() - before

    codes = {name: code.format(url=url) for name, code in CLIENTS.items()}
    for code in codes.values():
        once(code)  # the page cache
    times: dict[str, list[float]] = {name: [] for name in codes}
    for _ in range(CLIENT_ROUNDS):
        for name, code in codes.items():
            times[name].append(once(code))
    results = []
    for name in ("boto3", "ask-sdk-dynamodb adapter"):
        results.append(
            paired_result(
                f"client CPU (import, build, one GetItem): {name} vs botocore alone",
                times[name],
                times["botocore"],
                "ms",
                scale=1000,
            )
        )
    return results


def run() -> list[Result]:
    results = [*warm_latency("fake"), *warm_latency("botocore")]
    with stub_dynamodb() as url:
        results += client_cost(url)
        results += cold_start(url)
    return results
