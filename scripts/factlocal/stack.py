"""The local stack, all on loopback: an S3-compatible server (moto, over HTTPS with a throw-away
CA) holding the audio bucket as template.yaml declares it, audio built into it with espeak-ng by
factaudio (scripts/synthesize.py), and the skill's endpoint (factlocal.commands.serve) reading
from it.
"""

from __future__ import annotations

import contextlib
import logging
import os
import signal
import socket
import ssl
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from factcontent.layout import PUBLIC_PREFIX
from factlocal.exceptions import StackError
from factlocal.project import Project
from factlocal.template import apply_bucket_settings
from factlocal.tls import LocalTls, make_local_tls

logger = logging.getLogger(__name__)

BUCKET = "serverless-facts-local"
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
}


@dataclass(frozen=True)
class Stack:
    s3_url: str
    bucket: str
    endpoint: str  # the skill's HTTP endpoint
    ca: Path  # the local CA behind the S3 server's certificate
    env: dict[str, str]  # what a process needs to use the stack

    @property
    def public_url(self) -> str:
        return f"{self.s3_url}/{self.bucket}/{PUBLIC_PREFIX}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for(url: str, *, timeout: float, process: subprocess.Popen[bytes] | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise StackError(f"the process serving {url} exited with {process.returncode}")
        try:
            with urllib.request.urlopen(url, timeout=1):  # noqa: S310 - our loopback URL
                return
        except OSError:
            time.sleep(0.1)
    raise StackError(f"{url} did not answer within {timeout:.0f} s")


@contextlib.contextmanager
def s3_server(port: int, tls: LocalTls) -> Iterator[str]:
    """moto's S3-compatible server on loopback, over HTTPS, in a thread of this process."""
    from moto.moto_server.werkzeug_app import (
        DomainDispatcherApplication,
        MotoRequestHandler,
        create_backend_app,
    )
    from werkzeug.serving import make_server

    logging.getLogger("werkzeug").setLevel(logging.WARNING)
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(tls.certificate, tls.key)
    app = DomainDispatcherApplication(create_backend_app)
    server = make_server(
        "127.0.0.1",
        port,
        app,
        threaded=True,
        request_handler=MotoRequestHandler,
        ssl_context=context,
    )
    thread = threading.Thread(target=server.serve_forever, name="s3", daemon=True)
    thread.start()
    try:
        yield f"https://127.0.0.1:{port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def s3_client(url: str, ca: Path) -> Any:
    import boto3

    return boto3.client(
        "s3",
        endpoint_url=url,
        verify=str(ca),
        region_name=REGION,
        aws_access_key_id=FAKE_CREDENTIALS["AWS_ACCESS_KEY_ID"],
        aws_secret_access_key=FAKE_CREDENTIALS["AWS_SECRET_ACCESS_KEY"],
    )


def stack_environment(tls: LocalTls) -> dict[str, str]:
    """What every process of the stack needs: fake credentials and trust in the local CA."""
    return {
        **os.environ,
        **FAKE_CREDENTIALS,
        "AWS_CA_BUNDLE": str(tls.ca),  # botocore
        "SSL_CERT_FILE": str(tls.ca),  # urllib, in the skill and in the simulator
    }


def build_audio(project: Project, s3_url: str, locales: Sequence[str], env: dict[str, str]) -> str:
    """The audio pipeline with espeak-ng into the local bucket, as a developer would run it."""
    command = [
        sys.executable,
        "-m",
        "factaudio.cli",
        "--assets",
        str(project.assets),
        "--bucket",
        BUCKET,
        "--endpoint-url",
        s3_url,
    ]
    command += ["--engine", "espeak", *(arg for loc in locales for arg in ("--locale", loc))]
    result = subprocess.run(  # noqa: S603 - our own script, arguments we built
        command, cwd=project.root, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise StackError(f"building the audio failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout.strip()


@contextlib.contextmanager
def skill_endpoint(
    project: Project,
    port: int,
    public_url: str,
    env: dict[str, str],
    *,
    verify: bool,
    host: str = "127.0.0.1",
) -> Iterator[str]:
    """The skill's endpoint reading audio, decks and manifest from the local bucket."""
    env = {**env, "AUDIO_BASE_URL": public_url, "CONTENT_BASE_URL": public_url}
    command = [
        sys.executable,
        "-m",
        "factlocal.commands.serve",
        "--host",
        host,
        "--port",
        str(port),
    ]
    command += ["--content", str(project.assets)]
    command += ["--workers", "2", *([] if verify else ["--no-verify"])]
    process = subprocess.Popen(command, cwd=project.root, env=env)  # noqa: S603 - our own module
    url = f"http://{host}:{port}/"
    try:
        wait_for(url + "health", timeout=60, process=process)
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@contextlib.contextmanager
def local_stack(
    locales: Sequence[str],
    *,
    project: Project,
    verify: bool = False,
    port: int | None = None,
) -> Iterator[Stack]:
    """Start everything; stop everything on exit, on error and on Ctrl-C."""
    with tempfile.TemporaryDirectory(prefix="serverless-facts-") as tmp:
        tls = make_local_tls(Path(tmp))
        env = stack_environment(tls)
        with s3_server(free_port(), tls) as s3_url:
            apply_bucket_settings(
                s3_client(s3_url, tls.ca), BUCKET, region=REGION, path=project.template
            )
            logger.info("%s", build_audio(project, s3_url, locales, env))
            public_url = f"{s3_url}/{BUCKET}/{PUBLIC_PREFIX}"
            port = port or free_port()
            with skill_endpoint(project, port, public_url, env, verify=verify) as endpoint:
                yield Stack(s3_url, BUCKET, endpoint, tls.ca, env)
