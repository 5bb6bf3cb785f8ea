"""The shipped lexicons and decks together: every fact is spoken, never spelled out."""

from __future__ import annotations

import pytest

from factaudio.engines import EspeakEngine, _espeak
from factaudio.lexicon import POLLY_LEXICON_CHARACTERS, load_lexicons
from factaudio.readings import espeak_reading
from factaudio.voices import load_voices
from factcontent.files import load_deck
from factcontent.locales import LOCALE_LANGUAGE
from tests.conftest import ASSETS_DIR

LANGUAGES = sorted(set(LOCALE_LANGUAGE.values()))
LEXICONS = load_lexicons(ASSETS_DIR, LANGUAGES)
VOICES = load_voices(ASSETS_DIR / "voices.json")
# Locales espeak-ng speaks acceptably; the others are left to Alexa's voice offline.
OFFLINE = sorted(locale for locale, voices in VOICES.items() if voices.espeak is not None)


@pytest.fixture(scope="module")
def engine() -> EspeakEngine:
    return EspeakEngine(load_voices(ASSETS_DIR / "voices.json"))


def test_every_language_has_a_lexicon_within_pollys_limits() -> None:
    assert set(LEXICONS) == set(LANGUAGES)
    for language, lexicon in LEXICONS.items():
        for document in lexicon.documents(f"{language}-XX"):
            assert len(document) <= POLLY_LEXICON_CHARACTERS


def test_every_lexeme_is_used_by_its_deck() -> None:
    for language, lexicon in LEXICONS.items():
        deck = load_deck(ASSETS_DIR, language)
        used = {lexeme for fact in deck.facts for lexeme in lexicon.applied(fact.text)}
        unused = [lexeme.graphemes[0] for lexeme in lexicon.lexemes if lexeme not in used]
        assert not unused, f"lexicons/{language}.pls: no {language} fact has {unused}"


@pytest.mark.parametrize("locale", OFFLINE)
def test_espeak_speaks_every_fact_in_its_language(engine: EspeakEngine, locale: str) -> None:
    """Fails when espeak-ng would fall back to letter names (its phonemes switch to "(en)")."""
    language = LOCALE_LANGUAGE[locale]
    voice = engine.voice(locale)
    lexicon = LEXICONS.get(language)
    problems = [
        f"{fact.id}: {reason}"
        for fact in load_deck(ASSETS_DIR, language).facts
        if (reason := engine.unreadable(fact.text, voice, lexicon)) is not None
    ]
    assert not problems, "\n".join(problems)


def test_arabic_is_left_to_alexas_voice_offline() -> None:
    """Written Arabic leaves out short vowels, which espeak-ng cannot restore: it reads
    unvowelled words as consonant clusters. So no offline clip is made for ar-SA."""
    assert "ar-SA" not in OFFLINE
    assert len(OFFLINE) == len(LOCALE_LANGUAGE) - 1


def test_japanese_is_read_in_japanese_only(engine: EspeakEngine) -> None:
    voice = engine.voice("ja-JP")
    for fact in load_deck(ASSETS_DIR, "ja").facts:
        phonemes = _espeak().phonemes(espeak_reading(fact.text, "ja", LEXICONS["ja"]), voice.voice)
        assert "(en)" not in phonemes, fact.id


def test_without_readings_japanese_would_be_spelled_out(engine: EspeakEngine) -> None:
    """The guard above can fail: the deck as written, without its lexicon, is refused."""
    voice = engine.voice("ja-JP")
    facts = load_deck(ASSETS_DIR, "ja").facts
    refused = [f for f in facts if engine.unreadable(f.text, voice, None) is not None]
    assert len(refused) > len(facts) // 2


SPELLED_OUT = ("ECS", "EKS")  # read letter by letter; a voice would otherwise say "ex"


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_deck_that_names_ecs_or_eks_has_their_reading(language: str) -> None:
    """Was: the German and Spanish lexicons had no ECS or EKS, so Polly guessed."""
    import re

    text = " ".join(fact.text for fact in load_deck(ASSETS_DIR, language).facts)
    graphemes = {g for lexeme in LEXICONS[language].lexemes for g in lexeme.graphemes}
    missing = [w for w in SPELLED_OUT if re.search(rf"\b{w}\b", text) and w not in graphemes]
    assert not missing, f"lexicons/{language}.pls: no reading of {missing}"
