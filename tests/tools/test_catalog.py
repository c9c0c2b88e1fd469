"""The catalog calls of tools/catalog against the sandbox over loopback: search, an activity,
its days and options, and building a cart (refusals before any request, repeats, a quantity
change, removals)."""

from __future__ import annotations

import datetime as dt
from collections.abc import AsyncIterator, Iterator

import anyio
import pytest

from musement_mcp.sandbox import (
    COLOSSEUM_TOUR_UUID,
    LOUVRE_UUID,
    MURANO_BURANO_TOUR_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    ROME_GUIDED_TOUR_UUID,
    SEINE_CRUISE_UUID,
    SandboxServer,
)
from musement_mcp.tools import MusementClient
from musement_mcp.tools.catalog import (
    AddRequest,
    add_to_cart,
    create_cart,
    get_activity,
    get_activity_dates,
    get_day_options,
    remove_from_cart,
    search_activities,
)
from musement_mcp.tools.errors import (
    ActivityNotFound,
    ChoiceNotOffered,
    DateNotAvailable,
    InvalidArgument,
)
from tests.support.common import settings_for

pytestmark = pytest.mark.anyio


def next_weekday(weekday: int, weeks: int = 0) -> str:
    today = dt.date.today()
    return (
        today + dt.timedelta(days=((weekday - today.weekday()) % 7 or 7) + 7 * weeks)
    ).isoformat()


SATURDAY, MONDAY = 5, 0


@pytest.fixture(scope="module")
def own_sandbox() -> Iterator[SandboxServer]:
    """A sandbox of this module's own: adds take seats."""
    with SandboxServer() as server:
        yield server


@pytest.fixture
async def musement(own_sandbox: SandboxServer) -> AsyncIterator[MusementClient]:
    async with MusementClient(settings_for(own_sandbox).musement_config()) as client:
        yield client


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


async def product(musement, activity: str, day: str, holder: str = "ADULT", index: int = 0, **kw):
    options = (await get_day_options(musement, activity, day, **kw)).options
    return next(t for t in options[index].tickets if t.holder == holder).product_identifier


async def test_what_the_options_refuse_is_never_sent(musement, own_sandbox) -> None:
    cart = (await create_cart(musement)).cart_uuid
    saturday = next_weekday(SATURDAY, 2)
    adult = await product(musement, ROME_GUIDED_TOUR_UUID, saturday)
    other_day = await product(musement, ROME_GUIDED_TOUR_UUID, next_weekday(SATURDAY, 3))
    base = AddRequest(cart, ROME_GUIDED_TOUR_UUID, saturday, adult, 2, "en")
    own_sandbox.recorder.clear()
    refused = {
        "quantity": AddRequest(cart, ROME_GUIDED_TOUR_UUID, saturday, adult, 11, "en"),
        "language": AddRequest(cart, ROME_GUIDED_TOUR_UUID, saturday, adult, 2, "fr"),
        "product_identifier": AddRequest(cart, ROME_GUIDED_TOUR_UUID, saturday, other_day, 2, "en"),
    }
    for path, request in refused.items():
        with pytest.raises(ChoiceNotOffered) as failure:
            await add_to_cart(musement, request)
        assert [p["path"] for p in failure.value.details] == [path]
    no_language = AddRequest(cart, ROME_GUIDED_TOUR_UUID, saturday, adult, 2)
    with pytest.raises(ChoiceNotOffered, match="language"):
        await add_to_cart(musement, no_language)
    assert own_sandbox.recorder.count("POST") == 0
    assert (await add_to_cart(musement, base)).added


async def test_pickups_and_an_item_musement_cannot_prebook(musement) -> None:
    cart = (await create_cart(musement)).cart_uuid
    day = next_weekday(SATURDAY)
    cruise = await get_activity(musement, SEINE_CRUISE_UUID)
    assert cruise.pickups
    pickup = cruise.pickups[0].pickup_uuid
    ticket = await product(musement, SEINE_CRUISE_UUID, day, pickup=pickup)
    with pytest.raises(ChoiceNotOffered, match="pickup"):
        await add_to_cart(musement, AddRequest(cart, SEINE_CRUISE_UUID, day, ticket, 1))
    added = await add_to_cart(
        musement, AddRequest(cart, SEINE_CRUISE_UUID, day, ticket, 1, pickup=pickup)
    )
    assert added.status == "PREBOOK_OK" and added.total and added.total.text == "35.00 EUR"
    boat = await product(musement, MURANO_BURANO_TOUR_UUID, day, index=1)
    with pytest.raises(ChoiceNotOffered, match="at least 2"):
        await add_to_cart(musement, AddRequest(cart, MURANO_BURANO_TOUR_UUID, day, boat, 1, "en"))
    ko = await add_to_cart(musement, AddRequest(cart, MURANO_BURANO_TOUR_UUID, day, boat, 2, "en"))
    assert ko.status == "PREBOOK_KO" and ko.note and "remove_from_cart" in ko.note


