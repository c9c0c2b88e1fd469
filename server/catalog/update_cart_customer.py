"""`update_cart_customer`: validate the customer against the cart's schema, then save it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ...tools import UpdateCustomerResult, update_cart_customer
from ..elicitation import with_user_answers
from ..toolkit import CART_UUID, Published, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Save the customer of a Musement cart: the lead booker and the activities' questions \
(see get_customer_schema). It is validated against the cart's schema first; every \
problem comes back at once, with its path. Send only what the user said (null: not \
given); ask them each consent ("YES" or "NO"). `partial` true sends some fields only; \
Musement keeps the rest. Repeating a call is safe.
Errors: validation_failed (nothing sent), cart_not_found, cart_locked, invalid_argument."""


def arguments(published: Published) -> Mapping[str, dict[str, Any]]:
    return {
        "cart_uuid": CART_UUID,
        "customer": published.customer_input,
        "partial": {"type": ["boolean", "null"], "description": "true: only some fields."},
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

    return await with_user_answers(call, update, call.args["customer"])


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
