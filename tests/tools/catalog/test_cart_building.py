"""tools/catalog/cart_building.py: building a cart against the sandbox over loopback (what the
day's options refuse is never sent, pickups, repeats, a quantity change, removals, promo
codes, the customer form refreshed)."""

from __future__ import annotations

import anyio
import pytest

from musement_mcp.sandbox import (
    COLOSSEUM_TOUR_UUID,
    MURANO_BURANO_TOUR_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    ROME_GUIDED_TOUR_UUID,
    SEINE_CRUISE_UUID,
)
from musement_mcp.tools import MusementClient
from musement_mcp.tools.catalog import (
    AddRequest,
    add_to_cart,
    create_cart,
    get_activity,
    remove_from_cart,
)
from musement_mcp.tools.errors import ChoiceNotOffered
from tests.support.catalog import MONDAY, SATURDAY, next_weekday, product

pytestmark = pytest.mark.anyio


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
