"""Upstream faults: retries, the call budget, typed errors, and a server that keeps serving."""

from __future__ import annotations

import time

import anyio
import httpx2
import pytest
from mcp import Client

from musement_mcp.sandbox import BASE_CART_UUID, SandboxServer
from musement_mcp.server import build_server
from tests.support.common import GRACE, error_of, settings_for

pytestmark = pytest.mark.anyio

SCHEMA = "/carts/*/customer/schema"
CUSTOMER_PUT = "/carts/*/customer"


def schema_gets(sandbox: SandboxServer) -> int:
    return sandbox.recorder.count("GET", f"/carts/{BASE_CART_UUID}/customer/schema")


async def get_schema(sandbox: SandboxServer, era: str = "auto", **settings):
    async with Client(build_server(settings_for(sandbox, **settings)), mode=era) as client:
        return await client.call_tool("get_customer_schema", {"cart_uuid": BASE_CART_UUID})


@pytest.mark.parametrize(
    "arm",
    [
        lambda f: f.fail("GET", SCHEMA, 502),
        lambda f: f.fail("GET", SCHEMA, 503),
        lambda f: f.fail("GET", SCHEMA, 504),
        lambda f: f.rate_limit("GET", SCHEMA, retry_after=1),
        lambda f: f.drop("GET", SCHEMA),
        lambda f: f.delay("GET", SCHEMA, 3),
    ],
    ids=["502", "503", "504", "429", "dropped", "timeout"],
)
async def test_transient_faults_are_retried(faulty_sandbox, era, arm) -> None:
    arm(faulty_sandbox.faults)
    result = await get_schema(faulty_sandbox, era, timeout=0.5)
    assert not result.is_error, result.content[0].text
    assert schema_gets(faulty_sandbox) == 2


@pytest.mark.parametrize(
    ("arm", "expected"),
    [
        (lambda f: f.fail("GET", SCHEMA, 503, times=None), ("upstream_unavailable", 503)),
        (lambda f: f.drop("GET", SCHEMA, times=None), ("upstream_unavailable", None)),
        (lambda f: f.delay("GET", SCHEMA, 3, times=None), ("upstream_unavailable", None)),
        (lambda f: f.rate_limit("GET", SCHEMA, 1, times=None), ("rate_limited", 429)),
    ],
    ids=["503", "dropped", "timeout", "429"],
)
async def test_lasting_faults_end_in_a_typed_error_within_the_budget(
    faulty_sandbox, arm, expected
) -> None:
    arm(faulty_sandbox.faults)
    started = time.monotonic()
    result = await get_schema(faulty_sandbox, timeout=0.2, call_budget=1.5)
    elapsed = time.monotonic() - started
    error = error_of(result)
    assert (error["type"], error["status"]) == expected
    assert 2 <= schema_gets(faulty_sandbox) <= 4  # retried, and bounded by max_attempts
    # A correctness bound (the budget is a hard stop), with room for a slow machine.
    assert elapsed < 1.5 + 3


@pytest.mark.parametrize(
    ("arm", "expected"),
    [
        (lambda f: f.fail("GET", SCHEMA, 500, times=None), ("upstream_unavailable", 500)),
        (lambda f: f.malformed("GET", SCHEMA, times=None), ("upstream_error", 200)),
    ],
    ids=["500", "malformed"],
)
async def test_faults_that_a_repeat_would_not_fix_are_not_retried(
    faulty_sandbox, era, arm, expected
) -> None:
    arm(faulty_sandbox.faults)
    error = error_of(await get_schema(faulty_sandbox, era))
    assert (error["type"], error["status"]) == expected
    assert schema_gets(faulty_sandbox) == 1


async def test_retry_after_beyond_the_budget_is_reported_at_once(faulty_sandbox) -> None:
    faulty_sandbox.faults.rate_limit("GET", SCHEMA, retry_after=60, times=None)
    error = error_of(await get_schema(faulty_sandbox, call_budget=5))
    assert error["type"] == "rate_limited"
    assert "wait 60 s" in error["hint"]
    assert schema_gets(faulty_sandbox) == 1


async def test_put_is_retried_and_stored_once(faulty_sandbox, era) -> None:
    sandbox = faulty_sandbox
    headers = {"X-Musement-Application": "t"}
    cart = httpx2.post(f"{sandbox.base_url}/carts", headers=headers).json()["uuid"]
    sandbox.faults.fail("PUT", CUSTOMER_PUT, 503)
    async with Client(build_server(settings_for(sandbox)), mode=era) as client:
        result = await client.call_tool(
            "update_cart_customer", {"cart_uuid": cart, "customer": GRACE}
        )
    assert not result.is_error, result.content[0].text
    assert sandbox.recorder.count("PUT", f"/carts/{cart}/customer") == 2
    assert sandbox.state.carts[cart].customer["lastname"] == "Hopper"


async def test_a_slow_upstream_call_does_not_block_others(faulty_sandbox) -> None:
    faulty_sandbox.faults.delay("GET", f"/carts/{BASE_CART_UUID}/customer/schema", 1.5)
    finished: list[str] = []
    async with Client(build_server(settings_for(faulty_sandbox))) as client:

        async def call(name: str, cart: str) -> None:
            result = await client.call_tool("get_customer_schema", {"cart_uuid": cart})
            finished.append(f"{name}:{'error' if result.is_error else 'ok'}")

        async with anyio.create_task_group() as group:
            group.start_soon(call, "slow", BASE_CART_UUID)
            await anyio.sleep(0.1)
            group.start_soon(call, "fast", faulty_sandbox.EXTRA_DATA_CART_UUID)
    assert finished == ["fast:ok", "slow:ok"]


async def test_oversized_upstream_body_is_an_upstream_error() -> None:
    # The sandbox cannot serve a 3 MiB schema: a transport-level fake can.
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=b'{"title": "' + b"x" * (3 * 1024 * 1024) + b'"}')

    with SandboxServer() as sandbox:
        server = build_server(
            settings_for(sandbox), upstream_transport=httpx2.MockTransport(handler)
        )
        async with Client(server) as client:
            result = await client.call_tool("get_customer_schema", {"cart_uuid": BASE_CART_UUID})
    error = error_of(result)
    assert error["type"] == "upstream_error"
    assert "larger than" in error["message"]
