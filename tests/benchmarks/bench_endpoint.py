"""Issue 5: the HTTP endpoint under load from a separate process on loopback (wrk), with Alexa
verification on and signed requests, against the same endpoint with --no-verify in the same run."""

from __future__ import annotations

import json
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from datetime import UTC, datetime
from pathlib import Path

from tests.benchmarks.common import Result
from tests.benchmarks.endpoint_server import CERT_URL
from tests.conftest import REPO_ROOT, load_event
from tests.unit.alexa_test_ca import chain_valid_at, sign

CONNECTIONS = (1, 16, 64)
SECONDS = 4
ROUNDS = 3  # each level alternates the two servers ROUNDS times; medians are reported
ROUNDS = 3  # alternate the two servers ROUNDS times per level; report medians
TARGET = 1.3
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def start_server(mode: str, chain: Path, root: Path) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "tests.benchmarks.endpoint_server",
            str(port),
            mode,
            str(chain),
            str(root),
        ],
        cwd=REPO_ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}/"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(url + "health", timeout=1):
                return process, url
        except OSError:
            time.sleep(0.1)
    process.kill()
    raise RuntimeError("the benchmark server did not start")


def stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=15)
    except subprocess.TimeoutExpired:
        process.kill()


def lua_script(body: bytes, headers: dict[str, str]) -> str:
    lines = ['wrk.method = "POST"', f"wrk.body = [==[{body.decode()}]==]"]
    lines += [f'wrk.headers["{name}"] = "{value}"' for name, value in headers.items()]
    return "\n".join(lines) + "\n"


def wrk(url: str, script: Path, connections: int) -> tuple[float, float, float, int]:
    """Return (requests/s, p50 ms, p99 ms, non-2xx responses)."""
    threads = min(2, connections)
    out = subprocess.run(
        [
            "wrk",
            "-t",
            str(threads),
            "-c",
            str(connections),
            "-d",
            f"{SECONDS}s",
            "--latency",
            "-s",
            str(script),
            url,
        ],
        capture_output=True,
        text=True,
        check=True,
    ).stdout

    def latency(percent: str) -> float:
        found = re.search(rf"^\s+{percent}%\s+([\d.]+)(us|ms|s)\s*$", out, re.MULTILINE)
        assert found, out
        return float(found.group(1)) * _UNITS[found.group(2)]

    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    assert rate, out
    return float(rate.group(1)), latency("50"), latency("99"), int(errors.group(1)) if errors else 0


def run() -> list[Result]:
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it from Debian's packages): skipped")
        return []
    event = load_event("launch")
    event["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(event).encode()
    signed = {
        "Content-Type": "application/json",
        "SignatureCertChainUrl": CERT_URL,
        "Signature-256": sign(body),
    }
    plain = {"Content-Type": "application/json"}
    root, chain = chain_valid_at(datetime.now(UTC))
    results: list[Result] = []
    with tempfile.TemporaryDirectory() as tmp:
        from cryptography.hazmat.primitives import serialization

        chain_path, root_path = Path(tmp) / "chain.pem", Path(tmp) / "root.pem"
        chain_path.write_bytes(chain)
        root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
        scripts = {"verify": Path(tmp) / "signed.lua", "no-verify": Path(tmp) / "plain.lua"}
        scripts["verify"].write_text(lua_script(body, signed))
        scripts["no-verify"].write_text(lua_script(body, plain))
        runs: dict[tuple[str, int], list[tuple[float, float, float, int]]] = {}
        servers = {mode: start_server(mode, chain_path, root_path) for mode in scripts}
        try:
            for connections in CONNECTIONS:
                for _ in range(ROUNDS):
                    for mode in ("no-verify", "verify"):  # alternate, so drift hits both
                        run = wrk(servers[mode][1], scripts[mode], connections)
                        runs.setdefault((mode, connections), []).append(run)
        finally:
            for process, _ in servers.values():
                stop(process)
    measured = {
        key: (
            statistics.median(r[0] for r in values),
            statistics.median(r[1] for r in values),
            statistics.median(r[2] for r in values),
            sum(r[3] for r in values),
        )
        for key, values in runs.items()
    }
    for connections in CONNECTIONS:
        rps, p50, p99, errors = measured[("verify", connections)]
        base_rps, base_p50, base_p99, base_errors = measured[("no-verify", connections)]
        assert errors == base_errors == 0, (
            f"{errors} / {base_errors} non-2xx responses at {connections} connections"
        )
        results += [
            Result(
                f"endpoint, verification on, {connections:>2} conn: requests/s (reported)",
                rps,
                "req/s",
                baseline=base_rps,
            ),
            Result(
                f"endpoint, verification on, {connections:>2} conn: p50 vs --no-verify",
                p50,
                "ms",
                baseline=base_p50,
                target=TARGET,
            ),
            Result(
                f"endpoint, verification on, {connections:>2} conn: p99 vs --no-verify (reported)",
                p99,
                "ms",
                baseline=base_p99,
            ),
        ]
    return results
