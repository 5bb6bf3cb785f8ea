"""The HTTP endpoint under load from a separate process on loopback (wrk), with Alexa verification
on and signed requests, against the same endpoint with --no-verify in the same run.

The gated figure is what verification adds to a request's CPU time: the thread CPU time the
verifying server spends in the verifier per request (measured inside its workers), over the CPU
time per request of the unverified server (all its processes, from /proc) in the paired run.
Comparing the two servers' whole CPU per request directly is reported too, but on a shared
2-core VM, where wrk takes the same cores, it moves by +-30% from run to run; wrk's throughput
and latency are reported beside it.

Then the same verifying server is probed while 64 clients stall (16 stop inside their headers,
16 inside their body, 32 send nothing): a health probe and a signed request, each on a new
connection, against the same probes with no stalled client, rounds alternating. The gated figure
is the health probe's latency under the stall over without.
"""

from __future__ import annotations

import contextlib
import http.client
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import NamedTuple

from factlocal.stack import StackError, free_port, wait_for
from tests.benchmarks.common import Result, paired_result
from tests.benchmarks.endpoint_server import CERT_URL, read_stats
from tests.conftest import REPO_ROOT, load_event
from tests.unit.alexa_test_ca import chain_valid_at, sign

CONNECTIONS = (1, 16, 64)
SECONDS = 2
ROUNDS = 7  # each level alternates the two servers ROUNDS times; medians are reported
CPU_TARGET = 1.20
TICKS = os.sysconf("SC_CLK_TCK")
_UNITS = {"us": 1e-3, "ms": 1.0, "s": 1e3}
STALL_ROUNDS = 7
PROBES = 15  # per round and condition; the round's figure is their median
STALL_TARGET = 3.0  # a stalled client that held a thread would make this 1000x (a 1 s timeout)
_HEAD = b"POST / HTTP/1.1\r\nHost: skill\r\nContent-Type: application/json\r\n"
STALLS = [_HEAD, _HEAD + b'Content-Length: 600\r\n\r\n{"version": '] * 16 + [
    b""
] * 32  # 64: in the headers, in the body, silent


def start_server(
    mode: str, chain: Path, root: Path, stats: Path | None = None
) -> tuple[subprocess.Popen[bytes], str]:
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
            *([str(stats)] if stats else []),
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


