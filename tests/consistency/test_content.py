"""The bundled decks and prompts are complete, checked and consistent across languages."""

from __future__ import annotations

import subprocess
import sys

import pytest

from factcontent.files import load_deck, load_prompts
from factcontent.locales import LANGUAGES
from factcontent.prompts import QUESTION_MARKS, QUESTION_PROMPTS, REPROMPTS
from tests.conftest import ASSETS_DIR, REPO_ROOT

EN_DECK = load_deck(ASSETS_DIR, "en")


@pytest.mark.parametrize("language", LANGUAGES)
def test_deck_is_big_enough_and_checked(language: str) -> None:
    deck = load_deck(ASSETS_DIR, language)
    assert deck.language == language
    assert len(deck.facts) >= 30
    assert len(deck.topics) >= 5
    assert all(len(deck.ids(topic)) >= 3 for topic in deck.topics)


@pytest.mark.parametrize("language", LANGUAGES)
def test_decks_share_fact_ids_and_topics(language: str) -> None:
    deck = load_deck(ASSETS_DIR, language)
    assert set(deck.topics) == set(EN_DECK.topics)
    assert {(f.id, f.topic) for f in deck.facts} == {(f.id, f.topic) for f in EN_DECK.facts}


@pytest.mark.parametrize("language", LANGUAGES)
def test_prompts_that_keep_the_session_open_ask_a_question(language: str) -> None:
    prompts = load_prompts(ASSETS_DIR, language)
    for key in QUESTION_PROMPTS:
        assert prompts.texts[key].rstrip().endswith(QUESTION_MARKS), f"{language} prompt {key!r}"
    for key in REPROMPTS:
        assert any(mark in prompts.texts[key] for mark in ("?", "？", "か")), f"{language} {key!r}"


@pytest.mark.parametrize(
    "stale",
    ["rounded up to the nearest 100", "per 100 ms", "PowerShell", "RDS can't trigger"],
)
def test_english_deck_has_no_outdated_claims(stale: str) -> None:
    assert all(stale.lower() not in f.text.lower() for f in EN_DECK.facts)


def test_english_deck_states_per_millisecond_billing() -> None:
    assert any("1 millisecond" in f.text and "December 2020" in f.text for f in EN_DECK.facts)


def test_no_symbolic_link_in_the_lambda_source() -> None:
    """The build copies the content into the artifact; the source tree links to nothing."""
    links = [p for p in (REPO_ROOT / "skill").rglob("*") if p.is_symlink()]
    assert not links, f"symbolic links in skill/: {links}"


def test_cold_start_imports_no_aws_client_and_reads_no_file() -> None:
    code = (
        "import sys, builtins\n"
        "opened = []\n"
        "real_open = builtins.open\n"
        "builtins.open = lambda f, *a, **k: (opened.append(str(f)), real_open(f, *a, **k))[1]\n"
        "import factskill.app\n"
        "bad = [m for m in sys.modules if m.split('.')[0] in ('boto3', 'botocore', 'pydub', 'requests')]\n"
        "assert not bad, bad\n"
        "assert not [f for f in opened if f.endswith('.json')], opened\n"
    )
    subprocess.run([sys.executable, "-c", code], check=True, cwd=REPO_ROOT)
