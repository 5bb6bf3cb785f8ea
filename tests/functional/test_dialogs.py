"""Dialog files and scripts/chat.py, through the real skill: in-process, over HTTP, from stdin."""

from __future__ import annotations

import io
import json
import re
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from factcontent.files import load_deck
from factlocal.verify import VerificationError
from factlocal.webapp import SkillApp
from factsim import cli as chat
from factsim.audiocheck import AudioVerdict, trusting
from factsim.dialog import load_dialog, parse_dialog, run_dialog
from factsim.exceptions import DialogError
from factsim.facts import fact_topics
from factsim.session import Conversation, HttpTransport, InProcess
from tests.conftest import ASSETS_DIR, REPO_ROOT
from tests.support import write_audio_manifest

DIALOGS_DIR = Path(__file__).resolve().parent.parent / "dialogs"
DIALOGS = sorted(DIALOGS_DIR.glob("*.yaml"))
TOUR = DIALOGS_DIR / "en_us_tour.yaml"
REQUIRED = {
    "en_us_tour",
    "en_us_play_all",
    "en_us_memory",
    "one_shot",
    "unknown_topic",
    "de_de",
    "ja_jp",
    "fallback",
    "exit",
}


def play(path: Path, transport: Any = None, **kwargs: Any) -> tuple[str | None, list[str]]:
    """Play a dialog the way `chat.py --script` does; return (mismatch, transcript)."""
    dialog = load_dialog(path)
    lines: list[str] = []
    talk = Conversation(
        dialog.locale,
        transport or InProcess(),
        application_id=chat.DEFAULT_APPLICATION_ID,
        **kwargs,
    )
    return run_dialog(dialog, talk, emit=lines.append, topic_of=fact_topics(ASSETS_DIR)), lines


def test_the_required_dialogs_exist() -> None:
    assert {p.stem for p in DIALOGS} >= REQUIRED


MEMORY_DIALOG = DIALOGS_DIR / "en_us_memory.yaml"


@pytest.fixture
def remembering(mocked_aws: None) -> InProcess:
    """The skill in this process with its listener memory in moto's DynamoDB, in a table made
    as the local stack makes it (from template.yaml)."""
    import boto3

    from factlocal.template import create_memory_table
    from factskill.config import Settings
    from factskill.content import ContentStore
    from factskill.memory import DynamoStore, Memory
    from factskill.wiring import build_handler

    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    create_memory_table(dynamodb, "memory")
    store = DynamoStore("memory", client_factory=lambda: dynamodb)
    content = ContentStore(Settings(content_dir=str(ASSETS_DIR)))
    return InProcess(build_handler(content, skill_id=None, memory=Memory(store)))


@pytest.fixture
def with_audio(tmp_path: Path) -> InProcess:
    """The skill in this process with an MP3 named for every English fact (on a test host)."""
    from factskill.config import Settings
    from factskill.content import ContentStore
    from factskill.wiring import build_handler

    settings = Settings(
        content_dir=str(ASSETS_DIR),
        audio_manifest=write_audio_manifest(tmp_path / "m.json", load_deck(ASSETS_DIR, "en")),
        audio_base_url="https://audio.example.test/",
    )
    return InProcess(build_handler(ContentStore(settings), skill_id=None))


@pytest.mark.parametrize("path", DIALOGS, ids=lambda p: p.stem)
def test_dialog_passes_in_process(path: Path, request: pytest.FixtureRequest) -> None:
    dialog = load_dialog(path)
    transport = None
    if dialog.memory:
        transport = request.getfixturevalue("remembering")
    elif dialog.audio_player:
        transport = request.getfixturevalue("with_audio")
    mismatch, lines = play(path, transport, audio_player=dialog.audio_player)
    assert mismatch is None, "\n".join(lines)
    spoken = sum(turn.play is None for turn in dialog.turns)
    assert sum(line.startswith("you> ") for line in lines) == spoken


def test_the_memory_dialog_fails_on_a_skill_without_memory() -> None:
    mismatch, _ = play(MEMORY_DIALOG)
    assert mismatch is not None and "turn 4 ('open serverless facts')" in mismatch
    assert "expected /^Welcome back" in mismatch


