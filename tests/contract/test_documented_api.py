"""The tools against Musement's documented bodies, exactly as its pages show them.

Each fixture in `fixtures/` is an example from Musement's partner documentation,
naming its page. An `httpx2.MockTransport` serves those exact bodies, so these
tests check the tools against what Musement promises, not against our emulator.
Where the documentation is silent (a PUT participants success body, the shape of
a 400), the tests try several plausible answers, the least convenient included.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx2
import pytest

from musement_mcp.tools import (
    CartItemNotFound,
    CartLocked,
    CartNotFound,
    InvalidRequest,
    MusementClient,
    MusementConfig,
    ParticipantsNotRequired,
    Unauthorized,
    ValidationFailed,
    get_cart,
    get_customer_schema,
    get_participants_schema,
    update_cart_customer,
    update_participants,
)

pytestmark = pytest.mark.anyio

FIXTURES = Path(__file__).parent / "fixtures"
CART = "3f1b6a47-1c1d-4e0f-9a59-7e1f3c1a0b01"
ITEM = "dd0a0840-f09d-4406-b02a-f672dbf4b172"
OTHER_ITEM = "0c1b6a47-1c1d-4e0f-9a59-7e1f3c1a0b99"
ACTIVITY = "1714c6a7-2046-11e7-9cc9-06a7e332783f"

Route = tuple[int, Any]  # status, JSON body (None: an empty body)


def documented(name: str) -> dict[str, Any]:
    fixture: dict[str, Any] = json.loads((FIXTURES / f"{name}.json").read_text())
    assert fixture["source"].startswith("https://"), "every fixture names its page"
    return fixture


def response(name: str) -> Route:
    answer = documented(name)["response"]
    return answer["status"], answer["body"]


def lead_booker_schema() -> dict[str, Any]:
    """The documented base fields, completed with the documented extra data block
    (the page elides the base fields where it shows extra customer data)."""
    base = documented("customer_schema_lead_booker")["response"]["body"]
    extra = documented("customer_schema_with_extra_customer_data")["response"]["body"]
    return {
        **base,
        "properties": {**base["properties"], **extra["properties"]},
        "required": ["firstname", "lastname", "email", "extra_customer_data"],
    }


def cart_body(customer: dict[str, Any] | None = None) -> dict[str, Any]:
    """A cart as Musement documents its parts: an item as POST /carts/{c}/items answers
    it, its product titled and linked to its activity as order items document it."""
    _, item = response("post_cart_items")
    product = {
        **item["product"],
        "title": "Sandbox test activity",
        "api_url": f"https://sandbox.musement.com/api/v3/activities/{ACTIVITY}",
    }
    prices = {k: v for k, v in response("cart_prices")[1].items() if k not in ("uuid", "items")}
    return {"uuid": CART, "items": [{**item, "product": product}], "customer": customer, **prices}


def client_for(routes: dict[tuple[str, str], Route | Callable[[httpx2.Request], Route]]):
    sent: list[httpx2.Request] = []

    def handle(request: httpx2.Request) -> httpx2.Response:
        sent.append(request)
        path = request.url.path.removeprefix("/api/v3")
        route = routes.get((request.method, path))
        if route is None:
            return httpx2.Response(404, json={"code": "1400", "message": "Resource does not exist"})
        status, body = route(request) if callable(route) else route
        if body is None:
            return httpx2.Response(status)
        return httpx2.Response(status, json=body)

    config = MusementConfig(base_url="https://musement.test/api/v3", application="partner-app")
    return MusementClient(config, transport=httpx2.MockTransport(handle)), sent


async def test_the_documented_customer_schema_compiles_with_activity_names_from_the_cart() -> None:
    client, _ = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
            ("GET", f"/carts/{CART}"): (200, cart_body()),
        }
    )
    async with client:
        result = await get_customer_schema(client, CART)
    by_path = {f.path: f for f in result.fields}
    phone = by_path[f"extra_customer_data.{ACTIVITY}.phone_number"]
    # Titled by UUID in the schema; named from the cart's item (product.title + api_url).
    assert phone.group == "Sandbox test activity"
    assert phone.type == "number" and phone.required
    assert by_path["email"].format == "email"


async def test_activity_questions_fall_back_to_the_uuid_when_the_cart_names_nothing() -> None:
    client, _ = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
            ("GET", f"/carts/{CART}"): (200, {"uuid": CART, "items": []}),
        }
    )
    async with client:
        result = await get_customer_schema(client, CART)
    phone = next(f for f in result.fields if f.path.endswith("phone_number"))
    assert phone.group == ACTIVITY


async def test_the_documented_partial_update_is_accepted_and_sent_as_is() -> None:
    body = documented("put_customer_extra_customer_data_only")["request"]["body"]
    echoed = response("put_customer_reference_samples")[1]
    client, sent = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
            ("PUT", f"/carts/{CART}/customer"): (200, echoed),
        }
    )
    async with client:
        result = await update_cart_customer(client, CART, body, partial=True)
    assert json.loads(sent[-1].content) == body
    assert result.customer is not None and result.customer.lastname == "Smith"


@pytest.mark.parametrize("status, body", [(200, None), (204, None), (200, [])])
async def test_a_customer_update_succeeds_on_any_2xx(status: int, body: Any) -> None:
    client, _ = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
            ("PUT", f"/carts/{CART}/customer"): (status, body),
        }
    )
    answers = {"extra_customer_data": {ACTIVITY: {"phone_number": "1234567890"}}}
    async with client:
        result = await update_cart_customer(client, CART, answers, partial=True)
    assert result.customer is None


@pytest.mark.parametrize(
    "status, body",
    [(200, None), (204, None), (200, []), (200, {}), (200, [{"anything": 1}]), (201, {"ok": 1})],
)
async def test_participants_are_saved_on_any_2xx_and_the_result_counts_what_was_sent(
    status: int, body: Any
) -> None:
    people = [{"firstname": "Ada", "lastname": "Lovelace"}, {"firstname": "C", "lastname": "B"}]
    client, sent = client_for(
        {
            ("GET", f"/carts/{CART}/items/{ITEM}/participants/schema"): response(
                "participants_schema_guide"
            ),
            ("PUT", f"/carts/{CART}/items/{ITEM}/participants"): (status, body),
        }
    )
    async with client:
        result = await update_participants(client, CART, ITEM, people)
    assert result.saved == len(people)
    assert json.loads(sent[-1].content) == people  # a bare array, as documented


def not_required_with(message: str) -> Route:
    return 404, {"code": "1400", "message": message}


@pytest.mark.parametrize(
    "answer",
    [
        response("error_404_participants_not_required"),
        not_required_with("Resource does not exist"),
        not_required_with("Quelque chose d'inattendu"),
    ],
    ids=["documented wording", "generic wording", "unexpected wording"],
)
async def test_404s_on_item_paths_are_told_apart_by_the_cart_never_by_wording(
    answer: Route,
) -> None:
    routes = {
        ("GET", f"/carts/{CART}"): (200, cart_body()),
        ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
        ("GET", f"/carts/{CART}/items/{ITEM}/participants/schema"): answer,
        ("GET", f"/carts/{CART}/items/{OTHER_ITEM}/participants/schema"): answer,
    }
    client, _ = client_for(routes)
    async with client:
        with pytest.raises(ParticipantsNotRequired):
            await get_participants_schema(client, CART, ITEM)
        with pytest.raises(CartItemNotFound):
            await get_participants_schema(client, CART, OTHER_ITEM)
        overview = await get_cart(client, CART)
    assert overview.items[0].participants_required is False
    # No cart at all: the cart's own 404, whatever the item path said.
    gone, _ = client_for({("GET", f"/carts/{CART}/items/{ITEM}/participants/schema"): answer})
    async with gone:
        with pytest.raises(CartNotFound):
            await get_participants_schema(gone, CART, ITEM)


async def test_the_documented_423_is_a_locked_cart() -> None:
    client, _ = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
            ("PUT", f"/carts/{CART}/customer"): response("error_423_cart_locked"),
        }
    )
    answers = {"extra_customer_data": {ACTIVITY: {"phone_number": "1234567890"}}}
    async with client:
        with pytest.raises(CartLocked) as locked:
            await update_cart_customer(client, CART, answers, partial=True)
    assert locked.value.code == "-1"


async def test_write_only_fields_are_not_shown_and_never_missing() -> None:
    # As PUT /carts/{c}/customer documents the Customer: no allow_profiling, city,
    # zipcode or tax_id, whatever was sent.
    schema = lead_booker_schema()
    schema["properties"]["allow_profiling"] = {
        "enum": ["NO", "YES"],
        "enum_titles": ["NO", "YES"],
        "type": "string",
        "title": "allow_profiling",
        "propertyOrder": 5,
    }
    schema["required"].append("allow_profiling")
    stored = {
        "firstname": "Ada",
        "lastname": "Lovelace",
        "email": "ada@example.com",
        "musement_newsletter": "NO",
        "extra_customer_data": {ACTIVITY: {"phone_number": "1234567890"}},
        "mobile": None,
        "gender": None,
    }
    client, _ = client_for(
        {
            ("GET", f"/carts/{CART}"): (200, cart_body(stored)),
            ("GET", f"/carts/{CART}/customer/schema"): (200, schema),
            ("GET", f"/carts/{CART}/items/{ITEM}/participants/schema"): response(
                "error_404_participants_not_required"
            ),
        }
    )
    async with client:
        overview = await get_cart(client, CART)
    assert overview.missing.customer == []
    assert [f.path for f in overview.not_shown] == ["allow_profiling"]
    assert overview.ready_for_order is True


async def test_an_application_refused_at_login_is_not_called_a_credentials_problem() -> None:
    config = MusementConfig(
        base_url="https://musement.test/api/v3", client_id="id", client_secret="secret"
    )

    def login(request: httpx2.Request) -> httpx2.Response:
        status, body = response("error_400_missing_application_header")
        return httpx2.Response(status, json=body)

    async with MusementClient(config, transport=httpx2.MockTransport(login)) as client:
        with pytest.raises(InvalidRequest) as refused:
            await client.get_cart(CART)
    assert refused.value.code == "2271"
    assert not isinstance(refused.value, Unauthorized)


async def test_the_documented_login_answer_gives_a_bearer_token() -> None:
    config = MusementConfig(
        base_url="https://musement.test/api/v3",
        application="partner-app",
        client_id="id",
        client_secret="secret",
    )
    token = response("login")[1]["access_token"]
    seen: list[httpx2.Request] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        seen.append(request)
        if request.url.path.endswith("/login"):
            status, body = response("login")
            return httpx2.Response(status, json=body)
        return httpx2.Response(200, json=cart_body())

    async with MusementClient(config, transport=httpx2.MockTransport(answer)) as client:
        await client.get_cart(CART)
    assert seen[0].headers["X-Musement-Application"] == "partner-app"  # /login needs it too
    assert seen[1].headers["Authorization"] == f"Bearer {token}"


async def test_an_unknown_market_is_reported_with_its_code() -> None:
    client, _ = client_for(
        {("GET", f"/carts/{CART}/customer/schema"): response("error_400_unknown_market")}
    )
    async with client:
        with pytest.raises(InvalidRequest) as refused:
            await get_customer_schema(client, CART)
    assert refused.value.code == "-1"
    assert "Unknown market" in refused.value.message


async def test_an_unexpected_400_never_echoes_what_the_customer_sent() -> None:
    customer = {
        "firstname": "Zebulon",
        "lastname": "Quartermaine",
        "email": "zeb.q@example.org",
        "extra_customer_data": {ACTIVITY: {"phone_number": "3471234567"}},
    }

    def quoting(request: httpx2.Request) -> Route:
        sent = request.content.decode()
        return 400, {
            "code": "0",
            "message": f"Invalid body {sent}",
            "errors": [
                {"field": "lastname", "message": "'Quartermaine' is not allowed"},
                "not an object",
            ],
            "detail": {"echo": sent},
        }

    client, _ = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, lead_booker_schema()),
            ("PUT", f"/carts/{CART}/customer"): quoting,
        }
    )
    async with client:
        with pytest.raises(InvalidRequest) as refused:
            await update_cart_customer(client, CART, customer)
    shown = json.dumps(refused.value.to_dict())
    for value in ("Zebulon", "Quartermaine", "zeb.q@example.org", "3471234567"):
        assert value not in shown
    assert refused.value.code == "0"
    assert refused.value.details == [
        {
            "path": "lastname",
            "kind": "rejected_by_musement",
            "message": "'[redacted]' is not allowed",
        }
    ]


async def test_liform_attr_pattern_is_enforced_and_its_placeholder_is_the_example() -> None:
    schema = lead_booker_schema()
    schema["properties"]["extra_customer_data"]["properties"][ACTIVITY]["properties"][
        "passport"
    ] = {
        "type": "string",
        "title": "Passport number",
        "attr": {"pattern": "[A-Z]{2}[0-9]{7}", "placeholder": "YA1234567"},
        "propertyOrder": 2,
    }
    client, sent = client_for(
        {
            ("GET", f"/carts/{CART}/customer/schema"): (200, schema),
            ("GET", f"/carts/{CART}"): (200, cart_body()),
        }
    )
    bad = {"extra_customer_data": {ACTIVITY: {"phone_number": "12345", "passport": "12-34"}}}
    async with client:
        guide = await get_customer_schema(client, CART)
        with pytest.raises(ValidationFailed) as failed:
            await update_cart_customer(client, CART, bad, partial=True)
    passport = next(f for f in guide.fields if f.path.endswith("passport"))
    assert passport.example == "YA1234567"
    (problem,) = failed.value.details
    assert problem["path"] == f"extra_customer_data.{ACTIVITY}.passport"
    assert problem["example"] == "YA1234567"
    assert problem["group"] == "Sandbox test activity"
    assert not [r for r in sent if r.method == "PUT"]
