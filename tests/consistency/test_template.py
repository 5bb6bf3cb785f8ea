"""template.yaml: it lints offline, the bucket is public only where it must be, the function gets
exactly the settings factskill.config reads and answers as its live alias, its logs expire, it
may only read, update and delete items of the memory table (keyed, expired and kept as
factskill.memory expects), and the publisher policy allows what the pipeline does and nothing
more."""

from __future__ import annotations

import copy
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
from cfnlint.template import Template

from factaudio.lexicon import load_lexicons
from factcontent.layout import (
    AUDIO_DIR,
    DECKS_DIR,
    GENERATIONS_DIR,
    MANIFEST_FILE,
    PUBLIC_PREFIX,
    audio_key,
    generation_key,
    published_deck_key,
)
from factcontent.locales import LANGUAGES, LOCALE_LANGUAGE
from factskill.config import Settings
from factskill.constants import (
    ENV_ALLOW_HTTP_AUDIO,
    ENV_AUDIO_MANIFEST,
    ENV_CONTENT_DIR,
    SETTINGS_ENV_VARS,
)
from factskill.memory import KEY_ATTRIBUTE, TTL_ATTRIBUTE
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
ALIAS = "live"
ALEXA_PRINCIPAL = "alexa-appkit.amazon.com"
# What SAM gives a function with Tracing: Active, besides the Policies it is given.
LOGS_AND_XRAY = [
    "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole",
    "arn:aws:iam::aws:policy/AWSXrayWriteOnlyAccess",
]
# CloudWatch Logs accepts only these retentions (and none, which keeps logs forever).
CLOUDWATCH_RETENTION_DAYS = frozenset(
    {1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557}
    | {2922, 3288, 3653}
)
MAX_LOG_RETENTION_DAYS = 365

MEMORY = "MemoryTable"
MEMORY_ARN = f"${{{MEMORY}.Arn}}"
# Exactly what factskill.memory calls: a read per session, conditional writes, and the delete
# when the skill is disabled.
MEMORY_ACTIONS = frozenset({"dynamodb:GetItem", "dynamodb:UpdateItem", "dynamodb:DeleteItem"})

PUBLISHER = "PublisherPolicy"
# Exactly what scripts/synthesize.py calls (HeadObject is s3:GetObject; DeleteObjects is
# s3:DeleteObject per key; touch's CopyObject is GetObject + PutObject; a conditional PutObject
# needs nothing more).
PUBLISHER_ACTIONS = frozenset(
    {"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject"}
    | {"polly:SynthesizeSpeech", "polly:DescribeVoices"}
    | {"polly:PutLexicon", "polly:GetLexicon", "polly:ListLexicons", "polly:DeleteLexicon"}
)
# Actions that name no resource the policy could scope them to.
ANY_RESOURCE_ACTIONS = frozenset(
    {"polly:DescribeVoices", "polly:ListLexicons", "polly:SynthesizeSpeech"}
)
LEXICON_ACTIONS = frozenset({"polly:PutLexicon", "polly:GetLexicon", "polly:DeleteLexicon"})
LEXICONS_ARN = "arn:${AWS::Partition}:polly:${AWS::Region}:${AWS::AccountId}:lexicon/sf*"
# Under the public prefix: the content-addressed trees prune may delete, and the commit point.
PRUNABLE_OBJECTS = frozenset(
    f"${{{BUCKET}.Arn}}/{PUBLIC_PREFIX}{tree}/*" for tree in (AUDIO_DIR, DECKS_DIR, GENERATIONS_DIR)
)
MANIFEST_OBJECT = f"${{{BUCKET}.Arn}}/{PUBLIC_PREFIX}{MANIFEST_FILE}"
GENERATIONS_PREFIX = f"{PUBLIC_PREFIX}{GENERATIONS_DIR}/"
# Nobody gets these: they are how a bucket or an object becomes public (or private) by mistake.
FORBIDDEN_S3_ACTIONS = (
    "s3:PutObjectAcl",
    "s3:PutBucketAcl",
    "s3:PutBucketPolicy",
    "s3:DeleteBucketPolicy",
    "s3:PutBucketPublicAccessBlock",
    "s3:PutBucketOwnershipControls",
    "s3:PutBucketVersioning",
    "s3:PutLifecycleConfiguration",
)

