"""The examples run as users run them."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import anyio
import httpx2
import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client

from musement_mcp.sandbox import VATICAN_MUSEUMS_UUID
from tests.support.common import REPO_ROOT
from tests.support.processes import READY_TIMEOUT, serve_http

pytestmark = pytest.mark.process

EXAMPLES = REPO_ROOT / "examples"


def test_customer_step_example_saves_the_customer() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "customer_step.py")],
        capture_output=True,
        text=True,
        timeout=READY_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    result = json.loads(done.stdout)
    assert result["mode"] == "full"
    assert result["customer"]["lastname"] == "Lovelace"
    assert result["customer"]["extra_customer_data"]


def test_curl_example_speaks_the_2026_era(sandbox, make_cart) -> None:
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    with serve_http(sandbox) as (url, _):
        done = subprocess.run(
            ["bash", str(EXAMPLES / "curl_2026.sh")],
            capture_output=True,
            text=True,
            timeout=READY_TIMEOUT,
            env={**os.environ, "MCP_URL": url + "/mcp", "CART": cart},
        )
    assert done.returncode == 0, done.stderr
    out = done.stdout
    assert '"supportedVersions": [\n            "2026-07-28"' in out
    assert out.count('"name": "update_cart_customer"') >= 1
    assert "did you mean 'firstname'" in out
    assert sandbox.state.carts[cart].customer["lastname"] == "Lovelace"


def test_n8n_workflow_calls_the_tools_as_n8n_would(sandbox) -> None:
    """The workflow without n8n (tests/e2e/test_n8n.py runs it in n8n itself): its MCP Client
    nodes are checked against the server's tools and replayed, in workflow order, through a
    Streamable HTTP client."""
    workflow = json.loads((EXAMPLES / "n8n_customer_step.json").read_text())
    nodes = {node["name"]: node for node in workflow["nodes"]}
    booking = json.loads(nodes["Booking data"]["parameters"]["jsonOutput"])
    order, current = [], "Start"
    while current in workflow["connections"]:
        current = workflow["connections"][current]["main"][0][0]["node"]
        order.append(nodes[current])
    calls = [n for n in order if n["type"] == "@n8n/n8n-nodes-langchain.mcpClient"]
    assert [c["parameters"]["tool"]["value"] for c in calls] == [
        "get_cart",
        "update_cart_customer",
        "get_cart",
    ]
    expression = re.compile(r"=\{\{ \$\('Booking data'\)\.item\.json\.(\w+) \}\}")

    def resolve(value: str) -> object:
        return booking[expression.fullmatch(value).group(1)]

    token = "n8n-example-token-0123456789abcdef01234"
    with serve_http(sandbox, env={"MUSEMENT_HTTP_AUTH_TOKENS": token}) as (url, _):

        async def replay() -> list[object]:
            async with httpx2.AsyncClient(headers={"Authorization": f"Bearer {token}"}) as http:
                transport = streamable_http_client(url + "/mcp", http_client=http)
                async with Client(transport) as client:
                    names = {t.name for t in (await client.list_tools()).tools}
                    results = []
                    for node in calls:
                        params = node["parameters"]
                        assert params["serverTransport"] == "httpStreamable"
                        assert params["endpointUrl"].endswith("/mcp")
                        assert params["authentication"] == "bearerAuth"
                        assert params["tool"]["value"] in names
                        arguments = {
                            k: resolve(v) for k, v in params["parameters"]["value"].items()
                        }
                        results.append(await client.call_tool(params["tool"]["value"], arguments))
                    return results

        before, saved, after = anyio.run(replay)
    for result in (before, saved, after):
        assert not result.is_error, result.content[0].text
    assert saved.structured_content["customer"]["lastname"] == "Hopper"
    assert after.structured_content["customer"]["lastname"] == "Hopper"


def test_agent_takes_every_seeded_cart_to_an_empty_checklist() -> None:
    done = subprocess.run(
        [sys.executable, str(EXAMPLES / "agent_complete_cart.py")],
        capture_output=True,
        text=True,
        timeout=READY_TIMEOUT,
    )
    assert done.returncode == 0, done.stderr
    results = json.loads(done.stdout)
    assert len(results) == 3
    for outcome in results.values():
        assert outcome == {"customer": [], "ready_for_order": True}
    assert "participant(s) saved for The Last Supper guided tour" in done.stderr
