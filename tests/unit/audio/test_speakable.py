"""The guard against gibberish: espeak-ng's language switches, read from its phonemes."""

from __future__ import annotations

from factaudio.speakable import Switch, fallback, switches

# The names of a-z as espeak-ng's English voice says them (a few of them).
LETTERS = {"eɪ", "biː", "ɛl", "ɛm", "dʌbəljuː", "ɛs"}

# espeak-ng's output for "AWS Lambdaは" with the ja voice: English letter names.
JA_SPELLED = "(en)ˌeɪdˌʌbəljˌuːˈɛs ˈɛl ˈeɪ ˈɛm bˈiː dˈiː ˈeɪ(ja) hˈä"
# "...einzigen Server bereitstellen" with the de voice: an English loanword, read in English.
DE_LOANWORD = "ˈaɪntsɪɡən (en)sˈɜːvə(de) bərˈaɪtʃtɛlən"
# A kanji with the ja voice: "chinese letter".
JA_KANJI = "ˈo̞ (en)tʃˈaɪniːz(ja)lˈe̞tə ˈɯᵝ"


def test_switches_are_the_stretches_in_another_language() -> None:
    assert switches(DE_LOANWORD, "de") == [Switch("en", "sˈɜːvə")]
    assert switches("hˈɛloː vˈɔɾlt", "de") == []
    assert switches("(en)wˈɜːld", "de") == [Switch("en", "wˈɜːld")]  # never switched back
    assert switches("ɡˈuːtən (de)tˈaːk", "de-ch") == []  # same language, another tag


def test_letter_names_are_a_fallback() -> None:
    assert fallback(JA_SPELLED, "ja", LETTERS) == Switch(
        "en", "ˌeɪdˌʌbəljˌuːˈɛs ˈɛl ˈeɪ ˈɛm bˈiː dˈiː ˈeɪ"
    )
    assert fallback("(en)ˈɛl ˈeɪ ˈɛm(fr) pˈaʁ", "fr", LETTERS) is not None


def test_japanese_allows_no_switch_at_all() -> None:
    assert fallback(JA_KANJI, "ja", LETTERS) == Switch("en", "tʃˈaɪniːz")
    assert fallback("sˌääbääɽˌe̞sɯᵝ", "ja", LETTERS) is None


def test_a_loanword_read_in_english_is_how_speakers_say_it() -> None:
    assert fallback(DE_LOANWORD, "de", LETTERS) is None