async def cart_items(musement: MusementClient, cart: str) -> list[tuple[str, int]]:
    body = await musement.get_cart(cart)
    return [(item["product"]["id"], item["quantity"]) for item in body["items"]]


async def test_a_repeated_add_adds_once_unless_another_is_asked(musement) -> None:
    cart = (await create_cart(musement)).cart_uuid
    day = next_weekday(SATURDAY, 1)
    adult = await product(musement, ROME_GUIDED_TOUR_UUID, day)
    request = AddRequest(cart, ROME_GUIDED_TOUR_UUID, day, adult, 2, "en")
    first = await add_to_cart(musement, request)
    again = await add_to_cart(musement, request)
    assert (first.added, again.added) == (True, False)
    assert again.cart_item_uuid == first.cart_item_uuid and again.note
    assert first.what == f"2 x Adult, Guided tour, {day} 09:30, in en"
    assert first.total and first.total.text == "78.00 EUR"
    # Two calls at the same instant (a client's retry racing the first): still one item.
    cart = (await create_cart(musement)).cart_uuid
    twice = AddRequest(cart, ROME_GUIDED_TOUR_UUID, day, adult, 2, "en")
    outcomes: list[bool] = []

    async def add() -> None:
        outcomes.append((await add_to_cart(musement, twice)).added)

    async with anyio.create_task_group() as group:
        group.start_soon(add)
        group.start_soon(add)
    assert sorted(outcomes) == [False, True]
    assert await cart_items(musement, cart) == [(adult, 2)]
    more = AddRequest(cart, ROME_GUIDED_TOUR_UUID, day, adult, 2, "en", another=True)
    assert (await add_to_cart(musement, more)).added
    assert await cart_items(musement, cart) == [(adult, 2), (adult, 2)]


async def test_a_quantity_changes_by_replacing_the_item(musement) -> None:
    cart = (await create_cart(musement)).cart_uuid
    ticket = next_weekday(MONDAY)
    colosseum = await product(musement, COLOSSEUM_TOUR_UUID, ticket)
    first = await add_to_cart(musement, AddRequest(cart, COLOSSEUM_TOUR_UUID, ticket, colosseum, 2))
    change = AddRequest(
        cart, COLOSSEUM_TOUR_UUID, ticket, colosseum, 3, replaces=first.cart_item_uuid
    )
    changed = await add_to_cart(musement, change)
    assert changed.added and changed.replaced == first.cart_item_uuid and changed.note
    assert await cart_items(musement, cart) == [(colosseum, 3)]
    repeat = await add_to_cart(musement, change)  # the retry of a change changes nothing
    assert not repeat.added and repeat.cart_item_uuid == changed.cart_item_uuid
    removed = await remove_from_cart(musement, cart, changed.cart_item_uuid)
    again = await remove_from_cart(musement, cart, changed.cart_item_uuid)
    assert (removed.removed, again.removed) == (True, False)
    assert await cart_items(musement, cart) == []


async def test_a_promo_code_says_whether_it_counted(musement) -> None:
    assert (await create_cart(musement, "SANDBOX10")).discount_code_applied is True
    assert (await create_cart(musement, "NOSUCHCODE")).discount_code_applied is False
    assert (await create_cart(musement)).discount_code_applied is None


async def test_an_add_refreshes_the_carts_customer_form(musement) -> None:
    cart = (await create_cart(musement)).cart_uuid
    day = next_weekday(SATURDAY)
    ticket = await product(musement, PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, day)
    seen = []
    request = AddRequest(cart, PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, day, ticket, 1)
    await add_to_cart(musement, request, on_schema=seen.append)
    assert len(seen) == 1
    assert PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID in str(seen[0].schema)
