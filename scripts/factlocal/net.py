"""Network plumbing for the local tools: is an address on this machine (the server's --no-verify,
the audio checker), and where does an HTTP/1.1 request end (the server's event loop)."""

from __future__ import annotations

import ipaddress
import re
import socket
from dataclasses import dataclass

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})

_EMPTY_LINES = re.compile(rb"[\r\n]*")
_HEAD_END = re.compile(rb"\r?\n\r?\n")
_LINE_END = re.compile(r"\r?\n")
_DIGITS = re.compile(r"[0-9]{1,12}")


def is_loopback(host: str, *, resolve: bool = False) -> bool:
    """True for 127.0.0.0/8, ::1 and the localhost names.

    With `resolve`, any other name counts when every address it resolves to is loopback (the
    server checks its own bind address); without, no lookup is made (the audio checker judges
    URLs from a skill's responses and must not query DNS for them).
    """
    if host.lower() in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        if not resolve:
            return False
    try:
        infos = socket.getaddrinfo(host, None)
    except OSError:
        return False
    return bool(infos) and all(ipaddress.ip_address(info[4][0]).is_loopback for info in infos)


class FramingError(Exception):
    """A request whose end cannot be known: the server answers it with a 400 and closes."""

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class RequestHead:
    """Where a request received so far ends: `size` bytes of head, then `body` bytes."""

    size: int
    body: int
    expect_continue: bool  # the client waits for "100 Continue" before it sends the body

    @property
    def total(self) -> int:
        return self.size + self.body


def request_head(
    received: bytes | bytearray, *, searched: int = 0, max_head: int, max_body: int
) -> RequestHead | None:
    """Frame the HTTP/1.x request at the start of `received`; None while its head is incomplete.

    `searched` is how many bytes an earlier call already looked through, so a head arriving a
    byte at a time is scanned once. Only the framing is checked (Content-Length, no
    Transfer-Encoding, Expect); the request line and the header syntax are left to the parser.
    """
    empty = _EMPTY_LINES.match(received)  # the empty lines a client may send before a request
    start = empty.end() if empty else 0
    found = _HEAD_END.search(received, max(start, searched - 3))
    if found is None:
        if len(received) > max_head:
            raise FramingError("headers-too-large", f"the request head exceeds {max_head} bytes")
        return None
    if found.end() > max_head:
        raise FramingError("headers-too-large", f"the request head exceeds {max_head} bytes")
    lines = _LINE_END.split(bytes(received[start : found.start()]).decode("latin-1"))
    length: int | None = None
    expect_continue = False
    for line in lines[1:]:
        name, _, value = line.partition(":")
        name, value = name.lower(), value.strip(" \t")
        if name == "transfer-encoding":
            raise FramingError(
                "bad-length", "Transfer-Encoding is not accepted: send the body with Content-Length"
            )
        if name == "content-length":
            if length is not None or not _DIGITS.fullmatch(value):
                raise FramingError("bad-length", "Content-Length must be one decimal number")
            length = int(value)
            if length > max_body:
                raise FramingError(
                    "bad-length", f"a body of 0..{max_body} bytes with Content-Length is required"
                )
        elif name == "expect":
            if value.lower() != "100-continue":
                raise FramingError("bad-header", f"Expect: {value[:40]!r} is not supported")
            # RFC 9110 10.1.1: an HTTP/1.0 client's expectation is ignored.
            expect_continue = lines[0].endswith("HTTP/1.1")
    return RequestHead(found.end(), length or 0, expect_continue)