def process_tree_cpu(root: int) -> float:
    """CPU seconds used so far by process `root` and its live descendants (gunicorn's workers)."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        # After the command: state, ppid, ... utime (14th field) and stime (15th) of the whole line.
        stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    tree, total = {root}, 0.0
    for _ in range(3):  # master -> workers (-> any helper they start)
        tree |= {pid for pid, (ppid, _) in stats.items() if ppid in tree}
    for pid in tree:
        total += stats.get(pid, (0, 0.0))[1]
    return total


class Run(NamedTuple):
    rate: float  # requests/s
    p50: float  # ms
    p99: float  # ms
    errors: int  # non-2xx responses
    cpu_per_request: float  # server CPU seconds per request
    verifier_cpu_per_request: float  # of which, in the request verifier (0 without one)


def wrk(url: str, script: Path, connections: int, server: int, stats: Path | None) -> Run:
    """Load `url` for SECONDS; return wrk's figures and the server's CPU per request."""
    cpu_before = process_tree_cpu(server)
    verifier_before = read_stats(stats) if stats else (0.0, 0)
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

    cpu = process_tree_cpu(server) - cpu_before
    verifier_after = read_stats(stats) if stats else (0.0, 0)
    checks = verifier_after[1] - verifier_before[1]
    verifier_cpu = (verifier_after[0] - verifier_before[0]) / checks if checks else 0.0
    rate = re.search(r"Requests/sec:\s+([\d.]+)", out)
    done = re.search(r"(\d+) requests in", out)
    errors = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    assert rate and done, out
    return Run(
        float(rate.group(1)),
        latency("50"),
        latency("99"),
        int(errors.group(1)) if errors else 0,
        cpu / int(done.group(1)),
        verifier_cpu,
    )


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


def timed(port: int, method: str, path: str, body: bytes | None, headers: dict[str, str]) -> float:
    """Seconds for one request on a new connection, until the whole answer is read."""
    started = time.perf_counter()
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(method, path, body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        assert response.status == 200, response.status
    finally:
        connection.close()
    return time.perf_counter() - started


@contextlib.contextmanager
def stalled(port: int, on: bool) -> Iterator[None]:
    with contextlib.ExitStack() as stack:
        for payload in STALLS if on else []:
            sock = stack.enter_context(socket.create_connection(("127.0.0.1", port), timeout=5))
            sock.sendall(payload)
        yield


def stall_rounds(url: str) -> dict[tuple[str, bool], list[float]]:
    """Median probe seconds per round: (probe, stalled?) -> one figure per round."""
    port = int(url.rsplit(":", 1)[1].strip("/"))
    event = load_event("launch")
    figures: dict[tuple[str, bool], list[float]] = {}
    for index in range(STALL_ROUNDS):
        event["request"]["timestamp"] = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = json.dumps(event).encode()
        signed = {"SignatureCertChainUrl": CERT_URL, "Signature-256": sign(body)}
        for on in (True, False) if index % 2 else (False, True):
            # Each loaded round lasts well under the server's 5 s request timeout.
            with stalled(port, on):
                health = [timed(port, "GET", "/health", None, {}) for _ in range(PROBES)]
                verified = [timed(port, "POST", "/", body, signed) for _ in range(PROBES)]
            figures.setdefault(("health", on), []).append(statistics.median(health))
            figures.setdefault(("signed", on), []).append(statistics.median(verified))
    return figures


def stall_results(figures: dict[tuple[str, bool], list[float]]) -> list[Result]:
    label = f"endpoint, {len(STALLS)} stalled clients"
    return [
        paired_result(
            f"{label}: health probe latency, stalled vs none",
            figures[("health", True)],
            figures[("health", False)],
            "ms",
            scale=1e3,
            target=STALL_TARGET,
        ),
        paired_result(
            f"{label}: signed request latency, stalled vs none (reported)",
            figures[("signed", True)],
            figures[("signed", False)],
            "ms",
            scale=1e3,
        ),
    ]


def run() -> list[Result]:
    if shutil.which("wrk") is None:
        print("wrk is not installed (make bench installs it from Debian's packages): skipped")
        return []
    from cryptography.hazmat.primitives import serialization

    root, chain = chain_valid_at(datetime.now(UTC))
    results: list[Result] = []
    runs: dict[tuple[str, int], list[Run]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        chain_path, root_path = Path(tmp) / "chain.pem", Path(tmp) / "root.pem"
        chain_path.write_bytes(chain)
        root_path.write_bytes(root.public_bytes(serialization.Encoding.PEM))
        stats = {"verify": Path(tmp) / "verifier.stats", "no-verify": None}
        servers = {
            mode: start_server(mode, chain_path, root_path, stats[mode])
            for mode in ("verify", "no-verify")
        }
        try:
            for connections in CONNECTIONS:
                scripts = write_scripts(Path(tmp))  # freshly signed for each level
                for index in range(ROUNDS):
                    order = ("no-verify", "verify") if index % 2 else ("verify", "no-verify")
                    for mode in order:  # alternate, and swap who goes first, so drift hits both
                        process, url = servers[mode]
                        run = wrk(url, scripts[mode], connections, process.pid, stats[mode])
                        runs.setdefault((mode, connections), []).append(run)
            stall_figures = stall_rounds(servers["verify"][1])  # warm: after the load
        finally:
            for process, _ in servers.values():
                stop(process)
    pairs = [
        (on, off)
        for c in CONNECTIONS
        for on, off in zip(runs[("verify", c)], runs[("no-verify", c)], strict=True)
    ]
    results.append(
        paired_result(
            "endpoint: CPU per request, + what the verifier costs vs without, all levels",
            [off.cpu_per_request + on.verifier_cpu_per_request for on, off in pairs],
            [off.cpu_per_request for _, off in pairs],
            "us",
            scale=1e6,
            target=CPU_TARGET,
        )
    )
    results += stall_results(stall_figures)
    results.append(
        Result(
            "endpoint: verifier CPU per request, median (reported)",
            statistics.median(on.verifier_cpu_per_request for on, _ in pairs) * 1e6,
            "us",
        )
    )
    for connections in CONNECTIONS:
        on, off = runs[("verify", connections)], runs[("no-verify", connections)]
        errors = sum(r.errors for r in on + off)
        assert errors == 0, f"{errors} non-2xx responses at {connections} connections"
        label = f"endpoint, {connections:>2} conn"
        # Each verified run is paired with the unverified run just before it.
        results += [
            paired_result(
                f"{label}: server CPU per request, verification on vs off (reported)",
                [r.cpu_per_request for r in on],
                [r.cpu_per_request for r in off],
                "us",
                scale=1e6,
            ),
            paired_result(
                f"{label}: requests/s, verification on vs off (reported)",
                [r.rate for r in on],
                [r.rate for r in off],
                "req/s",
            ),
            paired_result(
                f"{label}: p50 latency, verification on vs off (reported)",
                [r.p50 for r in on],
                [r.p50 for r in off],
                "ms",
            ),
            paired_result(
                f"{label}: p99 latency, verification on vs off (reported)",
                [r.p99 for r in on],
                [r.p99 for r in off],
                "ms",
            ),
        ]
    return results