def test_each_conversation_is_a_new_listener_unless_named(remembering: InProcess) -> None:
    from factsim.envelopes import listener_id

    def launch(**who: str) -> str:
        talk = Conversation("en-US", remembering, application_id=chat.DEFAULT_APPLICATION_ID, **who)
        return talk.say("open serverless facts").text()

    sam = listener_id("sam")
    assert launch(user_id=sam).startswith("Welcome to")
    assert launch(user_id=sam).startswith("Welcome back")  # the same listener, a new session
    assert launch().startswith("Welcome to")  # no name: someone new
    assert launch(user_id=sam, person_id=listener_id("kid", kind="person")).startswith(
        "Welcome to"
    )  # a voice profile of sam's account is remembered apart


def test_chat_refuses_a_memory_dialog_in_process(capsys: pytest.CaptureFixture[str]) -> None:
    assert chat.main(["--script", str(MEMORY_DIALOG), "--no-audio-check"]) == 2
    assert "needs the skill's listener memory" in capsys.readouterr().err


def test_chat_listener_and_person_become_the_ids_alexa_sends(
    capsys: pytest.CaptureFixture[str],
) -> None:
    args = chat.build_parser().parse_args(["--listener", "sam", "--person", "kid"])
    assert args.listener == "amzn1.ask.account.sam" and args.person == "amzn1.ask.person.kid"
    with pytest.raises(SystemExit):
        chat.build_parser().parse_args(["--listener", "sam smith"])
    assert "a listener's name is 1 to 64" in capsys.readouterr().err


def test_main_runs_a_dialog_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert chat.main(["--script", str(TOUR), "--no-audio-check"]) == 0
    out, err = capsys.readouterr()
    assert "alexa> Goodbye, and happy building!" in out
    assert out.rstrip().endswith(
        f"{TOUR}: {len(load_dialog(TOUR).turns)} turns, every expectation met"
    )
    assert err == ""


def write(tmp_path: Path, text: str) -> str:
    path = tmp_path / "dialog.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_main_exits_1_with_the_first_mismatch_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write(
        tmp_path,
        "turns:\n"
        "  - user: open serverless facts\n"
        "  - user: no\n"
        "    expect: 'See you later'\n"
        "  - user: this turn never runs\n",
    )
    assert chat.main(["--script", path]) == 1
    out, err = capsys.readouterr()
    assert err.count("\n") == 1
    assert err.startswith(f"{path}: turn 2 ('no'): expected /See you later/ in the reply, got ")
    assert "Goodbye, and happy building!" in err
    assert "this turn never runs" not in out


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ("  - user: open serverless facts\n    ended: true\n", "expected the session to end"),
        ("  - user: open serverless facts\n    audio: true\n", "expected audio in the reply"),
    ],
)
def test_main_checks_ended_and_audio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], turn: str, message: str
) -> None:
    assert chat.main(["--script", write(tmp_path, "turns:\n" + turn)]) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("turns: []\n", "'turns' is empty"),
        ("turns:\n  - expect: x\n", "'user' must be"),
        ("turns:\n  - user: hi\n    expcet: x\n", "unknown keys ['expcet']"),
        ("turns:\n  - user: hi\n    expect: '('\n", "not a valid regular expression"),
        ("locale: xx-XX\nturns:\n  - user: hi\n", "locale 'xx-XX'"),
        ("turns: [\n", "not valid YAML"),
    ],
)
def test_main_exits_2_on_a_malformed_dialog(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, message: str
) -> None:
    assert chat.main(["--script", write(tmp_path, text)]) == 2
    assert message in capsys.readouterr().err


