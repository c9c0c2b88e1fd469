"""`get_customer_schema`: what a cart needs from the customer."""

from __future__ import annotations

from ...tools import CustomerSchemaResult, get_customer_schema
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
Read what a Musement cart needs from the customer before it can be ordered.

Returns `schema`, the exact JSON Schema that `customer` of update_cart_customer must \
match for this cart, and `fields`, every question in the order to ask it: its `path`, \
`title` (the label to show the user), `type`, `required`, `format` and the allowed \
`options` with labels. Activities in the cart may add their own questions under \
`extra_customer_data.<activity uuid>` (e.g. a phone number or a hotel). The consent \
fields (newsletters, profiling) are the user's choice: ask, never assume.

Errors: `cart_not_found` (unknown cart UUID), `invalid_argument` (not a UUID)."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_customer_schema(
        call.state.client,
        call.args["cart_uuid"],
        cache=call.state.cache,
        on_schema=call.seen_schemas.append,
    )


TOOL = ToolSpec(
    name="get_customer_schema",
    title="Get the customer form of a cart",
    description=DESCRIPTION,
    arguments={"cart_uuid": CART_UUID},
    output=CustomerSchemaResult,
    handler=handle,
)
