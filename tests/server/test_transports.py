"""The server as a process: stdio subprocess and Streamable HTTP, both protocol eras."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator

import httpx2
import pytest
from mcp import Client, StdioServerParameters

from musement_mcp.sandbox import EXTRA_DATA_CART_UUID, SANDBOX_TEST_ACTIVITY_UUID
from tests.support.common import (
    ERA_2026_07_28,
    ERAS,
    HANDSHAKE_ERA,
    INITIALIZE_REQUEST,
    MCP_HEADERS,
    client_mode,
    error_of,
)
from tests.support.people import KATHERINE, KATHERINE_EXTRA
from tests.support.processes import serve_http, stdio_params
from tests.support.snapshots import tool_snapshots

pytestmark = [pytest.mark.anyio, pytest.mark.process]

CUSTOMER = KATHERINE
EXTRA = KATHERINE_EXTRA


async def exercise(client: Client, make_cart) -> None:
    """List the five tools and call the two customer tools, including an error path."""
    tools = (await client.list_tools()).tools
    seen = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
    assert seen == tool_snapshots()
    schema = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
    assert not schema.is_error
    paths = [f["path"] for f in schema.structured_content["fields"]]
    assert any(path.startswith("extra_customer_data.") for path in paths)
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    customer = {**CUSTOMER, "extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: EXTRA}}
    saved = await client.call_tool(
        "update_cart_customer", {"cart_uuid": cart, "customer": customer}
    )
    assert not saved.is_error, saved.content[0].text
    assert saved.structured_content["customer"]["lastname"] == "Johnson"
    bad = await client.call_tool(
        "update_cart_customer", {"cart_uuid": cart, "customer": {"email": "nope"}}
    )
    assert error_of(bad)["type"] == "validation_failed"


@pytest.mark.parametrize("era", ERAS)
async def test_stdio_subprocess(sandbox, make_cart, era) -> None:
    async with Client(stdio_params(sandbox), mode=client_mode(era)) as client:
        assert client.protocol_version == ("2025-11-25" if era == HANDSHAKE_ERA else "2026-07-28")
        await exercise(client, make_cart)


async def test_stdio_with_embedded_sandbox() -> None:
    params = StdioServerParameters(
        command=sys.executable,
        args=["-m", "musement_mcp.server", "--sandbox"],
        env=dict(os.environ),
    )
    async with Client(params) as client:
        result = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
        assert not result.is_error, result.content[0].text


@pytest.fixture(params=["stateful", "stateless"])
def http_server(request, sandbox) -> Iterator[str]:
    """`musement-mcp serve --transport http` as a subprocess; yields its base URL."""
    extra = ["--stateless"] if request.param == "stateless" else []
    with serve_http(sandbox, *extra) as (url, _):
        yield url


@pytest.mark.parametrize("era", ERAS)
async def test_streamable_http(http_server, make_cart, era) -> None:
    async with Client(http_server + "/mcp", mode=client_mode(era)) as client:
        assert client.protocol_version == ("2025-11-25" if era == HANDSHAKE_ERA else "2026-07-28")
        await exercise(client, make_cart)


def test_http_health_and_dns_rebinding_protection(http_server) -> None:
    health = httpx2.get(http_server + "/healthz")
    assert health.json() == {"status": "ok"}
    request = {"json": INITIALIZE_REQUEST, "url": http_server + "/mcp"}
    wrong_host = httpx2.post(**request, headers={**MCP_HEADERS, "Host": "evil.example"})
    assert wrong_host.status_code == 421
    wrong_origin = httpx2.post(**request, headers={**MCP_HEADERS, "Origin": "http://evil.example"})
    assert wrong_origin.status_code == 403


async def test_several_workers_serve_both_eras_statelessly(sandbox, make_cart) -> None:
    with serve_http(sandbox, "--workers", "2") as (url, _):
        assert httpx2.get(url + "/readyz").json() == {"status": "ready"}
        assert httpx2.get(url + "/livez").json() == {"status": "ok"}
        for era in ERAS:
            async with Client(url + "/mcp", mode=client_mode(era)) as client:
                await exercise(client, make_cart)
                # Sessions would pin a client to one worker: none are kept.
                assert client.server_capabilities.tools.list_changed is (era == ERA_2026_07_28)
