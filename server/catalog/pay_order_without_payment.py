"""`pay_order_without_payment`: Musement's no-payment flow, listed only where it is allowed.

For merchants with Musement's no-payment scope (and orders priced at zero). Off unless
MUSEMENT_NO_PAYMENT_FLOW is set: other partners' customers pay in the partner's checkout.
"""

from __future__ import annotations

from ...tools.models import OrderView
from ...tools.orders import pay_without_payment
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .get_order import ORDER_UUID

DESCRIPTION = """\
Complete a placed order without card payment (Musement's no-payment flow for this merchant \
account), only after the user agreed to the order.
Errors: order_not_found, order_already_paid, invalid_request."""


async def handle(call: ToolCall) -> ToolResult:
    return await pay_without_payment(call.state.client, call.args["order_uuid"])


TOOL = ToolSpec(
    name="pay_order_without_payment",
    title="Complete an order with the no-payment flow",
    description=DESCRIPTION,
    arguments={"order_uuid": ORDER_UUID},
    output=OrderView,
    handler=handle,
    read_only=False,
    destructive=False,
    # A repeat answers order_already_paid and changes nothing.
    idempotent=True,
    listed=lambda options: options.no_payment_flow,
)
