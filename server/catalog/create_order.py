"""`create_order`: place the order of a ready cart, once the user said yes; never twice."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mcp_types as types

from ...tools.input_schema import nullable
from ...tools.models import CreateOrderResult
from ...tools.orders import EMAIL_NOTIFICATIONS, ConfirmationRequired, create_order
from ..elicitation import confirmed_by_user
from ..settings import OrderOptions
from ..toolkit import CART_UUID, Published, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Place the order of a cart that get_cart says is `ready_for_order`. Show the user its items \
and total and set `confirmed_by_user` only after their explicit yes. A repeat returns the \
existing order. The result says how it gets paid.
Errors: order_not_ready, confirmation_required, cart_not_found."""


def arguments(published: Published) -> Mapping[str, dict[str, Any]]:
    listed: dict[str, dict[str, Any]] = {
        "cart_uuid": CART_UUID,
        "confirmed_by_user": {
            "type": "boolean",
            "description": "true only after the user's explicit yes.",
        },
    }
    if published.orders.email_choice:
        listed["email_notification"] = nullable(
            {"type": "string", "enum": list(EMAIL_NOTIFICATIONS)},
            "Who Musement emails (null: this server's default).",
        )
    return listed


def payment_hand_off(options: OrderOptions, result: CreateOrderResult) -> str:
    order = result.order
    if order.paid:
        return "The order is paid."
    if options.no_payment_flow:
        return (
            f"Complete it with pay_order_without_payment (order_uuid {order.order_uuid}): "
            "this partner's account uses Musement's no-payment flow."
        )
    return (
        f"The customer pays through the partner's own checkout: hand over order UUID "
        f"{order.order_uuid}. No card data passes through these tools."
    )


async def handle(call: ToolCall) -> ToolResult:
    options = call.state.orders
    email = call.args.get("email_notification") if options.email_choice else None
    confirmed = call.args.get("confirmed_by_user") is True

    async def place(yes: bool) -> CreateOrderResult:
        result = await create_order(
            call.state.client,
            call.args["cart_uuid"],
            confirmed=yes,
            email_notification=email or options.email_notification,
            affiliate=options.affiliate,
            affiliate_channel=options.affiliate_channel,
            cache=call.state.cache,
            guard=call.state.guard,
        )
        return result.model_copy(update={"payment": payment_hand_off(options, result)})

    try:
        # Without a yes yet, this checks readiness (and returns an existing order).
        return await place(confirmed)
    except ConfirmationRequired as unconfirmed:
        asked = await confirmed_by_user(call, unconfirmed.summary)
        if asked is None:
            raise unconfirmed from None
        if isinstance(asked, types.InputRequiredResult):
            return asked
        if not asked:
            raise ConfirmationRequired(
                "The user did not confirm the order; nothing was sent.",
                hint="Ask the user how they want to proceed; do not place the order.",
            ) from None
        return await place(True)


TOOL = ToolSpec(
    name="create_order",
    title="Place the order of a ready cart",
    description=DESCRIPTION,
    arguments=arguments,
    output=CreateOrderResult,
    handler=handle,
    read_only=False,
    destructive=False,
    # Not idempotent by nature (POST /orders makes a new order each time); made safe by
    # returning the cart's existing order and never retrying the POST.
    idempotent=False,
)
