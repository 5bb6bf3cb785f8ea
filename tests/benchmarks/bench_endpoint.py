"""Issue 5: the HTTP endpoint under load from a separate process on loopback (wrk), with Alexa
verification on and signed requests, against the same endpoint with --no-verify in the same run."""

from __future__ import annotations

import json
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
from datetime import UTC, datetime
from pathlib import Path

from scripts.localdev.stack import StackError, free_port, wait_for
from tests.benchmarks.common import Result
from tests.benchmarks.endpoint_server import CERT_URL
from tests.conftest import REPO_ROOT, load_event
from tests.unit.alexa_test_ca import chain_valid_at, sign

CONNECTIONS = (1, 16, 64)
SECONDS = 3
ROUNDS = 5  # each level alternates the two servers ROUNDS times; medians are reported
TARGET = 1.3
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}


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
    try:
        wait_for(url + "health", timeout=30, process=process)
    except StackError:
        process.kill()
        raise
    return process, url


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


def write_scripts(directory: Path) -> dict[str, Path]:
    """wrk scripts for a Launch request, signed now (the timestamp must be within 150 s)."""
    event = load_event("launch")
    event["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    body = json.dumps(event).encode()
    headers = {"Content-Type": "application/json"}
    signed = {**headers, "SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body)}
    scripts = {"verify": directory / "signed.lua", "no-verify": directory / "plain.lua"}
    scripts["verify"].write_text(lua_script(body, signed))
    scripts["no-verify"].write_text(lua_script(body, headers))
    return scripts


def run() -> list[Result]:
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it from Debian's packages): skipped")
        return []
    from cryptography.hazmat.primitives import serialization

    root, chain = chain_valid_at(datetime.now(UTC))
    results: list[Result] = []
    runs: dict[tuple[str, int], list[tuple[float, float, float, int]]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        chain_path, root_path = Path(tmp) / "chain.pem", Path(tmp) / "root.pem"
        chain_path.write_bytes(chain)
        root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
        servers = {
            mode: start_server(mode, chain_path, root_path) for mode in ("verify", "no-verify")
        }
        try:
            for connections in CONNECTIONS:
                scripts = write_scripts(Path(tmp))  # freshly signed for each level
                for _ in range(ROUNDS):
                    for mode in ("no-verify", "verify"):  # alternate, so drift hits both
                        run = wrk(servers[mode][1], scripts[mode], connections)
                        runs.setdefault((mode, connections), []).append(run)
        finally:
            for process, _ in servers.values():
                stop(process)
    for connections in CONNECTIONS:
        on, off = runs[("verify", connections)], runs[("no-verify", connections)]
        errors = sum(r[3] for r in on + off)
        assert errors == 0, f"{errors} non-2xx responses at {connections} connections"

        def median(values: list[tuple[float, float, float, int]], index: int) -> float:
            return statistics.median(v[index] for v in values)

        # Each verified run is compared with the unverified run just before it, so slow drift
        # on this shared machine cancels out; the median of those paired ratios is reported.
        paired = statistics.median(v[1] / u[1] for v, u in zip(on, off, strict=True))
        label = f"endpoint, {connections:>2} conn"
        results += [
            Result(
                f"{label}: requests/s, verification on vs off",
                median(on, 0),
                "req/s",
                baseline=median(off, 0),
            ),
            Result(
                f"{label}: p50 ms, verification on vs off",
                median(on, 1),
                "ms",
                baseline=median(off, 1),
            ),
            Result(
                f"{label}: p99 ms, verification on vs off",
                median(on, 2),
                "ms",
                baseline=median(off, 2),
            ),
            Result(
                f"{label}: p50 cost of verification, median paired ratio",
                paired,
                "x",
                target=TARGET,
            ),
        ]
    return results
