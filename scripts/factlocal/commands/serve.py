"""Serve the skill over HTTP: POST the request envelope, get the response envelope.

    python -m factlocal.commands.serve [--host 127.0.0.1] [--port 3000] [--workers N]
        [--no-verify] [--content assets] [--request-timeout 5]

Behind a TLS terminator or a tunnel (Alexa only calls HTTPS endpoints), with Alexa's request
verification on. The server is gunicorn, pre-forked: the skill is CPU-bound, so processes, not
threads, use the cores. One thread per process by default: with several, the GIL that the RSA
signature check releases and takes back made a verified request cost 1.35x an unverified one
instead of 1.12x (measured in one process, 2 and 4 threads against 1). The gthread worker still
keeps client connections alive.

Slow and silent clients, and malformed requests, are the worker's business (factlocal.worker:
what the endpoint withstands, in numbers).
"""

from __future__ import annotations

import argparse
import logging
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from gunicorn.app.base import BaseApplication

from factlocal.net import is_loopback
from factlocal.verify import CertificateCache, RequestVerifier
from factlocal.webapp import SkillApp
from factlocal.worker import REQUEST_TIMEOUT, BufferingWorker
from factskill.constants import ENV_CONTENT_DIR

logger = logging.getLogger("serve")


def make_app(*, verify: bool) -> SkillApp:
    """The skill's WSGI app; the Alexa handler loads lazily in each worker."""
    from factskill.app import answer

    def strict(envelope: dict[str, Any]) -> dict[str, Any]:
        return answer(envelope, None, strict=True)

    return SkillApp(strict, RequestVerifier(cache=CertificateCache()) if verify else None)


class _Gunicorn(BaseApplication):  # type: ignore[misc]
    def __init__(
        self,
        app_factory: Callable[[], Any],
        options: dict[str, Any],
        *,
        request_timeout: float = REQUEST_TIMEOUT,
    ) -> None:
        self._factory = app_factory
        self._options = options
        self.request_timeout = request_timeout  # read by BufferingWorker (forked from here)
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        return self._factory()


def gunicorn_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "bind": f"[{args.host}]:{args.port}" if ":" in args.host else f"{args.host}:{args.port}",
        "workers": args.workers,
        "worker_class": BufferingWorker,
        "threads": args.threads,
        "timeout": 30,
        "graceful_timeout": 5,
        "keepalive": 5,
        "accesslog": "-" if args.access_log else None,
        "errorlog": "-",
        "loglevel": "warning",
        "limit_request_line": 4094,
        "limit_request_fields": 50,
        "preload_app": False,
    }


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="serve.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)"
    )
    parser.add_argument("--port", type=int, default=3000, help="port (default 3000)")
    parser.add_argument(
        "--workers",
        type=int,
        default=2 * (os.cpu_count() or 1),
        help="processes (default: two per core)",
    )
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="threads per process (default 1: the skill is CPU-bound, see the module docstring)",
    )
    parser.add_argument(
        "--no-verify", action="store_true", help="skip Alexa request verification (loopback only)"
    )
    parser.add_argument(
        "--content",
        type=Path,
        default=Path(os.environ.get(ENV_CONTENT_DIR) or "assets"),
        help=f"the skill's bundled content (default ${ENV_CONTENT_DIR}, else assets)",
    )
    parser.add_argument(
        "--request-timeout",
        type=float,
        default=REQUEST_TIMEOUT,
        help=f"seconds a client has to send its whole request (default {REQUEST_TIMEOUT:g})",
    )
    parser.add_argument("--access-log", action="store_true", help="log every request")
    args = parser.parse_args(argv)
    if args.no_verify and not is_loopback(args.host, resolve=True):
        parser.error(
            f"--no-verify is refused on {args.host}: only on a loopback address such as 127.0.0.1"
        )
    if not 0 < args.port < 65536 or args.workers < 1 or args.threads < 1:
        parser.error("--port, --workers and --threads must be positive (port below 65536)")
    if not 0 < args.request_timeout <= 60:
        parser.error("--request-timeout must be above 0 and at most 60 seconds")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    logging.basicConfig(
        level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    # Each worker imports the skill, which reads CONTENT_DIR at init.
    os.environ[ENV_CONTENT_DIR] = str(args.content)
    if args.no_verify:
        logger.warning("Alexa request verification is OFF: for local testing on %s only", args.host)
    logger.info(
        "serving the skill on http://%s:%d/ (verification %s)",
        args.host,
        args.port,
        "off" if args.no_verify else "on",
    )
    _Gunicorn(
        lambda: make_app(verify=not args.no_verify),
        gunicorn_options(args),
        request_timeout=args.request_timeout,
    ).run()
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
