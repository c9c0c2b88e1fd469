"""The embedded Musement sandbox, exercised over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import re
import select
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    CATALOG,
    COLOSSEUM_TOUR_UUID,
    EIFFEL_TOWER_UUID,
    EXTRA_DATA_CART_UUID,
    FOOD_TOUR_UUID,
    FREE_WALKING_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    LOCKED_CART_UUID,
    LOCKED_ORDER_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    FaultsDisabled,
    SandboxServer,
    create_app,
    product_id_of,
    sandbox_of,
)
from tests.support.people import ADA as PARTICIPANT_ADA
from tests.support.people import CHARLES, TRAVELLER
from tests.support.processes import READY_TIMEOUT, wait_until

HEADERS = {"X-Musement-Application": "musement-mcp-tests", "X-Musement-Version": "3.4.0"}
UNKNOWN_CART = "00000000-0000-4000-8000-000000000000"
LOCKED_BODY = {"code": "-1", "message": "Cart is already connected to order with state 'closed'"}
NOT_FOUND_BODY = {"code": "1400", "message": "Resource does not exist"}
MISSING_APPLICATION_BODY = {
    "code": "2271",
    "message": (
        "The header 'x-musement-application' is mandatory but was not found on the request. "
        "Please specify it and try again."
    ),
}
# The activities that sell one product, the same on every date (product_id_of).
LEGACY_ACTIVITIES = (
    SANDBOX_TEST_ACTIVITY_UUID,
    COLOSSEUM_TOUR_UUID,
    FOOD_TOUR_UUID,
    GONDOLA_RIDE_UUID,
    VATICAN_MUSEUMS_UUID,
    EIFFEL_TOWER_UUID,
    FREE_WALKING_TOUR_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
)
COMPLETE_BASE = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "email": "grace@example.com",
    "musement_newsletter": "NO",
    "allow_profiling": "YES",
    "thirdparty_newsletter": "NO",
    "events_related_newsletter": "NO",
}


@pytest.fixture(scope="module")
def server() -> Iterator[SandboxServer]:
    with SandboxServer() as sb:
        yield sb


@pytest.fixture(scope="module")
def shared_faulty_server() -> Iterator[SandboxServer]:
    with SandboxServer(faults=True) as sb:
        yield sb


@pytest.fixture
def faulty(shared_faulty_server: SandboxServer) -> Iterator[SandboxServer]:
    yield shared_faulty_server
    shared_faulty_server.faults.clear()
    shared_faulty_server.recorder.clear()


@pytest.fixture(scope="module")
def api(server: SandboxServer) -> Iterator[httpx2.Client]:
    """One client for the module (a new client per test costs a TLS context, ~50 ms)."""
    with httpx2.Client(base_url=server.base_url, headers=HEADERS, timeout=5) as client:
        yield client


def client_for(sb: SandboxServer, **kwargs: Any) -> httpx2.Client:
    kwargs.setdefault("timeout", 5)
    return httpx2.Client(base_url=sb.base_url, headers=HEADERS, **kwargs)


def item_of(activity_uuid: str, quantity: int = 1) -> dict[str, Any]:
    """A cart item to add: the activity's ticket, by its product id."""
    return {
        "type": "musement",
        "product_identifier": product_id_of(activity_uuid),
        "quantity": quantity,
    }


def new_cart(client: httpx2.Client, *activities: str) -> str:
    response = client.post("/carts", json={})
    assert response.status_code == 200
    cart_uuid: str = response.json()["uuid"]
    if activities:
        items = [item_of(a) for a in activities]
        assert client.post(f"/carts/{cart_uuid}/items", json=items).status_code == 200
    return cart_uuid


_ACTIVITY_IN_URL = re.compile(r"/api/v3/activities/([0-9a-f-]{36})$")


def activity_of(item: dict[str, Any]) -> str:
    """The activity UUID of a cart item, read where Musement documents it: product.api_url."""
    found = _ACTIVITY_IN_URL.search(item["product"]["api_url"])
    assert found, item["product"]["api_url"]
    return found.group(1)


def schema_of(client: httpx2.Client, cart_uuid: str, **headers: str) -> dict[str, Any]:
    response = client.get(f"/carts/{cart_uuid}/customer/schema", headers=headers)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


# --- endpoints ---------------------------------------------------------------------------


def test_login_returns_a_bearer_token_for_json_and_form_bodies(api: httpx2.Client) -> None:
    credentials = {"client_id": "id", "client_secret": "s", "grant_type": "client_credentials"}
    for response in (api.post("/login", json=credentials), api.post("/login", data=credentials)):
        assert response.status_code == 200
        body = response.json()
        assert body["expires_in"] == 3600 and body["token_type"] == "bearer"
        assert body["scope"] is None
        assert isinstance(body["access_token"], str) and body["access_token"]


