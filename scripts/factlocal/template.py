"""The audio bucket and the memory table as template.yaml declares them, for a local moto server."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

# The SAM template, relative to the repository root (the directory make runs in).
TEMPLATE = Path("template.yaml")
BUCKET_RESOURCE = "AudioBucket"
POLICY_RESOURCE = "AudioBucketPolicy"
MEMORY_RESOURCE = "MemoryTable"


def load_template(path: Path = TEMPLATE) -> dict[str, Any]:
    """Parse template.yaml with cfn-lint's loader (it knows !Ref, !Sub, !GetAtt)."""
    from cfnlint.decode import decode_str  # type: ignore[import-untyped]

    loaded, errors = decode_str(path.read_text(encoding="utf-8"))
    if errors or not isinstance(loaded, dict):
        raise ValueError(f"{path}: cannot parse: {errors}")
    return loaded


def _resolve(node: Any, bucket: str, region: str) -> Any:
    """Resolve the intrinsic functions the bucket's resources use, for one bucket name."""
    arn = f"arn:aws:s3:::{bucket}"
    if isinstance(node, dict):
        if set(node) == {"Ref"} and node["Ref"] == BUCKET_RESOURCE:
            return bucket
        if set(node) == {"Fn::GetAtt"}:
            target = node["Fn::GetAtt"]
            parts = target.split(".") if isinstance(target, str) else list(target)
            if parts == [BUCKET_RESOURCE, "Arn"]:
                return arn
        if set(node) == {"Fn::Sub"} and isinstance(node["Fn::Sub"], str):
            values = {f"{BUCKET_RESOURCE}.Arn": arn, BUCKET_RESOURCE: bucket, "AWS::Region": region}

            def substitute(match: re.Match[str]) -> str:
                name = match.group(1)
                if name not in values:
                    raise ValueError(f"cannot resolve ${{{name}}} locally")
                return values[name]

            return re.sub(r"\$\{([^}]+)\}", substitute, node["Fn::Sub"])
        return {key: _resolve(value, bucket, region) for key, value in node.items()}
    if isinstance(node, list):
        return [_resolve(item, bucket, region) for item in node]
    return node


def bucket_settings(
    bucket: str, *, region: str = "us-east-1", path: Path = TEMPLATE
) -> dict[str, Any]:
    """Return the bucket's policy, Block Public Access and ownership settings from the template."""
    resources = load_template(path)["Resources"]
    properties = resources[BUCKET_RESOURCE]["Properties"]
    policy = resources[POLICY_RESOURCE]["Properties"]["PolicyDocument"]
    return {
        "policy": _resolve(policy, bucket, region),
        "public_access_block": properties["PublicAccessBlockConfiguration"],
        "ownership": properties["OwnershipControls"],
    }


def is_tls_only_statement(statement: dict[str, Any]) -> bool:
    condition = statement.get("Condition", {})
    return statement.get("Effect") == "Deny" and "aws:SecureTransport" in condition.get("Bool", {})


def local_policy(policy: dict[str, Any]) -> dict[str, Any]:
    """The policy minus its TLS-only Deny, which moto cannot evaluate.

    moto's S3 ignores the aws:SecureTransport condition and applies the Deny to every request,
    HTTPS or not. The local stack keeps the rule's effect instead: it serves only HTTPS.
    """
    statements = [s for s in policy["Statement"] if not is_tls_only_statement(s)]
    return {**policy, "Statement": statements}


def apply_bucket_settings(
    s3: Any, bucket: str, *, region: str = "us-east-1", path: Path = TEMPLATE
) -> dict[str, Any]:
    """Create `bucket` configured as the template at `path` declares it (see local_policy)."""
    import json

    settings = bucket_settings(bucket, region=region, path=path)
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_ownership_controls(Bucket=bucket, OwnershipControls=settings["ownership"])
    s3.put_public_access_block(
        Bucket=bucket, PublicAccessBlockConfiguration=settings["public_access_block"]
    )
    s3.put_bucket_policy(Bucket=bucket, Policy=json.dumps(local_policy(settings["policy"])))
    return settings


def memory_table_settings(path: Path = TEMPLATE) -> dict[str, Any]:
    """Return the memory table's key, attributes, billing mode and TTL from the template."""
    properties = load_template(path)["Resources"][MEMORY_RESOURCE]["Properties"]
    return {
        "key_schema": properties["KeySchema"],
        "attributes": properties["AttributeDefinitions"],
        "billing": properties["BillingMode"],
        "ttl": properties["TimeToLiveSpecification"],
    }


def create_memory_table(dynamodb: Any, table: str, *, path: Path = TEMPLATE) -> dict[str, Any]:
    """Create `table` (a DynamoDB client's) with the key, billing and TTL the template declares.

    What the local server cannot show (point-in-time recovery, encryption, the function's three
    actions) is checked on the template itself (tests/consistency/test_template.py).
    """
    settings = memory_table_settings(path)
    request = {
        "TableName": table,
        "KeySchema": settings["key_schema"],
        "AttributeDefinitions": settings["attributes"],
        "BillingMode": settings["billing"],
    }
    try:
        dynamodb.create_table(**request)
    except dynamodb.exceptions.ResourceInUseException:
        # A server of this process made it before (moto keeps its state per process): a stack
        # starts with no listener remembered.
        dynamodb.delete_table(TableName=table)
        dynamodb.create_table(**request)
    dynamodb.update_time_to_live(TableName=table, TimeToLiveSpecification=settings["ttl"])
    return settings
