"""Shared fixtures: the embedded sandbox over loopback HTTP and real MCP clients."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Callable, Iterator
from typing import Any

import httpx2
import pytest
from mcp import Client

from musement_mcp.sandbox import SandboxServer
from musement_mcp.server import Settings, build_server, load_settings

TEST_APPLICATION = "musement-mcp-tests"
ERAS = ["legacy", "auto"]  # 2025-11-25 handshake era, 2026-07-28 era


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
                    {"type": "musement", "product_identifier": a, "quantity": quantity}
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
