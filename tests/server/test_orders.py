"""Placing the order: only when nothing is missing, only with the user's yes, never twice;
reading it; paying it with the no-payment flow where the account allows it."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client
from mcp.shared.exceptions import MCPError

from musement_mcp.sandbox import (
    FREE_WALKING_TOUR_UUID,
    PARTICIPANTS_CART_UUID,
    VATICAN_MUSEUMS_UUID,
    SandboxServer,
)
from musement_mcp.server import build_server
from musement_mcp.tools import MusementClient, MusementConfig
from musement_mcp.tools.orders import create_order
from tests.support.common import GRACE, error_of, settings_for

pytestmark = pytest.mark.anyio


async def ready_cart(client: Client, make_cart, activity: str = VATICAN_MUSEUMS_UUID) -> str:
    cart = make_cart(activity)
    saved = await client.call_tool("update_cart_customer", {"cart_uuid": cart, "customer": GRACE})
    assert not saved.is_error, saved.content[0].text
    return cart


def posted_orders(sandbox: SandboxServer) -> int:
    return sandbox.recorder.count("POST", "/orders")


async def test_an_incomplete_cart_is_refused_before_any_order(sandbox, client: Client) -> None:
    before = posted_orders(sandbox)
    result = await client.call_tool(
        "create_order", {"cart_uuid": PARTICIPANTS_CART_UUID, "confirmed_by_user": True}
    )
    error = error_of(result)
    assert error["type"] == "order_not_ready"
    assert {"firstname", "email"} <= {d["path"] for d in error["details"]}
    assert any(d["path"].startswith("participants") for d in error["details"])
    assert posted_orders(sandbox) == before


async def test_without_the_users_yes_nothing_is_ordered(sandbox, client, make_cart) -> None:
    cart = await ready_cart(client, make_cart)
    before = posted_orders(sandbox)
    result = await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": False})
    error = error_of(result)
    assert error["type"] == "confirmation_required"
    assert "Vatican Museums" in error["message"] and "total" in error["message"]
    assert posted_orders(sandbox) == before


async def test_two_calls_make_one_order(sandbox, client, make_cart) -> None:
    cart = await ready_cart(client, make_cart)
    arguments = {"cart_uuid": cart, "confirmed_by_user": True}
    first = await client.call_tool("create_order", arguments)
    assert not first.is_error, first.content[0].text
    placed = first.structured_content
    assert placed["created"] is True
    assert placed["order"]["status"] == "PENDING" and placed["order"].get("paid") is not True
    assert "partner's own checkout" in placed["payment"]
    again = (await client.call_tool("create_order", arguments)).structured_content
    assert again.get("created") is not True
    assert again["order"]["order_uuid"] == placed["order"]["order_uuid"]
    assert len([o for o in sandbox.state.orders.values() if o.cart.uuid == cart]) == 1
    overview = (await client.call_tool("get_cart", {"cart_uuid": cart})).structured_content
    assert overview["order"]["order_uuid"] == placed["order"]["order_uuid"]
    assert overview["ready_for_order"] is False


async def test_concurrent_calls_make_one_order(sandbox, settings, make_cart) -> None:
    async with Client(build_server(settings)) as client:
        cart = await ready_cart(client, make_cart)
        uuids: list[str] = []

        async def place() -> None:
            result = await client.call_tool(
                "create_order", {"cart_uuid": cart, "confirmed_by_user": True}
            )
            uuids.append(result.structured_content["order"]["order_uuid"])

        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(place)
    assert len(set(uuids)) == 1
    assert len([o for o in sandbox.state.orders.values() if o.cart.uuid == cart]) == 1


async def test_an_unknown_outcome_is_answered_by_the_carts_order_never_a_second_post() -> None:
    cart, order = "3f1b6a47-1c1d-4e0f-9a59-7e1f3c1a0b01", "7a1b6a47-1c1d-4e0f-9a59-7e1f3c1a0b02"
    posts: list[httpx2.Request] = []
    placed = {"now": False}

    def upstream(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path.removeprefix("/api/v3")
        if request.method == "POST":
            posts.append(request)
            placed["now"] = True  # Musement made the order, then the answer was lost
            raise httpx2.ReadTimeout("lost", request=request)
        if path.endswith("/order-info"):
            if not placed["now"]:
                return httpx2.Response(404, json={"code": "1400", "message": "no order"})
            return httpx2.Response(200, json={"order_uuid": order, "payment": {"paid": False}})
        if path == f"/orders/{order}":
            return httpx2.Response(200, json={"uuid": order, "status": "PENDING", "items": []})
        if path.endswith("/customer/schema"):
            return httpx2.Response(200, json={"type": "object", "properties": []})
        return httpx2.Response(200, json={"uuid": cart, "items": []})

    config = MusementConfig(base_url="https://musement.test/api/v3", application="t")
    async with MusementClient(config, transport=httpx2.MockTransport(upstream)) as client:
        result = await create_order(client, cart, confirmed=True, email_notification="TO-CUSTOMER")
    assert result.order.order_uuid == order
    assert len(posts) == 1  # never retried


class User:
    def __init__(self, action: str, yes: bool = True) -> None:
        self.action, self.yes = action, yes
        self.asked: list[str] = []

    async def __call__(self, context: Any, params: Any) -> types.ElicitResult:
        self.asked.append(params.message)
        content = {"confirm": self.yes} if self.action == "accept" else None
        return types.ElicitResult(action=self.action, content=content)


@pytest.mark.parametrize(
    "action, yes, ordered",
    [("accept", True, True), ("accept", False, False), ("decline", False, False)],
)
async def test_a_client_with_forms_asks_the_user(
    sandbox, settings, make_cart, action, yes, ordered
) -> None:
    user = User(action, yes)
    async with Client(build_server(settings), mode="legacy", elicitation_callback=user) as client:
        cart = await ready_cart(client, make_cart)
        result = await client.call_tool(
            "create_order", {"cart_uuid": cart, "confirmed_by_user": False}
        )
    (question,) = user.asked
    assert "Vatican Museums" in question
    assert (not result.is_error) is ordered
    if not ordered:
        assert error_of(result)["type"] == "confirmation_required"


async def test_the_2026_era_asks_with_an_input_request_and_takes_the_answer_once(
    sandbox, settings, make_cart
) -> None:
    async with Client(build_server(settings), elicitation_callback=User("accept")) as client:
        cart = await ready_cart(client, make_cart)
        arguments = {"cart_uuid": cart, "confirmed_by_user": False}
        first = await client.session.call_tool("create_order", arguments, allow_input_required=True)
        assert isinstance(first, types.InputRequiredResult)
        reply = types.ElicitResult(action="accept", content={"confirm": True})
        done = await client.session.call_tool(
            "create_order",
            arguments,
            allow_input_required=True,
            input_responses={"confirm": reply},
            request_state=first.request_state,
        )
    assert isinstance(done, types.CallToolResult) and not done.is_error, done
    assert done.structured_content["created"] is True


async def test_get_order_follows_the_order_to_its_vouchers(sandbox, client, make_cart) -> None:
    cart = await ready_cart(client, make_cart)
    placed = await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": True})
    order_uuid = placed.structured_content["order"]["order_uuid"]
    pending = (await client.call_tool("get_order", {"order_uuid": order_uuid})).structured_content
    assert pending["next_step"].startswith("Payment pending")
    sandbox.close_order(order_uuid)
    closed = (await client.call_tool("get_order", {"order_uuid": order_uuid})).structured_content
    assert closed["paid"] is True
    assert all(item["status"] == "OK" and item["vouchers"] for item in closed["items"])
    assert "vouchers" in closed["next_step"]
    missing = await client.call_tool(
        "get_order", {"order_uuid": "00000000-0000-4000-8000-000000000404"}
    )
    assert error_of(missing)["type"] == "order_not_found"


async def test_the_no_payment_flow_is_off_unless_a_setting_allows_it(settings) -> None:
    async with Client(build_server(settings)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        with pytest.raises(MCPError):  # not listed, so not callable either
            await client.call_tool(
                "pay_order_without_payment", {"order_uuid": "00000000-0000-4000-8000-000000000404"}
            )
    assert "pay_order_without_payment" not in names


async def test_a_merchant_completes_the_order_with_the_no_payment_flow() -> None:
    with SandboxServer(no_payment_scope=True) as sandbox:
        headers = {"X-Musement-Application": "t"}
        with httpx2.Client(base_url=sandbox.base_url + "/", headers=headers) as http:
            cart = http.post("carts").json()["uuid"]
            dates = http.get(f"activities/{FREE_WALKING_TOUR_UUID}/dates/2027-01-15").json()
            item = {"type": "musement", "product_identifier": _first_product(dates), "quantity": 1}
            http.post(f"carts/{cart}/items", json=[item]).raise_for_status()
        settings = settings_for(sandbox, no_payment_flow=True)
        async with Client(build_server(settings)) as client:
            assert "pay_order_without_payment" in {
                t.name for t in (await client.list_tools()).tools
            }
            await client.call_tool("update_cart_customer", {"cart_uuid": cart, "customer": GRACE})
            placed = await client.call_tool(
                "create_order", {"cart_uuid": cart, "confirmed_by_user": True}
            )
            assert "pay_order_without_payment" in placed.structured_content["payment"]
            order_uuid = placed.structured_content["order"]["order_uuid"]
            paid = await client.call_tool("pay_order_without_payment", {"order_uuid": order_uuid})
            again = await client.call_tool("pay_order_without_payment", {"order_uuid": order_uuid})
    assert not paid.is_error, paid.content[0].text
    assert paid.structured_content["paid"] is True
    assert error_of(again)["type"] == "order_already_paid"


def _first_product(dates: Any) -> str:
    """The first product id of a dates answer (days, slots, products)."""
    for day in dates:
        for slot in day.get("slots", []):
            for product in slot.get("products", []):
                return str(product["product_id"])
    raise AssertionError("no product listed")
