from __future__ import annotations

import pytest

from factlocal.net import FramingError, RequestHead, is_loopback, request_head


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


# --- request_head: where a request received so far ends ---------------------------------------

LIMITS = {"max_head": 1024, "max_body": 100}
POST = b"POST / HTTP/1.1\r\nHost: skill\r\nContent-Length: 5\r\n\r\n"


@pytest.mark.parametrize(
    ("received", "size", "body", "expect_continue"),
    [
        (b"GET /health HTTP/1.1\r\nHost: skill\r\n\r\n", None, 0, False),
        (POST, None, 5, False),
        (POST + b"{}", len(POST), 5, False),  # the body is still arriving
        (POST + b"{}{}{}GET / HTTP/1.1", len(POST), 5, False),  # the next request pipelined
        (b"GET / HTTP/1.1\nHost: skill\n\n", None, 0, False),  # bare LF: the parser decides
        (b"\r\n\r\nGET / HTTP/1.1\r\n\r\n", None, 0, False),  # empty lines before a request
        (b"POST / HTTP/1.1\r\ncontent-length:  0 \r\n\r\n", None, 0, False),
        (b"POST / HTTP/1.1\r\nExpect: 100-Continue\r\nContent-Length: 2\r\n\r\n", None, 2, True),
        (b"POST / HTTP/1.0\r\nExpect: 100-continue\r\nContent-Length: 2\r\n\r\n", None, 2, False),
    ],
)
def test_request_head_frames_the_request(
    received: bytes, size: int | None, body: int, expect_continue: bool
) -> None:
    expected = RequestHead(len(received) if size is None else size, body, expect_continue)
    assert request_head(received, **LIMITS) == expected


@pytest.mark.parametrize(
    "received",
    [b"", b"\r\n", b"GET / HTTP/1.1\r\nHost: skill\r\n", b"GET / HTTP/1.1\r\nHost: skill\r\n\r"],
)
def test_request_head_is_none_until_the_blank_line(received: bytes) -> None:
    assert request_head(received, **LIMITS) is None


def test_request_head_scans_what_arrives_a_byte_at_a_time_once() -> None:
    whole = request_head(POST, **LIMITS)
    for end in range(1, len(POST) + 1):
        head = request_head(POST[:end], searched=end - 1, **LIMITS)
        assert head == (whole if end == len(POST) else None)


@pytest.mark.parametrize(
    ("received", "reason"),
    [
        (b"POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n", "bad-length"),
        (b"POST / HTTP/1.1\r\nContent-Length: 2\r\nContent-Length: 2\r\n\r\n", "bad-length"),
        (b"POST / HTTP/1.1\r\nContent-Length: +2\r\n\r\n", "bad-length"),
        (b"POST / HTTP/1.1\r\nContent-Length: 2 2\r\n\r\n", "bad-length"),
        (b"POST / HTTP/1.1\r\nContent-Length: \xd9\xa5\r\n\r\n", "bad-length"),  # Arabic five
        (b"POST / HTTP/1.1\r\nContent-Length: 101\r\n\r\n", "bad-length"),
        (b"POST / HTTP/1.1\r\nContent-Length: 1" + b"0" * 40 + b"\r\n\r\n", "bad-length"),
        (b"POST / HTTP/1.1\r\nExpect: a-pony\r\n\r\n", "bad-header"),
        (b"GET / HTTP/1.1\r\nX-A: " + b"a" * 1100, "headers-too-large"),
        (b"GET / HTTP/1.1\r\nX-A: " + b"a" * 1100 + b"\r\n\r\n", "headers-too-large"),
    ],
)
def test_request_head_refuses_what_it_cannot_frame(received: bytes, reason: str) -> None:
    with pytest.raises(FramingError) as info:
        request_head(received, **LIMITS)
    assert info.value.reason == reason
