"""`get_activity`: one activity in full, with what the checkout will ask."""

from __future__ import annotations

from ...tools.catalog import get_activity
from ...tools.catalog_models import ActivityDetails
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .booking_arguments import ACTIVITY_UUID, CATALOG

DESCRIPTION = """\
One activity: summary, duration, meeting point, languages, cancellation, rating, price_from, \
`pickups` (where listed, one must be chosen) and `checkout_asks` (the questions the checkout \
will ask).
Errors: activity_not_found."""


async def handle(call: ToolCall) -> ToolResult:
    return await get_activity(call.state.client, call.args["activity_uuid"])


TOOL = ToolSpec(
    name="get_activity",
    title="Read an activity",
    description=DESCRIPTION,
    arguments={"activity_uuid": ACTIVITY_UUID},
    output=ActivityDetails,
    handler=handle,
    toolset=CATALOG,
)
