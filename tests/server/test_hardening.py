"""Hostile calls and failing upstreams get typed answers at a bounded cost (issue 14).

Real parts: the faulty sandbox over loopback and real MCP clients; a transport-level fake
only where the sandbox cannot produce the upstream answer (item identifiers that are not UUIDs,
a cart of 3,000 items, a cart that hangs). get_cart's answer when an item's reads or its
customer schema's fail is the domain's: tests/tools/test_cart.py.
"""

from __future__ import annotations

import json
from typing import Any

import anyio
import httpx2
import mcp_types as types
import pytest
from mcp import Client

from musement_mcp.sandbox import (
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
)
from musement_mcp.server import build_server
from musement_mcp.tools import (
    InvalidArgument,
    MusementClient,
    MusementConfig,
    get_cart,
    update_cart_customer,
)
from musement_mcp.tools.order_guard import MemoryOrderGuard
from musement_mcp.tools.upstream import PER_CART_CONCURRENCY
from tests.support.common import GRACE, HANDSHAKE_ERA, client_mode, error_of, settings_for

pytestmark = pytest.mark.anyio

ITEM = PARTICIPANTS_CART_ITEM_UUIDS[0]
PARTICIPANTS_SCHEMA = f"/carts/{PARTICIPANTS_CART_UUID}/items/{ITEM}/participants/schema"


@pytest.mark.parametrize(
    "number",
    [float("nan"), float("inf"), float("-inf"), 1e400],
    ids=["NaN", "Inf", "-Inf", "1e400"],
)
async def test_non_finite_numbers_are_refused_before_any_request(sandbox, number) -> None:
    # In-process MCP clients turn NaN into null on the way; a raw JSON-RPC client can
    # send it (Python's and pydantic's JSON readers accept NaN and 1e400): the domain
    # call is where it is stopped.
    customer = {**GRACE, "extra_customer_data": {"x": {"n": number}}}
    before = sandbox.recorder.count("PUT", "/carts/*/customer")
    async with MusementClient(settings_for(sandbox).musement_config()) as client:
        with pytest.raises(InvalidArgument) as refused:
            await update_cart_customer(client, PARTICIPANTS_CART_UUID, customer)
    assert [d["path"] for d in refused.value.details] == ["customer.extra_customer_data.x.n"]
    assert sandbox.recorder.count("PUT", "/carts/*/customer") == before


async def test_a_lone_surrogate_is_refused_before_any_request(sandbox) -> None:
    before = sandbox.recorder.count("PUT", "/carts/*/customer")
    async with Client(build_server(settings_for(sandbox))) as client:
        result = await client.call_tool(
            "update_cart_customer",
            {"cart_uuid": PARTICIPANTS_CART_UUID, "customer": {**GRACE, "lastname": "H\ud800"}},
        )
    error = error_of(result)
    assert error["type"] == "invalid_argument"
    assert [d["path"] for d in error["details"]] == ["customer.lastname"]
    assert sandbox.recorder.count("PUT", "/carts/*/customer") == before


@pytest.mark.parametrize("text", ['{"firstname": NaN}', '{"firstname": 1e400}'])
async def test_json_text_with_non_json_numbers_is_refused(sandbox, text: str) -> None:
    async with Client(build_server(settings_for(sandbox))) as client:
        result = await client.call_tool(
            "update_cart_customer", {"cart_uuid": PARTICIPANTS_CART_UUID, "customer": text}
        )
    assert error_of(result)["type"] == "invalid_argument"


async def test_an_oversized_list_is_refused_before_its_entries_are_walked(sandbox) -> None:
    async with Client(build_server(settings_for(sandbox))) as client:
        result = await client.call_tool(
            "update_participants",
            {
                "cart_uuid": PARTICIPANTS_CART_UUID,
                "cart_item_uuid": ITEM,
                "participants": [{}] * 20_000,
            },
        )
    error = error_of(result)
    assert error["type"] == "validation_failed"
    assert [d["message"] for d in error["details"]] == ["must have exactly 2 entries"]
    assert len(result.content[0].text) < 5_000


