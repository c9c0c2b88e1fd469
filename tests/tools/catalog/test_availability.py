"""tools/catalog/availability.py: an activity's bookable days and one day's options against
the sandbox over loopback."""

from __future__ import annotations

import pytest

from musement_mcp.sandbox import ROME_GUIDED_TOUR_UUID
from musement_mcp.tools.catalog import get_activity_dates, get_day_options
from musement_mcp.tools.errors import DateNotAvailable
from tests.support.catalog import MONDAY, SATURDAY, next_weekday

pytestmark = pytest.mark.anyio


async def test_days_and_a_days_options(musement) -> None:
    saturday = next_weekday(SATURDAY)
    dates = await get_activity_dates(
        musement, ROME_GUIDED_TOUR_UUID, date_from=saturday, date_to=next_weekday(SATURDAY, 1)
    )
    assert dates.days == [saturday, next_weekday(SATURDAY, 1)]  # the range is inclusive
    day = await get_day_options(musement, ROME_GUIDED_TOUR_UUID, saturday)
    morning = day.options[0]
    assert (morning.time, morning.languages) == ("09:30", ["en", "it"])
    assert [(t.holder, t.price, t.max_buy) for t in morning.tickets] == [
        ("ADULT", "39.00 EUR", 10),
        ("CHILDREN", "19.00 EUR", 10),
    ]
    with pytest.raises(DateNotAvailable):
        await get_day_options(musement, ROME_GUIDED_TOUR_UUID, next_weekday(MONDAY))
