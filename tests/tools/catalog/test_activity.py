"""tools/catalog/activity.py: get_activity against the sandbox over loopback (meeting point,
languages, cancellation, pickups, what the checkout will ask; an unknown activity)."""

from __future__ import annotations

import pytest

from musement_mcp.sandbox import (
    LOUVRE_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    ROME_GUIDED_TOUR_UUID,
    SEINE_CRUISE_UUID,
)
from musement_mcp.tools.catalog import get_activity
from musement_mcp.tools.errors import ActivityNotFound

pytestmark = pytest.mark.anyio


async def test_an_activity_in_full(musement) -> None:
    tour = await get_activity(musement, ROME_GUIDED_TOUR_UUID)
    assert tour.meeting_point and "Pantheon" in tour.meeting_point
    assert tour.languages == ["en", "it"]
    assert tour.cancellation == "100% refund if cancelled at least 1 day before."
    assert tour.pickups is None and tour.rating == 4.7
    assert (await get_activity(musement, LOUVRE_UUID)).cancellation == "Non-refundable."
    cruise = await get_activity(musement, SEINE_CRUISE_UUID)
    assert cruise.pickups and {p.type for p in cruise.pickups} == {"HOTEL", "PICKUP"}
    border = await get_activity(musement, PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID)
    assert border.checkout_asks and border.checkout_asks.participant_questions
    with pytest.raises(ActivityNotFound):
        await get_activity(musement, "00000000-0000-4000-8000-000000000000")
