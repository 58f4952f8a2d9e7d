"""Fixtures: a real ``escala serve`` on a free loopback port for the whole run, and a fresh queue per test.

The server is the repository's Release build (``src/Escala.Server/bin/Release/net10.0/escala.dll``, built by
``scripts/test.sh``); ``ESCALA_SERVER_DLL`` points elsewhere. Its data lives in a temporary directory.
"""
from __future__ import annotations

import itertools
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))  # the package under test, installed or not

from escala import Client  # noqa: E402

REPO = HERE.parents[2]
QUEUES = [f"t{i}" for i in range(40)]
LEASE_DURATION = "5s"


def _server_dll() -> Path:
    override = os.environ.get("ESCALA_SERVER_DLL")
    candidates = [Path(override)] if override else [
        REPO / "src" / "Escala.Server" / "bin" / config / "net10.0" / "escala.dll" for config in ("Release", "Debug")]
    for dll in candidates:
        if dll.exists():
            return dll
    pytest.exit(f"escala.dll not found ({', '.join(map(str, candidates))}): run "
                "`dotnet build src/Escala.Server -c Release` first", returncode=2)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, url: str, process: subprocess.Popen, log: Path) -> None:
        self.url, self.process, self.log = url, process, log

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture(scope="session")
def server():
    work = Path(tempfile.mkdtemp(prefix="escala-pytest-"))
    config = {
        "queues": {name: {"concurrency": 20, "external": True, "maxAttempts": 3, "backoff": "200ms",
                          "hardTimeoutGrace": "2s"} for name in QUEUES},
        "resources": {"per_user": {"concurrency": 10, "perKey": {"concurrency": 1}}},
        "execution": {"leaseDuration": LEASE_DURATION},
        "maintenance": {"rescueInterval": "500ms", "promoteInterval": "200ms"},
    }
    (work / "escala.json").write_text(json.dumps(config))
    url = f"http://127.0.0.1:{_free_port()}"
    log = work / "server.log"
    with open(log, "wb") as out:
        process = subprocess.Popen(
            ["dotnet", str(_server_dll()), "serve", "--urls", url, "--data", str(work / "data"),
             "--config", str(work / "escala.json")],
            cwd=work, stdout=out, stderr=subprocess.STDOUT, env={**os.environ, "DOTNET_CLI_TELEMETRY_OPTOUT": "1"})
    running = Server(url, process, log)
    deadline = time.monotonic() + 60
    while True:
        if process.poll() is not None:
            pytest.exit(f"escala serve exited with {process.returncode}:\n{running.output()}", returncode=2)
        try:
            with urllib.request.urlopen(url + "/health/ready", timeout=2) as response:
                if response.status == 200:
                    break
        except OSError:
            pass
        if time.monotonic() > deadline:
            process.kill()
            pytest.exit(f"escala serve was not ready within 60 s:\n{running.output()}", returncode=2)
        time.sleep(0.1)
    yield running
    process.terminate()
    try:
        process.wait(15)
    except subprocess.TimeoutExpired:
        process.kill()
    shutil.rmtree(work, ignore_errors=True)


_queue_numbers = itertools.count()


@pytest.fixture
def queue() -> str:
    """A queue no other test uses, so workers of different tests never lease each other's jobs."""
    return QUEUES[next(_queue_numbers) % len(QUEUES)]


@pytest.fixture
def client(server) -> Client:
    return Client(server.url)


def eventually(condition, timeout: float = 20.0, interval: float = 0.05, what: str = "condition"):
    """Polls ``condition`` until it returns something truthy (returned) or ``timeout`` seconds pass (fails)."""
    deadline = time.monotonic() + timeout
    while True:
        value = condition()
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} not met within {timeout} s (last: {value!r})")
        time.sleep(interval)
