"""tools/catalog/search.py: search_activities against the sandbox over loopback (short cards,
paging, arguments refused before any request)."""

from __future__ import annotations

import pytest

from musement_mcp.sandbox import ROME_GUIDED_TOUR_UUID
from musement_mcp.tools.catalog import search_activities
from musement_mcp.tools.errors import InvalidArgument

pytestmark = pytest.mark.anyio


async def test_a_search_gives_short_cards_and_the_next_page(musement) -> None:
    found = await search_activities(musement, text="guided tour Rome", sort="rating")
    first = found.activities[0]
    assert first.activity_uuid == ROME_GUIDED_TOUR_UUID
    assert (first.city, first.price_from, first.duration) == ("Rome", "19.00 EUR", "3h")
    assert found.total == 2 and found.next_offset is None
    page = await search_activities(musement, text="Rome", limit=1)
    assert len(page.activities) == 1 and page.next_offset == 1
    assert (await search_activities(musement, text="no such thing anywhere")).activities == []


async def test_search_arguments_are_checked_before_any_request(musement, own_sandbox) -> None:
    own_sandbox.recorder.clear()
    for bad in (
        {"sort": "cheapest"},
        {"limit": 500},
        {"date_from": "next week"},
        {"max_price": -1},
    ):
        with pytest.raises(InvalidArgument):
            await search_activities(musement, **bad)
    assert len(own_sandbox.recorder) == 0
