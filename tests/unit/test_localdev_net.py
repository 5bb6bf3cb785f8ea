from __future__ import annotations

import pytest

from factlocal.net import is_loopback


@pytest.mark.parametrize(
    ("host", "resolve", "expected"),
    [
        ("127.0.0.1", False, True),
        ("127.8.9.10", False, True),
        ("::1", False, True),
        ("LOCALHOST", False, True),
        ("0.0.0.0", False, False),
        ("192.0.2.10", True, False),
        ("::", True, False),
        ("audio.example.test", False, False),  # never looked up without resolve
        ("no-such-host.invalid", True, False),  # looked up, does not resolve
    ],
)
def test_is_loopback(host: str, resolve: bool, expected: bool) -> None:
    assert is_loopback(host, resolve=resolve) is expected