def test_main_exits_2_when_locale_contradicts_the_dialog(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = str(DIALOGS_DIR / "de_de.yaml")
    assert chat.main(["--script", path, "--locale", "en-US"]) == 2
    assert "is for de-DE" in capsys.readouterr().err


def test_main_exits_2_on_bad_arguments() -> None:
    with pytest.raises(SystemExit) as exited:
        chat.main(["--locale", "xx-XX"])
    assert exited.value.code == 2


def test_yes_and_no_in_a_dialog_are_words_not_booleans() -> None:
    dialog = parse_dialog({"turns": [{"user": "yes"}]}, source="t")
    assert dialog.turns[0].user == "yes"
    assert [t.user for t in load_dialog(TOUR).turns][1] == "yes"


def test_interactive_mode_reads_stdin_and_prints_the_transcript(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO(
            "tell me a fact\nopen serverless facts\n\nwhat topics do you know\nexit\nyes\n"
        ),
    )
    assert chat.main(["--no-audio-check"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "you> tell me a fact"
    assert out[1].startswith('sim> The skill is not open: say "open serverless facts" first')
    assert "you> open serverless facts" in out
    assert any(line.startswith("alexa> Welcome to Serverless Facts.") for line in out)
    assert (
        "alexa> I know facts about AWS Lambda, pricing, scaling, serverless services, containers and tools. Which would you like?"
        in out
    )
    assert out[-4:-2] == ["you> exit", "       -> SessionEndedRequest"]
    assert out[-1].strip() == "[session ended]"
    assert "you> yes" not in out  # "exit" quits


# --- over HTTP, against the local server's WSGI app ---


class QuietHandler(WSGIRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@pytest.fixture
def serve() -> Iterator[Any]:
    """Start a loopback HTTP server for a WSGI app; yield a function that returns its URL."""
    servers: list[Any] = []

    def start(app: Any) -> str:
        server = make_server("127.0.0.1", 0, app, handler_class=QuietHandler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_port}/"

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def lambda_handler(envelope: dict[str, Any]) -> dict[str, Any]:
    from factskill.app import answer

    return answer(envelope, None, strict=True)


def test_dialog_passes_over_http_without_verification(serve: Any) -> None:
    received: list[dict[str, str]] = []

    def app(environ: dict[str, Any], start_response: Any) -> list[bytes]:
        received.append({k: str(v) for k, v in environ.items() if k.startswith(("HTTP_", "CONT"))})
        return SkillApp(lambda_handler, None)(environ, start_response)

    url = serve(app)
    mismatch, lines = play(TOUR, HttpTransport(url))
    assert mismatch is None, "\n".join(lines)
    assert received and all(r["CONTENT_TYPE"] == "application/json" for r in received)
    assert not any("HTTP_SIGNATURE_256" in r for r in received)


def test_main_over_http_exits_0(serve: Any, capsys: pytest.CaptureFixture[str]) -> None:
    url = serve(SkillApp(lambda_handler, None))
    assert chat.main(["--url", url, "--script", str(DIALOGS_DIR / "one_shot.yaml")]) == 0
    assert "every expectation met" in capsys.readouterr().out


def test_main_over_http_reports_the_servers_reason(
    serve: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    class Refusing:
        def verify(self, headers: Any, body: bytes) -> dict[str, Any]:
            raise VerificationError("missing-header", "SignatureCertChainUrl is missing")

    url = serve(SkillApp(lambda_handler, Refusing()))  # type: ignore[arg-type]
    assert chat.main(["--url", url, "--script", str(TOUR)]) == 1
    err = capsys.readouterr().err
    assert err == (
        f"chat: {url} answered HTTP 400: missing-header: SignatureCertChainUrl is missing\n"
    )


def test_main_reports_an_unreachable_server(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as probe:  # a loopback port nothing listens on once closed
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    assert chat.main(["--url", f"http://127.0.0.1:{port}/", "--script", str(TOUR)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"chat: cannot reach http://127.0.0.1:{port}/ (")
    assert err.endswith("is the local server running?\n")


def test_main_refuses_a_non_http_url(capsys: pytest.CaptureFixture[str]) -> None:
    assert chat.main(["--url", "ftp://127.0.0.1/", "--script", str(TOUR)]) == 2
    assert "must be an http:// or https:// URL" in capsys.readouterr().err


# --- audio, end to end: a manifest for every fact, checked by an injected function ---


@pytest.fixture
def audio_everywhere(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    manifest = write_audio_manifest(tmp_path / "manifest.json", load_deck(ASSETS_DIR, "en"))
    monkeypatch.setenv("AUDIO_MANIFEST", str(manifest))
    monkeypatch.setenv("AUDIO_BASE_URL", "https://audio.example.test/")
    return "https://audio.example.test/audio/en-US/"


def test_dialog_audio_expectation_and_checks(audio_everywhere: str, tmp_path: Path) -> None:
    checked: list[str] = []

    def check(url: str) -> AudioVerdict:
        checked.append(url)
        return AudioVerdict(True, "3.2 s")

    path = Path(
        write(
            tmp_path,
            "turns:\n"
            "  - user: open serverless facts\n"
            "    audio: true\n"
            "    expect: 'Here''s your first fact\\. \\[audio https://audio\\.example\\.test/\\S+\\.mp3\\] Want'\n"
            "  - user: what topics do you know\n"
            "    audio: false\n",
        )
    )
    mismatch, lines = play(path, check_audio=check)
    assert mismatch is None, "\n".join(lines)
    assert checked and checked[0].startswith(audio_everywhere)
    assert f"       audio {checked[0]}: ok 3.2 s" in lines


def test_dialog_fails_when_an_audio_check_fails(audio_everywhere: str, tmp_path: Path) -> None:
    def check(url: str) -> AudioVerdict:
        return AudioVerdict(False, "HTTP 403 fetching it")

    path = Path(write(tmp_path, "turns:\n  - user: open serverless facts\n"))
    mismatch, _ = play(path, check_audio=check)
    assert mismatch is not None
    assert "the reply has a problem: audio https://audio.example.test/" in mismatch
    assert mismatch.endswith("HTTP 403 fetching it")


@pytest.mark.parametrize(
    ("turns", "message"),
    [
        (
            "  - user: a fact about pricing\n    topic: scaling\n",
            "turn 2 ('a fact about pricing'): expected a fact about scaling, told '",
        ),
        (
            "  - user: a fact about pricing\n  - user: repeat\n    fact: new\n",
            "turn 3 ('repeat'): expected a new fact, '",
        ),
        (
            "  - user: a fact about pricing\n  - user: another one\n    fact: same\n",
            "turn 3 ('another one'): expected the previous fact again, told '",
        ),
        (
            "  - user: another one\n    intent: GetNewFactIntent\n",
            "turn 2 ('another one'): expected intent GetNewFactIntent, the utterance resolved to",
        ),
        (
            "  - user: help\n    topic: pricing\n",
            "turn 2 ('help'): expected a fact in the reply, it told none",
        ),
    ],
)
def test_fact_expectations_catch_the_wrong_fact(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], turns: str, message: str
) -> None:
    path = write(tmp_path, "turns:\n  - user: open serverless facts\n" + turns)
    assert chat.main(["--script", path, "--no-audio-check"]) == 1
    assert message in capsys.readouterr().err


@pytest.mark.parametrize(
    ("turn", "message"),
    [
        ("  - user: hi\n    fact: old\n", "'fact' must be one of ['new', 'same']"),
        ("  - user: hi\n    topic: 3\n", "'topic' must be a string"),
    ],
)
def test_fact_expectations_are_checked_when_loading(turn: str, message: str) -> None:
    import yaml

    with pytest.raises(DialogError, match=re.escape(message)):
        parse_dialog(yaml.safe_load("turns:\n" + turn), source="d.yaml")


# --- ASK CLI replay files, recording, and the exit status of an unwatched run ---


def test_replay_file_plays_its_utterances_in_its_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    replay = tmp_path / "session.json"
    replay.write_text(
        json.dumps(
            {
                "skillId": chat.DEFAULT_APPLICATION_ID,
                "locale": "de-DE",
                "type": "text",
                "userInput": ["öffne serverless fakten", "noch einen", "stopp"],
            }
        ),
        encoding="utf-8",
    )
    assert chat.main(["--replay", str(replay), "--no-audio-check"]) == 0
    out = capsys.readouterr().out
    assert out.count("you> ") == 3
    assert "Willkommen bei Serverless Fakten" in out


def test_record_writes_a_replay_file_ask_dialog_can_play(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "out" / "recorded.json"
    monkeypatch.setattr("sys.stdin", io.StringIO("open serverless facts\nyes\n.quit\nnever said\n"))
    assert chat.main(["--record", str(record), "--no-audio-check"]) == 0
    assert json.loads(record.read_text(encoding="utf-8")) == {
        "skillId": chat.DEFAULT_APPLICATION_ID,
        "locale": "en-US",
        "type": "text",
        "userInput": ["open serverless facts", "yes"],
    }
    assert f"ask dialog --replay {record}" in capsys.readouterr().out
    assert chat.main(["--replay", str(record), "--no-audio-check"]) == 0


def test_dot_record_in_the_session_names_the_replay_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    record = tmp_path / "dot.json"
    monkeypatch.setattr(
        "sys.stdin", io.StringIO(f".record {record}\nopen serverless facts\n.quit\n")
    )
    assert chat.main(["--no-audio-check"]) == 0
    assert json.loads(record.read_text(encoding="utf-8"))["userInput"] == ["open serverless facts"]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ('{"locale": "en-US", "type": "text", "userInput": []}', "'userInput' must be"),
        ('{"locale": "xx-XX", "type": "text", "userInput": ["hi"]}', "locale 'xx-XX'"),
        ('{"locale": "en-US", "type": "voice", "userInput": ["hi"]}', "only 'text' replays"),
        ("not json", "not valid JSON"),
    ],
)
def test_a_bad_replay_file_is_a_usage_error_naming_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    replay = tmp_path / "bad.json"
    replay.write_text(content, encoding="utf-8")
    assert chat.main(["--replay", str(replay)]) == 2
    err = capsys.readouterr().err
    assert f"{replay}: " in err and message in err


def test_an_unwatched_run_exits_1_when_an_audio_check_fails(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The skill plays audio nobody can fetch: piped input gets a failing exit status."""
    with socket.socket() as closed:
        closed.bind(("127.0.0.1", 0))
        port = closed.getsockname()[1]
    manifest = write_audio_manifest(
        tmp_path / "audio-manifest.json", load_deck(ASSETS_DIR, "en"), duration=3.0
    )
    monkeypatch.setenv("AUDIO_BASE_URL", f"https://127.0.0.1:{port}/public/")
    monkeypatch.setenv("AUDIO_MANIFEST", str(manifest))
    monkeypatch.setattr("sys.stdin", io.StringIO("open serverless facts\n"))
    assert chat.main([]) == 1
    assert "cannot fetch it" in capsys.readouterr().out


@pytest.fixture
def https_mp3(tmp_path: Path) -> Iterator[tuple[str, Path]]:
    """An HTTPS server on loopback whose certificate chains to a throw-away local CA."""
    import ssl
    from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

    from factaudio.postprocess import to_alexa_mp3
    from factlocal.tls import make_local_tls
    from tests.audio_support import tone

    tls = make_local_tls(tmp_path)
    body = to_alexa_mp3(tone(1200))

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.certificate, tls.key)
    server.socket = context.wrap_socket(server.socket, server_side=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"https://127.0.0.1:{server.server_address[1]}/a.mp3", tls.ca
    server.shutdown()
    server.server_close()


@pytest.mark.slow
def test_audio_checks_trust_the_local_stacks_ca_when_given(https_mp3: tuple[str, Path]) -> None:
    url, ca = https_mp3
    untrusted = trusting(None)(url)
    assert not untrusted.ok and "CERTIFICATE_VERIFY_FAILED" in untrusted.detail
    assert trusting(ca)(url).ok


def test_chat_trusts_the_ca_the_local_stack_wrote_by_default() -> None:
    """make serve writes build/local-stack/ca.pem; chat.py picks it up without a flag."""
    assert Path("build/local-stack/ca.pem") == chat.LOCAL_STACK_CA
    from factlocal.project import Project

    assert Project.at(REPO_ROOT).state / "ca.pem" == REPO_ROOT / chat.LOCAL_STACK_CA


def test_chat_plays_a_stream_with_dot_play(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    manifest = write_audio_manifest(tmp_path / "m.json", load_deck(ASSETS_DIR, "en"))
    monkeypatch.setenv("AUDIO_BASE_URL", "https://audio.example.test/")
    monkeypatch.setenv("AUDIO_MANIFEST", manifest)
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("ask serverless facts to play all facts\n.play 2\npause\n.play\n.quit\n"),
    )
    assert chat.main(["--audio-player", "--no-audio-check"]) == 0
    out = capsys.readouterr().out
    assert "directive: AudioPlayer.Play REPLACE_ALL" in out
    assert out.count("device> PlaybackStarted") == 2
    assert "<- AudioPlayer.Play ENQUEUE" in out
    assert "directive: AudioPlayer.Stop" in out
    assert out.rstrip().endswith("sim> nothing is playing")
