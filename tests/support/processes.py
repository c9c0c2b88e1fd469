"""The server as a subprocess: stdio parameters, and Streamable HTTP waited on until ready.

Startup is waited on by readiness (`GET /readyz` answers 200), bounded only by
`READY_TIMEOUT`, which is generous on purpose: a shared, busy machine can take many seconds
to start a Python process, and a bound tuned for an idle one makes tests flaky.
"""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from typing import IO, Any

import httpx2
from mcp import StdioServerParameters

from musement_mcp.sandbox import SandboxServer

from .common import TEST_APPLICATION

# The most a process may take to become ready before a test gives up on it.
READY_TIMEOUT = 120.0


def free_port() -> int:
    """A TCP port free on loopback right now."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def server_command(sandbox: SandboxServer, *extra: str) -> list[str]:
    """`python -m musement_mcp.server`, pointed at `sandbox`, with `extra` arguments."""
    return [
        sys.executable,
        "-m",
        "musement_mcp.server",
        "--base-url",
        sandbox.base_url,
        "--application",
        TEST_APPLICATION,
        *extra,
    ]


def stdio_params(
    sandbox: SandboxServer, *extra: str, env: dict[str, str] | None = None
) -> StdioServerParameters:
    """`python -m musement_mcp.server` over stdio, pointed at `sandbox`."""
    command, *args = server_command(sandbox, *extra)
    return StdioServerParameters(command=command, args=args, env={**os.environ, **(env or {})})


def wait_until(
    ready: Callable[[], bool],
    *,
    what: str,
    alive: Callable[[], bool] = lambda: True,
    why: Callable[[], str] = lambda: "",
    timeout: float = READY_TIMEOUT,
    poll: float = 0.05,
) -> None:
    """Poll `ready()` every `poll` seconds until it is true; fail at once if `alive()` turns
    false, or after `timeout` seconds (a safety net for a hung process, not a performance
    budget)."""
    deadline = time.monotonic() + timeout
    while not ready():
        if not alive():
            raise RuntimeError(f"{what} exited before it was ready: {why()}")
        if time.monotonic() > deadline:
            raise RuntimeError(f"{what} was not ready after {timeout:.0f} s: {why()}")
        time.sleep(poll)


def answers_ready(url: str) -> bool:
    """Whether `GET {url}/readyz` answers 200 (the MCP endpoint is serving)."""
    try:
        return httpx2.get(url + "/readyz", timeout=10).status_code == 200
    except httpx2.TransportError:
        return False


_LOGS: dict[int, IO[bytes]] = {}


@contextlib.contextmanager
def serve_http(
    sandbox: SandboxServer, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`musement-mcp serve --transport http` as a subprocess, ready; yields (URL, process).

    Ready means `/readyz` answers 200. The server's stderr goes to a file (`server_log(process)`
    reads it), not a pipe that nobody drains and that a long run could fill.
    """
    port = port or free_port()
    command = server_command(sandbox, "--transport", "http", "--port", str(port), *args)
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, **(env or {})}
        )
        _LOGS[process.pid] = log
        url = f"http://127.0.0.1:{port}"
        try:
            wait_until(
                lambda: answers_ready(url),
                what=f"the server on port {port}",
                alive=lambda: process.poll() is None,
                why=lambda: server_log(process),
            )
            yield url, process
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=30)
            _LOGS.pop(process.pid, None)


def server_log(process: subprocess.Popen[Any]) -> str:
    """What a `serve_http` server wrote to stderr so far."""
    log = _LOGS[process.pid]
    log.seek(0)
    return log.read().decode(errors="replace")
