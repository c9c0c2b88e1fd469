"""`get_day_options`: a day's time slots, tickets and prices, with their product identifiers."""

from __future__ import annotations

from ...tools.catalog import get_day_options
from ...tools.catalog_models import DayOptions
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .booking_arguments import ACTIVITY_UUID, CATALOG, DAY, PICKUP

DESCRIPTION = """\
What can be booked on a day: each option and time with its languages and seats_left, and its \
tickets (adult, child...) with product_identifier, price, min_buy and max_buy.
Errors: date_not_available, activity_not_found."""


async def handle(call: ToolCall) -> ToolResult:
    args = call.args
    return await get_day_options(
        call.state.client, args["activity_uuid"], args["day"], pickup=args.get("pickup")
    )


TOOL = ToolSpec(
    name="get_day_options",
    title="Options, times and tickets of a day",
    description=DESCRIPTION,
    arguments={"activity_uuid": ACTIVITY_UUID, "day": DAY, "pickup": PICKUP},
    output=DayOptions,
    handler=handle,
    toolset=CATALOG,
)