# One made-up deployment, to evaluate the policy against concrete ARNs.
REGION = "us-east-1"
BUCKET_ARN = "arn:aws:s3:::facts-audiobucket-0123abcd"
TABLE_ARN = "arn:aws:dynamodb:us-east-1:123456789012:table/facts-MemoryTable-0123ABCD"
ARN_VALUES = {
    f"{BUCKET}.Arn": BUCKET_ARN,
    f"{MEMORY}.Arn": TABLE_ARN,
    "AWS::Partition": "aws",
    "AWS::Region": REGION,
    "AWS::AccountId": "123456789012",
}
DIGEST = "0123456789abcdef" * 4

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


def resolved(value: Any) -> str:
    """A policy Resource as the ARN it is in the made-up deployment."""
    return re.sub(r"\$\{([^}]+)\}", lambda match: ARN_VALUES[match.group(1)], arn_text(value))


def public_object(key: str) -> str:
    return f"{BUCKET_ARN}/{PUBLIC_PREFIX}{key}"


def lexicon_arn(name: str) -> str:
    return f"arn:aws:polly:{REGION}:{ARN_VALUES['AWS::AccountId']}:lexicon/{name}"


def conditions_hold(condition: Node, context: dict[str, str]) -> bool:
    """Evaluate the only operator the publisher policy may use: StringLike, all keys present."""
    for operator, tests in condition.items():
        assert operator == "StringLike", f"cannot evaluate {operator} here"
        for key, patterns in tests.items():
            if key not in context or not any(
                fnmatchcase(context[key], p) for p in as_list(patterns)
            ):
                return False
    return True


def allows(statements: list[Node], action: str, arn: str, context: dict[str, str]) -> bool:
    """Whether an Allow statement matches the request (IAM wildcards; actions ignore case)."""
    return any(
        statement["Effect"] == "Allow"
        and any(fnmatchcase(action.lower(), p.lower()) for p in as_list(statement["Action"]))
        and any(fnmatchcase(arn, resolved(r)) for r in as_list(statement["Resource"]))
        and conditions_hold(statement.get("Condition", {}), context)
        for statement in statements
    )


def pipeline_lexicon_names() -> list[str]:
    """The Polly names the pipeline gives the shipped lexicons, for every locale's voice."""
    lexicons = load_lexicons(ASSETS_DIR, LANGUAGES)
    return sorted(
        {
            name
            for locale, language in LOCALE_LANGUAGE.items()
            if language in lexicons
            for name in lexicons[language].polly_names(locale)
        }
    )


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
def table(resources: Node) -> Node:
    return resources[MEMORY]


@pytest.fixture(scope="module")
def statements(resources: Node) -> list[Node]:
    return resources["AudioBucketPolicy"]["Properties"]["PolicyDocument"]["Statement"]


@pytest.fixture(scope="module")
def lifecycle(bucket: Node) -> list[Node]:
    return bucket["Properties"]["LifecycleConfiguration"]["Rules"]


@pytest.fixture(scope="module")
def publisher(resources: Node) -> list[Node]:
    policy = resources[PUBLISHER]
    assert policy["Type"] == "AWS::IAM::ManagedPolicy"
    return policy["Properties"]["PolicyDocument"]["Statement"]


@pytest.fixture(scope="module")
def deployed(template: Node) -> Node:
    """The template after SAM's transform (cfn-lint's, offline): what CloudFormation creates."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("AWS_DEFAULT_REGION", REGION)  # the transform sets it: undone on exit
        cfn = Template(str(TEMPLATE), copy.deepcopy(template), [REGION])
        errors = cfn.transform()
    assert not errors, errors
    return cfn.template


@pytest.fixture(scope="module")
def role_statements(deployed: Node) -> list[Node]:
    """Every statement of the function role's inline policies, as CloudFormation gets them."""
    role = deployed["Resources"]["SkillFunctionRole"]["Properties"]
    return [
        statement
        for policy in role.get("Policies", [])
        for statement in as_list(policy["PolicyDocument"]["Statement"])
    ]


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
    assert variables["MEMORY_TABLE"] == {"Ref": MEMORY}


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


