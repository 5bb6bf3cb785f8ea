"""The local bucket and memory table follow template.yaml, minus only what moto cannot evaluate."""

from __future__ import annotations

from typing import Any

from factlocal.template import (
    apply_bucket_settings,
    bucket_settings,
    create_memory_table,
    is_tls_only_statement,
    local_policy,
    memory_table_settings,
)


def test_bucket_settings_resolve_the_template_for_a_bucket() -> None:
    settings = bucket_settings("my-bucket")
    statements = settings["policy"]["Statement"]
    allow = [s for s in statements if s["Effect"] == "Allow"]
    assert allow == [
        {
            "Sid": "PublicReadAudio",
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "arn:aws:s3:::my-bucket/public/*",
        }
    ]
    assert settings["public_access_block"] == {
        "BlockPublicAcls": True,
        "IgnorePublicAcls": True,
        "BlockPublicPolicy": False,
        "RestrictPublicBuckets": False,
    }
    assert settings["ownership"] == {"Rules": [{"ObjectOwnership": "BucketOwnerEnforced"}]}


def test_local_policy_drops_only_the_tls_deny() -> None:
    policy = bucket_settings("b")["policy"]
    local = local_policy(policy)
    dropped = [s for s in policy["Statement"] if s not in local["Statement"]]
    assert len(dropped) == 1 and is_tls_only_statement(dropped[0])
    assert dropped[0]["Resource"] == ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]


def test_apply_bucket_settings_on_moto(s3_client: Any) -> None:
    import json

    apply_bucket_settings(s3_client, "local-bucket")
    policy = json.loads(s3_client.get_bucket_policy(Bucket="local-bucket")["Policy"])
    assert [s["Sid"] for s in policy["Statement"]] == ["PublicReadAudio"]
    block = s3_client.get_public_access_block(Bucket="local-bucket")[
        "PublicAccessBlockConfiguration"
    ]
    assert block["BlockPublicPolicy"] is False and block["BlockPublicAcls"] is True
    rules = s3_client.get_bucket_ownership_controls(Bucket="local-bucket")["OwnershipControls"][
        "Rules"
    ]
    assert rules == [{"ObjectOwnership": "BucketOwnerEnforced"}]


def test_the_local_memory_table_is_the_templates(mocked_aws: None) -> None:
    import boto3

    from factskill.memory import KEY_ATTRIBUTE, TTL_ATTRIBUTE

    dynamodb = boto3.client("dynamodb", region_name="us-east-1")
    create_memory_table(dynamodb, "local-memory")
    table = dynamodb.describe_table(TableName="local-memory")["Table"]
    assert table["KeySchema"] == [{"AttributeName": KEY_ATTRIBUTE, "KeyType": "HASH"}]
    assert table["BillingModeSummary"]["BillingMode"] == "PAY_PER_REQUEST"
    ttl = dynamodb.describe_time_to_live(TableName="local-memory")["TimeToLiveDescription"]
    assert ttl == {"TimeToLiveStatus": "ENABLED", "AttributeName": TTL_ATTRIBUTE}
    assert memory_table_settings()["ttl"] == {"AttributeName": TTL_ATTRIBUTE, "Enabled": True}
    key = {KEY_ATTRIBUTE: {"S": "someone"}}
    dynamodb.put_item(TableName="local-memory", Item=key)
    create_memory_table(dynamodb, "local-memory")  # a second stack in this process: empty again
    assert "Item" not in dynamodb.get_item(TableName="local-memory", Key=key)


# --- the endpoint's environment: never loopback audio for a real device ---

from factlocal.stack import endpoint_environment  # noqa: E402

LOCAL = "https://127.0.0.1:4566/serverless-facts-local/public/"


def test_local_chat_gets_the_local_buckets_audio() -> None:
    env = endpoint_environment({}, LOCAL, verify=False, audio_url=None)
    assert env["AUDIO_BASE_URL"] == env["CONTENT_BASE_URL"] == LOCAL


def test_a_real_device_never_gets_loopback_audio() -> None:
    env = endpoint_environment({"AUDIO_BASE_URL": LOCAL}, LOCAL, verify=True, audio_url=None)
    assert "AUDIO_BASE_URL" not in env  # Alexa speaks the text
    public = "https://bucket.s3.eu-west-1.amazonaws.com/public/"
    env = endpoint_environment({}, LOCAL, verify=True, audio_url=public)
    assert env["AUDIO_BASE_URL"] == public


def test_the_endpoint_remembers_listeners_in_the_stacks_table_only_when_given() -> None:
    server = "https://127.0.0.1:4566"
    env = endpoint_environment(
        {"MEMORY_TABLE": "prod-table"}, LOCAL, verify=False, audio_url=None, memory=("t", server)
    )
    assert env["MEMORY_TABLE"] == "t" and env["AWS_ENDPOINT_URL_DYNAMODB"] == server
    bare = endpoint_environment({"MEMORY_TABLE": "prod-table"}, LOCAL, verify=False, audio_url=None)
    assert "MEMORY_TABLE" not in bare  # a developer's shell never points it at a real table
