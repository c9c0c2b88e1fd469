"""The sandbox's catalog: search, an activity, its days and products, and building a cart from
them (quantities, seats, languages, pickups, PREBOOK_KO, removing items, a promo code)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from musement_mcp.sandbox import (
    CATALOG,
    GONDOLA_RIDE_UUID,
    LOCKED_CART_UUID,
    LOUVRE_UUID,
    MURANO_BURANO_TOUR_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    ROME_GUIDED_TOUR_UUID,
    SANDBOX_PROMO_CODE,
    SANDBOX_TEST_ACTIVITY_UUID,
    SEINE_CRUISE_UUID,
    VATICAN_MUSEUMS_UUID,
    SandboxServer,
    product_id_of,
)

HEADERS = {"X-Musement-Application": "musement-mcp-tests", "X-Musement-Version": "3.4.0"}
NOT_FOUND_BODY = {"code": "1400", "message": "Resource does not exist"}
HOTEL_PICKUP = "5ee32dbd-898d-4f2e-aa9b-bb430b9a4960"
ROME_CITY_ID, PARIS_CITY_ID = 2, 40


@pytest.fixture(scope="module")
def api() -> Iterator[httpx2.Client]:
    with SandboxServer() as sb:
        with httpx2.Client(base_url=sb.base_url, headers=HEADERS, timeout=5) as client:
            yield client


def saturday(weeks_ahead: int) -> str:
    """A Saturday at least a week away; each test takes its own so seats do not mix."""
    today = dt.date.today()
    first = today + dt.timedelta(days=7 + (5 - today.weekday()) % 7)
    return (first + dt.timedelta(weeks=weeks_ahead)).isoformat()


def day_of(api: httpx2.Client, activity: str, day: str, **params: str) -> list[dict[str, Any]]:
    response = api.get(f"/activities/{activity}/dates/{day}", params=params)
    assert response.status_code == 200, response.text
    (answer,) = response.json()
    groups: list[dict[str, Any]] = answer["groups"]
    return groups


def product(
    api: httpx2.Client, activity: str, day: str, time: str, holder: str, **params: str
) -> dict[str, Any]:
    for group in day_of(api, activity, day, **params):
        for slot in group["slots"]:
            if slot["time"] == time:
                for found in slot["products"]:
                    if found["holder_code"] == holder:
                        return found  # type: ignore[no-any-return]
    raise AssertionError(f"no {holder} product at {time} on {day}")


def item(found: dict[str, Any], quantity: int, **extra: str) -> dict[str, Any]:
    return {
        "type": found["type"],
        "product_identifier": found["product_id"],
        "quantity": quantity,
        **extra,
    }


def new_cart(api: httpx2.Client, **body: Any) -> str:
    response = api.post("/carts", json=body)
    assert response.status_code == 200
    return str(response.json()["uuid"])


def add(api: httpx2.Client, cart: str, *items: dict[str, Any]) -> httpx2.Response:
    return api.post(f"/carts/{cart}/items", json=list(items))


# --- search --------------------------------------------------------------------------------


def test_search_answers_data_and_a_count_and_pages(api: httpx2.Client) -> None:
    first = api.get("/activities", params={"limit": "5"}).json()
    assert set(first) == {"data", "meta"} and first["meta"]["count"] == len(CATALOG)
    assert len(first["data"]) == 5
    rest = api.get("/activities", params={"offset": "5", "limit": "100"}).json()["data"]
    uuids = [a["uuid"] for a in first["data"] + rest]
    assert sorted(uuids) == sorted(CATALOG)
    # The default page is small: a client has to page.
    assert len(api.get("/activities").json()["data"]) == 10


def test_search_filters_by_text_city_venue_language_price_and_dates(api: httpx2.Client) -> None:
    def uuids(**params: str) -> set[str]:
        response = api.get("/activities", params=params)
        assert response.status_code == 200, response.text
        return {a["uuid"] for a in response.json()["data"]}

    assert ROME_GUIDED_TOUR_UUID in uuids(text="guided tour", city_in=str(ROME_CITY_ID))
    assert uuids(city_in=str(PARIS_CITY_ID), limit="100") >= {SEINE_CRUISE_UUID, LOUVRE_UUID}
    assert not uuids(city_in=str(PARIS_CITY_ID), limit="100") & {ROME_GUIDED_TOUR_UUID}
    assert uuids(venue_in="174") == {LOUVRE_UUID}
    assert uuids(available_language_in="fr", limit="100") == {
        SEINE_CRUISE_UUID,
        MURANO_BURANO_TOUR_UUID,
    }
    assert uuids(default_price_range="20,30", limit="100") >= {MURANO_BURANO_TOUR_UUID}
    # Titles follow Accept-Language, and so does the text search.
    italian = api.get(
        "/activities", params={"text": "visita guidata"}, headers={"Accept-Language": "it-IT"}
    )
    assert {a["title"] for a in italian.json()["data"]} >= {"Visita guidata al Colosseo"}
    # The Rome tour runs on Saturdays only: not in a Monday-to-Friday window.
    monday = (dt.date.fromisoformat(saturday(3)) + dt.timedelta(days=2)).isoformat()
    friday = (dt.date.fromisoformat(monday) + dt.timedelta(days=5)).isoformat()
    assert ROME_GUIDED_TOUR_UUID not in uuids(
        available_from=monday, available_to=friday, limit="100"
    )
    assert ROME_GUIDED_TOUR_UUID in uuids(available_from=saturday(3), available_to=monday)


@pytest.mark.parametrize(
    "params",
    [
        {"available_from": "2030-01-01"},  # "Must be used together with available_to"
        {"city_in": "Rome"},
        {"default_price_range": "cheap"},
        {"sort_by": "popularity"},
        {"limit": "-1"},
    ],
)
def test_search_rejects_bad_parameters(api: httpx2.Client, params: dict[str, str]) -> None:
    response = api.get("/activities", params=params)
    assert response.status_code == 400 and response.json()["code"] == "0"


def test_search_sorts_by_price_from_the_lowest(api: httpx2.Client) -> None:
    data = api.get("/activities", params={"sort_by": "price", "limit": "100"}).json()["data"]
    values = [a["retail_price"]["value"] for a in data]
    assert values == sorted(values)


# --- one activity --------------------------------------------------------------------------


def test_an_activity_has_its_city_meeting_point_languages_reviews_and_price_from(
    api: httpx2.Client,
) -> None:
    activity = api.get(f"/activities/{ROME_GUIDED_TOUR_UUID}", headers={"Accept-Language": "it"})
    assert activity.status_code == 200
    body = activity.json()
    assert body["title"] == "Tour guidato a piedi dei luoghi simbolo di Roma"
    assert body["city"]["name"] == "Roma" and body["city"]["id"] == ROME_CITY_ID
    assert body["meeting_point"].startswith("Davanti al Pantheon")
    assert [lang["code"] for lang in body["languages"]] == ["en", "it"]
    assert body["retail_price"]["value"] == 19.0  # the child ticket: the "price from"
    assert "discount_amount" not in body  # "does not appear for the /activities/{uuid} endpoint"
    assert body["order_box_elements"] == ["tours-and-activities"]
    seine = api.get(f"/activities/{SEINE_CRUISE_UUID}").json()
    assert seine["order_box_elements"] == ["tours-and-activities-with-pickup"]
    assert api.get("/activities/00000000-0000-4000-8000-000000000000").json() == NOT_FOUND_BODY


def test_pickups_and_refund_policies(api: httpx2.Client) -> None:
    pickups = api.get(f"/activities/{SEINE_CRUISE_UUID}/pickups").json()
    assert {p["uuid"] for p in pickups} >= {HOTEL_PICKUP}
    assert set(pickups[0]) == {"uuid", "type", "name", "latitude", "longitude", "tags"}
    assert api.get(f"/activities/{VATICAN_MUSEUMS_UUID}/pickups").json() == []
    policies = api.get(f"/activities/{MURANO_BURANO_TOUR_UUID}/refund-policies").json()
    assert policies[0] == {"period": "P2D", "type": "PERCENTAGE", "value": 100.0}
    # Non-refundable: one of the two documented answers, the 404.
    assert api.get(f"/activities/{LOUVRE_UUID}/refund-policies").status_code == 404


def test_previews_of_what_the_checkout_will_ask(api: httpx2.Client) -> None:
    extra = api.get(f"/activities/{SANDBOX_TEST_ACTIVITY_UUID}/extra-customer-data/schema")
    assert extra.json()["title"] == "form"
    assert extra.json()["properties"]["s_74380"]["title"] == "Hotel location"
    assert extra.json()["required"] == ["phone_number", "s_74380"]
    # The two documented answers for no questions: an empty form, or 404.
    gondola = api.get(f"/activities/{GONDOLA_RIDE_UUID}/extra-customer-data/schema").json()
    assert gondola == {"title": "form", "type": "object", "properties": []}
    assert api.get(f"/activities/{LOUVRE_UUID}/extra-customer-data/schema").status_code == 404
    people = api.get(f"/activities/{PARTICIPANTS_ACTIVITY_UUID}/participants-info/schema")
    assert people.json()["title"] == "participant"
    assert "firstname" in people.json()["required"]
    assert api.get(f"/activities/{LOUVRE_UUID}/participants-info/schema").status_code == 404


# --- days ----------------------------------------------------------------------------------


def test_bookable_days_of_a_saturday_tour(api: httpx2.Client) -> None:
    start = saturday(0)
    end = (dt.date.fromisoformat(start) + dt.timedelta(days=21)).isoformat()
    days = api.get(
        f"/activities/{ROME_GUIDED_TOUR_UUID}/dates", params={"date_from": start, "date_to": end}
    ).json()
    assert [d["day"] for d in days] == [saturday(0), saturday(1), saturday(2)]
    assert all(set(d) == {"day", "sold_out"} for d in days)
    swapped = api.get(
        f"/activities/{ROME_GUIDED_TOUR_UUID}/dates", params={"date_from": end, "date_to": start}
    )
    assert swapped.status_code == 400
    assert swapped.json() == {"code": "1440", "message": "End date cannot be before start date."}


def test_a_days_groups_slots_and_products(api: httpx2.Client) -> None:
    (group,) = day_of(api, ROME_GUIDED_TOUR_UUID, saturday(4))
    assert group["feature_code"] == "guided-tour" and group["type"] == "TIME-BASED"
    morning, afternoon = group["slots"]
    assert morning["time"] == "09:30"
    assert [lang["code"] for lang in morning["languages"]] == ["en", "it"]
    assert (afternoon["availability"], afternoon["max_buy"], afternoon["min_buy"]) == (2, 2, 1)
    adult, child = morning["products"]
    assert (adult["holder_code"], adult["holder_code_normalized"]) == ("adult", "ADULT")
    assert (child["holder_code"], child["holder_code_normalized"]) == ("child", "CHILDREN")
    assert adult["retail_price"]["value"] == 39.0 and child["retail_price"]["value"] == 19.0
    assert adult["max_buy"] == 10 and adult["product_id"] != child["product_id"]
    # A product id stands for a date too.
    other = day_of(api, ROME_GUIDED_TOUR_UUID, saturday(5))[0]["slots"][0]["products"][0]
    assert other["product_id"] != adult["product_id"]


def test_days_without_anything_on_sale_are_422(api: httpx2.Client) -> None:
    wednesday = (dt.date.fromisoformat(saturday(0)) + dt.timedelta(days=4)).isoformat()
    response = api.get(f"/activities/{ROME_GUIDED_TOUR_UUID}/dates/{wednesday}")
    assert response.status_code == 422 and response.json()["code"] == "0"
    past = api.get(f"/activities/{ROME_GUIDED_TOUR_UUID}/dates/2020-01-04")
    assert past.status_code == 422


def test_activities_with_pickups_need_the_pickup_parameter(api: httpx2.Client) -> None:
    day = saturday(0)
    assert api.get(f"/activities/{SEINE_CRUISE_UUID}/dates/{day}").status_code == 400
    assert api.get(f"/activities/{SEINE_CRUISE_UUID}/dates").status_code == 400
    assert day_of(api, SEINE_CRUISE_UUID, day, pickup=HOTEL_PICKUP)
    unknown = api.get(
        f"/activities/{SEINE_CRUISE_UUID}/dates/{day}",
        params={"pickup": "00000000-0000-4000-8000-000000000000"},
    )
    assert unknown.status_code == 400


# --- the cart ------------------------------------------------------------------------------


def test_a_family_books_the_rome_tour_and_the_cart_prices_it(api: httpx2.Client) -> None:
    day = saturday(6)
    adult = product(api, ROME_GUIDED_TOUR_UUID, day, "09:30", "adult")
    child = product(api, ROME_GUIDED_TOUR_UUID, day, "09:30", "child")
    cart = new_cart(api)
    added = add(api, cart, item(adult, 2, language="it"), item(child, 1, language="it"))
    assert added.status_code == 200, added.text
    assert added.json()["status"] == "PREBOOK_OK" and added.json()["product"]["title"] == "Adult"
    body = api.get(f"/carts/{cart}").json()
    assert body["retail_price"]["value"] == 2 * 39.0 + 19.0
    assert [i["product"]["retail_price"]["value"] for i in body["items"]] == [39.0, 19.0]
    # The seats are held: the day now shows 3 fewer in that timeslot.
    assert product(api, ROME_GUIDED_TOUR_UUID, day, "09:30", "adult")["availability"] == 22


@pytest.mark.parametrize(
    ("extra", "quantity"),
    [
        ({}, 1),  # the timeslot has languages: one is required
        ({"language": "fr"}, 1),  # not one of the slot's
        ({"language": "en"}, 11),  # the adult ticket's max_buy is 10
    ],
)
def test_items_the_product_rules_out_are_refused(
    api: httpx2.Client, extra: dict[str, str], quantity: int
) -> None:
    adult = product(api, ROME_GUIDED_TOUR_UUID, saturday(7), "09:30", "adult")
    cart = new_cart(api)
    response = add(api, cart, item(adult, quantity, **extra))
    assert response.status_code == 400 and response.json()["code"] == "0"
    assert api.get(f"/carts/{cart}").json()["items"] == []


def test_max_buy_counts_what_the_cart_already_holds(api: httpx2.Client) -> None:
    adult = product(api, ROME_GUIDED_TOUR_UUID, saturday(8), "09:30", "adult")
    cart = new_cart(api)
    assert add(api, cart, item(adult, 6, language="en")).status_code == 200
    assert add(api, cart, item(adult, 5, language="en")).status_code == 400
    assert add(api, cart, item(adult, 4, language="en")).status_code == 200


def test_the_scarce_slot_sells_out_between_a_read_and_an_add(api: httpx2.Client) -> None:
    day = saturday(9)
    seen = product(api, ROME_GUIDED_TOUR_UUID, day, "15:00", "adult")
    assert seen["availability"] == 2
    # Someone else books both seats after our read.
    other = new_cart(api)
    assert add(api, other, item(seen, 2, language="en")).status_code == 200
    ours = new_cart(api)
    response = add(api, ours, item(seen, 1, language="en"))
    assert response.status_code == 400 and response.json()["code"] == "0"
    # The day no longer lists the sold-out timeslot.
    (group,) = day_of(api, ROME_GUIDED_TOUR_UUID, day)
    assert [slot["time"] for slot in group["slots"]] == ["09:30"]
    # Removing an item gives its seats back.
    (held,) = api.get(f"/carts/{other}").json()["items"]
    assert api.delete(f"/carts/{other}/items/{held['uuid']}").status_code == 204
    assert add(api, ours, item(seen, 2, language="en")).status_code == 200


def test_pickup_is_required_and_must_be_the_activitys(api: httpx2.Client) -> None:
    adult = product(api, SEINE_CRUISE_UUID, saturday(0), "20:00", "adult", pickup=HOTEL_PICKUP)
    cart = new_cart(api)
    assert add(api, cart, item(adult, 1)).status_code == 400
    wrong = item(adult, 1, pickup="00000000-0000-4000-8000-000000000000")
    assert add(api, cart, wrong).status_code == 400
    assert add(api, cart, item(adult, 1, pickup=HOTEL_PICKUP)).status_code == 200


def test_the_private_boat_prebooks_ko_and_blocks_the_order_until_removed(
    api: httpx2.Client,
) -> None:
    day = saturday(1)
    boat = product(api, MURANO_BURANO_TOUR_UUID, day, "14:00", "adult")
    assert boat["min_buy"] == 2
    cart = new_cart(api)
    assert add(api, cart, item(boat, 1, language="en")).status_code == 400  # min_buy 2
    added = add(api, cart, item(boat, 2, language="en"))
    assert added.status_code == 200 and added.json()["status"] == "PREBOOK_KO"
    (listed,) = api.get(f"/carts/{cart}").json()["items"]
    assert listed["status"] == "PREBOOK_KO"
    assert api.delete(f"/carts/{cart}/items/{listed['uuid']}").status_code == 204
    assert api.get(f"/carts/{cart}").json()["items"] == []


def test_removing_items(api: httpx2.Client) -> None:
    cart = new_cart(api)
    first = {"type": "musement", "product_identifier": product_id_of(VATICAN_MUSEUMS_UUID)}
    assert add(api, cart, {**first, "quantity": 1}).status_code == 200
    (listed,) = api.get(f"/carts/{cart}").json()["items"]
    removed = api.delete(f"/carts/{cart}/items/{listed['uuid']}")
    assert removed.status_code == 204 and removed.content == b""
    assert api.delete(f"/carts/{cart}/items/{listed['uuid']}").json() == NOT_FOUND_BODY
    unknown_cart = "/carts/00000000-0000-4000-8000-000000000000/items/x"
    assert api.delete(unknown_cart).json() == NOT_FOUND_BODY
    # Once in an order: 403. (The seeded locked cart is tied to a paid order.)
    locked = api.get(f"/carts/{LOCKED_CART_UUID}").json()["items"][0]["uuid"]
    in_order = api.delete(f"/carts/{LOCKED_CART_UUID}/items/{locked}")
    assert in_order.status_code == 403 and in_order.json()["code"] == "0"
    # And adding to it is 423, as before.
    assert add(api, LOCKED_CART_UUID, {**first, "quantity": 1}).status_code == 423


def test_a_promo_code_discounts_the_cart(api: httpx2.Client) -> None:
    cart = new_cart(api, discount_code=SANDBOX_PROMO_CODE.code)
    created = api.get(f"/carts/{cart}").json()
    assert created["promo_code"] == {"code": SANDBOX_PROMO_CODE.code}
    ticket = {"type": "musement", "product_identifier": product_id_of(VATICAN_MUSEUMS_UUID)}
    assert add(api, cart, {**ticket, "quantity": 2}).status_code == 200
    body = api.get(f"/carts/{cart}").json()
    assert body["full_price"]["value"] == 58.0
    assert body["total_discount"]["value"] == body["discount"]["value"] == 5.8
    assert body["retail_price"]["value"] == 52.2


def test_an_unknown_promo_code_is_silently_ignored(api: httpx2.Client) -> None:
    cart = api.post("/carts", json={"discount_code": "NOPE"})
    assert cart.status_code == 200 and "promo_code" not in cart.json()
    assert api.post("/carts", json={"discount_code": 10}).status_code == 400