def test_function_has_no_permissions_beyond_logs_xray_and_memory_items(function: Node) -> None:
    # The bucket is read over public HTTPS, never through the S3 API: DynamoDB is all it calls.
    assert not {"Role", "PermissionsBoundary"} & set(function)
    (policy,) = function["Policies"]
    assert set(policy) == {"Statement"}, "an inline statement, not a SAM policy template"
    (statement,) = policy["Statement"]
    assert statement["Effect"] == "Allow"
    assert not {"NotAction", "NotResource", "Condition"} & set(statement)
    actions = as_list(statement["Action"])
    assert len(actions) == len(set(actions))
    assert set(actions) == MEMORY_ACTIONS
    assert [arn_text(r) for r in as_list(statement["Resource"])] == [MEMORY_ARN]


def test_function_handler_resolves(function: Node) -> None:
    module, _, name = function["Handler"].rpartition(".")
    assert callable(getattr(importlib.import_module(module), name))


def test_outputs_give_the_endpoint_the_bucket_the_table_and_the_policy(template: Node) -> None:
    outputs = template["Outputs"]
    assert {"SkillAliasArn", "SkillFunctionArn", "AudioBucketName", "AudioBaseUrl"} <= set(outputs)
    assert outputs["SkillAliasArn"]["Value"] == {"Ref": "SkillFunction.Alias"}
    assert outputs["SkillFunctionArn"]["Value"] == {"Fn::GetAtt": ["SkillFunction", "Arn"]}
    assert "SkillAliasArn" in outputs["SkillFunctionArn"]["Description"]
    assert outputs["AudioBucketName"]["Value"] == {"Ref": BUCKET}
    assert outputs["MemoryTableName"]["Value"] == {"Ref": MEMORY}
    # Only the policy is for other stacks and roles to import.
    assert [name for name, output in outputs.items() if "Export" in output] == [
        "PublisherPolicyArn"
    ]


def test_endpoint_output_is_the_alias_arn(deployed: Node) -> None:
    (alias,) = [
        name for name, r in deployed["Resources"].items() if r["Type"] == "AWS::Lambda::Alias"
    ]
    assert deployed["Outputs"]["SkillAliasArn"]["Value"] == {"Ref": alias}


def test_function_publishes_a_version_behind_the_live_alias(function: Node) -> None:
    assert function["AutoPublishAlias"] == ALIAS
    # Otherwise a change of Timeout or LoggingConfig alone would leave the alias on the old one.
    assert function["AutoPublishAliasAllProperties"] is True


def test_alexa_may_invoke_only_the_alias(deployed: Node) -> None:
    resources = deployed["Resources"]
    (alias,) = [name for name, r in resources.items() if r["Type"] == "AWS::Lambda::Alias"]
    assert resources[alias]["Properties"]["Name"] == ALIAS
    assert resources[alias]["Properties"]["FunctionName"] == {"Ref": "SkillFunction"}
    permissions = [
        r["Properties"] for r in resources.values() if r["Type"] == "AWS::Lambda::Permission"
    ]
    assert len(permissions) == 1
    (permission,) = permissions
    assert permission["Principal"] == ALEXA_PRINCIPAL
    assert permission["Action"] == "lambda:InvokeFunction"
    assert permission["EventSourceToken"] == {"Ref": "SkillId"}
    assert permission["FunctionName"] == {"Ref": alias}


def test_function_role_may_only_log_trace_and_use_memory_items(
    deployed: Node, role_statements: list[Node]
) -> None:
    # AWSLambdaBasicExecutionRole allows logs:CreateLogStream and PutLogEvents on any log group,
    # the custom one included: no inline policy is needed for it.
    role = deployed["Resources"]["SkillFunctionRole"]["Properties"]
    assert sorted(role["ManagedPolicyArns"]) == sorted(LOGS_AND_XRAY)
    assert "PermissionsBoundary" not in role
    assert len(role["Policies"]) == 1
    for statement in role_statements:
        assert statement["Effect"] == "Allow"
        assert not {"NotAction", "NotResource", "Condition"} & set(statement)
    actions = [action for s in role_statements for action in as_list(s["Action"])]
    assert sorted(actions) == sorted(MEMORY_ACTIONS)
    resources = {arn_text(r) for s in role_statements for r in as_list(s["Resource"])}
    assert resources == {MEMORY_ARN}


