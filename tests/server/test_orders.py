"""Placing the order: only when nothing is missing, only with the user's yes to exactly what
the cart is, never twice; reading it; paying it with the no-payment flow where the account
allows it; the partner's checkout link where the partner places orders itself."""

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
from tests.support.common import GRACE, HANDSHAKE_ERA, client_mode, error_of, settings_for

pytestmark = pytest.mark.anyio


async def ready_cart(client: Client, make_cart, activity: str = VATICAN_MUSEUMS_UUID) -> str:
    cart = make_cart(activity)
    saved = await client.call_tool("update_cart_customer", {"cart_uuid": cart, "customer": GRACE})
    assert not saved.is_error, saved.content[0].text
    return cart


def posted_orders(sandbox: SandboxServer) -> int:
    return sandbox.recorder.count("POST", "/orders")


async def token_for(client: Client, cart: str) -> str:
    """The confirmation token of the summary create_order asks the user about."""
    asked = error_of(
        await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": False})
    )
    assert asked["type"] == "confirmation_required", asked
    (detail,) = [d for d in asked["details"] if "confirmation_token" in d]
    return str(detail["confirmation_token"])


async def place(client: Client, cart: str) -> Any:
    """The model's path: the summary shown, the user's yes, the call with the token."""
    token = await token_for(client, cart)
    return await client.call_tool(
        "create_order",
        {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": token},
    )


async def test_an_incomplete_cart_is_refused_before_any_order(sandbox, client: Client) -> None:
    before = posted_orders(sandbox)
    result = await client.call_tool(
        "create_order", {"cart_uuid": PARTICIPANTS_CART_UUID, "confirmed_by_user": True}
    )
    error = error_of(result)
    assert error["type"] == "order_not_ready"
    assert {"firstname", "email"} <= {d["path"] for d in error["details"]}
    assert any(d["path"].startswith("participants") for d in error["details"])
    # The checklist leaves "is required" out; an error's details always say what is wrong.
    assert all(d["kind"] and d["message"] for d in error["details"])
    # Whole, as the update tools word them (get_cart's checklist is the shorter list).
    first = next(d for d in error["details"] if d["path"] == "firstname")
    assert (first["title"], first["message"]) == ("First name", "is required")
    assert posted_orders(sandbox) == before


async def test_without_the_users_yes_nothing_is_ordered(sandbox, client, make_cart) -> None:
    cart = await ready_cart(client, make_cart)
    before = posted_orders(sandbox)
    result = await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": False})
    error = error_of(result)
    assert error["type"] == "confirmation_required"
    assert "“Vatican Museums skip-the-line tickets”" in error["message"]
    assert "1 x" in error["message"] and "Total charged: 29.00 EUR" in error["message"]
    # A yes without the token of what was shown is no yes.
    yes = await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": True})
    assert error_of(yes)["type"] == "confirmation_required"
    assert posted_orders(sandbox) == before


async def test_two_calls_make_one_order(sandbox, client, make_cart) -> None:
    cart = await ready_cart(client, make_cart)
    token = await token_for(client, cart)
    arguments = {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": token}
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
        token = await token_for(client, cart)
        uuids: list[str] = []

        async def place_once() -> None:
            result = await client.call_tool(
                "create_order",
                {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": token},
            )
            uuids.append(result.structured_content["order"]["order_uuid"])

        async with anyio.create_task_group() as group:
            for _ in range(3):
                group.start_soon(place_once)
    assert len(set(uuids)) == 1
    assert len([o for o in sandbox.state.orders.values() if o.cart.uuid == cart]) == 1


class User:
    """A person answering the confirmation form; `meanwhile` runs while the form is open."""

    def __init__(self, action: str, yes: bool = True, meanwhile: Any = None) -> None:
        self.action, self.yes, self.meanwhile = action, yes, meanwhile
        self.asked: list[str] = []

    async def __call__(self, context: Any, params: Any) -> types.ElicitResult:
        self.asked.append(params.message)
        if self.meanwhile:
            self.meanwhile()
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
    async with Client(
        build_server(settings), mode=client_mode(HANDSHAKE_ERA), elicitation_callback=user
    ) as client:
        cart = await ready_cart(client, make_cart)
        result = await client.call_tool(
            "create_order", {"cart_uuid": cart, "confirmed_by_user": False}
        )
    (question,) = user.asked
    assert "“Vatican Museums skip-the-line tickets”" in question and "29.00 EUR" in question
    assert (not result.is_error) is ordered
    if not ordered:
        assert error_of(result)["type"] == "order_declined"


async def test_after_a_no_in_the_form_the_models_yes_places_nothing_handshake_era(
    sandbox, settings, make_cart
) -> None:
    """The user's no is final: the model's confirmed_by_user (with a valid token) does not
    place the order in a client that shows forms; the user is asked again, and says no."""
    user = User("decline")
    async with Client(
        build_server(settings), mode=client_mode(HANDSHAKE_ERA), elicitation_callback=user
    ) as client:
        cart = await ready_cart(client, make_cart)
        token_of_cart = await _token_without_forms(settings, cart)
        before = posted_orders(sandbox)
        first = await client.call_tool(
            "create_order", {"cart_uuid": cart, "confirmed_by_user": False}
        )
        second = await client.call_tool(
            "create_order",
            {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": token_of_cart},
        )
    assert error_of(first)["type"] == "order_declined"
    refused = error_of(second)
    assert refused["type"] == "order_declined"
    assert {d["kind"] for d in refused["details"]} == {"declined_by_user", "needs_user_form"}
    assert len(user.asked) == 2
    assert posted_orders(sandbox) == before


async def test_after_a_no_in_the_form_the_models_yes_places_nothing_2026_era(
    sandbox, settings, make_cart
) -> None:
    async with Client(build_server(settings), elicitation_callback=User("decline")) as client:
        cart = await ready_cart(client, make_cart)
        token_of_cart = await _token_without_forms(settings, cart)
        before = posted_orders(sandbox)
        arguments = {"cart_uuid": cart, "confirmed_by_user": False}
        first = await client.session.call_tool("create_order", arguments, allow_input_required=True)
        assert isinstance(first, types.InputRequiredResult)
        no = types.ElicitResult(action="decline")
        declined = await answer_form(client, arguments, first, no)
        assert isinstance(declined, types.CallToolResult)
        assert error_of(declined)["type"] == "order_declined"
        # The model now says yes itself, with a token it got elsewhere: the user is asked.
        again = await client.session.call_tool(
            "create_order",
            {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": token_of_cart},
            allow_input_required=True,
        )
    assert isinstance(again, types.InputRequiredResult)
    assert posted_orders(sandbox) == before


async def _token_without_forms(settings, cart: str) -> str:
    """The token a model would get from a client without forms (the same cart)."""
    async with Client(build_server(settings)) as plain:
        return await token_for(plain, cart)


async def answer_form(
    client: Client, arguments: dict[str, Any], first: types.InputRequiredResult, reply: Any
) -> Any:
    """The 2026-07-28 retry of create_order carrying the user's answer to its form."""
    return await client.session.call_tool(
        "create_order",
        arguments,
        allow_input_required=True,
        input_responses={"confirm": reply},
        request_state=first.request_state,
    )


async def test_the_2026_era_asks_with_an_input_request_and_takes_the_answer_once(
    sandbox, settings, make_cart
) -> None:
    async with Client(build_server(settings), elicitation_callback=User("accept")) as client:
        cart = await ready_cart(client, make_cart)
        arguments = {"cart_uuid": cart, "confirmed_by_user": False}
        first = await client.session.call_tool("create_order", arguments, allow_input_required=True)
        assert isinstance(first, types.InputRequiredResult)
        reply = types.ElicitResult(action="accept", content={"confirm": True})
        done = await answer_form(client, arguments, first, reply)
        assert isinstance(done, types.CallToolResult) and not done.is_error, done
        assert done.structured_content["created"] is True
        replay = await answer_form(client, arguments, first, reply)
    assert isinstance(replay, types.CallToolResult) and replay.is_error


async def test_a_yes_for_one_cart_never_orders_a_changed_one(sandbox, client, make_cart) -> None:
    """20 tickets added upstream between the summary and the yes: nothing is posted, and
    the answer is the new summary with its own token."""
    cart = await ready_cart(client, make_cart)
    token = await token_for(client, cart)
    sandbox.state.get_cart(cart).items[0].quantity = 21
    before = posted_orders(sandbox)
    result = await client.call_tool(
        "create_order", {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": token}
    )
    stale = error_of(result)
    assert stale["type"] == "confirmation_stale"
    assert "21 x" in stale["message"] and "609.00 EUR" in stale["message"]
    (fresh,) = [d["confirmation_token"] for d in stale["details"] if "confirmation_token" in d]
    assert fresh != token
    assert posted_orders(sandbox) == before
    placed = await client.call_tool(
        "create_order", {"cart_uuid": cart, "confirmed_by_user": True, "confirmation_token": fresh}
    )
    assert not placed.is_error and placed.structured_content["order"]["total"] == "609.00 EUR"


async def test_a_cart_changed_while_the_form_is_open_is_not_ordered(
    sandbox, settings, make_cart
) -> None:
    def add_tickets() -> None:
        sandbox.state.get_cart(cart).items[0].quantity = 21

    user = User("accept", meanwhile=add_tickets)
    async with Client(
        build_server(settings), mode=client_mode(HANDSHAKE_ERA), elicitation_callback=user
    ) as client:
        cart = await ready_cart(client, make_cart)
        before = posted_orders(sandbox)
        result = await client.call_tool(
            "create_order", {"cart_uuid": cart, "confirmed_by_user": False}
        )
    assert "1 x" in user.asked[0]
    assert error_of(result)["type"] == "confirmation_stale"
    assert posted_orders(sandbox) == before


async def test_an_item_that_could_not_be_pre_booked_keeps_the_cart_not_ready(
    sandbox, client, make_cart
) -> None:
    cart = await ready_cart(client, make_cart)
    item = sandbox.state.get_cart(cart).items[0]
    item.status = "PREBOOK_KO"
    overview = (await client.call_tool("get_cart", {"cart_uuid": cart})).structured_content
    assert overview["ready_for_order"] is False
    (blocked,) = overview["missing"]["items"]
    assert blocked["cart_item_uuid"] == item.uuid and blocked["status"] == "PREBOOK_KO"
    assert "remove the item" in blocked["what_to_do"]
    before = posted_orders(sandbox)
    refused = error_of(
        await client.call_tool("create_order", {"cart_uuid": cart, "confirmed_by_user": True})
    )
    assert refused["type"] == "order_not_ready"
    assert [d["kind"] for d in refused["details"]] == ["not_bookable"]
    assert posted_orders(sandbox) == before


async def test_get_order_follows_the_order_to_its_vouchers(sandbox, client, make_cart) -> None:
    cart = await ready_cart(client, make_cart)
    placed = await place(client, cart)
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
            placed = await place(client, cart)
            assert "pay_order_without_payment" in placed.structured_content["payment"]
            order_uuid = placed.structured_content["order"]["order_uuid"]
            paid = await client.call_tool("pay_order_without_payment", {"order_uuid": order_uuid})
            again = await client.call_tool("pay_order_without_payment", {"order_uuid": order_uuid})
    assert not paid.is_error, paid.content[0].text
    assert paid.structured_content["paid"] is True
    assert error_of(again)["type"] == "order_already_paid"


def _first_product(dates: Any) -> str:
    """The first product id of a day's answer (groups, slots, products)."""
    for day in dates:
        for group in day["groups"]:
            for slot in group["slots"]:
                for product in slot["products"]:
                    return str(product["product_id"])
    raise AssertionError("no product listed")


CHECKOUT = "https://shop.example/checkout?cart={cart_uuid}&order={order_uuid}"


async def test_a_partners_checkout_link_is_handed_over_instead_of_an_unpaid_order(
    sandbox, make_cart
) -> None:
    settings = settings_for(sandbox, checkout_url=CHECKOUT)
    async with Client(build_server(settings)) as client:
        names = {tool.name for tool in (await client.list_tools()).tools}
        waiting = make_cart(VATICAN_MUSEUMS_UUID)
        not_ready = (await client.call_tool("get_cart", {"cart_uuid": waiting})).structured_content
        cart = await ready_cart(client, make_cart)
        ready = (await client.call_tool("get_cart", {"cart_uuid": cart})).structured_content
    assert "create_order" not in names
    assert not_ready.get("checkout_url") is None
    assert ready["checkout_url"] == f"https://shop.example/checkout?cart={cart}&order="


async def test_where_orders_are_placed_here_the_payment_step_is_the_checkout_link(
    sandbox, make_cart
) -> None:
    settings = settings_for(sandbox, checkout_url=CHECKOUT, place_orders=True)
    async with Client(build_server(settings)) as client:
        cart = await ready_cart(client, make_cart)
        placed = (await place(client, cart)).structured_content
    order = placed["order"]["order_uuid"]
    assert f"https://shop.example/checkout?cart={cart}&order={order}" in placed["payment"]


def test_a_checkout_url_must_be_https_and_name_the_cart() -> None:
    from musement_mcp.server.settings import load_settings

    for wrong in ("http://shop.example/{cart_uuid}", "https://shop.example/checkout"):
        with pytest.raises(Exception, match="checkout_url|CHECKOUT_URL"):
            load_settings(checkout_url=wrong)


async def test_a_cart_changed_before_the_2026_retry_is_not_ordered(
    sandbox, settings, make_cart
) -> None:
    """The summary's token travels sealed in the form's state: a retry whose cart changed
    meanwhile is refused with the new summary."""
    async with Client(build_server(settings), elicitation_callback=User("accept")) as client:
        cart = await ready_cart(client, make_cart)
        arguments = {"cart_uuid": cart, "confirmed_by_user": False}
        first = await client.session.call_tool("create_order", arguments, allow_input_required=True)
        assert isinstance(first, types.InputRequiredResult)
        sandbox.state.get_cart(cart).items[0].quantity = 21
        before = posted_orders(sandbox)
        yes = types.ElicitResult(action="accept", content={"confirm": True})
        done = await answer_form(client, arguments, first, yes)
    assert isinstance(done, types.CallToolResult)
    stale = error_of(done)
    assert stale["type"] == "confirmation_stale" and "21 x" in stale["message"]
    assert posted_orders(sandbox) == before
