"""Where content lives: in a content directory (assets/, or the one bundled with the function)
and under a published root (an S3 prefix or a directory the pipeline writes).

Both use the same relative paths, so the skill reads a published copy exactly as a bundled one.
"""

from __future__ import annotations

DECKS_DIR = "decks"
PROMPTS_DIR = "prompts"
AUDIO_DIR = "audio"
GENERATIONS_DIR = "generations"
MANIFEST_FILE = "audio-manifest.json"
VOICES_FILE = "voices.json"

# The public prefix of the audio bucket: the bucket policy (template.yaml) lets anyone read it.
PUBLIC_PREFIX = "public/"


def plain_language(language: str) -> str:
    """`language` if it is a plain language tag: a code ("en", "ast"), or a code and a region
    ("fr-CA", "es-419"); ValueError otherwise, so that no path is ever made of what a file
    claims (a parent directory, say)."""
    code, _, region = language.partition("-")
    if not (2 <= len(code) <= 3 and code.isascii() and code.isalpha()):
        raise ValueError(f"{language!r} is not a plain language code")
    if not code.islower():
        raise ValueError(f"{language!r} is not a plain language code (lowercase)")
    if "-" in language and not (
        (len(region) == 2 and region.isascii() and region.isalpha() and region.isupper())
        or (len(region) == 3 and region.isascii() and region.isdigit())
    ):
        raise ValueError(f"{language!r}: a region is two capitals or three digits (fr-CA, es-419)")
    return language


def deck_path(language: str) -> str:
    """Return the relative path of the deck of `language` in a content directory."""
    return f"{DECKS_DIR}/{plain_language(language)}.json"


def published_deck_key(language: str, sha256: str) -> str:
    """Return the content-addressed key of a published deck (never rewritten)."""
    return f"{DECKS_DIR}/{plain_language(language)}/{sha256[:32]}.json"


def generation_key(generation: str) -> str:
    """Return the key of a generation's copy of the manifest (kept for prune and rollback)."""
    if not (generation.isascii() and generation.isalnum()):
        raise ValueError(f"{generation!r} is not a generation id")
    return f"{GENERATIONS_DIR}/{generation}.json"


def prompts_path(language: str) -> str:
    """Return the relative path of the prompts of `language`."""
    return f"{PROMPTS_DIR}/{language}.json"


def audio_key(locale: str, digest: str) -> str:
    """Return the content-addressed relative key of one clip."""
    return f"{AUDIO_DIR}/{locale}/{digest}.mp3"
