"""`create_order`: place the order of a ready cart, once the user said yes to exactly what
it is now; never twice.

Who says yes: where the client can show forms, only the user's own answer in our
confirmation form (the model's `confirmed_by_user` does not count there); elsewhere
the model, after showing the user the summary, passes `confirmed_by_user` with the
summary's `confirmation_token`. Either way the order is placed only if the cart,
read again, still has that token.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import mcp_types as types
from mcp.shared.exceptions import MCPError

from ...tools.errors import ConfirmationRequired, OrderDeclined
from ...tools.input_schema import nullable
from ...tools.models import CreateOrderResult
from ...tools.orders import EMAIL_NOTIFICATIONS, create_order
from ...tools.problems import Problem, problem
from ..elicitation import ask_to_confirm, can_show_forms, confirmation_answer
from ..settings import OrderOptions
from ..toolkit import CART_UUID, Published, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Place the order of a ready cart (get_cart). The first call gives confirmation_required with a \
summary and confirmation_token: show the user the summary; only after their explicit yes, \
call again with confirmed_by_user true and the token.
Errors: order_not_ready, confirmation_stale, order_declined."""


def arguments(published: Published) -> Mapping[str, dict[str, Any]]:
    listed: dict[str, dict[str, Any]] = {
        "cart_uuid": CART_UUID,
        "confirmed_by_user": {
            "type": "boolean",
            "description": "true only after the user's explicit yes.",
        },
        "confirmation_token": nullable(
            {"type": "string"},
            "From confirmation_required (null: none yet).",
        ),
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
    link = options.checkout_link(result.cart_uuid, order.order_uuid)
    if link:
        return (
            f"The customer pays at the partner's checkout: give them this link: {link} "
            "No card data passes through these tools."
        )
    return (
        f"The customer pays through the partner's own checkout: hand over order UUID "
        f"{order.order_uuid}. No card data passes through these tools."
    )


async def handle(call: ToolCall) -> ToolResult:
    options = call.state.orders
    email = call.args.get("email_notification") if options.email_choice else None

    async def place(token: str | None) -> CreateOrderResult:
        result = await create_order(
            call.state.client,
            call.args["cart_uuid"],
            confirmation=token,
            email_notification=email or options.email_notification,
            affiliate=options.affiliate,
            affiliate_channel=options.affiliate_channel,
            cache=call.state.cache,
            guard=call.state.guard,
        )
        return result.model_copy(update={"payment": payment_hand_off(options, result)})

    answered = await confirmation_answer(call)
    if answered is not None:
        # The 2026-07-28 retry of our form: the user's answer, for the summary it showed.
        if not answered.yes:
            raise _declined(call)
        return await place(answered.token)
    if not can_show_forms(call):
        return await place(_models_yes(call))
    try:
        # Checks readiness (and returns an existing order); never places without a token.
        return await place(None)
    except ConfirmationRequired as unconfirmed:
        asked = unconfirmed.confirmation
        try:
            reply = await ask_to_confirm(call, asked.summary, asked.token)
        except MCPError:
            raise ConfirmationRequired(
                "The confirmation form could not be shown to the user; nothing was sent.",
                asked,
                hint="This client shows forms, so only the user's answer there places an "
                "order. Ask the user to try again; do not pass confirmed_by_user instead.",
                details=[_model_yes_refused()],
            ) from None
        if reply is None:  # no channel to the user after all: the model's yes is the path
            token = _models_yes(call)
            if token is not None:
                return await place(token)
            raise unconfirmed from None
        if isinstance(reply, types.InputRequiredResult):
            return reply
        if not reply:
            raise _declined(call) from None
        return await place(asked.token)


def _models_yes(call: ToolCall) -> str | None:
    """The token the model confirmed with (`confirmed_by_user` and `confirmation_token`),
    or None: a yes without the token of what was shown is no yes."""
    token = call.args.get("confirmation_token")
    if call.args.get("confirmed_by_user") is True and isinstance(token, str):
        return token
    return None


def _declined(call: ToolCall) -> OrderDeclined:
    details = [problem("confirm", "declined_by_user", "the user said no")]
    if call.args.get("confirmed_by_user") is True:
        details.append(_model_yes_refused())
    return OrderDeclined("The user did not confirm the order; nothing was sent.", details=details)


def _model_yes_refused() -> Problem:
    return problem(
        "confirmed_by_user",
        "needs_user_form",
        "this client shows the user a form: only their answer there places an order",
    )


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
    # Not listed where the partner's own checkout places the order (MUSEMENT_CHECKOUT_URL).
    listed=lambda options: options.place_orders,
)
