"""`get_customer_schema`: what a cart needs from the customer."""

from __future__ import annotations

from ...tools import CustomerSchemaResult, get_customer_schema
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
What a cart needs from the customer: `fields` in order (path, title to show, type, required, \
format, options, group = activity). Ask the user for consents.
Errors: cart_not_found, invalid_argument."""


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
