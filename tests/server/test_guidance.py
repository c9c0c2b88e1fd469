"""The resource template with a cart's customer form, and the complete_customer_step prompt."""

from __future__ import annotations

import json

import mcp_types as types
import pytest
from mcp import Client, MCPError

from musement_mcp.sandbox import EXTRA_DATA_CART_UUID

pytestmark = pytest.mark.anyio

URI = f"musement://carts/{EXTRA_DATA_CART_UUID}/customer-schema"


async def refused(call) -> MCPError:
    try:
        await call
    except MCPError as error:
        return error
    raise AssertionError("expected a JSON-RPC error")


async def test_resource_template_serves_the_customer_form(client: Client) -> None:
    templates = (await client.list_resource_templates()).resource_templates
    assert [t.uri_template for t in templates] == ["musement://carts/{cart_uuid}/customer-schema"]
    assert templates[0].mime_type == "application/json"
    (content,) = (await client.read_resource(URI)).contents
    assert content.mime_type == "application/json"
    data = json.loads(content.text)
    tool = await client.call_tool("get_customer_schema", {"cart_uuid": EXTRA_DATA_CART_UUID})
    assert data == tool.structured_content


@pytest.mark.parametrize(
    "uri",
    [
        "musement://carts/00000000-0000-4000-8000-000000000404/customer-schema",
        "musement://carts/..%2Forders/customer-schema",
        "musement://orders/1",
    ],
)
async def test_unknown_resources_are_json_rpc_errors(client: Client, sandbox, uri) -> None:
    sandbox.recorder.clear()
    error = await refused(client.read_resource(uri))
    assert error.code == types.INVALID_PARAMS
    assert error.data["uri"] == uri
    # Only a real UUID is looked up: its schema, and the cart for the activities' names.
    expected_requests = 2 if "0404" in uri else 0
    assert len(sandbox.recorder) == expected_requests


async def test_prompt_walks_through_the_step(client: Client) -> None:
    (prompt,) = (await client.list_prompts()).prompts
    assert prompt.name == "complete_customer_step"
    assert [(a.name, a.required) for a in prompt.arguments] == [("cart_uuid", True)]
    result = await client.get_prompt("complete_customer_step", {"cart_uuid": EXTRA_DATA_CART_UUID})
    text = result.messages[0].content.text
    assert EXTRA_DATA_CART_UUID in text
    for step in ("get_customer_schema", "update_cart_customer", "cart_locked", "never choose"):
        assert step in text
    error = await refused(client.get_prompt("complete_customer_step", {"cart_uuid": "../x"}))
    assert error.code == types.INVALID_PARAMS
