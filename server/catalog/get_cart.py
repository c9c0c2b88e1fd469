"""`get_cart`: a cart at a glance, and what the order still needs."""

from __future__ import annotations

from ...tools import CartOverview, get_cart
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
See a Musement cart at a glance: its items (activity, quantity, `cart_item_uuid`), the \
customer saved so far, and `missing`, what the order still needs: customer fields \
(including the activities' extra questions) and, per item, participants info. \
`ready_for_order` is true when nothing is missing. Call it first, and again to check \
progress.

Errors: `cart_not_found`, `invalid_argument`."""


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
