"""The audio manifest: which MP3 plays which fact, shared by the skill and scripts/synthesize.py.

Format (JSON)::

    {
      "format": 2,
      "generated_at": "2026-11-27T10:00:00Z",
      "generation": "9c1e....",                     # this generation's id (a hash of its content)
      "previous": "51d0....",                       # the generation it replaced, if any
      "decks": {                                    # the decks of this generation, never rewritten
        "en": {"key": "decks/en/77ab....json", "sha256": "…", "size": 10421}
      },
      "locales": {
        "en-US": {
          "lambda-01": {
            "key": "audio/en-US/3f2a....mp3",      # object key under AUDIO_BASE_URL, or an https URL
            "duration": 7.25,                      # seconds
            "text_sha256": "…",                    # text_digest() of the fact text it speaks
            "voice": "polly:Joanna:neural",        # engine and voice it was made with
            "digest": "…",                         # the build job's content hash (text, voice, settings)
            "lufs": -14.1, "true_peak": -2.8,      # optional: loudness measured on the encoded file
            "size": 52311, "md5": "…",              # optional: the object's bytes (its S3 ETag)
            "captions": "audio/en-US/3f2a....vtt"  # optional: its WebVTT captions, next to it
          }
        }
      }
    }

An entry whose ``text_sha256`` differs from the digest of the current fact text is stale and
must never be played. The manifest is the one commit point of a publication: a reader fetches it,
then only what it names (content-addressed, immutable), so it sees exactly one generation.
Format 1 (no decks, no generations) is still read.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

from factcontent.exceptions import ManifestError
from factcontent.records import Record

MANIFEST_FORMAT = 2
READABLE_FORMATS = (1, 2)


def text_digest(text: str) -> str:
    """Return the hex SHA-256 of `text` after Unicode NFC normalization."""
    import hashlib  # on first use: loading OpenSSL costs ~3 ms of cold start

    if not text.isascii():  # ASCII is already NFC: English never loads unicodedata (~1.6 ms)
        import unicodedata

        text = unicodedata.normalize("NFC", text)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class AudioEntry(Record):
    """One fact's MP3."""

    key: str
    duration: float
    text_sha256: str
    voice: str
    digest: str
    lufs: float | None = None  # integrated loudness of the encoded file, as the pipeline measured
    true_peak: float | None = None  # its true peak, dBTP
    size: int | None = None  # the object's length in bytes
    md5: str | None = None  # the hex MD5 of its bytes (what S3 reports as its ETag)
    captions: str | None = None  # the key (or https URL) of its WebVTT captions

    def captions_url(self, base_url: str | None) -> str | None:
        """The absolute URL of the captions, or None (none, or a relative key without a base)."""
        if self.captions is None:
            return None
        return self._absolute(self.captions, base_url)

    def url(self, base_url: str | None) -> str | None:
        """Return the absolute URL of the file, or None when it needs a base URL that is missing."""
        return self._absolute(self.key, base_url)

    @staticmethod
    def _absolute(key: str, base_url: str | None) -> str | None:
        if key.lower().startswith(("https://", "http://")):
            return key
        if base_url is None:
            return None
        return base_url.rstrip("/") + "/" + key.lstrip("/")

    def to_json(self) -> dict[str, Any]:
        data = {
            "key": self.key,
            "duration": round(self.duration, 3),
            "text_sha256": self.text_sha256,
            "voice": self.voice,
            "digest": self.digest,
        }
        if self.lufs is not None and self.true_peak is not None:
            data |= {"lufs": round(self.lufs, 2), "true_peak": round(self.true_peak, 2)}
        if self.size is not None and self.md5 is not None:
            data |= {"size": self.size, "md5": self.md5}
        if self.captions is not None:
            data["captions"] = self.captions
        return data


class DeckRef(Record):
    """A published deck of one generation: content-addressed, never rewritten."""

    key: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, Any]:
        return {"key": self.key, "sha256": self.sha256, "size": self.size}


class Manifest(Record):
    """Per locale, fact id -> AudioEntry; per language, its deck; the generation's lineage."""

    locales: Mapping[str, Mapping[str, AudioEntry]]
    generated_at: str | None = None
    decks: Mapping[str, DeckRef] = {}
    generation: str | None = None
    previous: str | None = None

    def keys(self) -> set[str]:
        """Every object this generation references: its clips, their captions, its decks."""
        keys = set()
        for entries in self.locales.values():
            for entry in entries.values():
                keys.add(entry.key)
                if entry.captions is not None:
                    keys.add(entry.captions)
        return keys | {deck.key for deck in self.decks.values()}

    def entry(self, locale: str, fact_id: str) -> AudioEntry | None:
        return self.locales.get(locale, {}).get(fact_id)

    def entry_count(self) -> int:
        """Return the number of entries over all locales."""
        return sum(len(entries) for entries in self.locales.values())

    def content_json(self) -> dict[str, Any]:
        """What the generation consists of (its id is a hash of this)."""
        return {
            "decks": {language: ref.to_json() for language, ref in sorted(self.decks.items())},
            "locales": {
                locale: {fid: e.to_json() for fid, e in sorted(entries.items())}
                for locale, entries in sorted(self.locales.items())
            },
        }

    def content_id(self) -> str:
        """The id of a generation with this content (and lineage)."""
        import hashlib

        payload = {**self.content_json(), "previous": self.previous}
        return hashlib.sha256(json.dumps(payload, sort_keys=True).encode()).hexdigest()[:32]

    def to_json(self) -> dict[str, Any]:
        return {
            "format": MANIFEST_FORMAT,
            "generated_at": self.generated_at,
            "generation": self.generation,
            "previous": self.previous,
            **self.content_json(),
        }

    def dumps(self) -> str:
        return json.dumps(self.to_json(), indent=1, ensure_ascii=False, sort_keys=False) + "\n"


