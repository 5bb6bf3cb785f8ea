"""The endpoint's gunicorn worker: slow and silent clients cost a socket, never a thread.

Slow and silent clients cost a socket, not the thread (BufferingWorker): the thread reads what
has arrived without waiting, and a request not yet whole waits in the worker's event loop. A
client has --request-timeout (5 s) from its first byte to send the whole request, head and body,
then gets a 408 (one that sent nothing is closed); kept-alive connections close after 5 idle
seconds; the kernel bounds each write of an answer to 5 s. Measured on the 2-core VM with the
default 4 workers (tests/benchmarks/bench_endpoint.py): a health probe took 1.3 ms with 64
clients stalled (16 in their headers, 16 in their body, 32 silent) against 1.2 ms without, a
signed request 2.5 ms against 2.6 ms; 3,000 stalled clients still left probes at 1-3 ms. Each
worker holds 1,000 connections: past 4,000 stalled at once, a new client waits up to 5 s for the
oldest to time out. Before, one stalled client stopped a one-worker server for as long as it
stayed connected; with four workers, 32 stalled or 100 silent clients left one probe in three
unanswered after 8 s. Reading in two steps adds about 20 us of CPU to a request (2% of a
Launch request).

Every malformed request is a 400 with webapp's JSON reason, never gunicorn's HTML page: what its
parser refuses (the request line, a header, the limits below) and what the event loop cannot
frame (a transfer coding, a bad or repeated Content-Length, a body over 128 KB, a head over
32 KB, an Expect other than 100-continue).
"""

from __future__ import annotations

import errno
import logging
import selectors
import socket
import ssl
import struct
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from gunicorn import util
from gunicorn.http import errors

# _DEFER: what ThreadWorker.handle returns to park a connection in the event loop (27.x)
from gunicorn.workers.gthread import _DEFER, TConn, ThreadWorker

from factlocal.net import FramingError, RequestHead, request_head
from factlocal.webapp import MAX_BODY_BYTES, http_error

logger = logging.getLogger("serve")

REQUEST_TIMEOUT = 5.0  # seconds to receive a whole request, and to write its answer
MAX_HEAD_BYTES = 32 * 1024  # Alexa's request line and headers are about 2 KB
LINGER_SECONDS = 2.0  # after an error answer, read and drop what the client still sends
LINGER_MAX_BYTES = 256 * 1024
READ_CHUNK = 64 * 1024
CONTINUE = b"HTTP/1.1 100 Continue\r\n\r\n"
# A response header the app made, or the server's own settings: not the client's fault.
_SERVER_FAULTS = (
    errors.InvalidResponseHeader,
    errors.InvalidResponseHeaderName,
    errors.ConfigurationProblem,
)
_CLIENT_ERRORS: tuple[tuple[tuple[type[Exception], ...], str], ...] = (
    (
        (
            errors.InvalidRequestLine,
            errors.InvalidRequestMethod,
            errors.InvalidHTTPVersion,
            errors.LimitRequestLine,
        ),
        "bad-request-line",
    ),
    (
        (
            errors.InvalidHeader,
            errors.InvalidHeaderName,
            errors.LimitRequestHeaders,
            errors.ObsoleteFolding,
            errors.InvalidSchemeHeaders,
            errors.ExpectationFailed,
        ),
        "bad-header",
    ),
    ((errors.ParseException, ssl.SSLError), "bad-request"),
)
SWEEP_SECONDS = 0.25  # how often, at most, the event loop looks for connections past deadline


def client_error_reason(exc: BaseException) -> str | None:
    """The JSON reason for a request gunicorn's parser refused; None for the server's own fault."""
    if isinstance(exc, _SERVER_FAULTS):
        return None
    return next((reason for kinds, reason in _CLIENT_ERRORS if isinstance(exc, kinds)), None)


class _Connection(TConn):  # type: ignore[misc]
    """A client connection and the request it has sent so far."""

    def __init__(
        self, *args: Any, timeout: float, linger: Callable[[_Connection], None], **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.received = bytearray()
        self.searched = 0
        self.head: RequestHead | None = None
        self.continued = False  # "100 Continue" sent
        self.deadline = 0.0  # for the whole request, from its first read (0: not started)
        self.dropped = 0  # bytes read and thrown away while lingering
        self.linger = linger
        self.data_ready = True  # never gthread's blocking wait for a first byte
        # The kernel bounds every blocking read and write of the threads: unlike Python's
        # settimeout, it costs no poll() before each call, nor a mode switch.
        timeval = struct.pack("ll", int(timeout), int(timeout % 1 * 1e6))
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVTIMEO, timeval)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDTIMEO, timeval)

    def init(self) -> None:
        """In the thread, the request whole: give it to the parser."""
        super().init()
        self.parser.unreader.unread(bytes(self.received))
        self.received.clear()
        self.searched, self.head, self.continued, self.deadline = 0, None, False, 0.0

    def close(self, graceful: bool = False) -> None:
        if graceful:  # gthread would drain the socket for 2 s, blocking its event loop
            self.linger(self)
        else:
            super().close()


