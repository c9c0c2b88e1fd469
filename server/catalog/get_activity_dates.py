"""`get_activity_dates`: the days an activity can be booked."""

from __future__ import annotations

from ...tools.catalog import get_activity_dates
from ...tools.catalog_models import ActivityDates
from ...tools.input_schema import nullable
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .booking_arguments import ACTIVITY_UUID, CATALOG, PICKUP

DESCRIPTION = """\
The bookable days of an activity from date_from to date_to (inclusive; default: today and the \
30 days after). Then get_day_options for a day.
Errors: activity_not_found, invalid_argument."""


async def handle(call: ToolCall) -> ToolResult:
    args = call.args
    return await get_activity_dates(
        call.state.client,
        args["activity_uuid"],
        date_from=args.get("date_from"),
        date_to=args.get("date_to"),
        pickup=args.get("pickup"),
    )


TOOL = ToolSpec(
    name="get_activity_dates",
    title="Bookable days of an activity",
    description=DESCRIPTION,
    arguments={
        "activity_uuid": ACTIVITY_UUID,
        "date_from": nullable({"type": "string", "format": "date"}),
        "date_to": nullable({"type": "string", "format": "date"}),
        "pickup": PICKUP,
    },
    output=ActivityDates,
    handler=handle,
    toolset=CATALOG,
)
