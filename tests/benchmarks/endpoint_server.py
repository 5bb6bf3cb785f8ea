"""The skill's endpoint for the load benchmark: scripts/serve.py's app and gunicorn settings, with
verification on against a test CA (a real Alexa chain cannot be had offline), or off.

    python -m tests.benchmarks.endpoint_server PORT verify|no-verify CHAIN_PEM ROOT_PEM
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from cryptography import x509

from factlocal.commands import serve
from factlocal.verify import CertificateCache, RequestVerifier
from factlocal.webapp import SkillApp

CERT_URL = "https://s3.amazonaws.com/echo.api/echo-api-cert-bench.pem"


def make_app(verify: bool, chain: bytes, root: x509.Certificate) -> SkillApp:
    from factskill.app import answer

    def strict(envelope: dict[str, Any]) -> dict[str, Any]:
        return answer(envelope, None, strict=True)

    if not verify:
        return SkillApp(strict, None)
    cache = CertificateCache(fetch={CERT_URL: chain}.__getitem__)
    return SkillApp(strict, RequestVerifier(cache=cache, trust_roots=[root]))


def main(argv: Sequence[str]) -> int:
    port, mode, chain_path, root_path = argv
    chain = Path(chain_path).read_bytes()
    root = x509.load_pem_x509_certificate(Path(root_path).read_bytes())
    args = serve.parse_args(["--port", port, *([] if mode == "verify" else ["--no-verify"])])
    options = {**serve.gunicorn_options(args), "errorlog": "/dev/null"}
    serve._Gunicorn(lambda: make_app(mode == "verify", chain, root), options).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
