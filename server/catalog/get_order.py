"""`get_order`: an order's status, items, vouchers and what happens next."""

from __future__ import annotations

from typing import Any

from ...tools.models import OrderView
from ...tools.orders import get_order
from ..toolkit import ToolCall, ToolResult, ToolSpec

ORDER_UUID: dict[str, Any] = {"type": "string", "description": "From create_order."}

DESCRIPTION = """\
An order: status, paid, items (status, vouchers), total charged and `next_step` for the \
user.
Errors: order_not_found."""


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
