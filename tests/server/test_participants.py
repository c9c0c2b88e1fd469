"""get_cart, get_participants_schema and update_participants through real MCP clients.
What the domain checks on its own (an item's 404s, the count, item UUIDs before any request):
tests/tools/test_participants.py."""

from __future__ import annotations

import json
from typing import Any

import httpx2
import mcp_types as types
import pytest
from mcp import Client

from musement_mcp.sandbox import (
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    SandboxServer,
    product_id_of,
)
from musement_mcp.server import build_server
from tests.support.common import GRACE, TEST_APPLICATION, client_mode, error_of, settings_for
from tests.support.people import ADA, CHARLES, TRAVELLER

pytestmark = pytest.mark.anyio

CUSTOMER = {
    **GRACE,
    "extra_customer_data": {PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID: {"s_52210": "Hotel Excelsior"}},
}


@pytest.fixture
def cart(sandbox_http, make_cart) -> dict[str, Any]:
    """A cart of its own: Last Supper x2, Montenegro x1, Vatican (no participants)."""
    uuid = make_cart(PARTICIPANTS_ACTIVITY_UUID, quantity=2)
    for activity, quantity in (
        (PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID, 1),
        (VATICAN_MUSEUMS_UUID, 1),
    ):
        sandbox_http.post(
            f"carts/{uuid}/items",
            json=[
                {
                    "type": "musement",
                    "product_identifier": product_id_of(activity),
                    "quantity": quantity,
                }
            ],
        ).raise_for_status()
    items = sandbox_http.get(f"carts/{uuid}").json()["items"]
    return {"uuid": uuid, "items": [i["uuid"] for i in items]}


async def call(client: Client, tool: str, **arguments: Any) -> Any:
    return await client.call_tool(tool, arguments)


async def test_get_cart_lists_items_and_what_is_missing(client: Client, cart) -> None:
    result = await call(client, "get_cart", cart_uuid=cart["uuid"])
    assert not result.is_error, result.content[0].text
    data = result.structured_content
    supper, trip, vatican = data["items"]
    assert (supper["quantity"], supper["participants_required"]) == (2, True)
    assert (trip["quantity"], trip["participants_required"]) == (1, True)
    # An item that needs none says nothing about participants (defaults are left out).
    assert not {"participants_required", "participants_provided", "participants_missing"} & set(
        vatican
    )
    assert data.get("customer") is None  # nothing saved yet: left out
    missing_customer = {p["path"] for p in data["missing"]["customer"]}
    assert {"firstname", "email"} <= missing_customer
    # Write-only: Musement never shows it, so it is never "missing".
    assert "allow_profiling" not in missing_customer
    assert "allow_profiling" in {f["path"] for f in data["not_shown"]}
    assert (
        f"extra_customer_data.{PARTICIPANTS_EXTRA_DATA_ACTIVITY_UUID}.s_52210" in missing_customer
    )
    # What each item's participants lack is on the item, beside how many are stored.
    assert (supper["participants_provided"], trip["participants_provided"]) == (0, 0)
    assert supper["participants_missing"] == [
        {"path": "participants", "kind": "too_few", "message": "must have exactly 2 entries"}
    ]
    assert [p["kind"] for p in trip["participants_missing"]] == ["too_few"]
    assert data["ready_for_order"] is False


async def test_participants_schema_of_an_item(client: Client, cart) -> None:
    result = await call(
        client, "get_participants_schema", cart_uuid=cart["uuid"], cart_item_uuid=cart["items"][0]
    )
    data = result.structured_content
    assert data["quantity"] == 2
    fields = {f["path"]: f for f in data["fields"]}
    assert fields["participants.*.date_of_birth"]["format"] == "date"
    assert [o["value"] for o in fields["participants.*.salutation"]["options"]] == [
        "Mr",
        "Mrs",
        "Ms",
    ]
    assert not fields["participants.*.email"].get("required")  # optional: left out
    assert fields["participants.*.firstname"]["required"] is True


async def test_update_participants_stores_them(client: Client, sandbox, cart) -> None:
    result = await call(
        client,
        "update_participants",
        cart_uuid=cart["uuid"],
        cart_item_uuid=cart["items"][0],
        participants=json.dumps([ADA, CHARLES]),
    )
    assert not result.is_error, result.content[0].text
    assert result.structured_content["saved"] == 2
    assert sandbox.state.carts[cart["uuid"]].items[0].participants == [ADA, CHARLES]


