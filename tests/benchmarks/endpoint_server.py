"""The skill's endpoint for the load benchmark: scripts/serve.py's app and gunicorn settings, with
verification on against a test CA (a real Alexa chain cannot be had offline), or off.

    python -m tests.benchmarks.endpoint_server PORT verify|no-verify CHAIN_PEM ROOT_PEM [STATS]

With STATS (a file path), every worker adds the thread CPU time it spends in the request
verifier, and the number of checks, to two doubles in that file (shared memory, under a lock):
the cost of verification itself, read without the noise of the rest of the server.
"""

from __future__ import annotations

import mmap
import multiprocessing
import struct
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from cryptography import x509

from factlocal.commands import serve
from factlocal.verify import CertificateCache, RequestVerifier
from factlocal.webapp import SkillApp

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"
STATS = struct.Struct("dd")  # CPU seconds in the verifier, checks


class VerifierCpu:
    """Totals shared by every worker through a file mapped in memory."""

    def __init__(self, path: Path) -> None:
        path.write_bytes(bytes(STATS.size))
        self._file = path.open("r+b")
        self._map = mmap.mmap(self._file.fileno(), STATS.size)
        self._lock = multiprocessing.Lock()  # made before gunicorn forks: shared by the workers

    def add(self, seconds: float) -> None:
        with self._lock:
            cpu, count = STATS.unpack_from(self._map)
            STATS.pack_into(self._map, 0, cpu + seconds, count + 1)


def read_stats(path: Path) -> tuple[float, int]:
    """Return (verifier CPU seconds, checks) so far, from the benchmark's side."""
    cpu, count = STATS.unpack(path.read_bytes()[: STATS.size])
    return cpu, int(count)


class TimedVerifier(RequestVerifier):
    """The real verifier, its thread CPU time per call added to `totals`."""

    def __init__(self, totals: VerifierCpu | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._totals = totals

    def verify(self, headers: Mapping[str, str], body: bytes) -> dict[str, Any]:
        started = time.thread_time()
        try:
            return super().verify(headers, body)
        finally:
            if self._totals is not None:
                self._totals.add(time.thread_time() - started)


def make_app(
    verify: bool, chain: bytes, root: x509.Certificate, totals: VerifierCpu | None = None
) -> SkillApp:
    from factskill.app import answer

    def strict(envelope: dict[str, Any]) -> dict[str, Any]:
        return answer(envelope, None, strict=True)

    if not verify:
        return SkillApp(strict, None)
    cache = CertificateCache(fetch={CERT_URL: chain}.__getitem__)
    return SkillApp(strict, TimedVerifier(totals, cache=cache, trust_roots=[root]))


def main(argv: Sequence[str]) -> int:
    port, mode, chain_path, root_path, *stats = argv
    chain = Path(chain_path).read_bytes()
    root = x509.load_pem_x509_certificate(Path(root_path).read_bytes())
    totals = VerifierCpu(Path(stats[0])) if stats else None
    args = serve.parse_args(["--port", port, *([] if mode == "verify" else ["--no-verify"])])
    options = {**serve.gunicorn_options(args), "errorlog": "/dev/null"}
    serve._Gunicorn(lambda: make_app(mode == "verify", chain, root, totals), options).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
