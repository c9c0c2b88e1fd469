"""The tools through a real MCP client (in-process) against the sandbox: the tool definitions,
and the customer tools, get_customer_schema and update_cart_customer (get_cart and the
participants tools: test_participants.py). What the domain does on its own (the kept schema,
Musement's refusals as typed failures, login): tests/tools/test_customer.py and
tests/tools/upstream/."""

from __future__ import annotations

import json
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from mcp import Client, MCPError

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    COLOSSEUM_TOUR_UUID,
    EXTRA_DATA_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    SandboxServer,
)
from musement_mcp.server import build_server
from tests.support.common import HANDSHAKE_ERA, TEST_APPLICATION, error_of, settings_for
from tests.support.people import BASE_CUSTOMER, TEST_ACTIVITY_ANSWERS
from tests.support.snapshots import tool_snapshots, updating_snapshots, write_tool_snapshots

pytestmark = pytest.mark.anyio

TEST_ACTIVITY = SANDBOX_TEST_ACTIVITY_UUID


async def call(client: Client, tool: str, **arguments: Any) -> Any:
    return await client.call_tool(tool, arguments)


async def test_protocol_eras(client: Client, both_eras: str) -> None:
    assert client.protocol_version == ("2025-11-25" if both_eras == HANDSHAKE_ERA else "2026-07-28")
    assert client.server_info.name == "musement-mcp"


async def test_tool_definitions_match_the_snapshot(client: Client) -> None:
    tools = (await client.list_tools()).tools
    seen = [t.model_dump(mode="json", by_alias=True, exclude_none=True) for t in tools]
    if updating_snapshots():
        write_tool_snapshots(seen)
    assert seen == tool_snapshots(), (
        "tool definitions changed: review, then rerun with UPDATE_SNAPSHOTS=1"
    )


async def test_tool_definitions_suit_strict_clients(client: Client) -> None:
    for tool in (await client.list_tools()).tools:
        assert len(tool.name) <= 64
        for schema in (tool.input_schema, tool.output_schema):
            Draft202012Validator.check_schema(schema)
            assert schema["type"] == "object"
            text = json.dumps(schema)
            assert "$ref" not in text and "$defs" not in text
            assert not {"oneOf", "anyOf", "allOf"} & set(schema)
    by_name = {t.name: t for t in (await client.list_tools()).tools}
    assert by_name["get_customer_schema"].annotations.read_only_hint is True
    update = by_name["update_cart_customer"]
    assert update.annotations.read_only_hint is False
    assert update.annotations.idempotent_hint is True
    # Generated from Musement's schema: the base fields with their enums and formats.
    customer = update.input_schema["properties"]["customer"]["properties"]
    # A choice or a format: the value's schema or null, as anyOf. Free text and lists: no
    # union ("" and [] mean "not given"), for Anthropic's limit on union-typed parameters.
    assert customer["email"]["anyOf"] == [{"type": "string", "format": "email"}, {"type": "null"}]
    assert set(customer["allow_profiling"]["anyOf"][0]["enum"]) == {"YES", "NO"}
    assert customer["city"] == {"type": "string"}
    assert customer["extra_customer_data"]["type"] == "array"


async def test_get_customer_schema_returns_schema_and_guide(client: Client) -> None:
    result = await call(client, "get_customer_schema", cart_uuid=EXTRA_DATA_CART_UUID)
    assert not result.is_error
    data = result.structured_content
    tool = next(t for t in (await client.list_tools()).tools if t.name == "get_customer_schema")
    Draft202012Validator(tool.output_schema).validate(data)
    assert set(data) == {"fields"}  # the cart is the one asked for: not repeated
    paths = [f["path"] for f in data["fields"]]
    assert paths[:3] == ["firstname", "lastname", "email"]
    phone = f"extra_customer_data.{TEST_ACTIVITY}.phone_number"
    assert phone in paths and data["fields"][paths.index(phone)]["required"] is True
    colosseum = [
        f
        for f in data["fields"]
        if f["path"].startswith(f"extra_customer_data.{COLOSSEUM_TOUR_UUID}.")
    ]
    assert any(f.get("format") == "date" for f in colosseum)
    assert any(f.get("options") and all(o["label"] for o in f["options"]) for f in colosseum)
    assert json.loads(result.content[0].text) == data


async def test_base_cart_has_no_extra_customer_data(client: Client) -> None:
    result = await call(client, "get_customer_schema", cart_uuid=BASE_CART_UUID)
    data = result.structured_content
    assert not any(f["path"].startswith("extra_customer_data") for f in data["fields"])


