"""The catalog set through real MCP clients (in-process, both protocol eras) against the
sandbox: listed only when asked for, its reviewed definitions, and an agent that goes from a
search to a cart ready for the order with arguments built from schemas and results alone."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import AsyncIterator, Iterator
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp import Client, MCPError

from musement_mcp.sandbox import ROME_GUIDED_TOUR_UUID, SandboxServer
from musement_mcp.server import Settings, SettingsError, build_server, load_settings
from tests.support.agent_flow import build_cart_from_search, complete_customer_step
from tests.support.common import client_mode, settings_for
from tests.support.snapshots import (
    CATALOG_TOOL_ORDER,
    CATALOG_TOOLS_DIR,
    tool_snapshots,
    updating_snapshots,
    write_tool_snapshots,
)

pytestmark = pytest.mark.anyio

CATALOG_TOOLS = {
    "search_activities",
    "get_activity",
    "get_activity_dates",
    "get_day_options",
    "create_cart",
    "add_to_cart",
    "remove_from_cart",
}


def next_saturday() -> str:
    today = dt.date.today()
    return (today + dt.timedelta(days=(5 - today.weekday()) % 7 or 7)).isoformat()


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of this module's own: carts take seats."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
def booking_settings(own_sandbox: SandboxServer) -> Settings:
    return settings_for(own_sandbox, toolsets="checkout,catalog")


@pytest.fixture
async def booking(booking_settings: Settings, era: str) -> AsyncIterator[Client]:
    async with Client(build_server(booking_settings), mode=client_mode(era)) as connected:
        yield connected


def dumped(tools: Any) -> list[dict[str, Any]]:
    return [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]


async def test_the_default_list_has_no_catalog_tool(client: Client) -> None:
    names = {t.name for t in (await client.list_tools()).tools}
    assert not names & CATALOG_TOOLS
    with pytest.raises(MCPError, match="Unknown tool"):
        await client.call_tool("search_activities", {"text": "Rome"})


async def test_the_catalog_set_adds_its_reviewed_tools_and_changes_no_other(
    booking: Client, client: Client
) -> None:
    listed = dumped((await booking.list_tools()).tools)
    catalog = [t for t in listed if t["name"] in CATALOG_TOOLS]
    if updating_snapshots():
        write_tool_snapshots(catalog, CATALOG_TOOLS_DIR, CATALOG_TOOL_ORDER)
    assert catalog == tool_snapshots(CATALOG_TOOLS_DIR, CATALOG_TOOL_ORDER), (
        "catalog tool definitions changed: review, then rerun with UPDATE_SNAPSHOTS=1"
    )
    # The checkout tools are the very definitions a client without the catalog sees.
    assert [t for t in listed if t["name"] not in CATALOG_TOOLS] == dumped(
        (await client.list_tools()).tools
    )


async def test_catalog_schemas_suit_strict_clients(booking: Client) -> None:
    for tool in (await booking.list_tools()).tools:
        if tool.name not in CATALOG_TOOLS:
            continue
        schema = tool.input_schema
        Draft202012Validator.check_schema(schema)
        assert schema["additionalProperties"] is False
        assert schema["required"] == list(schema["properties"])
        assert "default" not in json.dumps(schema) and "$ref" not in json.dumps(schema)


def test_toolsets_are_checked(monkeypatch) -> None:
    assert load_settings().order_options().toolsets == {"checkout"}
    assert load_settings(toolsets="Catalog, checkout").order_options().toolsets == {
        "checkout",
        "catalog",
    }
    with pytest.raises(SettingsError, match="MUSEMENT_TOOLSETS"):
        load_settings(toolsets="checkout,shop")


async def test_an_agent_goes_from_a_search_to_a_ready_cart(booking: Client) -> None:
    schemas = {t.name: t.input_schema for t in (await booking.list_tools()).tools}

    async def call(name: str, args: dict[str, Any]) -> dict[str, Any]:
        result = await booking.call_tool(name, args)
        return dict(json.loads(result.content[0].text))

    wish = {
        "text": "guided tour Rome",
        "day": next_saturday(),
        "tickets": {"ADULT": 2},
        "language": "en",
        "sort": "rating",
    }
    built = await build_cart_from_search(call, schemas, wish)
    assert built["activity_uuid"] == ROME_GUIDED_TOUR_UUID
    cart = built["cart_uuid"]
    done = await complete_customer_step(call, schemas, cart)
    final = done["final"]
    assert final["ready_for_order"] is True
    # The item the add made, with both tickets.
    add = next(s for s in built["transcript"] if s["tool"] == "add_to_cart")
    assert [(i["cart_item_uuid"], i["quantity"]) for i in final["items"]] == [
        (add["result"]["cart_item_uuid"], 2)
    ]
    # A repeated add (a client's retry) adds nothing; the cart still holds one item.
    again = await call("add_to_cart", add["arguments"])
    assert again["added"] is False and again["cart_item_uuid"] == add["result"]["cart_item_uuid"]
    assert len((await call("get_cart", {"cart_uuid": cart}))["items"]) == 1


async def test_refusals_are_errors_a_model_can_act_on(booking: Client) -> None:
    result = await booking.call_tool(
        "get_day_options",
        {"activity_uuid": ROME_GUIDED_TOUR_UUID, "day": "2020-01-04", "pickup": None},
    )
    error = json.loads(result.content[0].text)["error"]
    assert result.is_error and error["type"] == "date_not_available"
    assert "get_activity_dates" in error["hint"]
