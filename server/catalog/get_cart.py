"""`get_cart`: a cart at a glance, and what the order still needs."""

from __future__ import annotations

from ...tools import CartOverview, get_cart
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
A cart at a glance: items (cart_item_uuid, activity, tickets, status, participants), the \
amount charged, saved customer, `missing` (customer fields, unbookable items) and \
`ready_for_order` (then `checkout_url`, where set). Call it first and to check progress.
Errors: cart_not_found, invalid_argument."""


async def handle(call: ToolCall) -> ToolResult:
    overview = await get_cart(call.state.client, call.args["cart_uuid"], cache=call.state.cache)
    link = call.state.orders.checkout_link(overview.cart_uuid)
    if link and overview.ready_for_order and not call.state.orders.place_orders:
        # The partner's checkout places the order and takes the payment: hand over the link.
        return overview.model_copy(update={"checkout_url": link})
    return overview


TOOL = ToolSpec(
    name="get_cart",
    title="See what a cart still needs",
    description=DESCRIPTION,
    arguments={"cart_uuid": CART_UUID},
    output=CartOverview,
    handler=handle,
)