@pytest.mark.parametrize("action", sorted(MEMORY_ACTIONS))
def test_function_role_allows_the_memory_calls_on_the_table(
    role_statements: list[Node], action: str
) -> None:
    assert allows(role_statements, action, TABLE_ARN, {})


@pytest.mark.parametrize(
    ("action", "arn"),
    [
        # Memory never writes a whole item, lists or reads in bulk: a forged key reads one item.
        ("dynamodb:PutItem", TABLE_ARN),
        ("dynamodb:Query", TABLE_ARN),
        ("dynamodb:Scan", TABLE_ARN),
        ("dynamodb:BatchGetItem", TABLE_ARN),
        ("dynamodb:BatchWriteItem", TABLE_ARN),
        ("dynamodb:PartiQLSelect", TABLE_ARN),
        ("dynamodb:DeleteTable", TABLE_ARN),
        ("dynamodb:UpdateTimeToLive", TABLE_ARN),
        ("dynamodb:GetItem", "arn:aws:dynamodb:us-east-1:123456789012:table/another"),
        ("dynamodb:GetItem", f"{TABLE_ARN}/index/by-topic"),
        ("s3:GetObject", public_object(MANIFEST_FILE)),
        ("kms:Decrypt", "*"),
    ],
)
def test_function_role_denies_the_rest(role_statements: list[Node], action: str, arn: str) -> None:
    assert not allows(role_statements, action, arn, {})


def test_memory_table_is_keyed_as_memory_reads_it_and_billed_on_demand(table: Node) -> None:
    assert table["Type"] == "AWS::DynamoDB::Table"
    props = table["Properties"]
    assert props["KeySchema"] == [{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}]
    assert props["AttributeDefinitions"] == [{"AttributeName": KEY_ATTRIBUTE, "AttributeType": "S"}]
    assert props["BillingMode"] == "PAY_PER_REQUEST"
    assert "ProvisionedThroughput" not in props
    # Memory only gets items by key; a generated name lets a replacement and a second stack be.
    assert not {"GlobalSecondaryIndexes", "LocalSecondaryIndexes", "TableName"} & set(props)


def test_memory_table_expires_items_on_the_attribute_memory_writes(table: Node) -> None:
    assert table["Properties"]["TimeToLiveSpecification"] == {
        "AttributeName": TTL_ATTRIBUTE,
        "Enabled": True,
    }


def test_memory_table_has_point_in_time_recovery(table: Node) -> None:
    assert table["Properties"]["PointInTimeRecoverySpecification"] == {
        "PointInTimeRecoveryEnabled": True
    }


def test_memory_table_is_encrypted_with_the_aws_managed_key(table: Node) -> None:
    sse = table["Properties"]["SSESpecification"]
    assert sse["SSEEnabled"] is True
    # A customer managed key would need kms permissions the function role does not have.
    assert not {"KMSMasterKeyId", "SSEType"} & set(sse)


def test_memory_table_is_retained(table: Node) -> None:
    # A stack delete or a replacement must not forget every listener; TTL still expires items.
    assert table["DeletionPolicy"] == "Retain"
    assert table["UpdateReplacePolicy"] == "Retain"


def test_log_retention_is_a_parameter_cloudwatch_accepts(template: Node) -> None:
    parameter = template["Parameters"]["LogRetentionDays"]
    assert parameter["Default"] in parameter["AllowedValues"]
    assert set(parameter["AllowedValues"]) <= CLOUDWATCH_RETENTION_DAYS
    # Listener requests are in the logs: never kept for more than a year.
    assert max(parameter["AllowedValues"]) <= MAX_LOG_RETENTION_DAYS


def test_function_logs_to_a_log_group_with_retention(resources: Node, function: Node) -> None:
    reference = function["LoggingConfig"]["LogGroup"]
    assert set(reference) == {"Ref"}
    group = resources[reference["Ref"]]
    assert group["Type"] == "AWS::Logs::LogGroup"
    assert group["Properties"]["RetentionInDays"] == {"Ref": "LogRetentionDays"}
    assert group.get("DeletionPolicy", "Delete") == "Delete"


def test_bucket_is_versioned(bucket: Node) -> None:
    assert bucket["Properties"]["VersioningConfiguration"] == {"Status": "Enabled"}


