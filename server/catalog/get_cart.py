"""`get_cart`: a cart at a glance, and what the order still needs."""

from __future__ import annotations

from ...tools import CartOverview, get_cart
from ..toolkit import CART_UUID, ToolCall, ToolResult, ToolSpec

DESCRIPTION = """\
See a Musement cart at a glance: its items (activity, quantity, `cart_item_uuid`), the \
customer saved so far, and `missing`, what the order still needs: customer fields \
(including the activities' extra questions) and, per item, participants info. \
`ready_for_order` is true when nothing is missing. Call it first, and again to check \
progress.

Musement never shows some fields back once saved (allow_profiling, city, zipcode, \
tax_id): they are listed in `not_shown`, never in `missing`, and do not block \
`ready_for_order`; a successful full update_cart_customer always included the required \
ones. A part that could not be read is listed in `unknown` with the reason.

Errors: `cart_not_found`, `invalid_argument`, `rate_limited`, `upstream_unavailable`."""


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
