"""template.yaml: it lints offline, the bucket is public only where it must be, and the function
gets exactly the settings factskill.config reads."""

from __future__ import annotations

import importlib
import os
import re
import shutil
import subprocess
import sys
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

import pytest
from cfnlint.decode import decode_str

from factcontent.layout import PUBLIC_PREFIX
from factskill.config import Settings
from factskill.constants import (
    ENV_ALLOW_HTTP_AUDIO,
    ENV_AUDIO_MANIFEST,
    ENV_CONTENT_DIR,
    SETTINGS_ENV_VARS,
)
from tests.conftest import ASSETS_DIR, REPO_ROOT

TEMPLATE = REPO_ROOT / "template.yaml"
# Local development only: in Lambda the content is the bundled copy and audio is https.
LOCAL_ONLY_ENV_VARS = frozenset({ENV_AUDIO_MANIFEST, ENV_ALLOW_HTTP_AUDIO, ENV_CONTENT_DIR})
# The source tree bundles no content: Settings read assets/ here, as the built function its copy.
LOCAL_CONTENT = {ENV_CONTENT_DIR: str(ASSETS_DIR)}
SKILL_ID_PATTERN = r"^amzn1\.ask\.skill\.[0-9a-fA-F-]+$"
LAMBDA_LOG_LEVELS = frozenset({"TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"})
ALEXA_TIMEOUT_SECONDS = 8
BUCKET = "AudioBucket"
PUBLIC_OBJECTS = f"${{{BUCKET}.Arn}}/{PUBLIC_PREFIX}*"
BASE_URL = f"https://${{{BUCKET}}}.s3.${{AWS::Region}}.amazonaws.com/{PUBLIC_PREFIX}"

Node = dict[str, Any]


def cli(name: str) -> str:
    """Return the console script `name` of this interpreter's environment."""
    script = Path(sys.executable).with_name(name)
    found = str(script) if script.exists() else shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed next to {sys.executable}: pip install -e '.[dev]'")
    return found


def as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def arn_text(value: Any) -> str:
    """Spell a policy Resource as a !Sub string: {"Fn::GetAtt": [B, "Arn"]} -> "${B.Arn}"."""
    if isinstance(value, dict) and "Fn::GetAtt" in value:
        target = value["Fn::GetAtt"]
        return "${" + (".".join(target) if isinstance(target, list) else target) + "}"
    if isinstance(value, dict) and "Fn::Sub" in value:
        return str(value["Fn::Sub"])
    return str(value)


def is_anyone(principal: Any) -> bool:
    return principal == "*" or (
        isinstance(principal, dict) and "*" in as_list(principal.get("AWS"))
    )


@pytest.fixture(scope="module")
def template() -> Node:
    loaded, errors = decode_str(TEMPLATE.read_text(encoding="utf-8"))
    assert not errors, errors
    return loaded


@pytest.fixture(scope="module")
def resources(template: Node) -> Node:
    return template["Resources"]


@pytest.fixture(scope="module")
def function(resources: Node) -> Node:
    return resources["SkillFunction"]["Properties"]


@pytest.fixture(scope="module")
def bucket(resources: Node) -> Node:
    return resources[BUCKET]


@pytest.fixture(scope="module")
def statements(resources: Node) -> list[Node]:
    return resources["AudioBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]


@pytest.fixture
def offline_env(tmp_path: Path) -> dict[str, str]:
    """No credentials, no profile, no telemetry: what a CI runner without AWS access has."""
    kept = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "SAM_CLI_"))}
    return kept | {
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(tmp_path / "no-config"),
        "AWS_SHARED_CREDENTIALS_FILE": str(tmp_path / "no-credentials"),
        "SAM_CLI_TELEMETRY": "0",
    }


