"""Where content lives: in a content directory (assets/, or the one bundled with the function)
and under a published root (an S3 prefix or a directory the pipeline writes).

Both use the same relative paths, so the skill reads a published copy exactly as a bundled one.
"""

from __future__ import annotations

DECKS_DIR = "decks"
PROMPTS_DIR = "prompts"
AUDIO_DIR = "audio"
MANIFEST_FILE = "audio-manifest.json"
VOICES_FILE = "voices.json"

# The public prefix of the audio bucket: the bucket policy (template.yaml) lets anyone read it.
PUBLIC_PREFIX = "public/"


def deck_path(language: str) -> str:
    """Return the relative path of the deck of `language`."""
    return f"{DECKS_DIR}/{language}.json"


def prompts_path(language: str) -> str:
    """Return the relative path of the prompts of `language`."""
    return f"{PROMPTS_DIR}/{language}.json"


def audio_key(locale: str, digest: str) -> str:
    """Return the content-addressed relative key of one clip."""
    return f"{AUDIO_DIR}/{locale}/{digest}.mp3"
