"""The embedded Musement sandbox, exercised over real HTTP on loopback."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
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
    GONDOLA_RIDE_UUID,
    LOCKED_CART_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    FaultsDisabled,
    SandboxServer,
    create_app,
    sandbox_of,
)
from tests.support.processes import READY_TIMEOUT

HEADERS = {"X-Musement-Application": "musement-mcp-tests", "X-Musement-Version": "3.4.0"}
UNKNOWN_CART = "00000000-0000-4000-8000-000000000000"
LOCKED_BODY = {"code": "-1", "message": "Cart is already connected to order with state 'closed'"}
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


def new_cart(client: httpx2.Client, *activities: str) -> str:
    response = client.post("/carts", json={})
    assert response.status_code == 200
    cart_uuid: str = response.json()["uuid"]
    if activities:
        items = [{"type": "musement", "product_identifier": a, "quantity": 1} for a in activities]
        assert client.post(f"/carts/{cart_uuid}/items", json=items).status_code == 200
    return cart_uuid


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
        assert isinstance(body["access_token"], str) and body["access_token"]


def test_login_rejects_other_grant_types(api: httpx2.Client) -> None:
    response = api.post("/login", json={"client_id": "a", "client_secret": "b", "grant_type": "x"})
    assert response.status_code == 400
    assert response.json()["code"] == "0"


def test_create_cart_returns_an_empty_cart_that_get_returns(api: httpx2.Client) -> None:
    created = api.post("/carts", json={}).json()
    assert created["items"] == [] and created["full_price"]["value"] == 0
    assert api.get(f"/carts/{created['uuid']}").json() == created


def test_add_items_returns_the_first_item_with_its_own_uuid(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api)
    items = [
        {"type": "musement", "product_identifier": SANDBOX_TEST_ACTIVITY_UUID, "quantity": 2},
        {"type": "musement", "product_identifier": EIFFEL_TOWER_UUID, "quantity": 1},
    ]
    response = api.post(f"/carts/{cart_uuid}/items", json=items)
    assert response.status_code == 200
    first = response.json()
    assert first["product"]["activity_uuid"] == SANDBOX_TEST_ACTIVITY_UUID
    assert first["quantity"] == 2
    assert first["uuid"] not in CATALOG
    cart = api.get(f"/carts/{cart_uuid}").json()
    assert [i["product"]["activity_uuid"] for i in cart["items"]] == [
        SANDBOX_TEST_ACTIVITY_UUID,
        EIFFEL_TOWER_UUID,
    ]
    assert cart["items"][0]["uuid"] == first["uuid"]
    assert cart["retail_price"]["value"] == 2 * 10.0 + 59.0


@pytest.mark.parametrize(
    "body",
    [
        [],
        {"product_identifier": VATICAN_MUSEUMS_UUID},
        [{"type": "musement", "product_identifier": "nope", "quantity": 1}],
        [{"type": "musement", "product_identifier": VATICAN_MUSEUMS_UUID, "quantity": 0}],
        [{"type": "other", "product_identifier": VATICAN_MUSEUMS_UUID}],
    ],
)
def test_add_items_rejects_bad_bodies_and_adds_nothing(api: httpx2.Client, body: Any) -> None:
    cart_uuid = new_cart(api)
    response = api.post(f"/carts/{cart_uuid}/items", json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "0"
    assert api.get(f"/carts/{cart_uuid}").json()["items"] == []


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/carts/{}"),
        ("GET", "/carts/{}/customer/schema"),
        ("PUT", "/carts/{}/customer"),
        ("POST", "/carts/{}/items"),
    ],
)
def test_unknown_cart_is_404_code_1400(api: httpx2.Client, method: str, path: str) -> None:
    body: Any = [] if path.endswith("items") else {}
    response = api.request(method, path.format(UNKNOWN_CART), json=body)
    assert response.status_code == 404
    assert response.json()["code"] == "1400"
    assert set(response.json()) == {"code", "message"}


def test_order_for_unknown_cart_is_404(api: httpx2.Client) -> None:
    response = api.post("/orders", json={"cart_uuid": UNKNOWN_CART})
    assert response.status_code == 404 and response.json()["code"] == "1400"


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
    assert sandbox_form["title"] == "Sandbox test activity"
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
    api.post(f"/carts/{cart_uuid}/items", json=[{"product_identifier": GONDOLA_RIDE_UUID}])
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


def test_put_returns_musements_customer_shape(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, VATICAN_MUSEUMS_UUID)
    response = api.put(
        f"/carts/{cart_uuid}/customer",
        json={**COMPLETE_BASE, "city": "Milano"},
        headers={"X-Musement-Market": "it", "Accept-Language": "it-IT"},
    )
    assert response.status_code == 200
    customer = response.json()
    assert set(customer) == {*BASE_ORDER, "country", "extra_customer_data"}
    assert customer["country"]["iso_code"] == "IT" and customer["country"]["id"] == 82
    assert customer["country"]["name"] == "Italia"
    assert customer["city"] == "Milano" and customer["tax_id"] is None
    assert customer["extra_customer_data"] == []  # PHP's empty array, as Musement sends it


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
    items = api.post(
        f"/carts/{LOCKED_CART_UUID}/items", json=[{"product_identifier": VATICAN_MUSEUMS_UUID}]
    )
    assert items.status_code == 423 and items.json() == LOCKED_BODY
    cart = api.get(f"/carts/{LOCKED_CART_UUID}")
    assert cart.status_code == 200 and cart.json()["customer"]["firstname"] == "Ada"
    assert api.get(f"/carts/{LOCKED_CART_UUID}/customer/schema").status_code == 200
    order = api.post("/orders", json={"cart_uuid": LOCKED_CART_UUID})
    assert order.status_code == 423 and order.json() == LOCKED_BODY


def test_an_order_is_created_closed_and_locks_its_cart(api: httpx2.Client) -> None:
    cart_uuid = new_cart(api, SANDBOX_TEST_ACTIVITY_UUID)
    extra = {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "1234567890", "s_74380": "Hotel Roma"}}
    body = {**COMPLETE_BASE, "extra_customer_data": extra}
    assert api.put(f"/carts/{cart_uuid}/customer", json=body).status_code == 200
    order = api.post("/orders", json={"cart_uuid": cart_uuid})
    assert order.status_code == 200
    assert order.json()["status"] == "closed" and order.json()["cart_uuid"] == cart_uuid
    locked = api.put(f"/carts/{cart_uuid}/customer", json={"firstname": "Ada"})
    assert locked.status_code == 423 and locked.json() == LOCKED_BODY


@pytest.mark.parametrize("body", [{}, {"cart_uuid": 1}, []])
def test_order_needs_a_cart_uuid(api: httpx2.Client, body: Any) -> None:
    response = api.post("/orders", json=body)
    assert response.status_code == 400 and response.json()["code"] == "0"


def test_order_for_an_empty_cart_is_rejected(api: httpx2.Client) -> None:
    response = api.post("/orders", json={"cart_uuid": new_cart(api)})
    assert response.status_code == 400


# --- participant info --------------------------------------------------------------------

LAST_SUPPER_ITEM, MONTENEGRO_ITEM, VATICAN_ITEM = PARTICIPANTS_CART_ITEM_UUIDS
NO_PARTICIPANTS_BODY = {
    "code": "1400",
    "message": "This cart item does not require participant info",
}
ADA = {
    "salutation": "Ms",
    "firstname": "Ada",
    "lastname": "Lovelace",
    "date_of_birth": "1815-12-10",
    "email": "ada@example.com",
}
CHARLES = {
    "salutation": "Mr",
    "firstname": "Charles",
    "lastname": "Babbage",
    "date_of_birth": "1791-12-26",
}
TRAVELLER = {
    "firstname": "Grace",
    "lastname": "Hopper",
    "date_of_birth": "1906-12-09",
    "nationality": "United States",
    "passport": "X1234567",
}


def cart_with(client: httpx2.Client, *items: tuple[str, int]) -> tuple[str, list[str]]:
    """A new cart with (activity, quantity) items; returns its uuid and its item uuids."""
    cart_uuid = new_cart(client)
    body = [{"type": "musement", "product_identifier": a, "quantity": q} for a, q in items]
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
    assert [(i["product"]["activity_uuid"], i["quantity"]) for i in cart["items"]] == [
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
    assert unknown_cart.status_code == 404
    assert unknown_cart.json() == {
        "code": "1400",
        "message": f"Cart with uuid '{UNKNOWN_CART}' not found",
    }

    # An unknown item, and an item of another cart, are both missing from this cart.
    for item_uuid in (UNKNOWN_CART, LAST_SUPPER_ITEM):
        missing = call(BASE_CART_UUID, item_uuid)
        assert missing.status_code == 404
        assert missing.json() == {
            "code": "1400",
            "message": f"Cart item with uuid '{item_uuid}' not found",
        }


def test_participants_get_answers_an_empty_array_before_any_put(api: httpx2.Client) -> None:
    cart_uuid, (item,) = cart_with(api, (PARTICIPANTS_ACTIVITY_UUID, 2))
    response = api.get(participants_path(cart_uuid, item))
    assert response.status_code == 200 and response.json() == []


def test_participants_put_stores_and_answers_them_and_get_returns_them(
    api: httpx2.Client,
) -> None:
    cart_uuid, (item, other) = cart_with(
        api, (PARTICIPANTS_ACTIVITY_UUID, 2), (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1)
    )
    # Keys in any order; answered in the schema's order. The optional email may be left out.
    sent = [dict(reversed(ADA.items())), CHARLES]
    response = api.put(participants_path(cart_uuid, item), json=sent)
    assert response.status_code == 200
    assert response.json() == [ADA, CHARLES]
    assert list(response.json()[0]) == list(ADA)
    assert api.get(participants_path(cart_uuid, item)).json() == [ADA, CHARLES]
    assert api.get(participants_path(cart_uuid, other)).json() == []  # per item

    # A PUT replaces the participants as a whole.
    replaced = api.put(participants_path(cart_uuid, item), json=[CHARLES, {**ADA, "email": ""}])
    assert replaced.status_code == 200
    assert api.get(participants_path(cart_uuid, item)).json() == [CHARLES, {**ADA, "email": ""}]

    traveller = api.put(participants_path(cart_uuid, other), json=[TRAVELLER])
    assert traveller.status_code == 200 and traveller.json() == [TRAVELLER]


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
    assert order.status_code == 200 and order.json()["status"] == "closed"

    # The order locks the cart: participants can be read but no longer changed.
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
    assert item["product"]["activity_uuid"] == PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID
    assert item["product"]["title"] == "Montenegro day trip from Dubrovnik"
    assert cart["customer"]["firstname"] == "Grace" and cart["customer"]["email"] is None


# --- headers -----------------------------------------------------------------------------

ENDPOINTS: list[tuple[str, str, Any]] = [
    ("POST", "/carts", {}),
    ("GET", f"/carts/{BASE_CART_UUID}", None),
    ("POST", f"/carts/{BASE_CART_UUID}/items", []),
    ("GET", f"/carts/{BASE_CART_UUID}/customer/schema", None),
    ("PUT", f"/carts/{BASE_CART_UUID}/customer", {}),
    ("GET", f"/carts/{PARTICIPANTS_CART_UUID}/items/{LAST_SUPPER_ITEM}/participants/schema", None),
    ("GET", f"/carts/{PARTICIPANTS_CART_UUID}/items/{LAST_SUPPER_ITEM}/participants", None),
    ("PUT", f"/carts/{PARTICIPANTS_CART_UUID}/items/{LAST_SUPPER_ITEM}/participants", []),
    ("POST", "/orders", {}),
]


@pytest.mark.parametrize(("method", "path", "body"), ENDPOINTS)
def test_missing_application_header_is_400_code_2271(
    server: SandboxServer, method: str, path: str, body: Any
) -> None:
    with httpx2.Client(base_url=server.base_url, timeout=5) as bare:
        response = bare.request(method, path, json=body)
    assert response.status_code == 400
    assert response.json()["code"] == "2271" and set(response.json()) == {"code", "message"}


def test_login_needs_no_application_header(server: SandboxServer) -> None:
    with httpx2.Client(base_url=server.base_url, timeout=5) as bare:
        response = bare.post(
            "/login",
            json={"client_id": "a", "client_secret": "b", "grant_type": "client_credentials"},
        )
    assert response.status_code == 200


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
        assert body["expires_in"] == 0.2
        auth = {"Authorization": f"Bearer {body['access_token']}"}
        assert client.get(f"/carts/{BASE_CART_UUID}", headers=auth).status_code == 200
        time.sleep(0.3)
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


@pytest.mark.process
def test_cli_prints_the_base_url_and_seeded_carts_and_stops_on_ctrl_c() -> None:
    process = subprocess.Popen(
        [sys.executable, "-m", "musement_mcp.sandbox", "--port", "0"],
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
    # Nothing but the summary on stdout: a stdio MCP server may share it.
    assert all(
        line.startswith(("  ", "Press Ctrl-C")) for line in rest.splitlines() if line.strip()
    )
