"""Fixtures of the pipeline's functional tests."""

from __future__ import annotations

from pathlib import Path

import pytest

from factaudio.publish import DirectoryTarget, S3Target, Target
from tests.conftest import BUCKET

PREFIX = "public/"


@pytest.fixture(params=["dir", "s3"])
def target(request: pytest.FixtureRequest, tmp_path: Path) -> Target:
    """Both publishing targets: a directory, and a moto S3 bucket under the public prefix."""
    if request.param == "dir":
        return DirectoryTarget(tmp_path / "out")
    s3 = request.getfixturevalue("s3_client")
    request.getfixturevalue("bucket")
    return S3Target(s3, BUCKET, prefix=PREFIX)