EMPTY_MANIFEST = Manifest({})


def _entry(raw: object, *, where: str) -> AudioEntry:
    if not isinstance(raw, Mapping):
        raise ManifestError(f"{where}: entry must be an object")
    try:
        key, duration = raw["key"], raw["duration"]
        text_sha, voice, digest = raw["text_sha256"], raw.get("voice", ""), raw.get("digest", "")
    except KeyError as exc:
        raise ManifestError(f"{where}: missing field {exc.args[0]!r}") from exc
    if not isinstance(key, str) or not key or any(c.isspace() for c in key):
        raise ManifestError(f"{where}: 'key' must be a non-empty string without spaces")
    if isinstance(duration, bool) or not isinstance(duration, int | float) or duration <= 0:
        raise ManifestError(f"{where}: 'duration' must be a positive number of seconds")
    if not isinstance(text_sha, str) or len(text_sha) != 64:
        raise ManifestError(f"{where}: 'text_sha256' must be a hex SHA-256")
    if not isinstance(voice, str) or not isinstance(digest, str):
        raise ManifestError(f"{where}: 'voice' and 'digest' must be strings")
    lufs, peak = raw.get("lufs"), raw.get("true_peak")
    measured = all(isinstance(v, int | float) and not isinstance(v, bool) for v in (lufs, peak))
    size, md5 = raw.get("size"), raw.get("md5")
    known = isinstance(size, int) and not isinstance(size, bool) and size > 0 and _is_hex(md5, 32)
    captions = raw.get("captions")
    if captions is not None and (
        not isinstance(captions, str) or not captions or any(c.isspace() for c in captions)
    ):
        raise ManifestError(f"{where}: 'captions' must be a key without spaces")
    return AudioEntry(
        key,
        float(duration),
        text_sha,
        voice,
        digest,
        float(lufs) if measured else None,  # type: ignore[arg-type]
        float(peak) if measured else None,  # type: ignore[arg-type]
        size if known else None,
        md5 if known else None,
        captions,
    )


def _is_hex(value: object, length: int) -> bool:
    return (
        isinstance(value, str)
        and len(value) == length
        and all(c in "0123456789abcdef" for c in value)
    )


def _deck_ref(raw: object, *, where: str) -> DeckRef:
    if not isinstance(raw, Mapping):
        raise ManifestError(f"{where}: must be an object")
    key, sha, size = raw.get("key"), raw.get("sha256"), raw.get("size")
    if not isinstance(key, str) or not key or any(c.isspace() for c in key) or ".." in key:
        raise ManifestError(f"{where}: 'key' must be a relative key")
    if not _is_hex(sha, 64):
        raise ManifestError(f"{where}: 'sha256' must be a hex SHA-256")
    if isinstance(size, bool) or not isinstance(size, int) or size <= 0:
        raise ManifestError(f"{where}: 'size' must be a positive number of bytes")
    return DeckRef(key, sha, size)  # type: ignore[arg-type]


def parse_manifest(data: object, *, source: str) -> Manifest:
    """Validate decoded JSON `data` from `source` (a path or URL, for messages)."""
    if not isinstance(data, Mapping):
        raise ManifestError(f"{source}: a manifest must be a JSON object")
    if data.get("format") not in READABLE_FORMATS:
        raise ManifestError(
            f"{source}: manifest format {data.get('format')!r} is not {MANIFEST_FORMAT}: "
            "rebuild it with scripts/synthesize.py"
        )
    locales = data.get("locales", {})
    if not isinstance(locales, Mapping):
        raise ManifestError(f"{source}: 'locales' must be an object")
    parsed: dict[str, dict[str, AudioEntry]] = {}
    for locale, entries in locales.items():
        if not isinstance(entries, Mapping):
            raise ManifestError(f"{source} [{locale}]: entries must be an object")
        parsed[str(locale)] = {
            str(fid): _entry(raw, where=f"{source} [{locale}] fact {fid!r}")
            for fid, raw in entries.items()
        }
    decks = data.get("decks", {})
    if not isinstance(decks, Mapping):
        raise ManifestError(f"{source}: 'decks' must be an object")
    refs = {
        str(language): _deck_ref(raw, where=f"{source} deck {language!r}")
        for language, raw in decks.items()
    }
    generated, generation, previous = (
        value if isinstance(value, str) else None
        for value in (data.get("generated_at"), data.get("generation"), data.get("previous"))
    )
    return Manifest(parsed, generated, refs, generation, previous)


def loads_manifest(text: str | bytes, *, source: str) -> Manifest:
    """Parse manifest JSON text from `source`."""
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise ManifestError(f"{source}: not valid JSON ({exc})") from exc
    return parse_manifest(data, source=source)