class BufferingWorker(ThreadWorker):  # type: ignore[misc]
    """gunicorn's gthread worker, whose threads never wait for a client.

    A thread reads what the client has sent, without blocking; until the request is whole
    (head, and the body Content-Length announces) the connection waits in the event loop, which
    answers 408 once the deadline has passed. A slow or silent client costs a socket, never a
    thread, and the event loop does no more per request than gthread's. Malformed requests get
    webapp's JSON 400, never gunicorn's HTML pages.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request_timeout: float = getattr(self.app, "request_timeout", REQUEST_TIMEOUT)
        self.lingering: dict[_Connection, None] = {}
        self.next_sweep = 0.0

    def accept(self, listener: socket.socket) -> None:
        try:
            sock, client = listener.accept()
        except OSError as exc:
            if exc.errno not in (errno.EAGAIN, errno.ECONNABORTED, errno.EWOULDBLOCK):
                raise
            return
        self.nr_conns += 1
        conn = _Connection(
            self.cfg,
            sock,
            client,
            listener.getsockname(),
            timeout=self.request_timeout,
            linger=self._linger_after_answer,
        )
        self.enqueue_req(conn)

    def handle(self, conn: _Connection) -> Any:
        """In a thread: serve the request if it is whole, else hand the connection back."""
        outcome = self._receive(conn)
        return super().handle(conn) if outcome is None else outcome

    def _receive(self, conn: _Connection) -> object:
        """Read without waiting; None once the request is whole, else what gthread should do:
        _DEFER (wait in the event loop for more) or False (close)."""
        if not conn.deadline:
            conn.deadline = time.monotonic() + self.request_timeout
        if conn.parser is not None:  # a pipelined request, already read
            conn.received += conn.parser.unreader.take_buffered()
        try:
            data = conn.sock.recv(READ_CHUNK, socket.MSG_DONTWAIT)
        except (BlockingIOError, InterruptedError):
            data = None
        except OSError:
            return False
        if data == b"":  # the client went away
            return False
        conn.received += data or b""
        try:
            if conn.head is None:
                conn.head = request_head(
                    conn.received,
                    searched=conn.searched,
                    max_head=MAX_HEAD_BYTES,
                    max_body=MAX_BODY_BYTES,
                )
                conn.searched = len(conn.received)
        except FramingError as exc:
            self._answer_error(conn, 400, exc.reason, str(exc))
            return False
        if conn.head is not None and len(conn.received) >= conn.head.total:
            return None
        if time.monotonic() > conn.deadline:  # still sending, a byte now and then
            self._answer_error(conn, 408, "timeout", self._too_slow())
            return False
        if conn.head is not None and conn.head.expect_continue and not conn.continued:
            conn.continued = True
            conn.sock.setblocking(True)
            util.write(conn.sock, CONTINUE)
        return _DEFER

    def _too_slow(self) -> str:
        return f"the request was not received within {self.request_timeout:g} s"

    def _answer_error(self, conn: _Connection, code: int, reason: str, message: str) -> None:
        self.log.warning("Refused a request from %s: %s", conn.client, message)
        conn.sock.setblocking(True)
        try:
            util.write(conn.sock, http_error(code, reason, message))
        except OSError:
            self.log.debug("Failed to send the error response.")

    def murder_pending(self) -> None:
        """In the event loop, every second or sooner: end what is past its deadline."""
        now = time.monotonic()
        if now < self.next_sweep:
            return
        self.next_sweep = now + SWEEP_SECONDS
        # When stopping, a silent connection goes now; a request under way keeps its deadline.
        expired = [
            c
            for c in self.pending_conns
            if c.deadline <= now or (not self.alive and not c.received)
        ]
        if expired:
            gone = set(expired)
            kept = [c for c in self.pending_conns if c not in gone]
            self.pending_conns.clear()
            self.pending_conns.extend(kept)
        for conn in expired:
            self.poller.unregister(conn.sock)
            if not conn.received:  # silent: nothing to answer
                self.nr_conns -= 1
                conn.close()
                continue
            message = self._too_slow()
            self.log.warning("Refused a request from %s: %s", conn.client, message)
            try:
                conn.sock.send(http_error(408, "timeout", message))  # fits an idle buffer
            except OSError:
                self.nr_conns -= 1
                conn.close()
                continue
            self._linger(conn)
        for conn in [c for c in self.lingering if c.deadline <= now]:
            self._forget(conn)

    def _linger(self, conn: _Connection) -> None:
        """Send FIN, then drop what the client still sends for a while: closing with unread
        bytes makes the kernel reset the connection, and the client may lose the answer."""
        try:
            conn.sock.shutdown(socket.SHUT_WR)
        except OSError:
            self.nr_conns -= 1
            conn.close()
            return
        conn.sock.setblocking(False)
        conn.dropped = 0
        conn.deadline = time.monotonic() + LINGER_SECONDS
        self.lingering[conn] = None
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_lingering, conn))

    def _linger_after_answer(self, conn: _Connection) -> None:
        self.nr_conns += 1  # gthread has stopped counting it
        self._linger(conn)

    def _on_lingering(self, conn: _Connection, _sock: object) -> None:
        try:
            data = conn.sock.recv(READ_CHUNK)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        conn.dropped += len(data)
        if not data or conn.dropped > LINGER_MAX_BYTES:
            self._forget(conn)

    def _forget(self, conn: _Connection) -> None:
        del self.lingering[conn]
        self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        conn.close()

    def handle_error(self, req: Any, client: socket.socket, addr: Any, exc: BaseException) -> None:
        """Answer what gunicorn's parser refused with a JSON 400 (its own pages are HTML)."""
        reason = client_error_reason(exc)
        if reason is None:
            self.log.error("Error handling request", exc_info=exc)
            response = http_error(500, "internal", "the server failed: its log has the traceback")
        else:
            self.log.warning("Invalid request from %s: %s", addr, exc)
            response = http_error(400, reason, str(exc)[:200])
        try:
            util.write(client, response)
        except OSError:
            self.log.debug("Failed to send the error response.")
