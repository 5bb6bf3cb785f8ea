"""The local stack, all on loopback: a moto server (over HTTPS with a throw-away CA) holding the
audio bucket and the listener memory table as template.yaml declares them, audio built into the
bucket with espeak-ng by factaudio (scripts/synthesize.py), and the skill's endpoint
(factlocal.commands.serve) reading from the bucket and remembering listeners in the table.

The table lives in the server's memory: listeners are remembered while the stack runs, and
forgotten when it stops (nothing of a listener is written to disk).
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
from typing import Any, Literal

from factcontent.layout import PUBLIC_PREFIX
from factlocal import audiocache
from factlocal.exceptions import StackError
from factlocal.project import Project
from factlocal.template import apply_bucket_settings, create_memory_table
from factlocal.tls import LocalTls, make_local_tls

logger = logging.getLogger(__name__)

BUCKET = "serverless-facts-local"
MEMORY_TABLE = "serverless-facts-local-memory"
REGION = "us-east-1"
FAKE_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "local",
    "AWS_SECRET_ACCESS_KEY": "local",
    "AWS_DEFAULT_REGION": REGION,
}


@dataclass(frozen=True)
class Stack:
    s3_url: str  # the moto server's: S3 and DynamoDB
    bucket: str
    memory_table: str
    endpoint: str  # the skill's HTTP endpoint
    ca: Path  # the local CA behind the S3 server's certificate (a copy in the project state)
    env: dict[str, str]  # what a process needs to use the stack
    log: Path  # where the endpoint logs
    reused: int  # audio files reused from an earlier run

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
    """moto's server on loopback, over HTTPS, in a thread of this process.

    One server answers every service: moto dispatches each request by the service its
    signature names (S3 for the audio, DynamoDB for the memory).
    """
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
    with serving(server, "s3"):
        yield f"https://127.0.0.1:{port}"


@contextlib.contextmanager
def serving(server: Any, name: str) -> Iterator[None]:
    """Run a werkzeug server in a daemon thread of this process; shut it down on exit."""
    thread = threading.Thread(target=server.serve_forever, name=name, daemon=True)
    thread.start()
    try:
        yield
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)


def aws_client(service: Literal["s3", "dynamodb"], url: str, ca: Path) -> Any:
    import boto3

    return boto3.client(
        service,
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
    command += ["--engine", "espeak", "--brand", "on"]  # the demo plays the sonic brand
    command += [arg for loc in locales for arg in ("--locale", loc)]
    result = subprocess.run(  # noqa: S603 - our own script, arguments we built
        command, cwd=project.root, env=env, capture_output=True, text=True, check=False
    )
    if result.returncode != 0:
        raise StackError(f"building the audio failed: {(result.stderr or result.stdout).strip()}")
    return result.stdout.strip()


def endpoint_environment(
    env: dict[str, str],
    public_url: str,
    *,
    verify: bool,
    audio_url: str | None,
    memory: tuple[str, str] | None = None,
) -> dict[str, str]:
    """The endpoint's settings: content from the local bucket; audio from it only for make chat;
    listener memory in `memory` (the table, and the URL of the server holding it).

    With `verify` (a real device), the loopback bucket's URLs would fail on the device: the
    audio comes from `audio_url`, or is left out (relative keys are then never played, and
    Alexa speaks the text).
    """
    env = {**env, "CONTENT_BASE_URL": public_url}
    env.pop("AUDIO_BASE_URL", None)
    env.pop("MEMORY_TABLE", None)
    if memory is not None:
        # botocore's service-specific endpoint setting: the skill's code is the deployed code.
        env["MEMORY_TABLE"], env["AWS_ENDPOINT_URL_DYNAMODB"] = memory
    if not verify:
        env["AUDIO_BASE_URL"] = public_url
    elif audio_url:
        env["AUDIO_BASE_URL"] = audio_url
    return env


@contextlib.contextmanager
def skill_endpoint(
    project: Project,
    port: int,
    public_url: str,
    env: dict[str, str],
    *,
    verify: bool,
    audio_url: str | None = None,
    memory: tuple[str, str] | None = None,
    log: Path,
    host: str = "127.0.0.1",
) -> Iterator[str]:
    """The skill's endpoint reading audio, decks and manifest from the local bucket.

    Its log goes to `log`, not to the terminal a transcript is printed in.
    """
    env = endpoint_environment(env, public_url, verify=verify, audio_url=audio_url, memory=memory)
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
    log_file = log.open("ab")
    process = subprocess.Popen(  # noqa: S603 - our own module
        command, cwd=project.root, env=env, stdout=log_file, stderr=subprocess.STDOUT
    )
    url = f"http://{host}:{port}/"
    try:
        try:
            wait_for(url + "health", timeout=60, process=process)
        except StackError as exc:
            raise StackError(f"{exc}: its log is {log}") from exc
        yield url
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        log_file.close()


@contextlib.contextmanager
def local_stack(
    locales: Sequence[str],
    *,
    project: Project,
    verify: bool = False,
    port: int | None = None,
    audio_url: str | None = None,
) -> Iterator[Stack]:
    """Start everything; stop everything on exit, on error and on Ctrl-C.

    With `verify` (a real Echo behind a tunnel), the skill never sends the local bucket's URLs,
    which a device cannot reach: `audio_url` is the public base URL of the same audio, or None
    to leave audio out so that Alexa speaks the text.
    """
    project.state.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="serverless-facts-") as tmp:
        tls = make_local_tls(Path(tmp))
        env = stack_environment(tls)
        with s3_server(free_port(), tls) as s3_url:
            s3 = aws_client("s3", s3_url, tls.ca)
            apply_bucket_settings(s3, BUCKET, region=REGION, path=project.template)
            dynamodb = aws_client("dynamodb", s3_url, tls.ca)
            create_memory_table(dynamodb, MEMORY_TABLE, path=project.template)
            cache = project.state / "audio"
            restored = audiocache.restore(s3, BUCKET, cache) if cache.is_dir() else 0
            logger.info("%s", build_audio(project, s3_url, locales, env))
            saved = audiocache.save(s3, BUCKET, cache)
            logger.info("audio: %d files reused from %s, %d new", restored, cache, saved)
            public_url = f"{s3_url}/{BUCKET}/{PUBLIC_PREFIX}"
            ca = project.state / "ca.pem"  # for the simulator, which trusts it by itself
            ca.write_bytes(tls.ca.read_bytes())
            log = project.state / "endpoint.log"
            port = port or free_port()
            with skill_endpoint(
                project,
                port,
                public_url,
                env,
                verify=verify,
                audio_url=audio_url,
                memory=(MEMORY_TABLE, s3_url),
                log=log,
            ) as endpoint:
                yield Stack(s3_url, BUCKET, MEMORY_TABLE, endpoint, ca, env, log, restored)
