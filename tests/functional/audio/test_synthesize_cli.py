"""scripts/synthesize.py as people run it: exit codes, JSON, Polly through moto, the skill playing it."""

from __future__ import annotations

import io
import itertools
import json
import re
from pathlib import Path
from typing import Any

import pytest
from moto.core.botocore_stubber import MockRawResponse
from mutagen.mp3 import MP3

from factaudio import cli as synthesize
from factaudio.engines import PollyEngine
from factaudio.exceptions import SynthesisError
from factaudio.plan import Voice
from factaudio.voices import load_voices
from factcontent.files import load_deck
from factskill import app
from tests.audio_support import polly_like_mp3
from tests.conftest import ASSETS_DIR, load_event
from tests.support import audio_urls, ssml_of


def test_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    for argv in (
        ["--workers", "0"],
        ["--bucket", "b", "--out", "x"],
        ["--endpoint-url", "http://x"],
        ["--engine", "sapi"],
    ):
        with pytest.raises(SystemExit) as info:
            synthesize.main(argv)
        assert info.value.code == 2


def test_known_failure_exits_1_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "audio-manifest.json").write_text("{not json")
    assert (
        synthesize.main(["--out", str(tmp_path), "--locale", "en-US", "--only", "lambda-01"]) == 1
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("synthesize: ") and "not valid JSON" in err[0]


def test_unknown_only_id_is_a_known_failure(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert synthesize.main(["--out", str(tmp_path), "--only", "nope-99"]) == 1
    assert "nope-99" in capsys.readouterr().err


def test_dry_run_prints_plan_and_cost(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        synthesize.main(
            ["--out", str(tmp_path), "--dry-run", "--locale", "en-US", "--locale", "ja-JP"]
        )
        == 0
    )
    out = capsys.readouterr().out
    en, ja = (len(load_deck(ASSETS_DIR, language).facts) for language in ("en", "ja"))
    assert f"en-US: build {en}," in out and f"ja-JP: build {ja}," in out
    assert re.search(
        r"billed characters: \d+; estimated Polly cost: \$0\.0000", out
    )  # espeak is free
    assert not (tmp_path / "audio-manifest.json").exists()


@pytest.mark.slow
def test_espeak_build_then_skill_plays_the_audio(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """End to end: espeak MP3s in a temp dir, the skill pointed at it, the response plays a valid file."""
    out = tmp_path / "audio"
    assert (
        synthesize.main(["--out", str(out), "--locale", "en-US", "--json", "--workers", "2"]) == 0
    )
    summary = json.loads(capsys.readouterr().out)
    facts = len(load_deck(ASSETS_DIR, "en").facts)
    lufs, peak = summary["audio"]["en-US"]["lufs"], summary["audio"]["en-US"]["true_peak"]
    assert -15.0 <= lufs[0] <= lufs[1] <= lufs[2] <= -13.0  # min / median / max
    assert peak[2] <= -2.0
    for key in ("planned", "synthesized", "skipped", "uploaded", "failed", "characters", "seconds"):
        assert key in summary
    assert summary["synthesized"] == summary["planned"] == facts and summary["failed"] == 0
    assert_captions_follow_the_speech(out)

    base = "https://audio.example.test/public/"
    monkeypatch.setenv("AUDIO_MANIFEST", str(out / "audio-manifest.json"))
    monkeypatch.setenv("AUDIO_BASE_URL", base)
    response = app.handler(load_event("launch"), None)
    (url,) = audio_urls(ssml_of(response))
    assert url.startswith(base + "audio/en-US/") and url.endswith(".mp3")
    data = (out / url.removeprefix(base)).read_bytes()
    info = MP3(io.BytesIO(data)).info
    assert (info.version, info.layer, info.bitrate, info.sample_rate) == (2, 3, 48000, 24000)
    fact = load_deck(ASSETS_DIR, "en").get(response["sessionAttributes"]["last"])
    assert fact is not None and fact.text not in ssml_of(response)  # the MP3 speaks it instead
    assert response["response"]["card"]["content"] == fact.text

    assert synthesize.main(["--out", str(out), "--which", fact.id]) == 0
    assert capsys.readouterr().out.startswith("en-US: audio/en-US/")
    assert synthesize.main(["--out", str(out), "--which", "no-such-fact"]) == 1
    assert "has no clip of fact 'no-such-fact'" in capsys.readouterr().err

    assert synthesize.main(["--out", str(out), "--locale", "en-US", "--json"]) == 0
    again = json.loads(capsys.readouterr().out)
    assert again["synthesized"] == again["uploaded"] == 0 and again["skipped"] == facts


def test_skill_ignores_stale_audio(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    deck = load_deck(ASSETS_DIR, "en")
    manifest = {
        "format": 1,
        "locales": {
            "en-US": {
                f.id: {"key": f"audio/en-US/{f.id}.mp3", "duration": 3.0, "text_sha256": "0" * 64}
                for f in deck.facts
            }
        },
    }
    (tmp_path / "m.json").write_text(json.dumps(manifest))
    monkeypatch.setenv("AUDIO_MANIFEST", str(tmp_path / "m.json"))
    monkeypatch.setenv("AUDIO_BASE_URL", "https://audio.example.test/")
    assert audio_urls(ssml_of(app.handler(load_event("launch"), None))) == []


# --- Polly through moto, with the AudioStream replaced by real MP3 bytes ---


def assert_captions_follow_the_speech(out: Path) -> None:
    """Every clip has WebVTT captions next to it: the fact's words in order, in cues that start
    after the brand's sting and end within the clip."""
    from factaudio.captions import parse_webvtt

    manifest = json.loads((out / "audio-manifest.json").read_text())
    deck = load_deck(ASSETS_DIR, "en")
    for fact_id, entry in manifest["locales"]["en-US"].items():
        assert entry["captions"] == entry["key"].removesuffix(".mp3") + ".vtt"
        cues = parse_webvtt((out / entry["captions"]).read_text(encoding="utf-8"))
        fact = deck.get(fact_id)
        assert fact is not None and " ".join(c.text for c in cues) == " ".join(fact.text.split())
        assert cues[0].start_ms >= 500  # the sting plays first
        assert all(a.end_ms <= b.start_ms for a, b in itertools.pairwise(cues))
        assert cues[-1].end_ms <= entry["duration"] * 1000


@pytest.fixture
def polly(mocked_aws: None) -> tuple[Any, list[dict[str, Any]]]:
    import boto3

    client = boto3.client("polly", region_name="us-east-1")
    calls: list[dict[str, Any]] = []

    def real_audio(request: Any, **_: Any) -> Any:
        from botocore.awsrequest import AWSResponse

        body = json.loads(request.body)
        calls.append(body)
        if body["Text"] == "throttle me":
            raw = MockRawResponse(json.dumps({"message": "Rate exceeded"}))
            return AWSResponse(request.url, 400, {"x-amzn-ErrorType": "ThrottlingException"}, raw)
        headers = {"Content-Type": "audio/mpeg", "x-amzn-RequestCharacters": str(len(body["Text"]))}
        if body["OutputFormat"] == "json":  # speech marks: each word at 300 ms, byte offsets
            encoded, marks, at = body["Text"].encode(), [], 0
            for number, word in enumerate(body["Text"].split()):
                start = encoded.index(word.encode(), at)
                at = start + len(word.encode())
                mark = {"time": 300 * number, "type": "word", "start": start, "end": at}
                marks.append(json.dumps({**mark, "value": word}))
            headers["Content-Type"] = "application/x-json-stream"
            return AWSResponse(request.url, 200, headers, MockRawResponse("\n".join(marks)))
        return AWSResponse(request.url, 200, headers, MockRawResponse(polly_like_mp3()))

    # moto rejects SampleRate "24000" and returns 8 zero bytes: answer SynthesizeSpeech ourselves,
    # after botocore has validated the parameters against Polly's real API model.
    client.meta.events.register_first("before-send.polly.SynthesizeSpeech", real_audio)
    return client, calls


def test_polly_engine_sends_what_polly_needs(polly: tuple[Any, list[dict[str, Any]]]) -> None:
    client, calls = polly
    engine = PollyEngine(client, load_voices(ASSETS_DIR / "voices.json"))
    voice = engine.voice("de-DE")
    assert voice == Voice("polly", "Vicki", "neural")
    assert engine.max_tps(voice) == 8.0
    segment = engine.synthesize("Hallo & willkommen.", voice)
    assert len(segment) > 1000
    assert calls == [
        {
            "Engine": "neural",
            "OutputFormat": "mp3",
            "SampleRate": "24000",
            "Text": "Hallo & willkommen.",
            "TextType": "text",
            "VoiceId": "Vicki",
        }
    ]


def test_polly_speech_marks_time_the_words_in_characters(
    polly: tuple[Any, list[dict[str, Any]]],
) -> None:
    client, calls = polly
    engine = PollyEngine(client, load_voices(ASSETS_DIR / "voices.json"))
    text = "Grüße aus München, heute."
    waited: list[int] = []
    speech = engine.speak(text, engine.voice("de-DE"), wait=lambda: waited.append(1))
    assert len(waited) == 2  # the rate limiter sees both requests
    assert calls[1]["OutputFormat"] == "json" and calls[1]["SpeechMarkTypes"] == ["word"]
    words = [text[m.start : m.end] for m in speech.marks]
    assert words == ["Grüße", "aus", "München,", "heute."]
    assert [m.ms for m in speech.marks] == [0, 300, 600, 900]


def test_polly_engine_voices_checked_against_describe_voices(
    polly: tuple[Any, list[dict[str, Any]]],
) -> None:
    from factaudio.voices import check_polly_voices

    client, _ = polly
    check_polly_voices(
        load_voices(ASSETS_DIR / "voices.json"),
        PollyEngine(client, load_voices(ASSETS_DIR / "voices.json")).describe_voices(),
    )


def test_polly_throttling_beyond_retries_is_a_named_failure(
    polly: tuple[Any, list[dict[str, Any]]],
) -> None:
    client, calls = polly
    engine = PollyEngine(client, load_voices(ASSETS_DIR / "voices.json"))
    with pytest.raises(SynthesisError, match="ThrottlingException"):
        engine.synthesize("throttle me", engine.voice("en-US"))
    assert len(calls) > 1  # botocore retried before giving up


def test_cli_publishes_to_s3_with_espeak(
    s3_client: Any, bucket: str, capsys: pytest.CaptureFixture[str]
) -> None:
    argv = [
        "--bucket",
        bucket,
        "--engine",
        "espeak",
        "--locale",
        "fr-FR",
        "--only",
        "pricing-01",
        "--json",
        "--no-public-check",  # in-process moto: no HTTP server to GET from (see test_public_proof)
    ]
    assert synthesize.main(argv) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["uploaded"] == 1
    keys = [o["Key"] for o in s3_client.list_objects_v2(Bucket=bucket)["Contents"]]
    assert "public/audio-manifest.json" in keys
    assert any(k.startswith("public/audio/fr-FR/") and k.endswith(".mp3") for k in keys)


def test_cli_missing_bucket_is_a_known_failure(
    mocked_aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        synthesize.main(
            ["--bucket", "no-such-bucket-here", "--engine", "espeak", "--locale", "en-US"]
        )
        == 1
    )
    err = capsys.readouterr().err
    assert "NoSuchBucket" in err and "manifest is unchanged" in err


def test_polly_engine_refuses_over_3000_billed_characters_before_calling(
    polly: tuple[Any, list[dict[str, Any]]],
) -> None:
    client, calls = polly
    engine = PollyEngine(client, load_voices(ASSETS_DIR / "voices.json"))
    with pytest.raises(SynthesisError, match="3001 billed characters; Polly allows 3000"):
        engine.synthesize("x" * 3001, engine.voice("en-US"))
    assert calls == []


# --- the command a content author uses: no AWS needed to price, clear errors, quiet pipes ---


@pytest.fixture
def no_aws(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No credentials, no region, no AWS configuration files at all."""
    for name in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "AWS_PROFILE",
                 "AWS_DEFAULT_REGION", "AWS_REGION"):  # fmt: skip
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))


def test_dry_run_prices_polly_without_aws_credentials(
    no_aws: None, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert synthesize.main(["--dry-run", "--engine", "polly", "--out", str(tmp_path / "o")]) == 0
    out = capsys.readouterr().out
    cost = re.search(r"estimated Polly cost: \$(\d+\.\d+)", out)
    assert cost and float(cost.group(1)) > 0, out


def test_dry_run_prices_polly_for_a_bucket_without_aws_credentials(
    no_aws: None, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """Was: with --bucket, a dry run needed credentials (DescribeVoices, then the listing)."""
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    argv = ["--dry-run", "--engine", "polly", "--bucket", "facts-bucket", "--region", "eu-west-1"]
    assert synthesize.main(argv) == 0
    captured = capsys.readouterr()
    cost = re.search(r"estimated Polly cost: \$(\d+\.\d+)", captured.out)
    assert cost and float(cost.group(1)) > 0, captured.out
    assert "no AWS credentials: s3://facts-bucket was not read" in captured.err
    assert "Traceback" not in captured.err


def test_without_a_region_the_error_says_how_to_give_one(
    no_aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert synthesize.main(["--bucket", "some-bucket", "--dry-run"]) == 1
    assert "no AWS region: pass --region" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "the voices file is not valid JSON"),
        ("[]", "voices file must be a JSON object"),
        ('{"en-US": {"polly": {"voice": 3, "engine": "neural"}, "espeak": "en-us"}}', "[en-US]"),
        (  # was: a mistyped engine was priced at $0 by --dry-run
            '{"en-US": {"polly": {"voice": "Joanna", "engine": "nueral"}, "espeak": "en-us"}}',
            "[en-US]: polly.engine 'nueral' is not one of Polly's engines",
        ),
    ],
)
def test_a_malformed_voices_file_names_the_file_and_the_locale(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], content: str, message: str
) -> None:
    import shutil

    assets = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR / "decks", assets / "decks")
    (assets / "voices.json").write_text(content, encoding="utf-8")
    assert (
        synthesize.main(["--assets", str(assets), "--out", str(tmp_path / "o"), "--dry-run"]) == 1
    )
    err = capsys.readouterr().err
    assert str(assets / "voices.json") in err and message in err
    assert "Traceback" not in err


@pytest.mark.parametrize("ask", [["--dry-run", "--json"], ["--which", "f-1"]])
def test_output_into_a_closed_pipe_exits_quietly(tmp_path: Path, ask: list[str]) -> None:
    """`--json | head` and `--which ID | head -0` (was: a BrokenPipeError traceback)."""
    import subprocess
    import sys

    from factaudio.pipeline import Options, build
    from factaudio.publish import DirectoryTarget
    from tests.audio_support import ToneEngine
    from tests.conftest import REPO_ROOT
    from tests.functional.audio.test_pipeline import DECKS

    build(ToneEngine(), DirectoryTarget(tmp_path), DECKS, Options(workers=2))
    process = subprocess.Popen(
        [sys.executable, "scripts/synthesize.py", *ask, "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the summary is written, as `| head` can be
    err = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err


@pytest.fixture
def assets(tmp_path: Path) -> Path:
    """A copy of the content a test may change."""
    import shutil

    copy = tmp_path / "assets"
    shutil.copytree(ASSETS_DIR, copy)
    return copy


def test_a_fact_espeak_would_spell_out_is_left_to_alexas_voice(
    assets: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    deck_file = assets / "decks" / "ja.json"
    deck = json.loads(deck_file.read_text(encoding="utf-8"))
    deck["facts"][0]["text"] = "Zyxwvutsはサーバーレスの新しいサービスです。"
    deck["facts"][1]["text"] = "サーバーレスでは、関数がイベントごとに動きます。"
    deck_file.write_text(json.dumps(deck, ensure_ascii=False), encoding="utf-8")
    first, second = deck["facts"][0]["id"], deck["facts"][1]["id"]
    out = tmp_path / "out"
    argv = ["--assets", str(assets), "--out", str(out), "--locale", "ja-JP", "--json"]
    assert synthesize.main([*argv, "--only", first, "--only", second]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    assert summary["unspoken"] == {"ja-JP": [first]}
    assert summary["synthesized"] == 1 and summary["failed"] == 0
    assert f"fact {first!r} (ja-JP): espeak-ng 'ja' cannot read Zyxwvuts in ja" in captured.err
    manifest = json.loads((out / "audio-manifest.json").read_text())
    assert set(manifest["locales"]["ja-JP"]) == {second}  # the skill speaks the first one's text


def test_a_voice_for_another_language_fails_before_anything_is_built(
    assets: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    voices = json.loads((assets / "voices.json").read_text())
    voices["en-US"]["espeak"] = "ja"
    (assets / "voices.json").write_text(json.dumps(voices))
    out = tmp_path / "out"
    argv = ["--assets", str(assets), "--out", str(out), "--locale", "en-US", "--only", "lambda-01"]
    assert synthesize.main(argv) == 1
    err = capsys.readouterr().err
    assert f"{assets / 'voices.json'} [en-US]: espeak voice 'ja' speaks 'ja', not 'en'" in err
    assert not (out / "audio-manifest.json").exists()


def test_a_locale_without_an_offline_voice_is_skipped(
    assets: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    voices = json.loads((assets / "voices.json").read_text())
    voices["fr-FR"]["espeak"] = None
    (assets / "voices.json").write_text(json.dumps(voices))
    argv = ["--assets", str(assets), "--out", str(tmp_path / "o"), "--locale", "fr-FR", "--json"]
    assert synthesize.main([*argv, "--dry-run"]) == 0
    captured = capsys.readouterr()
    summary = json.loads(captured.out)
    facts = len(load_deck(assets, "fr").facts)
    assert len(summary["unspoken"]["fr-FR"]) == facts and summary["planned"] == 0
    assert "fr-FR: no offline voice" in captured.err


def test_polly_gets_the_lexicon_in_its_voices_language_and_uses_it(
    polly: tuple[Any, list[dict[str, Any]]], tmp_path: Path
) -> None:
    import xml.etree.ElementTree as ET

    from factaudio.lexicon import parse_lexicon
    from factaudio.plan import make_jobs
    from factcontent.deck import Deck, Fact

    client, calls = polly
    (tmp_path / "en.pls").write_text(
        '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" '
        'alphabet="ipa" xml:lang="en"><lexeme><grapheme>ECS</grapheme><alias>E C S</alias>'
        "</lexeme></lexicon>"
    )
    lexicon = parse_lexicon(tmp_path / "en.pls", "en")
    engine = PollyEngine(client, load_voices(ASSETS_DIR / "voices.json"))
    engine.know_voices(engine.describe_voices())
    facts = (Fact("a-1", "t", "Amazon ECS."), Fact("a-2", "t", "Lambda."))
    deck = Deck(language="en", topics={"t": "T"}, facts=facts)
    decks = {"en-US": deck, "en-GB": deck}
    jobs = make_jobs(decks, {loc: engine.voice(loc) for loc in decks}, lexicons={"en": lexicon})
    engine.prepare(jobs)
    engine.prepare(jobs)  # already there: not sent again
    stored = client.list_lexicons()["Lexicons"]
    assert sorted(lx["Attributes"]["LanguageCode"] for lx in stored) == ["en-GB", "en-US"]
    for entry in stored:  # moto does not check that xml:lang matches the voice: we do
        content = client.get_lexicon(Name=entry["Name"])["Lexicon"]["Content"]
        assert ET.fromstring(content).get("{http://www.w3.org/XML/1998/namespace}lang") in (
            "en-US",
            "en-GB",
        )
    for job in jobs:
        engine.synthesize(job.text, job.voice, job.lexicon)
    sent = {(call["VoiceId"], call["Text"]): call.get("LexiconNames") for call in calls}
    assert sent[("Joanna", "Lambda.")] is None  # no lexicon word: no lexicon
    assert sent[("Joanna", "Amazon ECS.")] == lexicon.polly_names("en-US")
    assert sent[("Amy", "Amazon ECS.")] == lexicon.polly_names("en-GB")
    assert set(lexicon.polly_names("en-US")) <= {lx["Name"] for lx in stored}


LOCALES = ("--locale", "en-US", "--locale", "de-DE")


def test_ctrl_c_exits_with_one_line_and_leaves_no_scratch_files(tmp_path: Path) -> None:
    """As a terminal sends it: SIGINT to the whole process group, ffmpeg children included."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time

    from factaudio.postprocess import _scratch_dir
    from tests.conftest import REPO_ROOT

    out = tmp_path / "out"
    process = subprocess.Popen(
        [sys.executable, "scripts/synthesize.py", "--out", str(out), *LOCALES],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    deadline = time.monotonic() + 60
    while not list(out.glob("audio/*/*.mp3")) and time.monotonic() < deadline:
        time.sleep(0.05)  # interrupt mid-run, with clips being encoded
    os.killpg(process.pid, signal.SIGINT)
    _, err = process.communicate(timeout=60)
    lines = err.decode().strip().splitlines()
    assert process.returncode == 130, err
    assert len(lines) == 1 and lines[0].startswith("synthesize: interrupted"), lines
    assert not (out / "audio-manifest.json").exists()  # the manifest is written last, or never
    scratch = Path(_scratch_dir() or tempfile.gettempdir())
    assert not list(scratch.glob(f"encode-{process.pid}-*"))


def test_the_progress_bar_shows_on_a_terminal_only() -> None:
    from factaudio.pipeline import Progress

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    terminal, pipe = Terminal(), io.StringIO()
    for stream in (terminal, pipe):
        progress = Progress(4, stream)
        for _ in range(4):
            progress.step()
        progress.close()
    assert "synthesizing" in terminal.getvalue() and "4/4" in terminal.getvalue()
    assert pipe.getvalue() == ""


def test_the_brand_is_part_of_the_job_key(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "out"
    argv = ["--out", str(out), "--locale", "en-US", "--only", "lambda-01", "--json"]
    keys, durations = {}, {}
    for choice in ("off", "on", "off"):
        assert synthesize.main([*argv, "--brand", choice]) == 0
        summary = json.loads(capsys.readouterr().out)
        manifest = json.loads((out / "audio-manifest.json").read_text())
        entry = manifest["locales"]["en-US"]["lambda-01"]
        assert summary["synthesized"] + summary["resumed"] == 1
        if choice in keys:  # back to unbranded: the first clip is still there, nothing rebuilt
            assert entry["key"] == keys[choice] and summary["resumed"] == 1
        keys[choice], durations[choice] = entry["key"], entry["duration"]
    assert keys["on"] != keys["off"]
    assert durations["on"] > durations["off"] + 1.0  # the sting and the bed's tail
