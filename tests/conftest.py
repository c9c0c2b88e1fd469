"""Shared fixtures: the embedded sandbox over loopback HTTP and real MCP clients."""

from __future__ import annotations

import contextlib
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest
from mcp import Client, StdioServerParameters

from musement_mcp.sandbox import SandboxServer, product_id_of
from musement_mcp.server import Settings, build_server, load_settings

TEST_APPLICATION = "musement-mcp-tests"
ERAS = ["legacy", "auto"]  # 2025-11-25 handshake era, 2026-07-28 era

# A complete customer for a cart without activity questions (consent: the user said NO).
GRACE = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "email": "grace@example.com",
    "musement_newsletter": "NO",
    "allow_profiling": "NO",
    "thirdparty_newsletter": "NO",
    "events_related_newsletter": "NO",
}
# A raw handshake-era `initialize`, for HTTP-level checks.
INITIALIZE_REQUEST = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-11-25",
        "capabilities": {},
        "clientInfo": {"name": "probe", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream"}


@pytest.fixture(scope="session")
def anyio_backend() -> str:
    return "asyncio"


@pytest.fixture(scope="session")
def sandbox() -> Iterator[SandboxServer]:
    """One sandbox for the session; tests that write use carts of their own."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def faulty_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of the test's own, with fault injection on."""
    with SandboxServer(faults=True) as server:
        yield server


def stdio_params(
    sandbox: SandboxServer, *extra: str, env: dict[str, str] | None = None
) -> StdioServerParameters:
    """`python -m musement_mcp.server` over stdio, pointed at `sandbox`."""
    return StdioServerParameters(
        command=sys.executable,
        args=[
            "-m",
            "musement_mcp.server",
            "--base-url",
            sandbox.base_url,
            "--application",
            TEST_APPLICATION,
            *extra,
        ],
        env={**os.environ, **(env or {})},
    )


def settings_for(sandbox: SandboxServer, **overrides: Any) -> Settings:
    return load_settings(base_url=sandbox.base_url, application=TEST_APPLICATION, **overrides)


@pytest.fixture
def settings(sandbox: SandboxServer) -> Settings:
    return settings_for(sandbox)


@pytest.fixture(params=ERAS)
def era(request: pytest.FixtureRequest) -> str:
    return request.param


@pytest.fixture
async def client(settings: Settings, era: str) -> AsyncIterator[Client]:
    """A real MCP client connected in-process, in each protocol era."""
    async with Client(build_server(settings), mode=era) as connected:
        yield connected


@pytest.fixture
def make_cart(sandbox: SandboxServer) -> Callable[..., str]:
    """Create a cart with items over the sandbox's HTTP API; returns its UUID."""

    def make(*activities: str, quantity: int = 1) -> str:
        headers = {"X-Musement-Application": TEST_APPLICATION}
        with httpx2.Client(base_url=sandbox.base_url + "/", headers=headers) as http:
            cart = http.post("carts").raise_for_status().json()
            if activities:
                items = [
                    {
                        "type": "musement",
                        "product_identifier": product_id_of(a),
                        "quantity": quantity,
                    }
                    for a in activities
                ]
                http.post(f"carts/{cart['uuid']}/items", json=items).raise_for_status()
        return cart["uuid"]

    return make


def error_of(result: Any) -> dict[str, Any]:
    """The `{"error": ...}` body of an isError tool result."""
    assert result.is_error, f"expected an error result, got {result.content[0].text[:300]}"
    body = json.loads(result.content[0].text)
    assert set(body["error"]) == {"type", "status", "code", "message", "hint", "details"}
    return body["error"]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve_http(
    sandbox: SandboxServer, *args: str, env: dict[str, str] | None = None, port: int | None = None
) -> Iterator[tuple[str, subprocess.Popen[bytes]]]:
    """`musement-mcp serve --transport http` as a subprocess, ready; yields (URL, process).

    The server's stderr goes to a file (`server_log(process)` reads it), not a pipe that
    nobody drains and that a long run could fill.
    """
    port = port or free_port()
    command = [
        sys.executable,
        "-m",
        "musement_mcp.server",
        "--transport",
        "http",
        "--port",
        str(port),
        "--base-url",
        sandbox.base_url,
        "--application",
        TEST_APPLICATION,
        *args,
    ]
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=log, env={**os.environ, **(env or {})}
        )
        _LOGS[process.pid] = log
        url = f"http://127.0.0.1:{port}"
        try:
            deadline = time.monotonic() + 20
            while True:
                try:
                    if httpx2.get(url + "/healthz").status_code == 200:
                        break
                except httpx2.TransportError:
                    pass
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError(f"server did not start: {server_log(process)}")
                time.sleep(0.05)
            yield url, process
        finally:
            if process.poll() is None:
                process.terminate()
            process.wait(timeout=30)
            _LOGS.pop(process.pid, None)


_LOGS: dict[int, Any] = {}


def server_log(process: subprocess.Popen[bytes]) -> str:
    """What a `serve_http` server wrote to stderr so far."""
    log = _LOGS[process.pid]
    log.seek(0)
    return log.read().decode(errors="replace")
