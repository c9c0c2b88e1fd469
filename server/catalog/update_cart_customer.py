"""`update_cart_customer`: validate the customer against the cart's schema, then save it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from pydantic import BaseModel

from ...tools import UpdateCustomerResult, update_cart_customer
from ..elicitation import with_user_answers
from ..toolkit import CART_UUID, CustomerInput, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Save the customer of a Musement cart (the lead booker and the activities' extra \
questions).

Call get_customer_schema first: `customer` is validated against that cart's exact \
schema before anything is sent, and every problem comes back at once with its path \
and the allowed values. Only send values the user gave you: never invent names, \
emails or phone numbers, and ask the user for each consent field \
(musement_newsletter, allow_profiling, thirdparty_newsletter, \
events_related_newsletter: "YES" or "NO"). Answers to activity questions go under \
`extra_customer_data.<activity uuid>.<question key>`.

By default every required field must be present. Set `partial` to true to send only \
some fields (e.g. only `extra_customer_data`); Musement merges them into the stored \
customer. Repeating the same call is safe.

Errors: `validation_failed` (nothing was sent; fix the listed fields), \
`cart_not_found`, `cart_locked` (the cart belongs to an order: start a new cart), \
`invalid_argument`."""


def arguments(customer_input: CustomerInput) -> Mapping[str, dict[str, Any]]:
    return {
        "cart_uuid": CART_UUID,
        "customer": {
            **customer_input,
            "title": "Customer",
            "description": "The customer's fields, as the user gave them. The "
            "exact per-cart schema is `schema` from get_customer_schema.",
        },
        "partial": {
            "type": ["boolean", "null"],
            "title": "Partial update",
            "description": "true: send only some fields (required ones are not enforced; "
            "Musement keeps the others). null or false: a full update.",
        },
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
