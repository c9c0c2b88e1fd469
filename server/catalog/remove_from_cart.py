"""`remove_from_cart`: one item out of a cart (DELETE /carts/{cartUuid}/items/{cartItemUuid})."""

from __future__ import annotations

from ...tools.catalog import remove_from_cart
from ...tools.catalog_models import CartItemRemoved
from ..toolkit import CART_ITEM_UUID, CART_UUID, ToolCall, ToolResult, ToolSpec
from .booking_arguments import CATALOG

DESCRIPTION = """\
Remove one item from a cart; `removed` false when it was already gone.
Errors: cart_not_found, cart_locked (the item is in an order)."""


async def handle(call: ToolCall) -> ToolResult:
    return await remove_from_cart(
        call.state.client,
        call.args["cart_uuid"],
        call.args["cart_item_uuid"],
        cache=call.state.cache,
        on_schema=call.seen_schemas.append,
    )


TOOL = ToolSpec(
    name="remove_from_cart",
    title="Remove an item from a cart",
    description=DESCRIPTION,
    arguments={"cart_uuid": CART_UUID, "cart_item_uuid": CART_ITEM_UUID},
    output=CartItemRemoved,
    handler=handle,
    read_only=False,
    destructive=True,
    idempotent=True,
    toolset=CATALOG,
)