def test_login_rejects_other_grant_types(api: httpx2.Client) -> None:
    response = api.post("/login", json={"client_id": "a", "client_secret": "b", "grant_type": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "0"


def test_create_cart_returns_an_empty_cart_that_get_returns(api: httpx2.Client) -> None:
    created = api.post("/carts", json={}).json()
    assert created["items"] == [] and created["full_price"]["value"] == 0
    assert api.get(f"/carts/{created['uuid']}").json() == created


def first_product(day_answer: Any) -> dict[str, Any]:
    """The first product of a GET /activities/{uuid}/dates/{date} answer (groups, slots)."""
    (day,) = day_answer
    product: dict[str, Any] = day["groups"][0]["slots"][0]["products"][0]
    return product


def test_dates_endpoint_lists_the_product_ids_items_are_added_by(api: httpx2.Client) -> None:
    response = api.get(f"/activities/{SANDBOX_TEST_ACTIVITY_UUID}/dates/2030-05-17")
    assert response.status_code == 200
    (day,) = response.json()
    (group,) = day["groups"]
    (slot,) = group["slots"]
    (product,) = slot["products"]
    # The fields of the product model the older docs show (api-docs.musement.com, manage items),
    # and more.
    assert set(product) >= {
        "holder_code",
        "name",
        "type",
        "default",
        "product_id",
        "min_buy",
        "max_buy",
        "availability",
        "original_retail_price",
        "discount_amount",
        "retail_price",
    }
    assert product["product_id"] == product_id_of(SANDBOX_TEST_ACTIVITY_UUID) == "249217479"
    assert product["type"] == "musement" and product["retail_price"]["value"] == 10.0
    # The legacy products have no seat count and no maximum (-1, as the 3.5.0 docs say).
    assert (product["availability"], product["max_buy"], product["min_buy"]) == (-1, -1, 1)
    assert set(day) == {"groups"}  # as documented: no top-level slots
    # Every legacy activity sells its own product.
    ids = {
        first_product(api.get(f"/activities/{activity}/dates/2030-05-17").json())["product_id"]
        for activity in CATALOG
        if activity in LEGACY_ACTIVITIES
    }
    assert len(ids) == len(LEGACY_ACTIVITIES)
    assert api.get(f"/activities/{UNKNOWN_CART}/dates/2030-05-17").json() == NOT_FOUND_BODY
    bad_date = api.get(f"/activities/{SANDBOX_TEST_ACTIVITY_UUID}/dates/17-05-2030")
    assert bad_date.status_code == 400 and bad_date.json()["code"] == "0"


def test_add_items_returns_the_first_item_with_its_own_uuid(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api)
    items = [item_of(SANDBOX_TEST_ACTIVITY_UUID, 2), item_of(EIFFEL_TOWER_UUID)]
    response = api.post(f"/carts/{cart_uuid}/items", json=items)
    assert response.status_code == 200
    first = response.json()
    # The documented answer, field for field: the product's own title, no activity UUID.
    assert set(first) == {
        "uuid",
        "status",
        "quantity",
        "total_price",
        "total_price_without_service_fee",
        "product",
    }
    assert first["status"] == "PREBOOK_OK" and first["quantity"] == 2
    assert first["product"] == {
        "id": "249217479",
        "type": "musement",
        "title": "Adult ticket",
        "retail_price": {
            "currency": "EUR",
            "value": 10.0,
            "formatted_value": "€ 10.00",
            "formatted_iso_value": "€10.00",
        },
    }
    assert first["total_price"]["value"] == 20.0
    assert first["uuid"] not in CATALOG
    cart = api.get(f"/carts/{cart_uuid}").json()
    assert [activity_of(i) for i in cart["items"]] == [
        SANDBOX_TEST_ACTIVITY_UUID,
        EIFFEL_TOWER_UUID,
    ]
    assert cart["items"][0]["uuid"] == first["uuid"]
    assert cart["retail_price"]["value"] == 2 * 10.0 + 59.0


def test_cart_items_name_their_activity_only_by_title_and_api_url(
    server: SandboxServer, api: httpx2.Client
) -> None:
    cart_uuid = new_cart(api, COLOSSEUM_TOUR_UUID)
    (item,) = api.get(f"/carts/{cart_uuid}", headers={"Accept-Language": "it-IT"}).json()["items"]
    assert item["status"] == "PREBOOK_OK"
    assert item["product"] == {
        "id": product_id_of(COLOSSEUM_TOUR_UUID),
        "type": "musement",
        "title": "Visita guidata al Colosseo",
        "api_url": f"{server.base_url}/activities/{COLOSSEUM_TOUR_UUID}",
        "retail_price": item["product"]["retail_price"],
    }
    assert "activity_uuid" not in json.dumps(item)


@pytest.mark.parametrize(
    "body",
    [
        [],
        item_of(VATICAN_MUSEUMS_UUID),  # one object, as the older docs sent it: not an array
        [{"type": "musement", "product_identifier": "nope", "quantity": 1}],
        # An activity UUID is not a product id.
        [{"type": "musement", "product_identifier": VATICAN_MUSEUMS_UUID, "quantity": 1}],
        [{"type": "musement", "product_identifier": 249217483, "quantity": 1}],
        [{**item_of(VATICAN_MUSEUMS_UUID), "quantity": 0}],
        [{**item_of(VATICAN_MUSEUMS_UUID), "quantity": "1"}],
        [{k: v for k, v in item_of(VATICAN_MUSEUMS_UUID).items() if k != "quantity"}],
        [{k: v for k, v in item_of(VATICAN_MUSEUMS_UUID).items() if k != "type"}],
        [{**item_of(VATICAN_MUSEUMS_UUID), "type": "other"}],
        [{**item_of(VATICAN_MUSEUMS_UUID), "type": "musement-gift"}],  # not this product's type
        [{**item_of(VATICAN_MUSEUMS_UUID), "language": "italian"}],
        [{**item_of(VATICAN_MUSEUMS_UUID), "pickup": "the hotel"}],
        # One bad item: none is added.
        [item_of(VATICAN_MUSEUMS_UUID), {**item_of(EIFFEL_TOWER_UUID), "quantity": -1}],
    ],
)
def test_add_items_rejects_bad_bodies_and_adds_nothing(api: httpx2.Client, body: Any) -> None:
    cart_uuid = new_cart(api)
    response = api.post(f"/carts/{cart_uuid}/items", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "0"
    assert api.get(f"/carts/{cart_uuid}").json()["items"] == []


def test_add_items_takes_a_language_and_a_pickup(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api)
    item = {
        **item_of(VATICAN_MUSEUMS_UUID),
        "language": "it",
        "pickup": "5ee32dbd-898d-4f2e-aa9b-bb430b9a4960",
    }
    assert api.post(f"/carts/{cart_uuid}/items", json=[item]).status_code == 200


def test_a_cart_holds_at_most_100_items(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api)
    path = f"/carts/{cart_uuid}/items"
    assert api.post(path, json=[item_of(EIFFEL_TOWER_UUID)] * 99).status_code == 200
    too_many = api.post(path, json=[item_of(EIFFEL_TOWER_UUID)] * 2)
    assert too_many.status_code == 400 and too_many.json()["code"] == "0"
    assert api.post(path, json=[item_of(EIFFEL_TOWER_UUID)]).status_code == 200
    assert len(api.get(f"/carts/{cart_uuid}").json()["items"]) == 100
    assert api.post(path, json=[item_of(EIFFEL_TOWER_UUID)]).status_code == 400


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/carts/{}"),
        ("GET", "/carts/{}/customer/schema"),
        ("PUT", "/carts/{}/customer"),
        ("POST", "/carts/{}/items"),
        ("GET", "/carts/{}/order-info"),
        ("GET", "/orders/{}"),
    ],
)
def test_unknown_resources_are_404_resource_does_not_exist(
    api: httpx2.Client, method: str, path: str
) -> None:
    body: Any = [item_of(VATICAN_MUSEUMS_UUID)] if path.endswith("items") else {}
    response = api.request(method, path.format(UNKNOWN_CART), json=body)
    assert response.status_code == 404
    assert response.json() == NOT_FOUND_BODY


def test_order_for_unknown_cart_is_404(api: httpx2.Client) -> None:
    response = api.post("/orders", json={"cart_uuid": UNKNOWN_CART})
    assert response.status_code == 404 and response.json() == NOT_FOUND_BODY


def test_unknown_routes_answer_in_musement_shape(api: httpx2.Client) -> None:
    missing = api.get("/nothing-here")
    assert missing.status_code == 404 and missing.json()["code"] == "0"
    wrong_method = api.delete(f"/carts/{BASE_CART_UUID}")
    assert wrong_method.status_code == 405 and wrong_method.json()["code"] == "0"


# --- the customer schema -----------------------------------------------------------------

BASE_ORDER = [
    "firstname",
    "lastname",
    "email",
    "musement_newsletter",
    "allow_profiling",
    "thirdparty_newsletter",
    "events_related_newsletter",
    "city",
    "address",
    "zipcode",
    "tax_id",
]


def test_base_cart_schema_has_only_base_fields(api: httpx2.Client) -> None:
    schema = schema_of(api, BASE_CART_UUID)
    assert schema["title"] == "cart_customer_guest" and schema["type"] == "object"
    assert list(schema["properties"]) == BASE_ORDER
    assert [p["propertyOrder"] for p in schema["properties"].values()] == list(range(1, 12))
    assert all("title" in p for p in schema["properties"].values())
    assert schema["required"] == BASE_ORDER[:7]
    assert schema["properties"]["email"]["format"] == "email"
    assert "extra_customer_data" not in schema["properties"]


def test_yes_no_enums_have_parallel_titles_in_an_unstable_order(api: httpx2.Client) -> None:
    properties = schema_of(api, BASE_CART_UUID)["properties"]
    orders = set()
    for key in BASE_ORDER[3:7]:
        prop = properties[key]
        assert sorted(prop["enum"]) == ["NO", "YES"]
        assert prop["enum_titles"] == prop["enum"]  # English titles are the values
        orders.add(tuple(prop["enum"]))
    assert orders == {("NO", "YES"), ("YES", "NO")}


def test_extra_customer_data_is_keyed_by_activity_uuid(api: httpx2.Client) -> None:
    schema = schema_of(api, EXTRA_DATA_CART_UUID)
    extra = schema["properties"]["extra_customer_data"]
    assert extra["propertyOrder"] == 12
    assert list(extra["properties"]) == [
        SANDBOX_TEST_ACTIVITY_UUID,
        COLOSSEUM_TOUR_UUID,
        FOOD_TOUR_UUID,
        GONDOLA_RIDE_UUID,
    ]
    item_uuids = {i["uuid"] for i in api.get(f"/carts/{EXTRA_DATA_CART_UUID}").json()["items"]}
    assert not item_uuids & set(extra["properties"])
    # Only activities with required questions are required; the root requires the block.
    assert extra["required"] == [SANDBOX_TEST_ACTIVITY_UUID, COLOSSEUM_TOUR_UUID]
    assert schema["required"][-1] == "extra_customer_data"

    sandbox_form = extra["properties"][SANDBOX_TEST_ACTIVITY_UUID]
    # Titled by the activity UUID, as documented: the name is only in the cart's items.
    assert [form["title"] for form in extra["properties"].values()] == list(extra["properties"])
    assert sandbox_form["properties"]["phone_number"]["type"] == "number"
    assert sandbox_form["properties"]["s_74380"]["title"] == "Hotel location"
    assert sandbox_form["required"] == ["phone_number", "s_74380"]

    colosseum = extra["properties"][COLOSSEUM_TOUR_UUID]["properties"]
    assert colosseum["s_81022"]["format"] == "date"
    assert colosseum["tour_language"]["enum"] == ["en", "it", "es"]
    assert colosseum["tour_language"]["enum_titles"] == ["English", "Italian", "Spanish"]

    food = extra["properties"][FOOD_TOUR_UUID]
    diet = food["properties"]["dietary_requirements"]
    assert diet["type"] == "array" and diet["uniqueItems"] is True
    assert "vegan" in diet["items"]["enum"]
    assert len(diet["items"]["enum"]) == len(diet["items"]["enum_titles"])
    assert "required" not in food
    orders = [q["propertyOrder"] for q in food["properties"].values()]
    assert orders == [1, 2]


def test_an_empty_form_is_serialized_as_a_json_array(api: httpx2.Client) -> None:
    response = api.get(f"/carts/{EXTRA_DATA_CART_UUID}/customer/schema")
    gondola = response.json()["properties"]["extra_customer_data"]["properties"][GONDOLA_RIDE_UUID]
    assert gondola["properties"] == []
    assert '"properties":[]' in response.text.replace(" ", "")


def test_activities_without_extra_data_add_no_block(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, VATICAN_MUSEUMS_UUID, EIFFEL_TOWER_UUID)
    assert "extra_customer_data" not in schema_of(api, cart_uuid)["properties"]
    api.post(f"/carts/{cart_uuid}/items", json=[item_of(GONDOLA_RIDE_UUID)])
    schema = schema_of(api, cart_uuid)
    extra = schema["properties"]["extra_customer_data"]
    assert list(extra["properties"]) == [GONDOLA_RIDE_UUID]
    assert "required" not in extra and "extra_customer_data" not in schema["required"]


def test_labels_follow_accept_language(api: httpx2.Client) -> None:
    italian = schema_of(api, EXTRA_DATA_CART_UUID, **{"Accept-Language": "it-IT"})
    assert italian["properties"]["firstname"]["title"] == "Nome"
    assert italian["properties"]["musement_newsletter"]["enum_titles"] == ["NO", "SÌ"]
    forms = italian["properties"]["extra_customer_data"]["properties"]
    assert forms[SANDBOX_TEST_ACTIVITY_UUID]["properties"]["phone_number"]["title"] == (
        "Numero di telefono"
    )
    assert forms[SANDBOX_TEST_ACTIVITY_UUID]["title"] == SANDBOX_TEST_ACTIVITY_UUID
    assert forms[COLOSSEUM_TOUR_UUID]["properties"]["tour_language"]["enum_titles"][0] == "Inglese"
    # Keys and values never change with the language.
    assert forms[COLOSSEUM_TOUR_UUID]["properties"]["tour_language"]["enum"] == ["en", "it", "es"]

    english = schema_of(api, EXTRA_DATA_CART_UUID)
    for fallback in ("de-DE", "fr-FR;q=0.9, de;q=0.8", "*"):
        assert schema_of(api, EXTRA_DATA_CART_UUID, **{"Accept-Language": fallback}) == english
    weighted = schema_of(api, BASE_CART_UUID, **{"Accept-Language": "de;q=0.9, it;q=0.5"})
    assert weighted["properties"]["lastname"]["title"] == "Cognome"


# --- PUT customer ------------------------------------------------------------------------


def test_put_merges_partial_bodies(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, SANDBOX_TEST_ACTIVITY_UUID, COLOSSEUM_TOUR_UUID)
    path = f"/carts/{cart_uuid}/customer"
    assert api.put(path, json={"firstname": "Grace"}).status_code == 200
    api.put(path, json={"email": "grace@example.com"})
    api.put(path, json={"extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: {"s_74380": "Roma"}}})
    response = api.put(
        path,
        json={
            "extra_customer_data": {
                SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": 555},
                COLOSSEUM_TOUR_UUID: {"tour_language": "it"},
            }
        },
    )
    customer = response.json()
    assert customer["firstname"] == "Grace" and customer["email"] == "grace@example.com"
    assert customer["lastname"] is None
    assert customer["extra_customer_data"] == {
        SANDBOX_TEST_ACTIVITY_UUID: {"s_74380": "Roma", "phone_number": 555},
        COLOSSEUM_TOUR_UUID: {"tour_language": "it"},
    }
    assert api.get(f"/carts/{cart_uuid}").json()["customer"] == customer


# The Customer's documented fields (PUT customer reference; DESIGN.md's list past
# extra_customer_data).
CUSTOMER_FIELDS = {
    "country",
    "email",
    "extra_customer_data",
    "firstname",
    "lastname",
    "musement_newsletter",
    "thirdparty_newsletter",
    "events_related_newsletter",
    "id",
    "avatar",
    "currency",
    "birthdate",
    "gender",
    "id_number",
    "mobile",
    "address",
    "favourite_city",
    "locale",
}
WRITE_ONLY = {"allow_profiling", "city", "zipcode", "tax_id"}


def test_put_returns_musements_customer_shape(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, VATICAN_MUSEUMS_UUID)
    sent = {**COMPLETE_BASE, "address": "Via Roma 1", "city": "Milano", "zipcode": "20100"}
    response = api.put(
        f"/carts/{cart_uuid}/customer",
        json={**sent, "tax_id": "RSSMRA80A01F205X"},
        headers={"X-Musement-Market": "it", "Accept-Language": "it-IT"},
    )
    assert response.status_code == 200
    customer = response.json()
    assert set(customer) == CUSTOMER_FIELDS and not WRITE_ONLY & set(customer)
    assert list(customer) == sorted(customer)  # alphabetical, as the reference's samples
    assert customer["country"]["iso_code"] == "IT" and customer["country"]["id"] == 82
    assert customer["country"]["name"] == "Italia"
    assert customer["address"] == "Via Roma 1" and customer["firstname"] == "Grace"
    assert customer["events_related_newsletter"] == "NO"
    # Documented fields a guest checkout never sets.
    for unset in CUSTOMER_FIELDS - set(COMPLETE_BASE) - {"country", "address"}:
        if unset != "extra_customer_data":
            assert customer[unset] is None, unset
    assert customer["extra_customer_data"] == []  # PHP's empty array, as Musement sends it
    # Write-only fields are stored, never shown, in the cart either.
    italian = {"Accept-Language": "it-IT"}
    assert api.get(f"/carts/{cart_uuid}", headers=italian).json()["customer"] == customer


def test_write_only_fields_alone_are_stored_but_not_echoed(
    server: SandboxServer, api: httpx2.Client
) -> None:
    cart_uuid = new_cart(api, VATICAN_MUSEUMS_UUID)
    body = {"allow_profiling": "NO", "city": "Milano", "zipcode": "20100", "tax_id": "X"}
    response = api.put(f"/carts/{cart_uuid}/customer", json=body)
    assert response.status_code == 200
    assert not WRITE_ONLY & set(response.json())
    assert response.json()["firstname"] is None
    with server.state.lock:
        stored = dict(server.state.carts[cart_uuid].customer)
    assert {key: stored[key] for key in body} == body


def test_put_coerces_numeric_strings_for_number_fields(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, SANDBOX_TEST_ACTIVITY_UUID)
    body = {"extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "1234567890"}}}
    response = api.put(f"/carts/{cart_uuid}/customer", json=body)
    assert response.status_code == 200
    answers = response.json()["extra_customer_data"][SANDBOX_TEST_ACTIVITY_UUID]
    assert answers == {"phone_number": 1234567890}


def test_put_accepts_empty_arrays_for_empty_objects(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, GONDOLA_RIDE_UUID)
    body: dict[str, Any] = {"extra_customer_data": {GONDOLA_RIDE_UUID: []}}
    response = api.put(f"/carts/{cart_uuid}/customer", json=body)
    assert response.status_code == 200
    assert response.json()["extra_customer_data"] == {GONDOLA_RIDE_UUID: []}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "not-an-email"}, "email"),
        ({"firstname": 42}, "firstname"),
        ({"firstname": "  "}, "firstname"),
        ({"musement_newsletter": "MAYBE"}, "musement_newsletter"),
        ({"favourite_colour": "blue"}, "favourite_colour"),
        ({"extra_customer_data": "yes"}, "extra_customer_data"),
        (
            {"extra_customer_data": {EIFFEL_TOWER_UUID: {}}},
            f"extra_customer_data.{EIFFEL_TOWER_UUID}",
        ),
        (
            {"extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "+39 02 1234"}}},
            f"extra_customer_data.{SANDBOX_TEST_ACTIVITY_UUID}.phone_number",
        ),
        (
            {"extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": True}}},
            f"extra_customer_data.{SANDBOX_TEST_ACTIVITY_UUID}.phone_number",
        ),
        (
            {"extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: {"s_99999": "x"}}},
            f"extra_customer_data.{SANDBOX_TEST_ACTIVITY_UUID}.s_99999",
        ),
        (
            {"extra_customer_data": {COLOSSEUM_TOUR_UUID: {"s_81022": "2025-02-30"}}},
            f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.s_81022",
        ),
        (
            {"extra_customer_data": {COLOSSEUM_TOUR_UUID: {"s_81022": "12/05/2025"}}},
            f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.s_81022",
        ),
        (
            {"extra_customer_data": {COLOSSEUM_TOUR_UUID: {"tour_language": "de"}}},
            f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.tour_language",
        ),
        (
            {"extra_customer_data": {FOOD_TOUR_UUID: {"dietary_requirements": "vegan"}}},
            f"extra_customer_data.{FOOD_TOUR_UUID}.dietary_requirements",
        ),
        (
            {"extra_customer_data": {FOOD_TOUR_UUID: {"dietary_requirements": ["vegan", "vegan"]}}},
            f"extra_customer_data.{FOOD_TOUR_UUID}.dietary_requirements",
        ),
        (
            {"extra_customer_data": {FOOD_TOUR_UUID: {"dietary_requirements": ["paleo"]}}},
            f"extra_customer_data.{FOOD_TOUR_UUID}.dietary_requirements",
        ),
    ],
)
def test_put_rejects_invalid_values_and_stores_nothing(
    server: SandboxServer, api: httpx2.Client, body: dict[str, Any], field: str
) -> None:
    cart_uuid = new_cart(api, SANDBOX_TEST_ACTIVITY_UUID, COLOSSEUM_TOUR_UUID, FOOD_TOUR_UUID)
    # A valid field next to the invalid one must not be stored either.
    response = api.put(f"/carts/{cart_uuid}/customer", json={"lastname": "Hopper", **body})
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "0" and error["message"]
    assert [e["field"] for e in error["errors"]] == [field]
    assert all(e["message"] for e in error["errors"])
    assert "customer" not in api.get(f"/carts/{cart_uuid}").json()