async def test_problems_are_capped_with_a_count(sandbox) -> None:
    people = [{f"unknown_{n}": "x" for n in range(200)}, {}]
    async with Client(build_server(settings_for(sandbox))) as client:
        result = await client.call_tool(
            "update_participants",
            {"cart_uuid": PARTICIPANTS_CART_UUID, "cart_item_uuid": ITEM, "participants": people},
        )
    error = error_of(result)
    assert len(error["details"]) == 50
    assert "more than 50 problems" in error["message"]


async def test_thousands_of_unknown_arguments_get_a_short_answer(sandbox) -> None:
    arguments: dict[str, Any] = {f"junk_{n}": n for n in range(60_000)}
    arguments["cart_uuid"] = PARTICIPANTS_CART_UUID
    async with Client(build_server(settings_for(sandbox))) as client:
        result = await client.call_tool("get_cart", arguments)
    error = error_of(result)
    assert error["type"] == "invalid_argument"
    assert len(error["details"]) == 51
    assert error["details"][-1]["message"] == "and 59950 more unknown arguments"
    assert len(result.content[0].text) < 10_000


def hostile_cart(items: list[dict[str, Any]]) -> tuple[MusementClient, list[str]]:
    """A fake upstream whose cart lists `items` (the sandbox only makes real ones)."""
    paths: list[str] = []

    def answer(request: httpx2.Request) -> httpx2.Response:
        paths.append(request.url.raw_path.decode())
        if request.url.path.endswith("/customer/schema"):
            return httpx2.Response(200, json={"type": "object", "properties": []})
        if "/items/" in request.url.path:
            return httpx2.Response(404, json={"code": "1400", "message": "x"})
        return httpx2.Response(200, json={"uuid": PARTICIPANTS_CART_UUID, "items": items})

    config = MusementConfig(base_url="https://musement.test/api/v3", application="t")
    return MusementClient(config, transport=httpx2.MockTransport(answer)), paths


async def test_item_identifiers_from_upstream_never_reach_a_url_unchecked() -> None:
    client, paths = hostile_cart(
        [{"uuid": "../../../orders/xyz?", "quantity": 1}, {"uuid": ITEM, "quantity": 1}]
    )
    async with client:
        overview = await get_cart(client, PARTICIPANTS_CART_UUID)
    assert [item.cart_item_uuid for item in overview.items] == [ITEM]
    assert not [p for p in paths if "orders" in p or "?" in p]


async def test_the_fan_out_is_capped_at_musements_hundred_items() -> None:
    items = [{"uuid": f"00000000-0000-4000-8000-{n:012d}", "quantity": 1} for n in range(3000)]
    client, paths = hostile_cart(items)
    async with client:
        overview = await get_cart(client, PARTICIPANTS_CART_UUID)
    assert len(overview.items) == 100
    # The cart, its customer schema and order; per item its participants schema and list.
    assert len(paths) == 3 + 2 * 100


async def test_one_slow_cart_cannot_take_the_pool_from_another() -> None:
    slow_cart, healthy_cart = PARTICIPANTS_CART_UUID, "5eed0000-0000-4000-8000-000000000001"
    released = anyio.Event()
    in_flight = {"now": 0, "most": 0}

    async def answer(request: httpx2.Request) -> httpx2.Response:
        if slow_cart in request.url.path:
            in_flight["now"] += 1
            in_flight["most"] = max(in_flight["most"], in_flight["now"])
            await released.wait()
            in_flight["now"] -= 1
        return httpx2.Response(200, json={"uuid": "x", "items": []})

    config = MusementConfig(
        base_url="https://musement.test/api/v3", application="t", call_budget=120
    )
    client = MusementClient(config, transport=httpx2.MockTransport(answer))
    async with client, anyio.create_task_group() as group:
        for _ in range(120):
            group.start_soon(client.get_cart, slow_cart)
        await anyio.wait_all_tasks_blocked()
        # The healthy cart answers while 120 calls wait on the slow one.
        await client.get_cart(healthy_cart)
        assert in_flight["most"] == PER_CART_CONCURRENCY
        released.set()


