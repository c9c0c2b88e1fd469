"""tools/cart_items.py: a cart's items read as Musement documents them, each a `CartItemView`
(asserted on its attributes, not on the serialized result): only UUIDs that may enter a URL,
at most Musement's hundred, the activity from `product.activity_uuid` or `product.api_url`,
supplier text cleaned, prices as `Money`."""

from __future__ import annotations

import pytest

from musement_mcp.sandbox import PARTICIPANTS_ACTIVITY_UUID, VATICAN_MUSEUMS_UUID
from musement_mcp.tools.cart_items import (
    MAX_CART_ITEMS,
    activity_names,
    cart_item,
    fetch_activity_names,
    fingerprint,
    items_of,
)
from tests.support.in_memory import InMemorySandbox
from tests.support.reads import cart_with

ITEM = "0b4ad2f4-4a36-4d0a-9a54-2c8d1f8e2a11"
OTHER_ITEM = "1c5be3a5-5b47-4e1b-8a65-3d9e2a9f3b22"
ACTIVITY = "a2b4c6d8-1e2f-11e7-9cc9-06a7e332783f"
API = "https://api.musement.com/api/v3"


def raw_item(uuid: str = ITEM, **fields: object) -> dict[str, object]:
    product = {
        "title": "Vatican Museums",
        "api_url": f"{API}/activities/{ACTIVITY}",
        "retail_price": {"value": 29, "currency": "EUR", "formatted_value": "€ 99.00"},
    }
    item: dict[str, object] = {"uuid": uuid, "status": "PREBOOK_OK", "quantity": 2}
    item.update(fields)
    item.setdefault("product", product)
    return item


def test_an_item_as_musement_documents_it() -> None:
    item = cart_item(raw_item(ITEM.upper()))
    assert item.cart_item_uuid == ITEM
    assert item.activity_uuid == ACTIVITY
    assert (item.activity_title, item.quantity, item.status) == ("Vatican Museums", 2, "PREBOOK_OK")
    assert item.unit_price is not None
    assert (item.unit_price.value, item.unit_price.text) == (29.0, "29.00 EUR")
    # Participants are read separately: none known yet.
    assert (item.participants_required, item.participants_provided) == (False, None)


@pytest.mark.parametrize(
    ("product", "activity"),
    [
        ({"activity_uuid": ACTIVITY.upper()}, ACTIVITY),
        # activity_uuid wins over the URL.
        ({"activity_uuid": ACTIVITY, "api_url": f"{API}/activities/{ITEM}"}, ACTIVITY),
        ({"activity_uuid": "not-a-uuid", "api_url": f"{API}/activities/{ACTIVITY}"}, ACTIVITY),
        ({"api_url": f"{API}/activities/{ACTIVITY}/"}, ACTIVITY),
        ({"api_url": f"{API}/activities/{ACTIVITY}?lang=it"}, ACTIVITY),
        ({"api_url": f"{API}/activities/{ACTIVITY}#top"}, ACTIVITY),
        # Not an activity UUID: a longer token, another resource, no URL at all.
        ({"api_url": f"{API}/activities/{ACTIVITY}0"}, None),
        ({"api_url": f"{API}/activities/{ACTIVITY}-x"}, None),
        ({"api_url": f"{API}/events/{ACTIVITY}"}, None),
        ({"api_url": 42}, None),
        ({}, None),
    ],
)
def test_the_activity_is_read_from_its_uuid_or_its_url(
    product: dict[str, object], activity: str | None
) -> None:
    assert cart_item(raw_item(product=product)).activity_uuid == activity


def test_what_cannot_be_read_is_unknown_not_guessed() -> None:
    item = cart_item({"uuid": ITEM, "quantity": -1, "product": "not an object"})
    assert (item.activity_uuid, item.activity_title, item.unit_price) == (None, None, None)
    assert item.quantity is None and item.status is None
    assert cart_item(raw_item(quantity="2")).quantity is None
    assert cart_item(raw_item(quantity=0)).quantity == 0


def test_supplier_text_is_cleaned_and_bounded() -> None:
    title = "Tour\u202e\u0007 of " + "Rome " * 200
    item = cart_item(raw_item(product={"title": title}, status="PREBOOK_OK\u200f" + "!" * 100))
    assert item.activity_title is not None
    assert "\u202e" not in item.activity_title and "\u0007" not in item.activity_title
    assert len(item.activity_title) < len(title)
    assert item.status is not None and len(item.status) <= 40 and "\u200f" not in item.status


def test_only_items_whose_uuid_may_enter_a_url_and_at_most_a_hundred() -> None:
    cart = {"items": [raw_item("../../orders"), "junk", raw_item(ITEM), raw_item(uuid=None)]}
    assert [item.cart_item_uuid for item in items_of(cart)] == [ITEM]
    many = {"items": [raw_item(f"00000000-0000-4000-8000-{n:012d}") for n in range(150)]}
    assert len(items_of(many)) == MAX_CART_ITEMS
    assert items_of({"items": {}}) == [] and items_of({}) == []


def test_activity_names_where_both_are_known() -> None:
    cart = {
        "items": [
            raw_item(ITEM),
            raw_item(OTHER_ITEM, product={"api_url": f"{API}/activities/{ITEM}"}),  # no title
        ]
    }
    assert activity_names(cart) == {ACTIVITY: "Vatican Museums"}


def test_the_fingerprint_is_what_a_carts_schemas_depend_on() -> None:
    one, other = cart_item(raw_item(ITEM)), cart_item(raw_item(OTHER_ITEM))
    assert fingerprint([one, other]) == fingerprint([other, one])  # order does not matter
    more = cart_item(raw_item(ITEM, quantity=3))
    assert fingerprint([more, other]) != fingerprint([one, other])
    # What a schema does not depend on does not change it.
    renamed = cart_item(raw_item(ITEM, status="PREBOOK_KO"))
    assert fingerprint([renamed]) == fingerprint([one])


@pytest.mark.anyio
async def test_activity_names_from_the_sandbox_and_none_for_an_unknown_cart() -> None:
    sandbox = InMemorySandbox()
    cart = cart_with(sandbox, (VATICAN_MUSEUMS_UUID, 2), (PARTICIPANTS_ACTIVITY_UUID, 1))
    async with sandbox.client() as client:
        names = await fetch_activity_names(client, cart)
        assert set(names) == {VATICAN_MUSEUMS_UUID, PARTICIPANTS_ACTIVITY_UUID}
        assert all(names.values())
        # Names are labels: a cart that cannot be read gives none, never a failure.
        assert await fetch_activity_names(client, "00000000-0000-4000-8000-000000000000") == {}