def test_put_rejects_cart_item_uuids_as_extra_data_keys(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, SANDBOX_TEST_ACTIVITY_UUID)
    item_uuid = api.get(f"/carts/{cart_uuid}").json()["items"][0]["uuid"]
    body = {"extra_customer_data": {item_uuid: {"phone_number": 1}}}
    response = api.put(f"/carts/{cart_uuid}/customer", json=body)
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == f"extra_customer_data.{item_uuid}"


def test_put_does_not_enforce_required_fields_but_orders_do(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, SANDBOX_TEST_ACTIVITY_UUID)
    assert api.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Grace"}).status_code == 200
    response = api.post("/orders", json={"cart_uuid": cart_uuid})
    assert response.status_code == 400
    fields = {e["field"] for e in response.json()["errors"]}
    assert "email" in fields and "firstname" not in fields
    assert f"extra_customer_data.{SANDBOX_TEST_ACTIVITY_UUID}.phone_number" in fields


def test_put_rejects_invalid_json(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api)
    response = api.put(
        f"/carts/{cart_uuid}/customer",
        content=b"{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["code"] == "0"


# --- orders and the lock -----------------------------------------------------------------


def test_seeded_locked_cart_answers_423_on_writes_but_can_be_read(api: httpx2.Client) -> None:
    put = api.put(f"/carts/{LOCKED_CART_UUID}/customer", json={"firstname": "X"})
    assert put.status_code == 423 and put.json() == LOCKED_BODY
    items = api.post(f"/carts/{LOCKED_CART_UUID}/items", json=[item_of(VATICAN_MUSEUMS_UUID)])
    assert items.status_code == 423 and items.json() == LOCKED_BODY
    cart = api.get(f"/carts/{LOCKED_CART_UUID}")
    assert cart.status_code == 200 and cart.json()["customer"]["firstname"] == "Ada"
    assert api.get(f"/carts/{LOCKED_CART_UUID}/customer/schema").status_code == 200
    order = api.post("/orders", json={"cart_uuid": LOCKED_CART_UUID})
    assert order.status_code == 423 and order.json() == LOCKED_BODY
    info = api.get(f"/carts/{LOCKED_CART_UUID}/order-info")
    assert info.json() == {
        "order_uuid": LOCKED_ORDER_UUID,
        "payment": {"paid": True, "status": "closed"},
    }


def ready_cart(client: httpx2.Client, *activities: str) -> str:
    """A new cart of these activities (none asking for participant info), customer complete."""
    cart_uuid = new_cart(client, *activities)
    extra: dict[str, Any] = {}
    if SANDBOX_TEST_ACTIVITY_UUID in activities:
        extra = {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "1234567890", "s_74380": "Roma"}}
    body = {**COMPLETE_BASE, "extra_customer_data": extra}
    assert client.put(f"/carts/{cart_uuid}/customer", json=body).status_code == 200
    return cart_uuid


