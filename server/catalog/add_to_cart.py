"""`add_to_cart`: tickets of a day's option into a cart, checked against the day's options."""

from __future__ import annotations

from ...tools.catalog import AddRequest, add_to_cart
from ...tools.catalog_models import CartItemAdded
from ...tools.input_schema import nullable
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .booking_arguments import ACTIVITY_UUID, CATALOG, DAY, PICKUP

DESCRIPTION = """\
Add tickets to a cart: the product_identifier of get_day_options for that activity and day, \
quantity, language where the time lists languages, pickup where the activity has pickups; \
checked first. Free and reversible (the order's confirmation covers the cart). Answers what, \
when, how many, price, status (only PREBOOK_OK can be ordered). The same product and quantity \
already in the cart: `added` false, nothing sent (another: true adds it again). To change a \
quantity, `replaces` = the item's cart_item_uuid. Then get_cart.
Errors: choice_not_offered, date_not_available, cart_not_found, cart_locked."""


async def handle(call: ToolCall) -> ToolResult:
    args = call.args
    request = AddRequest(
        cart_uuid=args["cart_uuid"],
        activity_uuid=args["activity_uuid"],
        day=args["day"],
        product_identifier=args["product_identifier"],
        quantity=args["quantity"],
        language=args.get("language"),
        pickup=args.get("pickup"),
        another=args.get("another") is True,
        replaces=args.get("replaces"),
    )
    return await add_to_cart(
        call.state.client, request, cache=call.state.cache, on_schema=call.seen_schemas.append
    )


TOOL = ToolSpec(
    name="add_to_cart",
    title="Add tickets to a cart",
    description=DESCRIPTION,
    arguments={
        "cart_uuid": {"type": "string", "description": "From create_cart."},
        "activity_uuid": ACTIVITY_UUID,
        "day": DAY,
        "product_identifier": {"type": "string"},
        "quantity": {"type": "integer", "description": "Tickets, 1 or more."},
        "language": nullable({"type": "string"}, "A code from the option's languages."),
        "pickup": PICKUP,
        "another": nullable({"type": "boolean"}),
        "replaces": nullable({"type": "string"}),
    },
    output=CartItemAdded,
    handler=handle,
    read_only=False,
    # A repeat adds nothing (see `added`), except with another: true.
    idempotent=False,
    toolset=CATALOG,
)
