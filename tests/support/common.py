"""What most tests share: the application name, the protocol eras, a customer, error bodies."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, Literal

from musement_mcp.sandbox import SandboxServer
from musement_mcp.server import Settings, load_settings

REPO_ROOT = Path(__file__).parents[2]
TEST_APPLICATION = "musement-mcp-tests"
# The protocol eras, by our names: the handshake era (2025-11-25: `initialize`, sessions) and
# the 2026-07-28 era (stateless, `server/discover`). Pytest ids are these names.
HANDSHAKE_ERA = "handshake"
ERA_2026_07_28 = "2026-07-28"
ERAS = [HANDSHAKE_ERA, ERA_2026_07_28]
# The era of the `client` fixture (mcp.Client's default): a test runs in both eras only when
# it asks for the `both_eras` fixture (tests/conftest.py), i.e. where the era matters.
DEFAULT_ERA = ERA_2026_07_28

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


def client_mode(era: str) -> Literal["legacy", "auto"]:
    """The mcp SDK's `Client(mode=...)` for an era: the one place the tests hand the SDK its
    own mode strings ("legacy": the `initialize` handshake; "auto": `server/discover`)."""
    modes: dict[str, Literal["legacy", "auto"]] = {HANDSHAKE_ERA: "legacy", ERA_2026_07_28: "auto"}
    return modes[era]


def settings_for(sandbox: SandboxServer, **overrides: Any) -> Settings:
    """Server settings pointed at `sandbox`."""
    return load_settings(base_url=sandbox.base_url, application=TEST_APPLICATION, **overrides)


def error_of(result: Any) -> dict[str, Any]:
    """The `{"error": ...}` body of an isError tool result."""
    assert result.is_error, f"expected an error result, got {result.content[0].text[:300]}"
    body = json.loads(result.content[0].text)
    assert set(body["error"]) == {"type", "status", "code", "message", "hint", "details"}
    return body["error"]
