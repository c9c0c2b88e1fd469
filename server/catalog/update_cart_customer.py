"""`update_cart_customer`: validate the customer against the cart's schema, then save it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ...tools import UpdateCustomerResult, update_cart_customer
from ...tools.input_schema import nullable
from ..elicitation import with_user_answers
from ..toolkit import CART_UUID, Published, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Save a cart's customer and the activities' answers, validated first (all problems at once, \
nothing sent). Only what the user said; null or "": not given. Ask each consent (YES/NO). \
`partial` true: only some fields. Safe to repeat.
Errors: validation_failed, cart_not_found, cart_locked."""


def arguments(published: Published) -> Mapping[str, dict[str, Any]]:
    return {
        "cart_uuid": CART_UUID,
        "customer": published.customer_input,
        "partial": nullable({"type": "boolean"}, "true: only some fields."),
    }


async def handle(call: ToolCall) -> ToolResult:
    async def update(customer: Any) -> BaseModel:
        return await update_cart_customer(
            call.state.client,
            call.args["cart_uuid"],
            customer,
            partial=call.args.get("partial", False),
            cache=call.state.cache,
            on_schema=call.seen_schemas.append,
        )

    return await with_user_answers(call, update, call.args["customer"], shown_at="customer")


TOOL = ToolSpec(
    name="update_cart_customer",
    title="Save the customer of a cart",
    description=DESCRIPTION,
    arguments=arguments,
    output=UpdateCustomerResult,
    handler=handle,
    read_only=False,
    # It sets fields on the cart and deletes nothing; a repeat is a no-op.
    destructive=False,
    idempotent=True,
)
