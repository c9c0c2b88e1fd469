"""`get_order`: an order's status, items, vouchers and what happens next."""

from __future__ import annotations

from typing import Any

from ...tools.input_schema import nullable
from ...tools.models import OrderView
from ...tools.orders import get_order
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

ORDER_UUID: dict[str, Any] = {"type": "string", "description": "From create_order."}

DESCRIPTION = """\
An order: status, paid, items (status, vouchers, next step), total charged and \
`next_step` for the user. With cart_uuid, paid is confirmed from the cart's order info \
where the order does not say.
Errors: order_not_found."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_order(
        call.state.client, call.args["order_uuid"], cart_uuid=call.args.get("cart_uuid")
    )


TOOL = ToolSpec(
    name="get_order",
    title="See an order and what happens next",
    description=DESCRIPTION,
    arguments={
        "order_uuid": ORDER_UUID,
        "cart_uuid": nullable(CART_UUID, "The order's cart, if known (null: not known)."),
    },
    output=OrderView,
    handler=handle,
)