async def test_the_checklist_empties_and_the_order_goes_through(
    client: Client, sandbox, cart
) -> None:
    steps = [
        ("update_cart_customer", {"customer": CUSTOMER}),
        (
            "update_participants",
            {"cart_item_uuid": cart["items"][0], "participants": [ADA, CHARLES]},
        ),
        ("update_participants", {"cart_item_uuid": cart["items"][1], "participants": [TRAVELLER]}),
    ]
    for tool, arguments in steps:
        result = await client.call_tool(tool, {"cart_uuid": cart["uuid"], **arguments})
        assert not result.is_error, result.content[0].text
    overview = (await call(client, "get_cart", cart_uuid=cart["uuid"])).structured_content
    assert overview["missing"] == {"customer": []}
    assert not any("participants_missing" in item for item in overview["items"])
    assert overview["ready_for_order"] is True
    assert overview["customer"]["email"] == "grace@example.com"
    assert [i.get("participants_provided") for i in overview["items"]] == [2, 1, None]
    order = httpx2.post(
        f"{sandbox.base_url}/orders",
        json={"cart_uuid": cart["uuid"]},
        headers={"X-Musement-Application": TEST_APPLICATION},
    )
    assert order.status_code == 200, order.text  # Musement agrees nothing is missing
    locked = error_of(
        await call(
            client,
            "update_participants",
            cart_uuid=cart["uuid"],
            cart_item_uuid=cart["items"][1],
            participants=[TRAVELLER],
        )
    )
    assert (locked["type"], locked["status"]) == ("cart_locked", 423)


async def test_user_fills_in_one_form_per_person(sandbox: SandboxServer, cart, both_eras) -> None:
    forms: list[dict[str, Any]] = []

    async def user(ctx: Any, params: types.ElicitRequestFormParams) -> types.ElicitResult:
        forms.append(params.requested_schema)
        person = [ADA, CHARLES][len(forms) - 1]
        return types.ElicitResult(
            action="accept",
            content={key: person[key] for key in params.requested_schema["properties"]},
        )

    async with Client(
        build_server(settings_for(sandbox)), mode=client_mode(both_eras), elicitation_callback=user
    ) as client:
        result = await call(
            client,
            "update_participants",
            cart_uuid=cart["uuid"],
            cart_item_uuid=cart["items"][0],
            participants=[],
        )
    assert not result.is_error, result.content[0].text
    assert len(forms) == 2
    assert forms[0]["properties"]["firstname"]["title"] == "Person 1: First name"
    assert forms[1]["properties"]["firstname"]["title"] == "Person 2: First name"
    assert set(forms[0]["required"]) == {"salutation", "firstname", "lastname", "date_of_birth"}
    assert sandbox.state.carts[cart["uuid"]].items[0].participants == [ADA, CHARLES]
    # Saved, named in the result, and none of what the user typed goes back to the model.
    shown = result.structured_content
    assert shown["entered_by_user"] == sorted(
        f"participants.{index}.{key}" for index in (0, 1) for key in ADA
    )
    assert shown["saved"] == 2
    for typed in (*ADA.values(), *CHARLES.values()):
        assert typed not in result.content[0].text


# What a model sends through a conversion that lost the null option (Gemini's): "" for every
# field it was not asked.
UNASKED_BLANKS = {"nationality": "", "passport": "", "email": "", "phone_number": ""}


async def test_blank_unasked_fields_are_not_given(client: Client, sandbox, cart) -> None:
    people = [{**ADA, **UNASKED_BLANKS}, {**CHARLES, **UNASKED_BLANKS}]
    result = await call(
        client,
        "update_participants",
        cart_uuid=cart["uuid"],
        cart_item_uuid=cart["items"][0],
        participants=people,
    )
    assert not result.is_error, result.content[0].text
    assert sandbox.state.carts[cart["uuid"]].items[0].participants == [ADA, CHARLES]


async def test_a_blank_required_field_is_still_blank(client: Client, sandbox, cart) -> None:
    sandbox.recorder.clear()
    error = error_of(
        await call(
            client,
            "update_participants",
            cart_uuid=cart["uuid"],
            cart_item_uuid=cart["items"][0],
            participants=[{**ADA, "lastname": "", **UNASKED_BLANKS}, CHARLES],
        )
    )
    assert [(p["path"], p["kind"]) for p in error["details"]] == [
        ("participants.0.lastname", "blank")
    ]
    assert sandbox.recorder.count("PUT") == 0
