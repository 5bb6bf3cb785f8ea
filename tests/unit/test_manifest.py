from __future__ import annotations

import json

import pytest

from factcontent.exceptions import ManifestError
from factcontent.manifest import AudioEntry, Manifest, loads_manifest, parse_manifest, text_digest

DIGEST = text_digest("Hello.")


def entry_json(**overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "key": "audio/en-US/abc.mp3",
        "duration": 2.5,
        "text_sha256": DIGEST,
        "voice": "espeak:en-us",
        "digest": "abc",
    }
    data.update(overrides)
    return data


def test_text_digest_normalizes_unicode() -> None:
    assert text_digest("caf\u00e9") == text_digest("cafe\u0301")
    assert text_digest("a") != text_digest("b")


def test_manifest_round_trips() -> None:
    manifest = Manifest({"en-US": {"f-1": AudioEntry("k.mp3", 1.5, DIGEST, "v", "d")}}, "now")
    again = loads_manifest(manifest.dumps(), source="m.json")
    assert again == manifest
    assert again.entry_count() == 1


@pytest.mark.parametrize(
    ("mutation", "message"),
    [
        ({"key": ""}, "'key'"),
        ({"key": "audio/a b.mp3"}, "without spaces"),
        ({"duration": 0}, "'duration'"),
        ({"duration": True}, "'duration'"),
        ({"duration": "3"}, "'duration'"),
        ({"text_sha256": "short"}, "'text_sha256'"),
    ],
)
def test_parse_manifest_rejects_bad_entries(mutation: dict[str, object], message: str) -> None:
    data = {"format": 1, "locales": {"de-DE": {"f-9": entry_json(**mutation)}}}
    with pytest.raises(ManifestError, match=message) as info:
        parse_manifest(data, source="m.json")
    assert "m.json [de-DE] fact 'f-9'" in str(info.value)


def test_parse_manifest_rejects_missing_field() -> None:
    raw = entry_json()
    del raw["duration"]
    with pytest.raises(ManifestError, match="missing field 'duration'"):
        parse_manifest({"format": 1, "locales": {"en-US": {"x": raw}}}, source="m")


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"format": 3},
        {"format": 1, "locales": []},
        {"format": 2, "locales": {}, "decks": []},
        {
            "format": 2,
            "locales": {},
            "decks": {"en": {"key": "../x", "sha256": "0" * 64, "size": 1}},
        },
        {
            "format": 2,
            "locales": {},
            "decks": {"en": {"key": "d/en.json", "sha256": "x", "size": 1}},
        },
        {"format": 2, "locales": {}, "decks": {"en": {"key": "d/en.json", "sha256": "0" * 64}}},
    ],
)
def test_parse_manifest_rejects_bad_structure(data: object) -> None:
    with pytest.raises(ManifestError):
        parse_manifest(data, source="m")


def test_loads_manifest_rejects_invalid_json() -> None:
    with pytest.raises(ManifestError, match="not valid JSON"):
        loads_manifest("{", source="m.json")


@pytest.mark.parametrize(
    ("key", "base", "url"),
    [
        ("audio/x.mp3", "https://cdn.example/", "https://cdn.example/audio/x.mp3"),
        ("/audio/x.mp3", "https://cdn.example", "https://cdn.example/audio/x.mp3"),
        ("audio/x.mp3", None, None),
        ("https://other/x.mp3", None, "https://other/x.mp3"),
    ],
)
def test_audio_entry_url(key: str, base: str | None, url: str | None) -> None:
    assert AudioEntry(key, 1.0, DIGEST, "", "").url(base) == url


def test_bundled_manifest_is_valid(tmp_path: object) -> None:
    from tests.conftest import ASSETS_DIR

    data = json.loads((ASSETS_DIR / "audio-manifest.json").read_text())
    parse_manifest(data, source="assets/audio-manifest.json")


def test_measured_loudness_round_trips_and_is_optional() -> None:
    entry = AudioEntry("audio/en-US/a.mp3", 3.0, "0" * 64, "espeak:en-us", "d", -14.1, -2.8)
    manifest = Manifest({"en-US": {"a": entry}})
    again = loads_manifest(manifest.dumps(), source="m.json")
    assert again.entry("en-US", "a") == entry
    plain = AudioEntry("audio/en-US/b.mp3", 3.0, "0" * 64, "espeak:en-us", "d")
    assert "lufs" not in plain.to_json()
    assert (
        loads_manifest(Manifest({"en-US": {"b": plain}}).dumps(), source="m").entry("en-US", "b")
        == plain
    )


def test_format_2_round_trips_decks_generations_and_integrity() -> None:
    from factcontent.manifest import DeckRef, Manifest, loads_manifest

    entry = (
        parse_manifest({"format": 1, "locales": {"en-US": {"a": entry_json()}}}, source="m")
        .locales["en-US"]["a"]
        ._replace(size=1234, md5="0" * 32)
    )
    manifest = Manifest(
        {"en-US": {"a": entry}},
        "2026-12-01T00:00:00Z",
        {"en": DeckRef("decks/en/" + "a" * 32 + ".json", "a" * 64, 99)},
        None,
        "b" * 32,
    )
    manifest = manifest._replace(generation=manifest.content_id())
    again = loads_manifest(manifest.dumps(), source="m")
    assert again == manifest
    assert again.keys() == {entry.key, "decks/en/" + "a" * 32 + ".json"}
    assert manifest._replace(previous="c" * 32).content_id() != manifest.generation
