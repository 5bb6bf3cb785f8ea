"""scripts/synthesize.py as people run it: exit codes, JSON, Polly through moto, the skill playing it."""

from __future__ import annotations

import io
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


def test_without_a_region_the_error_says_how_to_give_one(
    no_aws: None, capsys: pytest.CaptureFixture[str]
) -> None:
    assert synthesize.main(["--bucket", "some-bucket", "--dry-run"]) == 1
    assert "no AWS region: pass --region" in capsys.readouterr().err


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("{not json", "the voices file is not valid JSON"),
        ("[]", "must map locales to their voices"),
        ('{"en-US": {"polly": {"voice": 3, "engine": "neural"}, "espeak": "en-us"}}', "[en-US]"),
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


def test_json_into_a_closed_pipe_exits_quietly(tmp_path: Path) -> None:
    import subprocess
    import sys

    from tests.conftest import REPO_ROOT

    process = subprocess.Popen(
        [sys.executable, "scripts/synthesize.py", "--dry-run", "--json", "--out", str(tmp_path)],
        cwd=REPO_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert process.stdout is not None and process.stderr is not None
    process.stdout.close()  # the reader is gone before the summary is written, as `| head` can be
    err = process.stderr.read().decode()
    process.wait(timeout=60)
    assert "Traceback" not in err and "BrokenPipeError" not in err, err