async def test_labels_follow_the_configured_language(sandbox: SandboxServer) -> None:
    settings = settings_for(sandbox, language="it-IT")
    async with Client(build_server(settings)) as client:
        result = await call(client, "get_customer_schema", cart_uuid=EXTRA_DATA_CART_UUID)
    english = {f["path"]: f["title"] for f in (await customer_fields(sandbox, "en-US"))}
    italian = {f["path"]: f["title"] for f in result.structured_content["fields"]}
    assert italian.keys() == english.keys()
    assert italian != english


async def customer_fields(sandbox: SandboxServer, language: str) -> list[dict[str, Any]]:
    async with Client(build_server(settings_for(sandbox, language=language))) as client:
        result = await call(client, "get_customer_schema", cart_uuid=EXTRA_DATA_CART_UUID)
    return result.structured_content["fields"]


async def test_update_stores_the_customer(client: Client, sandbox, make_cart) -> None:
    cart = make_cart(TEST_ACTIVITY)
    customer = {**BASE_CUSTOMER, "extra_customer_data": {TEST_ACTIVITY: TEST_ACTIVITY_ANSWERS}}
    result = await call(client, "update_cart_customer", cart_uuid=cart, customer=customer)
    assert not result.is_error, result.content[0].text
    data = result.structured_content
    assert data["cart_uuid"] == cart and data["mode"] == "full"
    assert data["customer"]["email"] == "grace@example.com"
    assert data["customer"]["events_related_newsletter"] == "YES"
    stored = sandbox.state.carts[cart].customer
    assert {k: stored[k] for k in BASE_CUSTOMER} == BASE_CUSTOMER
    assert stored["extra_customer_data"][TEST_ACTIVITY]["s_74380"] == "Hotel Artemide"
    puts = sandbox.recorder.filter("PUT", f"/carts/{cart}/customer")
    assert len(puts) == 1 and puts[0].json == customer


async def test_blank_optional_fields_are_not_given(client: Client, sandbox, make_cart) -> None:
    # What a model sends through a conversion that lost the null option (Gemini's).
    cart = make_cart(TEST_ACTIVITY)
    answers = {**TEST_ACTIVITY_ANSWERS, "not_a_question": ""}
    blanks = {"address": "", "city": "", "zipcode": "", "tax_id": "", "nickname": ""}
    customer = {**BASE_CUSTOMER, **blanks, "extra_customer_data": {TEST_ACTIVITY: answers}}
    result = await call(client, "update_cart_customer", cart_uuid=cart, customer=customer)
    assert not result.is_error, result.content[0].text
    [put] = sandbox.recorder.filter("PUT", f"/carts/{cart}/customer")
    assert put.json == {
        **BASE_CUSTOMER,
        "extra_customer_data": {TEST_ACTIVITY: TEST_ACTIVITY_ANSWERS},
    }
    assert "address" not in sandbox.state.carts[cart].customer
    # A required field given "" is still a problem.
    blank_name = {**customer, "lastname": ""}
    error = error_of(
        await call(client, "update_cart_customer", cart_uuid=cart, customer=blank_name)
    )
    assert [(p["path"], p["kind"]) for p in error["details"]] == [("lastname", "blank")]


async def test_invalid_customer_is_explained_and_never_sent(
    client: Client, sandbox, make_cart
) -> None:
    cart = make_cart(TEST_ACTIVITY)
    sandbox.recorder.clear()
    customer = {
        "first_name": "Grace",
        "lastname": "Hopper",
        "email": "grace(at)example.com",
        "musement_newsletter": "MAYBE",
        "extra_customer_data": {TEST_ACTIVITY: {"phone_number": "call me"}},
    }
    result = await call(client, "update_cart_customer", cart_uuid=cart, customer=customer)
    error = error_of(result)
    assert error["type"] == "validation_failed" and error["status"] is None
    problems = {p["path"]: p for p in error["details"]}
    assert problems["first_name"]["suggestion"] == "firstname"
    assert problems["firstname"]["message"] == "is required"
    assert problems["email"]["format"] == "email"
    assert {o["value"] for o in problems["musement_newsletter"]["allowed"]} == {"YES", "NO"}
    assert f"extra_customer_data.{TEST_ACTIVITY}.s_74380" in problems
    assert f"extra_customer_data.{TEST_ACTIVITY}.phone_number" in problems
    for value in ("grace(at)example.com", "MAYBE", "call me"):
        assert value not in result.content[0].text
    assert sandbox.recorder.count("PUT") == 0
    assert sandbox.state.carts[cart].customer == {}


