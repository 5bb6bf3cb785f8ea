"""Dialog files and scripts/chat.py, through the real skill: in-process, over HTTP, from stdin."""

from __future__ import annotations

import io
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from wsgiref.simple_server import WSGIRequestHandler, make_server

import pytest

from factcontent.files import load_deck
from factcontent.manifest import text_digest
from factlocal.verify import VerificationError
from factlocal.webapp import SkillApp
from factsim import cli as chat
from factsim.audiocheck import AudioVerdict
from factsim.dialog import load_dialog, parse_dialog, run_dialog
from factsim.session import Conversation, HttpTransport, InProcess
from tests.conftest import ASSETS_DIR

DIALOGS_DIR = Path(__file__).resolve().parent.parent / "dialogs"
DIALOGS = sorted(DIALOGS_DIR.glob("*.yaml"))
TOUR = DIALOGS_DIR / "en_us_tour.yaml"
REQUIRED = {
    "en_us_tour",
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
    return run_dialog(dialog, talk, emit=lines.append), lines


def test_the_required_dialogs_exist() -> None:
    assert {p.stem for p in DIALOGS} >= REQUIRED


@pytest.mark.parametrize("path", DIALOGS, ids=lambda p: p.stem)
def test_dialog_passes_in_process(path: Path) -> None:
    mismatch, lines = play(path)
    assert mismatch is None, "\n".join(lines)
    assert sum(line.startswith("you> ") for line in lines) == len(load_dialog(path).turns)


def test_main_runs_a_dialog_and_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert chat.main(["--script", str(TOUR), "--no-audio-check"]) == 0
    out, err = capsys.readouterr()
    assert "alexa> Goodbye, and happy building!" in out
    assert out.rstrip().endswith(f"{TOUR}: 8 turns, every expectation met")
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
    deck = load_deck(ASSETS_DIR, "en")
    entries = {
        fact.id: {
            "key": f"audio/en-US/{fact.id}.mp3",
            "duration": 3.25,
            "text_sha256": text_digest(fact.text),
        }
        for fact in deck.facts
    }
    manifest = tmp_path / "manifest.json"
    manifest.write_text(json.dumps({"format": 1, "locales": {"en-US": entries}}))
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