async def test_a_form_state_is_answered_once() -> None:
    # The server's default guard (tests/tools/test_order_guard.py covers the Redis one too).
    spent = MemoryOrderGuard()
    assert await spent.spend("nonce-1", 600) is True
    assert await spent.spend("nonce-1", 600) is False
    assert await spent.spend("nonce-2", 600) is True


async def test_replayed_form_answers_are_refused(sandbox, make_cart) -> None:
    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    customer = {**GRACE}

    async def user(context: Any, params: Any) -> types.ElicitResult:
        raise AssertionError("the 2026-07-28 era returns the forms instead")

    async with Client(build_server(settings_for(sandbox)), elicitation_callback=user) as client:
        first = await client.session.call_tool(
            "update_cart_customer",
            {"cart_uuid": cart, "customer": customer},
            allow_input_required=True,
        )
        assert isinstance(first, types.InputRequiredResult)
        ((key, request),) = first.input_requests.items()
        form = request.params.requested_schema["properties"]

        async def answer(phone: str) -> types.CallToolResult:
            content = {
                name: field["oneOf"][0]["const"] if "oneOf" in field else "Hotel Artemide"
                for name, field in form.items()
            }
            content[next(name for name in form if name.startswith("phone_number"))] = phone
            reply = types.ElicitResult(action="accept", content=content)
            result = await client.session.call_tool(
                "update_cart_customer",
                {"cart_uuid": cart, "customer": customer},
                allow_input_required=True,
                input_responses={key: reply},
                request_state=first.request_state,
            )
            assert isinstance(result, types.CallToolResult)
            return result

        saved = await answer("3901234567")
        assert not saved.is_error, saved.content[0].text
        replayed = await answer("3909999999")
    assert error_of(replayed)["type"] == "invalid_argument"
    stored = sandbox.state.carts[cart].customer["extra_customer_data"]
    assert json.dumps(stored).count("3901234567") == 1


async def test_an_empty_list_of_activity_answers_means_none_given(sandbox, make_cart) -> None:
    cart = make_cart()
    async with MusementClient(settings_for(sandbox).musement_config()) as client:
        saved = await update_cart_customer(
            client, cart, {**GRACE, "extra_customer_data": [], "city": None}
        )
        with pytest.raises(InvalidArgument):  # nothing left to send in a partial update
            await update_cart_customer(client, cart, {"extra_customer_data": []}, partial=True)
    assert saved.customer is not None and saved.customer.lastname == "Hopper"


def test_redaction_ignores_case_and_happens_before_the_cut() -> None:
    from musement_mcp.tools.redaction import redact

    sent = {"lastname": "Smithsonian"}
    assert "SMITHSONIAN" not in redact("Lastname SMITHSONIAN is invalid", sent)
    long = "x" * 490 + " Smithsonian-Whitfield is invalid"
    assert "Smithsoni" not in redact(long, sent)[:500]


async def test_a_client_that_refuses_to_ask_gets_the_validation_error(sandbox, make_cart) -> None:
    async def refusing(context: Any, params: Any) -> types.ErrorData:
        return types.ErrorData(code=types.INVALID_REQUEST, message="no forms here")

    cart = make_cart(SANDBOX_TEST_ACTIVITY_UUID)
    server = build_server(settings_for(sandbox))
    async with Client(
        server, mode=client_mode(HANDSHAKE_ERA), elicitation_callback=refusing
    ) as client:
        result = await client.call_tool(
            "update_cart_customer", {"cart_uuid": cart, "customer": GRACE}
        )
    assert error_of(result)["type"] == "validation_failed"
