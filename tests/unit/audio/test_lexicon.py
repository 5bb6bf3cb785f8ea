"""Pronunciation lexicons: parsing, Polly's limits, matching as Polly matches, the job key."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from factaudio.lexicon import (
    POLLY_LEXICON_CHARACTERS,
    POLLY_LEXICON_NAME,
    LexiconError,
    load_lexicons,
    parse_lexicon,
)
from factaudio.plan import Voice, job_digest

HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>\n'
    '<lexicon version="1.0" xmlns="http://www.w3.org/2005/01/pronunciation-lexicon" '
    'alphabet="ipa" xml:lang="{lang}">\n'
)
VOICE = Voice("espeak", "en-us", "")


def write(tmp_path: Path, body: str, *, lang: str = "en", name: str = "en.pls") -> Path:
    path = tmp_path / name
    path.write_text(HEAD.format(lang=lang) + body + "</lexicon>\n", encoding="utf-8")
    return path


def lexeme(grapheme: str, alias: str) -> str:
    return f"<lexeme><grapheme>{grapheme}</grapheme><alias>{alias}</alias></lexeme>\n"


@pytest.fixture
def english(tmp_path: Path):
    body = (
        lexeme("ECS", "E C S")
        + lexeme("re:Invent", "re Invent")
        + lexeme("Step Functions", "Step Funktions")
        + lexeme("Step", "Stair")
        + "<lexeme><grapheme>S3</grapheme><grapheme>s3</grapheme><alias>S three</alias></lexeme>"
    )
    return parse_lexicon(write(tmp_path, body), "en")


def test_whole_words_case_sensitive_longest_first(english) -> None:
    assert english.apply("ECS, SECS, ECS2 and ecs") == "E C S, SECS, ECS2 and ecs"
    assert english.apply("at re:Invent.") == "at re Invent."
    assert english.apply("Step Functions and a Step") == "Step Funktions and a Stair"
    assert english.apply("an S3-Bucket in s3") == "an S three-Bucket in S three"
    assert [lx.alias for lx in english.applied("s3 and ECS, then S3")] == ["S three", "E C S"]
    assert english.applied("nothing to see") == ()


def test_latin_words_match_next_to_japanese(tmp_path: Path) -> None:
    lexicon = parse_lexicon(
        write(tmp_path, lexeme("Lambda", "ラムダ"), lang="ja", name="ja.pls"), "ja"
    )
    assert lexicon.apply("AWS Lambdaを使うと、Lambdas") == "AWS ラムダを使うと、Lambdas"


def test_polly_documents_carry_the_voices_language_code(english) -> None:
    import xml.etree.ElementTree as ET

    for code in ("en-US", "en-GB", "en-IN"):
        (document,) = english.documents(code)
        root = ET.fromstring(document)
        assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == code
        assert len(root) == 5
        assert len(document) <= POLLY_LEXICON_CHARACTERS
    names = english.polly_names("en-US")
    assert all(POLLY_LEXICON_NAME.fullmatch(name) for name in names)
    assert names != english.polly_names("en-GB")


def test_a_changed_lexicon_gets_new_polly_names(tmp_path: Path) -> None:
    first = parse_lexicon(write(tmp_path, lexeme("ECS", "E C S")), "en")
    second = parse_lexicon(write(tmp_path, lexeme("ECS", "E. C. S.")), "en")
    assert first.polly_names("en-US") != second.polly_names("en-US")


def test_a_big_lexicon_is_split_within_polly_limits(tmp_path: Path) -> None:
    body = "".join(lexeme(f"Word{i:03d}", f"alias number {i} " * 4) for i in range(150))
    lexicon = parse_lexicon(write(tmp_path, body), "en")
    documents = lexicon.documents("en-US")
    assert 2 <= len(documents) <= 5
    assert all(len(document) <= POLLY_LEXICON_CHARACTERS for document in documents)
    assert sum(document.count("<lexeme>") for document in documents) == 150
    names = lexicon.polly_names("en-US")
    assert len(set(names)) == len(documents)


def test_more_than_five_documents_is_refused(tmp_path: Path) -> None:
    body = "".join(lexeme(f"Word{i:04d}", "x" * 90) for i in range(300))
    with pytest.raises(LexiconError, match=r"en\.pls: needs \d+ Polly lexicons"):
        parse_lexicon(write(tmp_path, body), "en")


@pytest.mark.parametrize(
    ("body", "lang", "message"),
    [
        ("<lexeme><grapheme>ECS</grapheme>", "en", "not well-formed XML"),
        (lexeme("ECS", "E C S"), "de", "xml:lang is 'de'"),
        (lexeme("ECS", "E C S") + lexeme("ECS", "ex"), "en", "lexeme 2: 'ECS' is already lexeme 1"),
        ("<lexeme><grapheme>ECS</grapheme></lexeme>", "en", "lexeme 1: needs at least one"),
        (
            "<lexeme><grapheme>ECS</grapheme><phoneme>iːsiːɛs</phoneme></lexeme>",
            "en",
            "lexeme 1: <phoneme> readings are not supported",
        ),
        (lexeme("ECS", "x" * 101), "en", "lexeme 1: 'xxx.*101 characters, Polly allows 100"),
        (lexeme("ECS", "  "), "en", "lexeme 1: an empty <alias>"),
    ],
)
def test_bad_lexicons_name_the_file_and_the_lexeme(
    tmp_path: Path, body: str, lang: str, message: str
) -> None:
    path = write(tmp_path, body, lang=lang)
    with pytest.raises(LexiconError, match=re.escape(str(path)) + ".*" + message):
        parse_lexicon(path, "en")


def test_a_language_without_a_file_has_no_lexicon(tmp_path: Path) -> None:
    (tmp_path / "lexicons").mkdir()
    write(tmp_path / "lexicons", lexeme("ECS", "E C S"))
    lexicons = load_lexicons(tmp_path, ["en", "de"])
    assert set(lexicons) == {"en"}


def test_the_job_key_changes_only_for_facts_with_the_edited_words(tmp_path: Path) -> None:
    before = parse_lexicon(write(tmp_path, lexeme("ECS", "E C S") + lexeme("EKS", "E K S")), "en")
    after = parse_lexicon(write(tmp_path, lexeme("ECS", "E. C. S.") + lexeme("EKS", "E K S")), "en")
    for text, changes in [
        ("Amazon ECS is cheap.", True),
        ("Amazon EKS costs more.", False),
        ("Lambda runs code.", False),
    ]:
        assert (job_digest(text, VOICE, before) != job_digest(text, VOICE, after)) is changes, text
    # a fact without lexicon words has the key it would have with no lexicon at all
    assert job_digest("Lambda runs code.", VOICE, after) == job_digest("Lambda runs code.", VOICE)
