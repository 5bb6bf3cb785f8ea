"""Is an address on this machine? One answer for the server's --no-verify and the audio checker."""

from __future__ import annotations

import ipaddress
import socket

LOOPBACK_NAMES = frozenset({"localhost", "localhost.localdomain"})


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
