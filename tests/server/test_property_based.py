"""Generated arguments thrown at all five tools through a real MCP client.

Whatever arrives, the server answers with a valid result or an `isError` result
(never a protocol error or a crash), and nothing invalid reaches Musement: every
request the sandbox sees targets a real cart UUID, and every PUT body matches
the cart's schema.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

import httpx2
import pytest
from anyio.from_thread import BlockingPortal, start_blocking_portal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis_jsonschema import from_schema
from jsonschema import Draft202012Validator
from mcp import Client

from musement_mcp.sandbox import (
    EXTRA_DATA_CART_UUID,
    LOCKED_CART_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    SandboxServer,
    product_id_of,
)
from musement_mcp.server import build_server
from musement_mcp.server.live_tools import snapshot_tool_definitions
from musement_mcp.tools import compile_schema
from tests.support.common import (
    ERA_2026_07_28,
    ERAS,
    HANDSHAKE_ERA,
    TEST_APPLICATION,
    client_mode,
    settings_for,
)

pytestmark = pytest.mark.property

ERROR_TYPES = {
    "invalid_argument",
    "validation_failed",
    "cart_not_found",
    "cart_locked",
    "invalid_request",
    "unauthorized",
    "rate_limited",
    "upstream_unavailable",
    "upstream_error",
    "cart_item_not_found",
    "participants_not_required",
}
_UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"
UPSTREAM_PATH = re.compile(
    rf"/api/v3/carts/{_UUID}"
    rf"(/customer(/schema)?|/items/{_UUID}/participants(/schema)?|/order-info)?"
)
TOOLS = [
    "get_cart",
    "get_customer_schema",
    "update_cart_customer",
    "get_participants_schema",
    "update_participants",
]


class Harness:
    """One sandbox, one server and one MCP client per era, shared by every example."""

    def __init__(self, portal: BlockingPortal, sandbox: SandboxServer) -> None:
        self.portal = portal
        self.sandbox = sandbox
        headers = {"X-Musement-Application": TEST_APPLICATION}
        self.cart = httpx2.post(f"{sandbox.base_url}/carts", headers=headers).json()["uuid"]
        raw = httpx2.get(
            f"{sandbox.base_url}/carts/{EXTRA_DATA_CART_UUID}/customer/schema", headers=headers
        ).json()
        self.compiled = compile_schema(raw)
        self.schemas = {
            EXTRA_DATA_CART_UUID: self.compiled,
            self.cart: compile_schema(
                httpx2.get(
                    f"{sandbox.base_url}/carts/{self.cart}/customer/schema", headers=headers
                ).json()
            ),
        }
        # A cart whose item needs participants info (2 tickets).
        self.people_cart = httpx2.post(f"{sandbox.base_url}/carts", headers=headers).json()["uuid"]
        self.item = httpx2.post(
            f"{sandbox.base_url}/carts/{self.people_cart}/items",
            headers=headers,
            json=[
                {
                    "type": "musement",
                    "product_identifier": product_id_of(PARTICIPANTS_ACTIVITY_UUID),
                    "quantity": 2,
                }
            ],
        ).json()["uuid"]
        self.people = compile_schema(
            httpx2.get(
                f"{sandbox.base_url}/carts/{self.people_cart}/items/{self.item}/participants/schema",
                headers=headers,
            ).json()
        )
        self.output_schemas = {t.name: t.output_schema for t in snapshot_tool_definitions()}
        sandbox.recorder.clear()  # only the tools' requests are checked

    def call(self, client: Client, tool: str, arguments: Any) -> Any:
        return self.portal.call(client.call_tool, tool, arguments)


@pytest.fixture(scope="module")
def harness() -> Iterator[tuple[Harness, dict[str, Client]]]:
    with (
        SandboxServer() as sandbox,
        start_blocking_portal("asyncio") as portal,
        portal.wrap_async_context_manager(
            Client(build_server(settings_for(sandbox)), mode=client_mode(HANDSHAKE_ERA))
        ) as handshake,
        portal.wrap_async_context_manager(
            Client(build_server(settings_for(sandbox)), mode=client_mode(ERA_2026_07_28))
        ) as era_2026_07_28,
    ):
        yield Harness(portal, sandbox), {HANDSHAKE_ERA: handshake, ERA_2026_07_28: era_2026_07_28}


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda children: (
        st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4)
    ),
    max_leaves=20,
)
cart_uuids = st.one_of(
    st.sampled_from(
        [EXTRA_DATA_CART_UUID, LOCKED_CART_UUID, "00000000-0000-4000-8000-000000000000"]
    ),
    st.uuids().map(str),
    st.text(max_size=60),
    st.uuids().map(lambda u: str(u) + "/../orders"),
    st.uuids().map(lambda u: str(u).upper().replace("A", "\u0391")),  # Greek capital alpha
    json_values,
)


def customers(compiled_schema: dict[str, Any]) -> st.SearchStrategy[Any]:
    return st.one_of(
        from_schema(compiled_schema),  # valid for the cart
        st.dictionaries(
            st.sampled_from([*compiled_schema["properties"], "first_name", "x"]),
            json_values,
            max_size=6,
        ),
        json_values,
        json_values.map(json.dumps),  # a JSON string, as some clients send
    )


def check_answer(h: Harness, tool: str, result: Any) -> None:
    if result.is_error:
        error = json.loads(result.content[0].text)["error"]
        assert error["type"] in ERROR_TYPES
        assert isinstance(error["message"], str) and error["hint"]
    else:
        Draft202012Validator(h.output_schemas[tool]).validate(result.structured_content)


def check_upstream(h: Harness) -> None:
    for request in h.sandbox.recorder.requests:
        assert UPSTREAM_PATH.fullmatch(request.path), request.path
        assert not request.query
        if request.method == "PUT":
            body = json.loads(request.body)
            if request.path.endswith("/participants"):
                assert h.people.validate({"participants": body}) == []
            else:
                cart = request.path.split("/")[4]
                assert h.schemas[cart].validate(body, partial=True) == []
    h.sandbox.recorder.clear()


def participants(h: Harness) -> st.SearchStrategy[Any]:
    listed = h.people.schema["properties"]["participants"]
    return st.one_of(
        from_schema(listed),  # valid for the item
        st.lists(from_schema(listed["items"]), max_size=4),  # any count
        json_values,
        json_values.map(json.dumps),
    )


@settings(max_examples=200, deadline=None, suppress_health_check=list(HealthCheck))
@given(data=st.data())
def test_generated_arguments(harness, data) -> None:
    h, clients = harness
    client = clients[data.draw(st.sampled_from(ERAS), label="era")]
    tool = data.draw(st.sampled_from(TOOLS))
    arguments: dict[str, Any] = {"cart_uuid": data.draw(cart_uuids, label="cart_uuid")}
    if tool.endswith("participants_schema") or tool == "update_participants":
        if data.draw(st.booleans(), label="use the participants cart"):
            arguments["cart_uuid"] = h.people_cart
        arguments["cart_item_uuid"] = data.draw(
            st.one_of(st.just(h.item), cart_uuids), label="cart_item_uuid"
        )
    if tool == "update_participants":
        arguments["participants"] = data.draw(participants(h), label="participants")
    if tool == "update_cart_customer":
        if data.draw(st.booleans(), label="use own cart"):
            arguments["cart_uuid"] = h.cart
        arguments["customer"] = data.draw(customers(h.compiled.schema), label="customer")
        partial = data.draw(st.one_of(st.booleans(), json_values), label="partial")
        if partial is not None:
            arguments["partial"] = partial
    if data.draw(st.booleans(), label="drop an argument"):
        arguments.pop(data.draw(st.sampled_from(sorted(arguments))))
    if data.draw(st.integers(0, 9), label="unknown argument") == 0:
        arguments["cartUuid"] = "x"
    result = h.call(client, tool, arguments)
    check_answer(h, tool, result)
    check_upstream(h)


@settings(max_examples=40, deadline=None, suppress_health_check=list(HealthCheck))
@given(customer=st.data())
def test_valid_customers_are_stored_as_sent(harness, customer) -> None:
    h, clients = harness
    full = customer.draw(from_schema(h.schemas[h.cart].schema))
    result = h.call(
        clients[ERA_2026_07_28], "update_cart_customer", {"cart_uuid": h.cart, "customer": full}
    )
    assert not result.is_error, result.content[0].text
    stored = h.sandbox.state.carts[h.cart].customer
    required = set(h.schemas[h.cart].schema.get("required", []))
    for key, value in full.items():
        if value == "" and key not in required:
            continue  # "" for an optional field means "not given": never sent (issue 27)
        assert stored[key] == value
    check_upstream(h)
