"""tools/order_info.py: a locked cart (423) explained by the order that holds it, read from
the cart's order-info on the sandbox in memory; when Musement cannot say, the 423 as it was."""

from __future__ import annotations

import pytest

from musement_mcp.sandbox import LOCKED_ORDER_UUID
from musement_mcp.tools.errors import CartLocked
from musement_mcp.tools.order_info import explained
from tests.support.in_memory import InMemorySandbox

pytestmark = pytest.mark.anyio


def locked() -> CartLocked:
    return CartLocked("The cart is locked: closed", status=423, code="1011")


async def test_a_locked_cart_names_its_order_and_whether_it_is_paid() -> None:
    sandbox = InMemorySandbox()
    async with sandbox.client() as client:
        told = await explained(client, sandbox.LOCKED_CART_UUID, locked())
    assert isinstance(told, CartLocked)
    assert (told.status, told.code) == (423, "1011")  # Musement's own, kept
    assert LOCKED_ORDER_UUID in told.message and "paid, payment status closed" in told.message
    (problem,) = told.details
    assert (problem["path"], problem["kind"]) == ("cart_uuid", "locked_by_order")
    assert (problem["order_uuid"], problem["paid"]) == (LOCKED_ORDER_UUID, True)
    assert problem["payment_status"] == "closed"
    assert "get_order" in told.hint


async def test_without_an_order_or_an_answer_the_423_stays_as_it_was() -> None:
    sandbox = InMemorySandbox(faults=True)
    original = locked()
    async with sandbox.client(max_attempts=1) as client:
        # A cart with no order: order-info's 404 "no associated order".
        assert await explained(client, sandbox.BASE_CART_UUID, original) is original
        # Order-info failing: the explanation is a bonus, never a new failure.
        sandbox.faults.fail("GET", "/carts/*/order-info", 500, times=None)
        assert await explained(client, sandbox.LOCKED_CART_UUID, original) is original
