"""No customer data and no secrets in logs, at DEBUG, over stdio and Streamable HTTP."""

from __future__ import annotations

import tempfile
from typing import Any

import httpx2
import pytest
from mcp import Client
from mcp.client.stdio import stdio_client

from musement_mcp.sandbox import (
    LOCKED_CART_UUID,
    PARTICIPANTS_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    SandboxServer,
    product_id_of,
)
from tests.support.common import TEST_APPLICATION, error_of
from tests.support.people import KATHERINE, KATHERINE_EXTRA
from tests.support.processes import serve_http, server_log, stdio_params

pytestmark = [pytest.mark.anyio, pytest.mark.process]

CLIENT_SECRET = "sup3r-s3cret-value"
CUSTOMER = {**KATHERINE, "city": "White Sulphur Springs", "tax_id": "TAXID-998877"}
EXTRA = KATHERINE_EXTRA
PERSON = {
    "salutation": "Mrs",
    "firstname": "Dorothy",
    "lastname": "Vaughan",
    "date_of_birth": "1910-09-20",
    "email": "dorothy.vaughan@example.org",
}
BAD_EMAIL = "katherine@@nasa"
DEBUG_ENV = {"MUSEMENT_CLIENT_SECRET": CLIENT_SECRET, "MUSEMENT_LOG_LEVEL": "DEBUG"}


def new_cart(sandbox: SandboxServer) -> str:
    token = httpx2.post(
        f"{sandbox.base_url}/login",
        headers={"X-Musement-Application": TEST_APPLICATION},  # /login needs it too
        json={
            "client_id": "partner",
            "client_secret": CLIENT_SECRET,
            "grant_type": "client_credentials",
        },
    ).json()["access_token"]
    headers = {"X-Musement-Application": TEST_APPLICATION, "Authorization": f"Bearer {token}"}
    cart = httpx2.post(f"{sandbox.base_url}/carts", headers=headers).json()["uuid"]
    items = [
        {
            "type": "musement",
            "product_identifier": product_id_of(SANDBOX_TEST_ACTIVITY_UUID),
            "quantity": 1,
        },
        {
            "type": "musement",
            "product_identifier": product_id_of(PARTICIPANTS_ACTIVITY_UUID),
            "quantity": 1,
        },
    ]
    httpx2.post(
        f"{sandbox.base_url}/carts/{cart}/items", headers=headers, json=items
    ).raise_for_status()
    return cart


async def full_session(client: Client, cart: str) -> None:
    """Every path that handles customer data: success, validation, lock, upstream refusal."""
    customer: dict[str, Any] = {
        **CUSTOMER,
        "extra_customer_data": {SANDBOX_TEST_ACTIVITY_UUID: EXTRA},
    }
    await client.call_tool("get_customer_schema", {"cart_uuid": cart})
    ok = await client.call_tool("update_cart_customer", {"cart_uuid": cart, "customer": customer})
    assert not ok.is_error, ok.content[0].text
    bad = await client.call_tool(
        "update_cart_customer", {"cart_uuid": cart, "customer": {**customer, "email": BAD_EMAIL}}
    )
    assert error_of(bad)["type"] == "validation_failed"
    assert BAD_EMAIL not in bad.content[0].text
    locked = await client.call_tool(
        "update_cart_customer",
        {"cart_uuid": LOCKED_CART_UUID, "customer": {"email": CUSTOMER["email"]}, "partial": True},
    )
    assert error_of(locked)["type"] == "cart_locked"
    as_string = await client.call_tool(
        "update_cart_customer", {"cart_uuid": cart, "customer": '{"firstname": "Katherine"'}
    )
    assert error_of(as_string)["type"] == "invalid_argument"
    overview = await client.call_tool("get_cart", {"cart_uuid": cart})
    item = next(i for i in overview.structured_content["items"] if i.get("participants_required"))
    people = {"cart_uuid": cart, "cart_item_uuid": item["cart_item_uuid"]}
    saved = await client.call_tool("update_participants", {**people, "participants": [PERSON]})
    assert not saved.is_error, saved.content[0].text
    wrong = await client.call_tool(
        "update_participants", {**people, "participants": [{**PERSON, "date_of_birth": "1910"}]}
    )
    assert error_of(wrong)["type"] == "validation_failed"
    assert not (await client.call_tool("get_cart", {"cart_uuid": cart})).is_error


def assert_clean(logged: str, sandbox: SandboxServer) -> None:
    assert '"tool call"' in logged  # DEBUG logging was on and wrote something
    tokens = [r.header("authorization") for r in sandbox.recorder.requests]
    secrets = [CLIENT_SECRET, *(t.removeprefix("Bearer ") for t in tokens if t)]
    values = [
        v
        for v in [*CUSTOMER.values(), *EXTRA.values(), *PERSON.values(), BAD_EMAIL]
        if v not in ("NO", "Mrs")
    ]
    for value in [*values, *secrets]:
        assert value not in logged, f"{value!r} leaked into the logs"


async def test_stdio_debug_logs_are_clean() -> None:
    with SandboxServer(client_id="partner", client_secret=CLIENT_SECRET) as sandbox:
        params = stdio_params(sandbox, "--client-id", "partner", env=DEBUG_ENV)
        with tempfile.TemporaryFile("w+") as errlog:
            async with Client(stdio_client(params, errlog=errlog)) as client:
                await full_session(client, new_cart(sandbox))
            errlog.seek(0)
            assert_clean(errlog.read(), sandbox)


async def test_http_debug_logs_are_clean() -> None:
    with SandboxServer(client_id="partner", client_secret=CLIENT_SECRET) as sandbox:
        with serve_http(sandbox, "--client-id", "partner", env=DEBUG_ENV) as (url, process):
            async with Client(url + "/mcp") as client:
                await full_session(client, new_cart(sandbox))
            process.terminate()
            process.wait(timeout=30)
            logged = server_log(process)
        assert_clean(logged, sandbox)
