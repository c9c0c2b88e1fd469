"""`get_order`: an order's status, items, vouchers and what happens next."""

from __future__ import annotations

from typing import Any

from ...tools.models import OrderView
from ...tools.orders import get_order
from ..toolkit import ToolCall, ToolResult, ToolSpec

ORDER_UUID: dict[str, Any] = {
    "type": "string",
    "format": "uuid",
    "description": "The order's UUID, from create_order or get_cart.",
}

DESCRIPTION = """\
A Musement order: its status, whether it is paid, its items (status, vouchers once \\
confirmed), total, and `next_step` to tell the user.
Errors: order_not_found, invalid_argument."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_order(call.state.client, call.args["order_uuid"])


TOOL = ToolSpec(
    name="get_order",
    title="See an order and what happens next",
    description=DESCRIPTION,
    arguments={"order_uuid": ORDER_UUID},
    output=OrderView,
    handler=handle,
)