def test_lifecycle_rules_are_enabled_and_named(lifecycle: list[Node]) -> None:
    assert all(rule["Status"] == "Enabled" for rule in lifecycle)
    ids = [rule["Id"] for rule in lifecycle]
    assert len(set(ids)) == len(ids)


def test_lifecycle_expires_noncurrent_versions_everywhere(lifecycle: list[Node]) -> None:
    rules = [r for r in lifecycle if "NoncurrentVersionExpiration" in r]
    assert len(rules) == 1
    (rule,) = rules
    assert not {"Prefix", "TagFilters"} & set(rule)
    assert 1 <= rule["NoncurrentVersionExpiration"]["NoncurrentDays"] <= 90
    # What prune leaves once the versions it replaced are gone.
    assert rule["ExpiredObjectDeleteMarker"] is True


def test_lifecycle_expires_old_generation_copies(lifecycle: list[Node]) -> None:
    rules = [r for r in lifecycle if r.get("Prefix") == GENERATIONS_PREFIX]
    assert len(rules) == 1
    (rule,) = rules
    assert 30 <= rule["ExpirationInDays"] <= 365


def test_lifecycle_expires_no_current_audio_decks_or_manifest(lifecycle: list[Node]) -> None:
    for rule in lifecycle:
        if {"ExpirationInDays", "ExpirationDate"} & set(rule):
            assert rule.get("Prefix") == GENERATIONS_PREFIX, rule["Id"]
        assert "Transitions" not in rule and "Transition" not in rule, rule["Id"]


def test_lifecycle_aborts_incomplete_multipart_uploads(lifecycle: list[Node]) -> None:
    rules = [r for r in lifecycle if "AbortIncompleteMultipartUpload" in r]
    assert len(rules) == 1
    (rule,) = rules
    assert "Prefix" not in rule
    assert rule["AbortIncompleteMultipartUpload"]["DaysAfterInitiation"] == 1


def test_publisher_policy_grants_exactly_the_pipelines_actions(publisher: list[Node]) -> None:
    for statement in publisher:
        assert statement["Effect"] == "Allow"
        assert not {"NotAction", "NotResource", "Principal"} & set(statement)
    actions = [action for s in publisher for action in as_list(s["Action"])]
    assert len(actions) == len(set(actions)), "an action in two statements"
    assert set(actions) == PUBLISHER_ACTIONS
    assert not any("*" in action or "?" in action for action in actions)


def test_publisher_policy_scopes_s3_to_the_bucket_and_the_published_trees(
    publisher: list[Node],
) -> None:
    resources = {
        action: {arn_text(r) for r in as_list(s["Resource"])}
        for s in publisher
        for action in as_list(s["Action"])
        if action.startswith("s3:")
    }
    assert resources == {
        "s3:ListBucket": {f"${{{BUCKET}.Arn}}"},
        "s3:GetObject": {PUBLIC_OBJECTS},
        "s3:PutObject": PRUNABLE_OBJECTS | {MANIFEST_OBJECT},
        "s3:DeleteObject": PRUNABLE_OBJECTS,
    }
    (listing,) = [s for s in publisher if "s3:ListBucket" in as_list(s["Action"])]
    assert listing["Condition"] == {"StringLike": {"s3:prefix": f"{PUBLIC_PREFIX}*"}}


def test_publisher_policy_names_any_resource_only_for_actions_without_one(
    publisher: list[Node],
) -> None:
    for statement in publisher:
        if "*" in as_list(statement["Resource"]):
            assert set(as_list(statement["Action"])) <= ANY_RESOURCE_ACTIONS, statement["Sid"]


def test_publisher_policy_scopes_lexicons_to_the_pipelines_names(publisher: list[Node]) -> None:
    for statement in publisher:
        if LEXICON_ACTIONS & set(as_list(statement["Action"])):
            assert [arn_text(r) for r in as_list(statement["Resource"])] == [LEXICONS_ARN]


