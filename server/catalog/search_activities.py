"""`search_activities`: find activities in the catalog (GET /activities)."""

from __future__ import annotations

from ...tools.catalog import SORTS, search_activities
from ...tools.catalog_models import SearchResult
from ...tools.input_schema import nullable
from ..toolkit import ToolCall, ToolResult, ToolSpec
from .booking_arguments import CATALOG

DESCRIPTION = """\
Find activities to book: `text` (e.g. "guided tour Rome"), city_id, a day or range they run \
(date_from, date_to), max_price, sort; 10 a page, `next_offset` for more. Then get_activity \
or get_activity_dates.
Errors: invalid_argument."""


async def handle(call: ToolCall) -> ToolResult:
    return await search_activities(call.state.client, **call.args)


TOOL = ToolSpec(
    name="search_activities",
    title="Search activities",
    description=DESCRIPTION,
    arguments={
        "text": nullable({"type": "string"}),
        "city_id": nullable({"type": "integer"}, "A city id from an earlier result."),
        "date_from": nullable({"type": "string", "format": "date"}),
        "date_to": nullable({"type": "string", "format": "date"}),
        "max_price": nullable({"type": "number"}, "In the server's currency."),
        "sort": nullable({"type": "string", "enum": list(SORTS)}),
        "offset": nullable({"type": "integer"}),
        "limit": nullable({"type": "integer"}, "1 to 20."),
    },
    output=SearchResult,
    handler=handle,
    toolset=CATALOG,
)