def place_order(client: httpx2.Client, cart_uuid: str, **fields: Any) -> dict[str, Any]:
    response = client.post("/orders", json={"cart_uuid": cart_uuid, **fields})
    assert response.status_code == 200, response.text
    return response.json()  # type: ignore[no-any-return]


def test_an_order_is_created_pending_and_unpaid(server: SandboxServer, api: httpx2.Client) -> None:
    cart_uuid = ready_cart(api, SANDBOX_TEST_ACTIVITY_UUID, EIFFEL_TOWER_UUID)
    order = place_order(
        api,
        cart_uuid,
        email_notification="NONE",
        extra_data=json.dumps({"clientReferenceId": "12345678"}),
        affiliate="partner",
        affiliate_channel="newsletter",
    )
    assert order["status"] == "PENDING" and order["isPaid"] is False
    assert re.fullmatch(r"MUS\d{7}", order["identifier"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0000", order["date"])
    assert order["market"] == "us" and order["isAgency"] is False
    assert order["extraData"] == order["extra_data"] == '{"clientReferenceId": "12345678"}'
    assert order["customer"] == {
        "email": "grace@example.com",
        "firstname": "Grace",
        "lastname": "Hopper",
    }
    assert "cart_uuid" not in order  # not a documented field of an Order
    first, second = order["items"]
    assert first["status"] == second["status"] == "PENDING"
    assert first["vouchers"] == second["vouchers"] == []
    assert first["quantity"] == 1 and first["uuid"] != first["transaction_code"]
    # Order items name the activity by title, and its UUID only inside api_url.
    assert first["product"]["id"] == product_id_of(SANDBOX_TEST_ACTIVITY_UUID)
    assert first["product"]["title"] == "Sandbox test activity"
    assert first["product"]["api_url"] == (
        f"{server.base_url}/activities/{SANDBOX_TEST_ACTIVITY_UUID}"
    )
    assert first["product"]["max_confirmation_time"] == "P0D"
    assert activity_of(second) == EIFFEL_TOWER_UUID
    # GET /orders/{uuid} answers the same Order; the cart's order-info names it, unpaid.
    assert api.get(f"/orders/{order['uuid']}").json() == order
    assert api.get(f"/carts/{cart_uuid}/order-info").json() == {
        "order_uuid": order["uuid"],
        "payment": {"paid": False, "status": "created"},
    }


def test_any_order_locks_its_cart_with_the_documented_423(api: httpx2.Client) -> None:
    cart_uuid = ready_cart(api, VATICAN_MUSEUMS_UUID)
    place_order(api, cart_uuid)
    locked = api.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Ada"})
    assert locked.status_code == 423 and locked.json() == LOCKED_BODY
    items = api.post(f"/carts/{cart_uuid}/items", json=[item_of(EIFFEL_TOWER_UUID)])
    assert items.status_code == 423 and items.json() == LOCKED_BODY
    again = api.post("/orders", json={"cart_uuid": cart_uuid})
    assert again.status_code == 423 and again.json() == LOCKED_BODY
    assert api.get(f"/carts/{cart_uuid}").json()["customer"]["firstname"] == "Grace"


def test_with_pending_orders_unlocked_a_cart_takes_a_second_order() -> None:
    """The other reading of the undocumented PENDING lock: an unpaid order leaves its cart
    open, a second POST /orders makes a second order, and order-info names the newest; once
    paid, the cart is locked as before."""
    with (
        SandboxServer(pending_orders_lock_cart=False) as unlocked,
        client_for(unlocked) as client,
    ):
        cart_uuid = ready_cart(client, VATICAN_MUSEUMS_UUID)
        first = place_order(client, cart_uuid)
        assert client.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Ada"}).is_success
        second = place_order(client, cart_uuid)
        assert first["uuid"] != second["uuid"]
        assert first["identifier"] != second["identifier"]
        assert second["status"] == "PENDING" and second["isPaid"] is False
        info = client.get(f"/carts/{cart_uuid}/order-info").json()
        assert info == {
            "order_uuid": second["uuid"],
            "payment": {"paid": False, "status": "created"},
        }
        # Both orders exist; paying the newest locks the cart.
        assert client.get(f"/orders/{first['uuid']}").json()["uuid"] == first["uuid"]
        unlocked.close_order(second["uuid"])
        again = client.post("/orders", json={"cart_uuid": cart_uuid})
        assert again.status_code == 423 and again.json() == LOCKED_BODY


def test_a_cart_without_an_order_has_no_order_info(api: httpx2.Client) -> None:
    response = api.get(f"/carts/{BASE_CART_UUID}/order-info")
    assert response.status_code == 404
    assert response.json() == {"code": "1400", "message": "Cart does not have an associated order"}


@pytest.mark.parametrize(
    "body",
    [
        {},
        {"cart_uuid": 1},
        [],
        {"cart_uuid": BASE_CART_UUID, "email_notification": "SOME"},
        {"cart_uuid": BASE_CART_UUID, "extra_data": {"clientReferenceId": "1"}},
        {"cart_uuid": BASE_CART_UUID, "extra_data": "not json"},
        {"cart_uuid": BASE_CART_UUID, "affiliate_channel": "newsletter"},
    ],
)
def test_order_rejects_bad_requests(api: httpx2.Client, body: Any) -> None:
    response = api.post("/orders", json=body)
    assert response.status_code == 400 and response.json()["code"] == "0"
    assert api.get(f"/carts/{BASE_CART_UUID}/order-info").status_code == 404


def test_order_for_an_empty_cart_is_rejected(api: httpx2.Client) -> None:
    response = api.post("/orders", json={"cart_uuid": new_cart(api)})
    assert response.status_code == 400


# --- payment -----------------------------------------------------------------------------


def assert_paid(order: dict[str, Any], site_url: str) -> None:
    assert order["isPaid"] is True and order["status"] == "OK"
    for item in order["items"]:
        assert item["status"] == "OK"
        assert item["vouchers"] == [{"url": f"{site_url}/voucher/view/{item['uuid']}?pdf=1"}]


def test_no_payment_completes_a_zero_priced_order(
    server: SandboxServer, api: httpx2.Client
) -> None:
    cart_uuid = ready_cart(api, FREE_WALKING_TOUR_UUID)
    order = place_order(api, cart_uuid)
    paid = api.post("/payments/no/payment", json={"uuid": order["uuid"]})
    assert paid.status_code == 200
    assert_paid(paid.json(), server.url)
    assert api.get(f"/orders/{order['uuid']}").json() == paid.json()
    assert api.get(f"/carts/{cart_uuid}/order-info").json()["payment"] == {
        "paid": True,
        "status": "closed",
    }
    again = api.post("/payments/no/payment", json={"uuid": order["uuid"]})
    assert again.status_code == 423 and again.json()["code"] == "0"


def test_no_payment_of_a_priced_order_needs_the_no_payment_scope(api: httpx2.Client) -> None:
    order = place_order(api, ready_cart(api, VATICAN_MUSEUMS_UUID))
    refused = api.post("/payments/no/payment", json={"uuid": order["uuid"]})
    assert refused.status_code == 422 and refused.json()["code"] == "0"
    assert api.get(f"/orders/{order['uuid']}").json()["isPaid"] is False

    with SandboxServer(no_payment_scope=True) as merchant, client_for(merchant) as client:
        order = place_order(client, ready_cart(client, VATICAN_MUSEUMS_UUID))
        paid = client.post("/payments/no/payment", json={"uuid": order["uuid"]})
        assert paid.status_code == 200
        assert_paid(paid.json(), merchant.url)


@pytest.mark.parametrize(
    ("body", "status"),
    [({"uuid": UNKNOWN_CART}, 404), ({}, 400), ({"id": 1}, 400), ([], 400)],
)
def test_no_payment_of_no_order(api: httpx2.Client, body: Any, status: int) -> None:
    response = api.post("/payments/no/payment", json=body)
    assert response.status_code == status
    if status == 404:
        assert response.json() == NOT_FOUND_BODY


def test_admin_switch_closes_an_order_as_paid(faulty: SandboxServer) -> None:
    with httpx2.Client(base_url=faulty.url, timeout=5) as admin, client_for(faulty) as client:
        cart_uuid = ready_cart(client, SANDBOX_TEST_ACTIVITY_UUID)
        order = place_order(client, cart_uuid)
        closed = admin.post(f"/__sandbox/orders/{order['uuid']}/close")
        assert closed.status_code == 200
        assert closed.json() == {
            "order_uuid": order["uuid"],
            "payment": {"paid": True, "status": "closed"},
        }
        assert_paid(client.get(f"/orders/{order['uuid']}").json(), faulty.url)
        assert client.get(f"/carts/{cart_uuid}/order-info").json() == closed.json()
        locked = client.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Ada"})
        assert locked.status_code == 423 and locked.json() == LOCKED_BODY
        missing = admin.post(f"/__sandbox/orders/{UNKNOWN_CART}/close")
        assert missing.status_code == 404 and missing.json() == NOT_FOUND_BODY


def test_close_order_in_process(server: SandboxServer, api: httpx2.Client) -> None:
    order = place_order(api, ready_cart(api, VATICAN_MUSEUMS_UUID))
    server.close_order(order["uuid"])
    assert api.get(f"/orders/{order['uuid']}").json()["isPaid"] is True
    with pytest.raises(KeyError):
        server.close_order(UNKNOWN_CART)


# --- participant info --------------------------------------------------------------------

LAST_SUPPER_ITEM, MONTENEGRO_ITEM, VATICAN_ITEM = PARTICIPANTS_CART_ITEM_UUIDS
NO_PARTICIPANTS_BODY = {
    "code": "1400",
    "message": "This cart item does not require participant info",
}
ADA = {**PARTICIPANT_ADA, "email": "ada@example.com"}


def cart_with(client: httpx2.Client, *items: tuple[str, int]) -> tuple[str, list[str]]:
    """A new cart with (activity, quantity) items; returns its uuid and its item uuids."""
    cart_uuid = new_cart(client)
    body = [item_of(a, q) for a, q in items]
    assert client.post(f"/carts/{cart_uuid}/items", json=body).status_code == 200
    return cart_uuid, [i["uuid"] for i in client.get(f"/carts/{cart_uuid}").json()["items"]]


def participants_path(cart_uuid: str, item_uuid: str, suffix: str = "") -> str:
    return f"/carts/{cart_uuid}/items/{item_uuid}/participants{suffix}"


def participants_schema(
    client: httpx2.Client, cart_uuid: str, item_uuid: str, **headers: str
) -> dict[str, Any]:
    response = client.get(participants_path(cart_uuid, item_uuid, "/schema"), headers=headers)
    assert response.status_code == 200
    return response.json()  # type: ignore[no-any-return]


def test_seeded_participants_cart_lets_a_client_discover_what_each_item_needs(
    api: httpx2.Client,
) -> None:
    cart = api.get(f"/carts/{PARTICIPANTS_CART_UUID}").json()
    assert [i["uuid"] for i in cart["items"]] == list(PARTICIPANTS_CART_ITEM_UUIDS)
    assert [(activity_of(i), i["quantity"]) for i in cart["items"]] == [
        (PARTICIPANTS_ACTIVITY_UUID, 2),
        (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1),
        (VATICAN_MUSEUMS_UUID, 1),
    ]
    assert [i["product"]["title"] for i in cart["items"]] == [
        "The Last Supper guided tour",
        "Montenegro day trip from Dubrovnik",
        "Vatican Museums skip-the-line tickets",
    ]
    assert "customer" not in cart  # nothing saved yet
    statuses = [
        api.get(participants_path(PARTICIPANTS_CART_UUID, item, "/schema")).status_code
        for item in PARTICIPANTS_CART_ITEM_UUIDS
    ]
    assert statuses == [200, 200, 404]
    # Only the Montenegro trip also asks for extra customer data, keyed by its activity.
    extra = schema_of(api, PARTICIPANTS_CART_UUID)["properties"]["extra_customer_data"]
    assert list(extra["properties"]) == [PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID]
    assert list(extra["properties"][PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID]["properties"]) == [
        "s_52210"
    ]


def test_participants_schema_has_musements_shape(api: httpx2.Client) -> None:
    schema = participants_schema(api, PARTICIPANTS_CART_UUID, LAST_SUPPER_ITEM)
    assert schema == {
        "title": "cart_item_participants_info",
        "type": "object",
        "properties": {
            "participants": {
                "type": "array",
                "title": "participants",
                "items": {
                    "title": "prototype",
                    "type": "object",
                    "properties": {
                        "salutation": {
                            "type": "string",
                            "title": "Salutation",
                            "enum": ["Mr", "Mrs", "Ms"],
                            "enum_titles": ["Mr", "Mrs", "Ms"],
                            "propertyOrder": 1,
                        },
                        "firstname": {"type": "string", "title": "First name", "propertyOrder": 2},
                        "lastname": {"type": "string", "title": "Last name", "propertyOrder": 3},
                        "date_of_birth": {
                            "type": "string",
                            "title": "Date of birth",
                            "format": "date",
                            "propertyOrder": 4,
                        },
                        "email": {
                            "type": "string",
                            "title": "Email",
                            "format": "email",
                            "propertyOrder": 5,
                        },
                    },
                    "required": ["salutation", "firstname", "lastname", "date_of_birth"],
                },
                "minItems": 2,
                "maxItems": 2,
                "propertyOrder": 1,
            }
        },
        "required": ["participants"],
    }
    # Key order is part of the shape (Liform's), not only the propertyOrder values.
    prototype = schema["properties"]["participants"]["items"]
    assert list(prototype["properties"]) == [
        "salutation",
        "firstname",
        "lastname",
        "date_of_birth",
        "email",
    ]


def test_activities_ask_different_participant_fields(api: httpx2.Client) -> None:
    schema = participants_schema(api, PARTICIPANTS_CART_UUID, MONTENEGRO_ITEM)
    participants = schema["properties"]["participants"]
    assert participants["minItems"] == participants["maxItems"] == 1
    prototype = participants["items"]
    fields = ["firstname", "lastname", "date_of_birth", "nationality", "passport"]
    assert list(prototype["properties"]) == fields and prototype["required"] == fields
    assert [p["propertyOrder"] for p in prototype["properties"].values()] == [1, 2, 3, 4, 5]
    assert prototype["properties"]["nationality"] == {
        "type": "string",
        "title": "Nationality",
        "propertyOrder": 4,
    }
    assert prototype["properties"]["passport"]["title"] == "Passport number"


@pytest.mark.parametrize("quantity", [1, 3, 7])
def test_participants_array_length_is_the_items_quantity(api: httpx2.Client, quantity: int) -> None:
    cart_uuid, (item,) = cart_with(api, (PARTICIPANTS_ACTIVITY_UUID, quantity))
    participants = participants_schema(api, cart_uuid, item)["properties"]["participants"]
    assert participants["minItems"] == participants["maxItems"] == quantity


def test_participants_schema_labels_follow_accept_language(api: httpx2.Client) -> None:
    italian = participants_schema(
        api, PARTICIPANTS_CART_UUID, LAST_SUPPER_ITEM, **{"Accept-Language": "it-IT"}
    )
    prototype = italian["properties"]["participants"]["items"]["properties"]
    assert [p["title"] for p in prototype.values()] == [
        "Titolo",
        "Nome",
        "Cognome",
        "Data di nascita",
        "Email",
    ]
    assert prototype["salutation"]["enum_titles"] == ["Sig.", "Sig.ra", "Sig.na"]
    assert prototype["salutation"]["enum"] == ["Mr", "Mrs", "Ms"]  # values never change
    # Structural titles are keys, not labels: they stay the same in every language.
    assert italian["title"] == "cart_item_participants_info"
    assert italian["properties"]["participants"]["title"] == "participants"
    assert italian["properties"]["participants"]["items"]["title"] == "prototype"
    montenegro = participants_schema(
        api, PARTICIPANTS_CART_UUID, MONTENEGRO_ITEM, **{"Accept-Language": "it-IT"}
    )
    titles = montenegro["properties"]["participants"]["items"]["properties"]
    assert titles["nationality"]["title"] == "Nazionalità"
    assert titles["passport"]["title"] == "Numero di passaporto"

    english = participants_schema(api, PARTICIPANTS_CART_UUID, LAST_SUPPER_ITEM)
    fallback = participants_schema(
        api, PARTICIPANTS_CART_UUID, LAST_SUPPER_ITEM, **{"Accept-Language": "de-DE"}
    )
    assert fallback == english
    assert english["properties"]["participants"]["items"]["properties"]["firstname"]["title"] == (
        "First name"
    )


@pytest.mark.parametrize(
    ("method", "suffix"), [("GET", "/schema"), ("GET", ""), ("PUT", "")], ids=str
)
def test_participants_endpoints_answer_404_code_1400(
    api: httpx2.Client, method: str, suffix: str
) -> None:
    def call(cart_uuid: str, item_uuid: str) -> httpx2.Response:
        body = [{}] if method == "PUT" else None
        return api.request(method, participants_path(cart_uuid, item_uuid, suffix), json=body)

    needs_none = call(PARTICIPANTS_CART_UUID, VATICAN_ITEM)
    assert needs_none.status_code == 404 and needs_none.json() == NO_PARTICIPANTS_BODY

    unknown_cart = call(UNKNOWN_CART, LAST_SUPPER_ITEM)
    assert unknown_cart.status_code == 404 and unknown_cart.json() == NOT_FOUND_BODY

    # An unknown item, and an item of another cart, are both missing from this cart.
    for item_uuid in (UNKNOWN_CART, LAST_SUPPER_ITEM):
        missing = call(BASE_CART_UUID, item_uuid)
        assert missing.status_code == 404 and missing.json() == NOT_FOUND_BODY


def test_participants_get_answers_an_empty_array_before_any_put(api: httpx2.Client) -> None:
    cart_uuid, (item,) = cart_with(api, (PARTICIPANTS_ACTIVITY_UUID, 2))
    response = api.get(participants_path(cart_uuid, item))
    assert response.status_code == 200 and response.json() == []


def test_participants_put_stores_them_and_get_returns_them(api: httpx2.Client) -> None:
    cart_uuid, (item, other) = cart_with(
        api, (PARTICIPANTS_ACTIVITY_UUID, 2), (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1)
    )
    # Keys in any order; stored in the schema's order. The optional email may be left out.
    sent = [dict(reversed(ADA.items())), CHARLES]
    response = api.put(participants_path(cart_uuid, item), json=sent)
    # No success body is documented: 200 and nothing else.
    assert response.status_code == 200 and response.content == b""
    stored = api.get(participants_path(cart_uuid, item)).json()
    assert stored == [ADA, CHARLES] and list(stored[0]) == list(ADA)
    assert api.get(participants_path(cart_uuid, other)).json() == []  # per item

    # A PUT replaces the participants as a whole.
    replaced = api.put(participants_path(cart_uuid, item), json=[CHARLES, {**ADA, "email": ""}])
    assert replaced.status_code == 200
    assert api.get(participants_path(cart_uuid, item)).json() == [CHARLES, {**ADA, "email": ""}]

    traveller = api.put(participants_path(cart_uuid, other), json=[TRAVELLER])
    assert traveller.status_code == 200 and traveller.content == b""
    assert api.get(participants_path(cart_uuid, other)).json() == [TRAVELLER]


@pytest.mark.parametrize(
    ("body", "errors"),
    [
        ([ADA], [("participants", "This collection should contain exactly 2 elements.")]),
        (
            [ADA, CHARLES, ADA],
            [("participants", "This collection should contain exactly 2 elements.")],
        ),
        ([], [("participants", "This collection should contain exactly 2 elements.")]),
        (
            {"participants": [ADA, CHARLES]},
            [("participants", "This value should be of type array.")],
        ),
        (None, [("participants", "This value should be of type array.")]),
        ([ADA, "Charles"], [("participants[1]", "This value should be of type object.")]),
        (
            [ADA, {k: v for k, v in CHARLES.items() if k != "lastname"}],
            [("participants[1].lastname", "This value should not be blank.")],
        ),
        (
            [{**ADA, "firstname": "  "}, CHARLES],
            [("participants[0].firstname", "This value should not be blank.")],
        ),
        (
            [{**ADA, "firstname": None}, CHARLES],
            [("participants[0].firstname", "This value should not be blank.")],
        ),
        (
            [{**ADA, "firstname": 42}, CHARLES],
            [("participants[0].firstname", "This value should be of type string.")],
        ),
        (
            [ADA, {**CHARLES, "date_of_birth": "1791-02-30"}],
            [("participants[1].date_of_birth", "This value is not a valid date.")],
        ),
        (
            [ADA, {**CHARLES, "date_of_birth": "26/12/1791"}],
            [("participants[1].date_of_birth", "This value is not a valid date.")],
        ),
        (
            [{**ADA, "email": "ada-at-example"}, CHARLES],
            [("participants[0].email", "This value is not a valid email address.")],
        ),
        (
            [{**ADA, "salutation": "Dr"}, CHARLES],
            [("participants[0].salutation", "The value you selected is not a valid choice.")],
        ),
        (
            [{**ADA, "salutation": "ms"}, CHARLES],
            [("participants[0].salutation", "The value you selected is not a valid choice.")],
        ),
        # The Last Supper asks for no passport: a field of another activity is an extra field.
        (
            [ADA, {**CHARLES, "passport": "X1"}],
            [("participants[1].passport", "This form should not contain extra fields.")],
        ),
        (
            [{}, CHARLES],
            [
                ("participants[0].salutation", "This value should not be blank."),
                ("participants[0].firstname", "This value should not be blank."),
                ("participants[0].lastname", "This value should not be blank."),
                ("participants[0].date_of_birth", "This value should not be blank."),
            ],
        ),
        (
            [{**ADA, "email": 1}],
            [
                ("participants", "This collection should contain exactly 2 elements."),
                ("participants[0].email", "This value should be of type string."),
            ],
        ),
    ],
)
def test_participants_put_rejects_invalid_bodies_and_stores_nothing(
    api: httpx2.Client, body: Any, errors: list[tuple[str, str]]
) -> None:
    cart_uuid, (item,) = cart_with(api, (PARTICIPANTS_ACTIVITY_UUID, 2))
    response = api.put(participants_path(cart_uuid, item), json=body)
    assert response.status_code == 400
    error = response.json()
    assert error["code"] == "0" and error["message"] == "Invalid participant info."
    assert [(e["field"], e["message"]) for e in error["errors"]] == errors
    assert api.get(participants_path(cart_uuid, item)).json() == []


def test_participants_put_keeps_what_was_stored_when_a_later_put_fails(
    api: httpx2.Client,
) -> None:
    cart_uuid, (item,) = cart_with(api, (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1))
    assert api.put(participants_path(cart_uuid, item), json=[TRAVELLER]).status_code == 200
    bad = api.put(participants_path(cart_uuid, item), json=[{**TRAVELLER, "passport": ""}])
    assert bad.status_code == 400
    assert bad.json()["errors"] == [
        {"field": "participants[0].passport", "message": "This value should not be blank."}
    ]
    assert api.get(participants_path(cart_uuid, item)).json() == [TRAVELLER]


def test_participants_put_rejects_invalid_json(api: httpx2.Client) -> None:
    cart_uuid, (item,) = cart_with(api, (PARTICIPANTS_ACTIVITY_UUID, 1))
    response = api.put(
        participants_path(cart_uuid, item),
        content=b"[{not json",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 400 and response.json()["code"] == "0"


def test_order_needs_participant_info_for_every_item_that_asks(api: httpx2.Client) -> None:
    cart_uuid, (supper, vatican) = cart_with(
        api, (PARTICIPANTS_ACTIVITY_UUID, 2), (VATICAN_MUSEUMS_UUID, 1)
    )
    assert api.put(f"/carts/{cart_uuid}/customer", json=COMPLETE_BASE).status_code == 200
    refused = api.post("/orders", json={"cart_uuid": cart_uuid})
    assert refused.status_code == 400
    assert refused.json()["code"] == "0"
    assert refused.json()["message"] == "Participant info for the cart is incomplete."
    fields = [e["field"] for e in refused.json()["errors"]]
    assert fields == [
        f"items.{supper}.participants[{index}].{key}"
        for index in range(2)
        for key in ("salutation", "firstname", "lastname", "date_of_birth")
    ]
    assert not any(vatican in field for field in fields)

    assert api.put(participants_path(cart_uuid, supper), json=[ADA, CHARLES]).status_code == 200
    order = api.post("/orders", json={"cart_uuid": cart_uuid})
    assert order.status_code == 200 and order.json()["status"] == "PENDING"

    # The (even pending) order locks the cart: participants can be read, no longer changed.
    locked = api.put(participants_path(cart_uuid, supper), json=[CHARLES, ADA])
    assert locked.status_code == 423 and locked.json() == LOCKED_BODY
    assert api.get(participants_path(cart_uuid, supper)).json() == [ADA, CHARLES]
    assert participants_schema(api, cart_uuid, supper)["title"] == "cart_item_participants_info"
    # An item that needs no participant info still answers 404, locked or not.
    assert api.put(participants_path(cart_uuid, vatican), json=[{}]).json() == NO_PARTICIPANTS_BODY


def test_order_lists_missing_customer_data_and_participants_together(
    api: httpx2.Client,
) -> None:
    cart_uuid, (trip,) = cart_with(api, (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1))
    assert api.put(f"/carts/{cart_uuid}/customer", json=COMPLETE_BASE).status_code == 200
    refused = api.post("/orders", json={"cart_uuid": cart_uuid})
    assert refused.status_code == 400
    assert refused.json()["message"] == "Customer info for the cart is incomplete."
    assert [e["field"] for e in refused.json()["errors"]] == [
        f"extra_customer_data.{PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID}.s_52210",
        *(
            f"items.{trip}.participants[0].{key}"
            for key in ("firstname", "lastname", "date_of_birth", "nationality", "passport")
        ),
    ]
    extra = {PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID: {"s_52210": "Hotel Excelsior"}}
    api.put(f"/carts/{cart_uuid}/customer", json={"extra_customer_data": extra})
    api.put(participants_path(cart_uuid, trip), json=[TRAVELLER])
    assert api.post("/orders", json={"cart_uuid": cart_uuid}).status_code == 200


def test_cart_shows_items_and_the_customer_saved_so_far(api: httpx2.Client) -> None:
    cart_uuid, (trip,) = cart_with(api, (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1))
    api.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Grace"})
    cart = api.get(f"/carts/{cart_uuid}").json()
    (item,) = cart["items"]
    assert item["uuid"] == trip and item["quantity"] == 1
    assert activity_of(item) == PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID
    assert item["product"]["title"] == "Montenegro day trip from Dubrovnik"
    assert cart["customer"]["firstname"] == "Grace" and cart["customer"]["email"] is None


# --- headers -----------------------------------------------------------------------------

LOGIN = {"client_id": "a", "client_secret": "b", "grant_type": "client_credentials"}
ENDPOINTS: list[tuple[str, str, Any]] = [
    ("POST", "/login", LOGIN),
    ("GET", f"/activities/{SANDBOX_TEST_ACTIVITY_UUID}/dates/2030-05-17", None),
    ("POST", "/carts", {}),
    ("GET", f"/carts/{BASE_CART_UUID}", None),
    ("POST", f"/carts/{BASE_CART_UUID}/items", []),
    ("GET", f"/carts/{BASE_CART_UUID}/customer/schema", None),
    ("PUT", f"/carts/{BASE_CART_UUID}/customer", {}),
    ("GET", f"/carts/{PARTICIPANTS_CART_UUID}/items/{LAST_SUPPER_ITEM}/participants/schema", None),
    ("GET", f"/carts/{PARTICIPANTS_CART_UUID}/items/{LAST_SUPPER_ITEM}/participants", None),
    ("PUT", f"/carts/{PARTICIPANTS_CART_UUID}/items/{LAST_SUPPER_ITEM}/participants", []),
    ("POST", "/orders", {}),
    ("GET", f"/orders/{LOCKED_ORDER_UUID}", None),
    ("GET", f"/carts/{LOCKED_CART_UUID}/order-info", None),
    ("POST", "/payments/no/payment", {"uuid": LOCKED_ORDER_UUID}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_missing_application_header_is_400_code_2271(
    server: SandboxServer, method: str, path: str, body: Any
) -> None:
    with httpx2.Client(base_url=server.base_url, timeout=5) as bare:
        response = bare.request(method, path, json=body)
    assert response.status_code == 400
    assert response.json() == MISSING_APPLICATION_BODY


def test_login_needs_the_application_header_but_no_token() -> None:
    with SandboxServer(**CREDENTIALS) as sb:
        with httpx2.Client(base_url=sb.base_url, timeout=5) as bare:
            refused = login(bare)
        assert refused.status_code == 400 and refused.json() == MISSING_APPLICATION_BODY
        with client_for(sb) as client:
            assert login(client).status_code == 200


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_unknown_market_is_400(api: httpx2.Client, method: str, path: str, body: Any) -> None:
    response = api.request(method, path, json=body, headers={"X-Musement-Market": "zz"})
    assert response.status_code == 400
    assert response.json() == {"code": "-1", "message": "Unknown market code was provided."}


@pytest.mark.parametrize("market", ["us", "gb", "IT", "fr", "de", "es", "nl"])
def test_known_markets_are_accepted(api: httpx2.Client, market: str) -> None:
    response = api.get(f"/carts/{BASE_CART_UUID}", headers={"X-Musement-Market": market})
    assert response.status_code == 200


def test_a_missing_market_defaults_to_us(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api)
    response = api.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Grace"})
    assert response.json()["country"]["iso_code"] == "US"


# --- bearer auth -------------------------------------------------------------------------

CREDENTIALS = {"client_id": "partner", "client_secret": "s3cret"}


def login(client: httpx2.Client, **overrides: str) -> httpx2.Response:
    body = {**CREDENTIALS, "grant_type": "client_credentials", **overrides}
    return client.post("/login", json=body)


def test_bearer_token_is_required_when_credentials_are_configured() -> None:
    with SandboxServer(**CREDENTIALS) as sb, client_for(sb) as client:
        schema_path = f"/carts/{BASE_CART_UUID}/customer/schema"
        missing = client.get(schema_path)
        assert missing.status_code == 401 and missing.json()["code"] == "0"
        bogus = client.get(schema_path, headers={"Authorization": "Bearer nope"})
        assert bogus.status_code == 401

        assert login(client, client_secret="wrong").status_code == 401
        token = login(client).json()["access_token"]
        authorized = client.get(schema_path, headers={"Authorization": f"Bearer {token}"})
        assert authorized.status_code == 200


def test_tokens_expire_after_expires_in() -> None:
    with SandboxServer(**CREDENTIALS, expires_in=0.2) as sb, client_for(sb) as client:
        body = login(client).json()
        # The sandbox (a thread of this process, the same monotonic clock) issued the token
        # before its answer came: it is surely expired 0.2 s after that answer.
        expired_at = time.monotonic() + 0.2
        assert body["expires_in"] == 0.2
        auth = {"Authorization": f"Bearer {body['access_token']}"}
        assert client.get(f"/carts/{BASE_CART_UUID}", headers=auth).status_code == 200
        time.sleep(max(expired_at - time.monotonic(), 0) + 0.01)
        expired = client.get(f"/carts/{BASE_CART_UUID}", headers=auth)
        assert expired.status_code == 401 and expired.json()["code"] == "0"


def test_revoked_tokens_get_401_until_the_client_logs_in_again() -> None:
    with SandboxServer(**CREDENTIALS) as sb, client_for(sb) as client:
        auth = {"Authorization": f"Bearer {login(client).json()['access_token']}"}
        sb.revoke_tokens()
        assert client.get(f"/carts/{BASE_CART_UUID}", headers=auth).status_code == 401
        auth = {"Authorization": f"Bearer {login(client).json()['access_token']}"}
        assert client.get(f"/carts/{BASE_CART_UUID}", headers=auth).status_code == 200


# --- faults ------------------------------------------------------------------------------


@pytest.mark.parametrize("status", [500, 502, 503])
def test_status_fault_answers_n_times_then_recovers(faulty: SandboxServer, status: int) -> None:
    faulty.faults.fail("GET", "/carts/*/customer/schema", status, times=2)
    with client_for(faulty) as client:
        path = f"/carts/{BASE_CART_UUID}/customer/schema"
        assert [client.get(path).status_code for _ in range(3)] == [status, status, 200]
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200


def test_a_fault_without_times_lasts_until_cleared(faulty: SandboxServer) -> None:
    faulty.faults.fail("PUT", "/carts/*/customer", 500, times=None)
    with client_for(faulty) as client:
        path = f"/carts/{new_cart(client)}/customer"
        assert [client.put(path, json={}).status_code for _ in range(3)] == [500] * 3
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200  # other method
        faulty.faults.clear()
        assert client.put(path, json={}).status_code == 200


def test_rate_limit_fault_sends_retry_after(faulty: SandboxServer) -> None:
    faulty.faults.rate_limit("GET", "/carts/*", retry_after=7)
    with client_for(faulty) as client:
        response = client.get(f"/carts/{BASE_CART_UUID}")
        assert response.status_code == 429 and response.headers["Retry-After"] == "7"
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200


def test_delay_fault_outlasts_a_client_timeout(faulty: SandboxServer) -> None:
    faulty.faults.delay("GET", "/carts/*", seconds=2)
    with client_for(faulty, timeout=0.2) as client:
        with pytest.raises(httpx2.TimeoutException):
            client.get(f"/carts/{BASE_CART_UUID}")
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200


def test_delay_fault_shorter_than_the_timeout_answers_normally(faulty: SandboxServer) -> None:
    faulty.faults.delay("GET", "/carts/*", seconds=0.05)
    with client_for(faulty) as client:
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200


def test_drop_fault_closes_the_connection_mid_response(faulty: SandboxServer) -> None:
    faulty.faults.drop("PUT", "/api/v3/carts/*/customer")
    with client_for(faulty) as client:
        with pytest.raises(httpx2.TransportError):
            client.put(f"/carts/{BASE_CART_UUID}/customer", json={"firstname": "A"})
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200


def test_malformed_fault_answers_200_with_invalid_json(faulty: SandboxServer) -> None:
    faulty.faults.malformed("*", "/carts/*")
    with client_for(faulty) as client:
        response = client.get(f"/carts/{BASE_CART_UUID}")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("application/json")
        with pytest.raises(json.JSONDecodeError):
            response.json()


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", f"/activities/{SANDBOX_TEST_ACTIVITY_UUID}/dates/2030-05-17", None),
        ("GET", f"/orders/{LOCKED_ORDER_UUID}", None),
        ("GET", f"/carts/{LOCKED_CART_UUID}/order-info", None),
        ("POST", "/orders", {"cart_uuid": UNKNOWN_CART}),
        ("POST", "/payments/no/payment", {"uuid": UNKNOWN_CART}),
    ],
)
def test_faults_reach_the_order_and_activity_endpoints(
    faulty: SandboxServer, method: str, path: str, body: Any
) -> None:
    glob = re.sub(r"/[0-9a-f-]{36}", "/*", path)
    faulty.faults.fail(method, glob, 500)
    faulty.faults.rate_limit(method, glob, retry_after=3)
    with client_for(faulty) as client:
        failed = client.request(method, path, json=body)
        assert failed.status_code == 500 and failed.json()["code"] == "0"
        limited = client.request(method, path, json=body)
        assert limited.status_code == 429 and limited.headers["Retry-After"] == "3"
        assert client.request(method, path, json=body).status_code in (200, 404)


def test_admin_endpoint_drives_faults_tokens_and_the_recorder(faulty: SandboxServer) -> None:
    with httpx2.Client(base_url=faulty.url, timeout=5) as admin, client_for(faulty) as client:
        fault = {"method": "GET", "path": "/carts/*", "kind": "status", "status": 502, "times": 5}
        created = admin.post("/__sandbox/faults", json=fault)
        assert created.status_code == 201 and created.json()["kind"] == "status"
        assert len(admin.get("/__sandbox/faults").json()["faults"]) == 1
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 502
        assert admin.delete("/__sandbox/faults").status_code == 204
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200

        bad = admin.post("/__sandbox/faults", json={"method": "GET", "path": "/x", "kind": "?"})
        assert bad.status_code == 400

        recorded = admin.get("/__sandbox/requests").json()
        assert recorded["count"] == 2  # admin calls are not recorded
        assert recorded["requests"][0]["headers"]["x-musement-application"] == "musement-mcp-tests"
        assert admin.delete("/__sandbox/requests").status_code == 204
        assert admin.get("/__sandbox/requests").json()["count"] == 0
        assert admin.delete("/__sandbox/tokens").status_code == 204


def test_faults_are_unreachable_by_default(server: SandboxServer) -> None:
    with httpx2.Client(base_url=server.url, timeout=5) as admin:
        for method in ("GET", "POST", "DELETE"):
            assert admin.request(method, "/__sandbox/faults").status_code == 404
        assert admin.delete("/__sandbox/tokens").status_code == 404
    with pytest.raises(FaultsDisabled):
        server.faults.fail("GET", "/carts/*", 500)
    assert server.faults.active == []


# --- recorder ----------------------------------------------------------------------------


def test_recorder_captures_method_path_query_headers_and_json(faulty: SandboxServer) -> None:
    with client_for(faulty) as client:
        cart_uuid = new_cart(client)
        client.put(
            f"/carts/{cart_uuid}/customer",
            params={"debug": "1"},
            json={"firstname": "Grace"},
            headers={"X-Musement-Market": "gb", "Accept-Language": "it-IT"},
        )
    put = faulty.recorder.filter("PUT", f"/carts/{cart_uuid}/customer")
    assert len(put) == 1
    request = put[0]
    assert request.path == f"/api/v3/carts/{cart_uuid}/customer"
    assert request.query == {"debug": "1"}
    assert request.header("X-Musement-Market") == "gb"
    assert request.header("x-musement-version") == "3.4.0"
    assert request.json == {"firstname": "Grace"}
    assert faulty.recorder.count("POST", "/carts") == 1
    assert len(faulty.recorder) == 2


def test_recorder_counts_faulted_requests_and_can_be_cleared(faulty: SandboxServer) -> None:
    faulty.faults.fail("GET", "/carts/*", 503)
    with client_for(faulty) as client:
        client.get(f"/carts/{BASE_CART_UUID}")
        client.get(f"/carts/{BASE_CART_UUID}")
    assert faulty.recorder.count("GET") == 2
    faulty.recorder.clear()
    assert faulty.recorder.requests == [] and faulty.recorder.last() is None


# --- lifecycle ---------------------------------------------------------------------------


def test_every_new_app_is_freshly_seeded() -> None:
    first, second = sandbox_of(create_app()), sandbox_of(create_app())
    first.state.carts[BASE_CART_UUID].items.clear()
    assert len(second.state.carts[BASE_CART_UUID].items) == 1
    assert set(second.state.carts) == {
        BASE_CART_UUID,
        EXTRA_DATA_CART_UUID,
        LOCKED_CART_UUID,
        PARTICIPANTS_CART_UUID,
    }


def test_server_binds_its_port_before_starting_and_stops_quickly() -> None:
    sb = SandboxServer()
    assert sb.port > 0 and sb.base_url == f"http://127.0.0.1:{sb.port}/api/v3"
    with sb, client_for(sb) as client:
        assert client.get(f"/carts/{BASE_CART_UUID}").status_code == 200
    with pytest.raises(httpx2.ConnectError), client_for(sb) as client:
        client.get(f"/carts/{BASE_CART_UUID}")


def test_a_request_in_flight_is_answered_before_the_server_stops() -> None:
    """stop() is prompt, and still graceful: a request the server has started (here, asleep
    in the added latency) gets its answer."""
    sb = SandboxServer(latency=0.05).start()
    answered: dict[str, int] = {}

    def fetch() -> None:
        with client_for(sb, timeout=READY_TIMEOUT) as client:
            answered["status"] = client.get(f"/carts/{BASE_CART_UUID}").status_code

    thread = threading.Thread(target=fetch)
    thread.start()
    try:
        # Recorded on arrival, before the latency: it is in flight.
        wait_until(lambda: len(sb.recorder.requests) == 1, what="the request", poll=0.001)
    finally:
        sb.stop()
        thread.join(READY_TIMEOUT)
    assert answered == {"status": 200}


@pytest.mark.process
def test_cli_prints_the_base_url_and_seeded_carts_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "musement_mcp.sandbox", "--port", "0", "--no-payment-scope"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )
    try:
        assert process.stdout is not None
        # Ready once it prints its URL; the bound is only a safety net for a hung process.
        ready, _, _ = select.select([process.stdout], [], [], READY_TIMEOUT)
        assert ready, f"the sandbox CLI printed nothing in {READY_TIMEOUT:.0f} s"
        first = process.stdout.readline().strip()
        base_url = first.removeprefix("Musement sandbox: ")
        assert base_url.startswith("http://127.0.0.1:") and base_url.endswith("/api/v3")
        with httpx2.Client(base_url=base_url, headers=HEADERS, timeout=5) as client:
            assert client.get(f"/carts/{EXTRA_DATA_CART_UUID}").status_code == 200
            # --no-payment-scope: a priced order completes without payment.
            order = place_order(client, ready_cart(client, VATICAN_MUSEUMS_UUID))
            paid = client.post("/payments/no/payment", json={"uuid": order["uuid"]})
            assert paid.status_code == 200
        process.send_signal(signal.SIGINT)
        process.wait(timeout=10)
        rest = process.stdout.read()
    finally:
        process.kill() if process.poll() is None else None
    assert process.returncode == 0
    out = first + "\n" + rest
    for cart_uuid in (
        BASE_CART_UUID,
        EXTRA_DATA_CART_UUID,
        LOCKED_CART_UUID,
        PARTICIPANTS_CART_UUID,
    ):
        assert cart_uuid in out
    assert "no-payment scope" in out
    # Nothing but the summary on stdout: a stdio MCP server may share it.
    assert all(
        line.startswith(("  ", "Press Ctrl-C")) for line in rest.splitlines() if line.strip()
    )


def test_added_latency_delays_every_api_request() -> None:
    # A lower bound only: the delay is a sleep, so a request can never beat it.
    latency = 0.05
    with SandboxServer(latency=latency) as far, client_for(far) as client:
        for path in (f"carts/{BASE_CART_UUID}", "carts/not-a-cart"):
            started = time.perf_counter()
            client.get(path)
            assert time.perf_counter() - started >= latency