@pytest.mark.parametrize(
    ("action", "arn", "context"),
    [
        ("s3:ListBucket", BUCKET_ARN, {"s3:prefix": PUBLIC_PREFIX}),
        ("s3:GetObject", public_object(MANIFEST_FILE), {}),
        ("s3:GetObject", public_object(generation_key("20250101T000000Z")), {}),
        ("s3:GetObject", public_object(audio_key("en-US", DIGEST)), {}),
        ("s3:PutObject", public_object(audio_key("ja-JP", DIGEST)), {}),
        ("s3:PutObject", public_object(published_deck_key("de", DIGEST)), {}),
        ("s3:PutObject", public_object(generation_key("20250101T000000Z")), {}),
        ("s3:PutObject", public_object(MANIFEST_FILE), {}),
        ("s3:DeleteObject", public_object(audio_key("fr-FR", DIGEST)), {}),
        ("s3:DeleteObject", public_object(published_deck_key("es", DIGEST)), {}),
        ("s3:DeleteObject", public_object(generation_key("20240101T000000Z")), {}),
        ("polly:DescribeVoices", "*", {}),
        ("polly:ListLexicons", "*", {}),
        ("polly:SynthesizeSpeech", "*", {}),
        *[
            (action, lexicon_arn(name), {})
            for name in pipeline_lexicon_names()
            for action in sorted(LEXICON_ACTIONS | {"polly:SynthesizeSpeech"})
        ],
    ],
)
def test_publisher_policy_allows_what_the_pipeline_does(
    publisher: list[Node], action: str, arn: str, context: dict[str, str]
) -> None:
    assert allows(publisher, action, arn, context)


@pytest.mark.parametrize(
    ("action", "arn", "context"),
    [
        ("s3:ListBucket", BUCKET_ARN, {}),
        ("s3:ListBucket", BUCKET_ARN, {"s3:prefix": "private/"}),
        ("s3:ListBucket", "arn:aws:s3:::another-bucket", {"s3:prefix": PUBLIC_PREFIX}),
        ("s3:GetObject", f"{BUCKET_ARN}/private/notes.txt", {}),
        ("s3:PutObject", f"{BUCKET_ARN}/index.html", {}),
        ("s3:PutObject", public_object("index.html"), {}),
        ("s3:PutObject", f"arn:aws:s3:::another-bucket/{PUBLIC_PREFIX}{MANIFEST_FILE}", {}),
        ("s3:DeleteObject", public_object(MANIFEST_FILE), {}),
        ("s3:DeleteObjectVersion", public_object(audio_key("en-US", DIGEST)), {}),
        ("s3:PutObjectAcl", public_object(audio_key("en-US", DIGEST)), {}),
        ("s3:PutBucketPolicy", BUCKET_ARN, {}),
        ("polly:PutLexicon", lexicon_arn("theirs"), {}),
        ("polly:DeleteLexicon", lexicon_arn("other"), {}),
        ("polly:StartSpeechSynthesisTask", "*", {}),
    ],
)
def test_publisher_policy_denies_the_rest(
    publisher: list[Node], action: str, arn: str, context: dict[str, str]
) -> None:
    assert not allows(publisher, action, arn, context)


def test_publisher_policy_is_exported_and_attached_to_nothing(
    template: Node, resources: Node
) -> None:
    # Which role publishes (a person's, CI's) is the account's choice: the stack only offers it.
    assert not {"Roles", "Users", "Groups"} & set(resources[PUBLISHER]["Properties"])
    output = template["Outputs"]["PublisherPolicyArn"]
    assert output["Value"] == {"Ref": PUBLISHER}
    name = output["Export"]["Name"]
    assert "${AWS::StackName}" in name["Fn::Sub"]


@pytest.mark.parametrize("action", FORBIDDEN_S3_ACTIONS)
def test_no_policy_allows_acl_or_bucket_configuration_changes(deployed: Node, action: str) -> None:
    documents = []
    for resource in deployed["Resources"].values():
        props = resource.get("Properties", {})
        if "PolicyDocument" in props:
            documents.append(props["PolicyDocument"])
        documents += [p["PolicyDocument"] for p in props.get("Policies", [])]
    assert len(documents) >= 2  # the bucket policy and the publisher policy at least
    for document in documents:
        for statement in as_list(document["Statement"]):
            if statement["Effect"] == "Allow":
                patterns = [p.lower() for p in as_list(statement["Action"])]
                assert not any(fnmatchcase(action.lower(), p) for p in patterns), statement
