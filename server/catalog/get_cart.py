"""`get_cart`: a cart at a glance, and what the order still needs."""

from __future__ import annotations

from ...tools import CartOverview, get_cart
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
A cart at a glance: items (cart_item_uuid, activity, quantity), total, saved customer, \
`missing` (customer fields, participants per item) and `ready_for_order`. Call it first and \
to check progress. `not_shown`: fields Musement never shows back (never missing).
Errors: cart_not_found, invalid_argument."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_cart(call.state.client, call.args["cart_uuid"], cache=call.state.cache)


TOOL = ToolSpec(
    name="get_cart",
    title="See what a cart still needs",
    description=DESCRIPTION,
    arguments={"cart_uuid": CART_UUID},
    output=CartOverview,
    handler=handle,
)
