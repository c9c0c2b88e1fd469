"""`get_cart`: a cart at a glance, and what the order still needs."""

from __future__ import annotations

from ...tools import CartOverview, get_cart
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
A Musement cart at a glance: items (`cart_item_uuid`, activity, quantity), the customer \
saved so far, and `missing`: customer fields and, per item, participants still needed. \
`ready_for_order`: nothing is missing. Call it first and to check progress. \
Fields Musement never shows back once saved (e.g. allow_profiling) are in `not_shown`, \
never in `missing`; parts that could not be read are in `unknown`.
Errors: cart_not_found, invalid_argument, rate_limited, upstream_unavailable."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_cart(call.state.client, call.args["cart_uuid"], cache=call.state.cache)


TOOL = ToolSpec(
    name="get_cart",
    title="See what a cart still needs",
    description=DESCRIPTION,
    arguments={"cart_uuid": CART_UUID},
    output=CartOverview,
    handler=handle,
)