@pytest.mark.slow
def test_template_passes_cfn_lint() -> None:
    result = subprocess.run(
        [cli("cfn-lint"), "template.yaml"],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr


@pytest.mark.slow
def test_template_passes_sam_validate_lint_offline(offline_env: dict[str, str]) -> None:
    result = subprocess.run(
        [cli("sam"), "validate", "--lint", "--template-file", "template.yaml"],
        cwd=REPO_ROOT,
        env=offline_env,
        capture_output=True,
        text=True,
        timeout=180,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "is a valid SAM Template" in result.stdout + result.stderr


def test_bucket_policy_allows_anyone_only_to_get_public_objects(statements: list[Node]) -> None:
    allows = [s for s in statements if s["Effect"] == "Allow"]
    assert len(allows) == 1
    (allow,) = allows
    assert allow["Principal"] == "*"
    assert as_list(allow["Action"]) == ["s3:GetObject"]
    assert [arn_text(r) for r in as_list(allow["Resource"])] == [PUBLIC_OBJECTS]


def test_bucket_policy_denies_insecure_transport_to_bucket_and_objects(
    statements: list[Node],
) -> None:
    denies = [
        s
        for s in statements
        if s["Effect"] == "Deny"
        and str(s.get("Condition", {}).get("Bool", {}).get("aws:SecureTransport")).lower()
        == "false"
    ]
    assert len(denies) == 1
    (deny,) = denies
    assert deny["Principal"] == "*"
    assert as_list(deny["Action"]) == ["s3:*"]
    assert {arn_text(r) for r in as_list(deny["Resource"])} == {
        f"${{{BUCKET}.Arn}}",
        f"${{{BUCKET}.Arn}}/*",
    }


@pytest.mark.parametrize(
    "action",
    ["s3:ListBucket", "s3:PutObject", "s3:DeleteObject", "s3:PutObjectAcl", "s3:PutBucketPolicy"],
)
def test_bucket_policy_grants_anyone_no_list_or_write(statements: list[Node], action: str) -> None:
    for statement in statements:
        assert not {"NotAction", "NotPrincipal", "NotResource"} & set(statement)
        if statement["Effect"] == "Allow" and is_anyone(statement["Principal"]):
            patterns = [p.lower() for p in as_list(statement["Action"])]
            assert not any(fnmatchcase(action.lower(), p) for p in patterns), statement["Sid"]


def test_bucket_keeps_acls_off_and_lets_only_the_policy_make_it_public(bucket: Node) -> None:
    props = bucket["Properties"]
    assert props["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    assert props["OwnershipControls"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}
    assert "AccessControl" not in props


def test_bucket_is_encrypted_with_s3_managed_keys(bucket: Node) -> None:
    # SSE-KMS would break anonymous reads: Alexa has no permission on the key.
    (rule,) = bucket["Properties"]["BucketEncryption"]["ServerSideEncryptionConfiguration"]
    assert rule["ServerSideEncryptionByDefault"]["SSEAlgorithm"] == "AES256"


def test_bucket_is_retained_and_has_a_generated_name(bucket: Node) -> None:
    assert bucket["DeletionPolicy"] == "Retain"
    assert bucket["UpdateReplacePolicy"] == "Retain"
    # A name with dots breaks TLS on https://BUCKET.s3.REGION.amazonaws.com/.
    assert "BucketName" not in bucket["Properties"]


def test_bucket_policy_is_attached_to_the_audio_bucket(resources: Node) -> None:
    assert resources["AudioBucketPolicy"]["Properties"]["Bucket"] == {"Ref": BUCKET}


def test_alexa_event_accepts_only_the_skill_id_parameter(template: Node, function: Node) -> None:
    events = [e for e in function["Events"].values() if e["Type"] == "AlexaSkill"]
    assert len(events) == 1
    assert events[0]["Properties"]["SkillId"] == {"Ref": "SkillId"}
    parameter = template["Parameters"]["SkillId"]
    assert parameter["AllowedPattern"] == SKILL_ID_PATTERN
    assert "Default" not in parameter


@pytest.mark.parametrize(
    ("skill_id", "valid"),
    [
        ("amzn1.ask.skill.00000000-0000-0000-0000-000000000000", True),
        ("amzn1.ask.skill.6f2b1a7e-ABCD-4e5f-9a0b-1c2d3e4f5a6b", True),
        ("amzn1.ask.skill.", False),
        ("amzn1.echo-sdk-ams.app.00000000-0000", False),
        ("amzn1.ask.skill.0000 ", False),
        ("", False),
    ],
)
def test_skill_id_pattern_accepts_only_skill_ids(
    template: Node, skill_id: str, valid: bool
) -> None:
    pattern = template["Parameters"]["SkillId"]["AllowedPattern"]
    assert bool(re.fullmatch(pattern, skill_id)) is valid


def test_local_only_variables_are_settings() -> None:
    assert set(SETTINGS_ENV_VARS) >= LOCAL_ONLY_ENV_VARS


def test_function_environment_is_what_settings_read(function: Node) -> None:
    variables = set(function["Environment"]["Variables"])
    expected = set(SETTINGS_ENV_VARS) - LOCAL_ONLY_ENV_VARS
    assert variables - expected == set(), "set in template.yaml but never read by Settings"
    assert expected - variables == set(), "read by Settings but missing from template.yaml"


def test_function_environment_values(template: Node, function: Node) -> None:
    variables = function["Environment"]["Variables"]
    assert variables["SKILL_ID"] == {"Ref": "SkillId"}
    assert variables["LOG_LEVEL"] == {"Ref": "LogLevel"}
    assert variables["CONTENT_REFRESH_SECONDS"] == {"Ref": "ContentRefreshSeconds"}
    assert variables["AUDIO_BASE_URL"] == {"Fn::Sub": BASE_URL}
    assert variables["CONTENT_BASE_URL"] == variables["AUDIO_BASE_URL"]
    assert template["Outputs"]["AudioBaseUrl"]["Value"] == variables["AUDIO_BASE_URL"]


def test_parameter_defaults_and_choices_are_accepted_by_settings(template: Node) -> None:
    parameters = template["Parameters"]
    for level in [*parameters["LogLevel"]["AllowedValues"], parameters["LogLevel"]["Default"]]:
        assert Settings.from_env({**LOCAL_CONTENT, "LOG_LEVEL": level}).log_level == level
    refresh = parameters["ContentRefreshSeconds"]
    assert refresh["MinValue"] == 0
    settings = Settings.from_env(
        {**LOCAL_CONTENT, "CONTENT_REFRESH_SECONDS": str(refresh["Default"])}
    )
    assert settings.content_refresh_seconds == float(refresh["Default"])


def test_every_log_level_is_one_lambda_accepts(template: Node, function: Node) -> None:
    # Lambda's ApplicationLogLevel has WARN, not WARNING: a plain !Ref LogLevel fails to deploy.
    allowed = template["Parameters"]["LogLevel"]["AllowedValues"]
    value = function["LoggingConfig"]["ApplicationLogLevel"]
    if value == {"Ref": "LogLevel"}:
        lambda_levels = set(allowed)
    else:
        mapping, key, attribute = value["Fn::FindInMap"]
        assert key == {"Ref": "LogLevel"}
        lambda_levels = {template["Mappings"][mapping][level][attribute] for level in allowed}
    assert lambda_levels <= LAMBDA_LOG_LEVELS


def test_function_runs_on_python_313_arm_within_alexas_timeout(
    resources: Node, function: Node
) -> None:
    assert function["Handler"] == "factskill.app.handler"
    assert function["CodeUri"] == "skill/"
    assert function["Runtime"] == "python3.13"
    assert function["Architectures"] == ["arm64"]
    assert function["Timeout"] < ALEXA_TIMEOUT_SECONDS
    assert function["Tracing"] == "Active"
    assert function["LoggingConfig"]["LogFormat"] == "JSON"
    assert resources["SkillFunction"]["Metadata"]["BuildMethod"] == "makefile"


def test_function_has_no_permissions_beyond_logs_and_xray(function: Node) -> None:
    # The bucket is read over public HTTPS, never through the S3 API.
    assert not {"Policies", "Role", "PermissionsBoundary"} & set(function)


def test_function_handler_resolves(function: Node) -> None:
    module, _, name = function["Handler"].rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))


def test_outputs_give_the_endpoint_and_the_bucket_without_exports(template: Node) -> None:
    outputs = template["Outputs"]
    assert {"SkillFunctionArn", "AudioBucketName", "AudioBaseUrl"} <= set(outputs)
    assert outputs["SkillFunctionArn"]["Value"] == {"Fn::GetAtt": ["SkillFunction", "Arn"]}
    assert outputs["AudioBucketName"]["Value"] == {"Ref": BUCKET}
    assert not any("Export" in output for output in outputs.values())
