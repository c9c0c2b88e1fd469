"""What the catalog tests share (tests/tools/catalog/): bookable days and a day's products."""

from __future__ import annotations

import datetime as dt

from musement_mcp.tools import MusementClient
from musement_mcp.tools.catalog import get_day_options

SATURDAY, MONDAY = 5, 0


def next_weekday(weekday: int, weeks: int = 0) -> str:
    """The next such weekday after today (`weeks` later), as YYYY-MM-DD."""
    today = dt.date.today()
    return (
        today + dt.timedelta(days=((weekday - today.weekday()) % 7 or 7) + 7 * weeks)
    ).isoformat()


async def product(
    musement: MusementClient,
    activity: str,
    day: str,
    holder: str = "ADULT",
    index: int = 0,
    pickup: str | None = None,
) -> str:
    """The product identifier of `holder`'s ticket in the day's `index`th option."""
    slots = (await get_day_options(musement, activity, day, pickup=pickup)).options
    return next(t for t in slots[index].tickets if t.holder == holder).product_identifier
