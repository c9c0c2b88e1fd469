"""What the tools ask Musement, and in how many rounds: login ahead, reads made together,
reads reused across tools while they still hold (issue 17).

A round is told by the sandbox's recorder: requests a client sends together are still
being answered when the next arrives (`in_flight`). The sandbox holds every request
for `HOLD` seconds here, so that requests sent together always overlap, however slowly
this machine issues them; nothing is timed.
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import AsyncIterator, Iterator
from typing import Any

import anyio
import pytest
from mcp import Client
from mcp.client.stdio import stdio_client

from musement_mcp.sandbox import (
    PARTICIPANTS_ACTIVITY_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    RecordedRequest,
    SandboxServer,
    product_id_of,
)
from musement_mcp.server import build_server
from tests.support.common import GRACE, error_of, settings_for
from tests.support.processes import READY_TIMEOUT, stdio_params

pytestmark = pytest.mark.anyio

HOLD = 0.5
PARTNER = {"client_id": "partner", "client_secret": "s3cret-of-the-partner"}


@pytest.fixture
def far_sandbox() -> Iterator[SandboxServer]:
    with SandboxServer(latency=HOLD, **PARTNER) as server:
        yield server


@pytest.fixture
async def far_client(far_sandbox: SandboxServer) -> AsyncIterator[Client]:
    """A client in the 2026-07-28 era: what is read, and when, is the tools' own business
    and the same in both eras (the login tests run in both); each held request costs HOLD."""
    settings = settings_for(far_sandbox, **PARTNER)
    async with Client(build_server(settings), mode="auto") as connected:
        await logged_in(far_sandbox)
        yield connected


async def logged_in(sandbox: SandboxServer) -> None:
    """Wait until the server's login ahead has been answered."""
    with anyio.fail_after(READY_TIMEOUT):
        while not sandbox.recorder.count("POST", "/login") or sandbox.recorder.in_flight():
            await anyio.sleep(0.05)


def cart_with(sandbox: SandboxServer, *activities: tuple[str, int]) -> str:
    cart = sandbox.state.create_cart()
    for activity, quantity in activities:
        sandbox.state.add_item(cart, product_id_of(activity), quantity)
    return cart.uuid


def asked(requests: list[RecordedRequest], cart: str) -> list[tuple[str, str]]:
    """(method, path after the cart) of each request, the login as ("POST", "login")."""
    prefix = f"/api/v3/carts/{cart}"
    return [
        (r.method, r.path.removeprefix(prefix).lstrip("/") or "cart")
        if r.path.startswith(prefix)
        else (r.method, r.path.rsplit("/", 1)[-1])
        for r in requests
    ]


def rounds(requests: list[RecordedRequest]) -> list[list[RecordedRequest]]:
    """Requests grouped by round: a request that arrived while none was being answered
    starts a new round."""
    grouped: list[list[RecordedRequest]] = []
    for request in requests:
        if request.in_flight == 0 or not grouped:
            grouped.append([])
        grouped[-1].append(request)
    return grouped


async def call(client: Client, tool: str, **arguments: Any) -> dict[str, Any]:
    result = await client.call_tool(tool, arguments)
    assert not result.is_error, result.content[0].text
    assert isinstance(result.structured_content, dict)
    return result.structured_content


async def test_the_server_logs_in_ahead_of_the_first_call(
    far_client: Client, far_sandbox: SandboxServer
) -> None:
    assert asked(far_sandbox.recorder.requests, "") == [("POST", "login")]
    cart = cart_with(far_sandbox, (VATICAN_MUSEUMS_UUID, 1))
    await call(far_client, "get_customer_schema", cart_uuid=cart)
    assert far_sandbox.recorder.count("POST", "/login") == 1


async def test_a_stdio_server_logs_in_while_it_starts_and_only_once(era: str) -> None:
    with SandboxServer(**PARTNER) as sandbox, tempfile.TemporaryFile("w+") as errlog:
        params = stdio_params(
            sandbox, "--client-id", PARTNER["client_id"],
            env={"MUSEMENT_CLIENT_SECRET": PARTNER["client_secret"], "MUSEMENT_LOG_LEVEL": "DEBUG"},
        )  # fmt: skip
        async with Client(stdio_client(params, errlog=errlog), mode=era) as client:
            await call(client, "get_cart", cart_uuid=sandbox.BASE_CART_UUID)
            await call(client, "get_customer_schema", cart_uuid=sandbox.BASE_CART_UUID)
        errlog.seek(0)
        logged = errlog.read()
    # The login begun in a thread at start-up, and its token adopted: no second login.
    assert "logged in to Musement while the server was starting" in logged
    assert sandbox.recorder.count("POST", "/login") == 1
    tokens = {r.header("Authorization") for r in sandbox.recorder.requests[1:]}
    assert len(tokens) == 1
    assert PARTNER["client_secret"] not in logged


async def test_a_login_ahead_that_fails_does_not_stop_the_server(
    era: str, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="musement_mcp")
    wrong = {**PARTNER, "client_secret": "not-the-partner-secret"}
    with SandboxServer(**PARTNER) as sandbox:
        async with Client(build_server(settings_for(sandbox, **wrong)), mode=era) as client:
            await logged_in(sandbox)
            assert (await client.list_tools()).tools
            result = await client.call_tool("get_cart", {"cart_uuid": sandbox.BASE_CART_UUID})
            assert error_of(result)["type"] == "unauthorized"
    assert "could not log in to Musement ahead" in caplog.text
    assert "not-the-partner-secret" not in caplog.text


