"""The local bucket follows template.yaml, minus only what moto cannot evaluate."""

from __future__ import annotations

from typing import Any

from factlocal.template import (
    apply_bucket_settings,
    bucket_settings,
    is_tls_only_statement,
    local_policy,
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
