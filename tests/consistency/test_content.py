"""The bundled decks and prompts are complete, checked and consistent across languages."""

from __future__ import annotations

import json
import re
import subprocess
import sys

import pytest

from factcontent import limits
from factcontent.deck import deck_to_json, loads_deck
from factcontent.files import load_deck, load_prompts
from factcontent.locales import LANGUAGES, locales_of
from factcontent.prompts import QUESTION_MARKS, QUESTION_PROMPTS, REPROMPTS
from factcontent.text import spoken_seconds, ssml_length
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
        assert any(mark in prompts.texts[key] for mark in ("?", "？", "؟", "か")), (
            f"{language} {key!r}"
        )


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_published_deck_passes_the_check_of_a_bundled_one(language: str) -> None:
    """The pipeline publishes deck_to_json; the skill reads it back with the same check."""
    deck = load_deck(ASSETS_DIR, language)
    body = json.dumps(deck_to_json(deck), ensure_ascii=False).encode("utf-8")
    published = loads_deck(body, source=f"decks/{language}/x.json", locales=locales_of(language))
    assert published.facts == deck.facts and published.topics == deck.topics


@pytest.mark.parametrize("language", LANGUAGES)
def test_bundled_facts_are_far_from_the_audio_limit(language: str) -> None:
    deck = load_deck(ASSETS_DIR, language)
    longest = max(spoken_seconds(fact.text, language) for fact in deck.facts)
    assert longest < limits.MAX_FACT_SPOKEN_SECONDS / 2


@pytest.mark.parametrize("language", LANGUAGES)
def test_prompts_with_the_decks_topics_fit_their_share_of_a_response(language: str) -> None:
    deck, prompts = load_deck(ASSETS_DIR, language), load_prompts(ASSETS_DIR, language)
    names = list(deck.topics.values())
    for name in names:
        for key in ("topic_intro", "topic_exhausted"):
            spoken = prompts.say(key, topic=name)
            assert ssml_length(spoken) <= (
                limits.MAX_PROMPT_SSML_CHARACTERS + limits.MAX_TOPIC_NAME_SSML_CHARACTERS
            )
    listed = prompts.join(names)
    for key in ("topics", "topics_reprompt"):
        assert ssml_length(prompts.say(key, topics=listed)) <= (
            limits.MAX_PROMPT_SSML_CHARACTERS + limits.MAX_TOPIC_LIST_SSML_CHARACTERS
        )


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


# Names a translation keeps as they are (AWS's product names, the conference), and years: what
# every deck must say of each fact exactly as the English does.
KEPT_NAMES = (
    "Lambda", "DynamoDB", "Fargate", "ECS", "EKS", "ECR", "EC2", "S3", "API Gateway",
    "Step Functions", "Aurora", "Kubernetes", "SAM", "CloudFormation", "Graviton",
    "EventBridge", "SQS", "SNS", "X-Ray", "CDK", "re:Invent", "Firecracker", "SnapStart",
    "App Runner", "Batch",
)  # fmt: skip


def _kept(text: str) -> tuple[list[str], list[str]]:
    years = sorted(re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", text))
    names = sorted(
        name
        for name in KEPT_NAMES
        if re.search(rf"(?<![A-Za-z]){re.escape(name)}(?![A-Za-z])", text)
    )
    return years, names


@pytest.mark.parametrize("language", [lang for lang in LANGUAGES if lang != "en"])
def test_every_translation_keeps_the_years_and_names_of_each_fact(language: str) -> None:
    english = {fact.id: fact.text for fact in load_deck(ASSETS_DIR, "en").facts}
    deck = load_deck(ASSETS_DIR, language)
    assert [fact.id for fact in deck.facts] == list(english)
    for fact in deck.facts:
        assert _kept(fact.text) == _kept(english[fact.id]), f"{language} {fact.id}"