async def test_get_cart_reads_in_two_rounds_then_one(
    far_client: Client, far_sandbox: SandboxServer
) -> None:
    cart = cart_with(far_sandbox, (PARTICIPANTS_ACTIVITY_UUID, 2), (VATICAN_MUSEUMS_UUID, 1))
    far_sandbox.recorder.clear()
    overview = await call(far_client, "get_cart", cart_uuid=cart)
    tour, museum = (item["cart_item_uuid"] for item in overview["items"])
    first, second = rounds(far_sandbox.recorder.requests)
    assert sorted(asked(first, cart)) == [
        ("GET", "cart"),
        ("GET", "customer/schema"),
        ("GET", "order-info"),
    ]
    assert sorted(asked(second, cart)) == sorted(
        ("GET", f"items/{item}/participants{part}")
        for item in (tour, museum)
        for part in ("", "/schema")
    )

    # Again: the items are known, so one round. The customer schema is read once more
    # beside the same items (two agreeing reads make it trusted); the participants forms
    # were read for these very items; nothing about the item that needs no participants.
    far_sandbox.recorder.clear()
    await call(far_client, "get_cart", cart_uuid=cart)
    [again] = rounds(far_sandbox.recorder.requests)
    assert sorted(asked(again, cart)) == [
        ("GET", "cart"),
        ("GET", "customer/schema"),
        ("GET", f"items/{tour}/participants"),
        ("GET", "order-info"),
    ]
    far_sandbox.recorder.clear()
    await call(far_client, "get_cart", cart_uuid=cart)
    [third] = rounds(far_sandbox.recorder.requests)
    assert sorted(asked(third, cart)) == [
        ("GET", "cart"),
        ("GET", f"items/{tour}/participants"),
        ("GET", "order-info"),
    ]

    # The participants form get_cart just read is served as is.
    far_sandbox.recorder.clear()
    form = await call(far_client, "get_participants_schema", cart_uuid=cart, cart_item_uuid=tour)
    assert form["quantity"] == 2 and len(far_sandbox.recorder) == 0


async def test_a_kept_customer_schema_holds_until_the_cart_changes(
    far_client: Client, far_sandbox: SandboxServer
) -> None:
    cart = cart_with(far_sandbox, (VATICAN_MUSEUMS_UUID, 1))
    for _ in range(2):  # two reads beside the same items agree: the schema is trusted
        far_sandbox.recorder.clear()
        await call(far_client, "get_customer_schema", cart_uuid=cart)
        [together] = rounds(far_sandbox.recorder.requests)
        assert sorted(asked(together, cart)) == [("GET", "cart"), ("GET", "customer/schema")]
    far_sandbox.recorder.clear()
    form = await call(far_client, "get_customer_schema", cart_uuid=cart)
    # The cart alone: it says the kept schema still holds.
    assert asked(far_sandbox.recorder.requests, cart) == [("GET", "cart")]
    assert not any(f["path"].startswith("extra_customer_data") for f in form["fields"])

    far_sandbox.state.add_item(
        far_sandbox.state.carts[cart], product_id_of(SANDBOX_TEST_ACTIVITY_UUID), 1
    )
    far_sandbox.recorder.clear()
    form = await call(far_client, "get_customer_schema", cart_uuid=cart)
    assert asked(far_sandbox.recorder.requests, cart) == [
        ("GET", "cart"),
        ("GET", "customer/schema"),
    ]
    assert any(f["path"].startswith("extra_customer_data") for f in form["fields"])


async def test_a_refusal_after_a_cached_check_is_explained_by_the_current_form(
    sandbox: SandboxServer, era: str
) -> None:
    cart = cart_with(sandbox, (VATICAN_MUSEUMS_UUID, 1), (SANDBOX_TEST_ACTIVITY_UUID, 1))
    answers = {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "1234567890", "s_74380": "Hotel"}}
    customer = {**GRACE, "events_related_newsletter": "NO", "extra_customer_data": answers}
    async with Client(build_server(settings_for(sandbox)), mode=era) as client:
        await call(client, "get_customer_schema", cart_uuid=cart)
        stored = sandbox.state.carts[cart]
        before = dict(stored.customer)
        with sandbox.state.lock:  # the activity leaves the cart after its form was read
            stored.items[:] = stored.items[:1]
        result = await client.call_tool(
            "update_cart_customer", {"cart_uuid": cart, "customer": customer}
        )
    error = error_of(result)
    assert error["type"] == "validation_failed"
    assert error["message"].startswith("Musement refused the customer: the cart changed")
    assert error["details"][0]["path"].startswith("extra_customer_data")
    assert stored.customer == before


async def test_an_item_removed_since_the_last_read_costs_no_extra_round(
    far_client: Client, far_sandbox: SandboxServer
) -> None:
    cart = cart_with(far_sandbox, (PARTICIPANTS_ACTIVITY_UUID, 2), (VATICAN_MUSEUMS_UUID, 1))
    first = await call(far_client, "get_cart", cart_uuid=cart)
    tour = first["items"][0]["cart_item_uuid"]
    stored = far_sandbox.state.carts[cart]
    with far_sandbox.state.lock:
        stored.items[:] = stored.items[1:]  # the tour leaves the cart
    far_sandbox.recorder.clear()
    overview = await call(far_client, "get_cart", cart_uuid=cart)
    # Its participants were asked for beside the cart (it was known), answered 404, and
    # were dropped with it: no second round, no second cart read, nothing unknown.
    [only] = rounds(far_sandbox.recorder.requests)
    assert asked(only, cart).count(("GET", "cart")) == 1
    assert ("GET", f"items/{tour}/participants") in asked(only, cart)
    assert [item["activity_uuid"] for item in overview["items"]] == [VATICAN_MUSEUMS_UUID]
    assert overview["unknown"] == [] and overview["missing"]["participants"] == []