@pytest.mark.parametrize(
    "cart_uuid",
    [
        "../orders",
        "..%2Forders",
        "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0001/../../orders",
        "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed0001?x=1",
        "0b5e1c2a-7d3f-4a8e-9c01-5a1e5eed０００1",  # full-width digits
        "",
        "x" * 10_000,
        12345,
        None,
    ],
)
async def test_bad_cart_uuid_never_reaches_the_network(client: Client, sandbox, cart_uuid) -> None:
    sandbox.recorder.clear()
    for tool, extra in (
        ("get_customer_schema", {}),
        ("update_cart_customer", {"customer": BASE_CUSTOMER}),
    ):
        error = error_of(await client.call_tool(tool, {"cart_uuid": cart_uuid, **extra}))
        assert error["type"] == "invalid_argument"
        assert error["details"][0]["path"] == "cart_uuid"
    assert len(sandbox.recorder) == 0


@pytest.mark.parametrize("customer", [["a list"], 42, "not json {", None, "[1, 2]"])
async def test_customer_must_be_an_object(client: Client, sandbox, customer) -> None:
    sandbox.recorder.clear()
    result = await call(client, "update_cart_customer", cart_uuid=BASE_CART_UUID, customer=customer)
    assert error_of(result)["type"] == "invalid_argument"
    assert len(sandbox.recorder) == 0


async def test_customer_as_a_json_string_is_accepted(client: Client, sandbox, make_cart) -> None:
    cart = make_cart(VATICAN_MUSEUMS_UUID)
    result = await call(
        client, "update_cart_customer", cart_uuid=cart, customer=json.dumps(BASE_CUSTOMER)
    )
    assert not result.is_error, result.content[0].text
    assert sandbox.state.carts[cart].customer["lastname"] == "Hopper"


async def test_partial_update_merges(client: Client, sandbox, make_cart) -> None:
    cart = make_cart(TEST_ACTIVITY)
    full = {**BASE_CUSTOMER, "extra_customer_data": {TEST_ACTIVITY: TEST_ACTIVITY_ANSWERS}}
    assert not (await call(client, "update_cart_customer", cart_uuid=cart, customer=full)).is_error
    patch = {"extra_customer_data": {TEST_ACTIVITY: {"s_74380": "Hotel Quirinale"}}}
    # Without `partial`, the required fields are enforced...
    refused = await call(client, "update_cart_customer", cart_uuid=cart, customer=patch)
    assert error_of(refused)["type"] == "validation_failed"
    # ...with it, only what is sent is checked, and Musement merges it.
    result = await call(
        client, "update_cart_customer", cart_uuid=cart, customer=patch, partial=True
    )
    assert not result.is_error, result.content[0].text
    assert result.structured_content["mode"] == "partial"
    stored = sandbox.state.carts[cart].customer
    assert stored["firstname"] == "Grace"
    assert stored["extra_customer_data"][TEST_ACTIVITY] == {
        "phone_number": 1234567890,
        "s_74380": "Hotel Quirinale",
    }
    # Types are still checked in a partial update.
    bad = await call(
        client, "update_cart_customer", cart_uuid=cart, customer={"email": "x"}, partial="true"
    )
    assert error_of(bad)["details"][0]["path"] == "email"


async def test_configured_headers_reach_musement(sandbox: SandboxServer) -> None:
    settings = settings_for(sandbox, market="it", language="it-IT", version="3.5.0", currency="eur")
    sandbox.recorder.clear()
    async with Client(build_server(settings)) as client:
        await call(client, "get_customer_schema", cart_uuid=BASE_CART_UUID)
    request = sandbox.recorder.last()
    assert request.header("X-Musement-Application") == TEST_APPLICATION
    assert request.header("X-Musement-Market") == "it"
    assert request.header("X-Musement-Version") == "3.5.0"
    assert request.header("Accept-Language") == "it-IT"
    assert request.header("X-Musement-Currency") == "EUR"


async def test_argument_names_are_checked(client: Client, sandbox) -> None:
    sandbox.recorder.clear()
    error = error_of(await client.call_tool("get_customer_schema", {"cartUuid": BASE_CART_UUID}))
    assert error["type"] == "invalid_argument"
    assert {p["path"] for p in error["details"]} == {"cartUuid", "cart_uuid"}
    assert "did you mean 'cart_uuid'" in error["message"]
    error = error_of(
        await call(
            client,
            "update_cart_customer",
            cart_uuid=BASE_CART_UUID,
            customer=BASE_CUSTOMER,
            partial="sometimes",
        )
    )
    assert error["details"] == [
        {"path": "partial", "kind": "wrong_type", "message": "must be true or false"}
    ]
    assert len(sandbox.recorder) == 0


async def test_unknown_tool_is_a_protocol_error(client: Client) -> None:
    with pytest.raises(MCPError):
        await client.call_tool("delete_everything", {})
