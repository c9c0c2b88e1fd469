"""No request holds the event loop (issue 24): while one client sends a hostile input, or
the upstream answers one, another client's `tools/list` is served.

A ticker task on the loop sleeps 10 ms at a time and records the longest gap between two
ticks: that is the longest the loop was held. The bound is generous (a loaded two-core
machine); before these checks were linear, each input below held the loop for seconds
(sizes chosen so: 30,000 dots in an email ~5 s, a 27-character answer to a supplier's
`([A-Za-z ]+)*` ~7 s, a 60 KB run in an upstream message ~5 s), at full size for tens.
"""

from __future__ import annotations

import json
import time
from collections.abc import Awaitable, Callable
from typing import Any

import anyio
import httpx2
import pytest
from mcp import Client

from musement_mcp.server import build_server, load_settings
from musement_mcp.tools import MusementConfig
from tests.support.common import GRACE, error_of
from tests.support.schemas import ACTIVITY, MUSEMENT_SCHEMA

pytestmark = pytest.mark.anyio

STALL_BOUND = 2.0  # seconds
TICK = 0.01
# Bounds the test if a call never returns; it cannot cut a stall short.
CALL_TIMEOUT = 120
CART = "5b4f4c8c-3b2a-4d7e-9f00-2a9e3b1d4f00"
HOSTILE_PATTERN = "([A-Za-z ]+)*"


async def loop_stalls(
    server: Any, call: Callable[[Client], Awaitable[Any]]
) -> tuple[Any, float, float]:
    """`call`'s result, the loop's longest stall while it ran, and the longest another
    client calling `tools/list` over and over waited between two answers (seconds)."""
    longest = slowest = 0.0
    done, ticking, answering = anyio.Event(), anyio.Event(), anyio.Event()

    async def ticker() -> None:
        nonlocal longest
        last = time.perf_counter()
        while not done.is_set():
            await anyio.sleep(TICK)
            now = time.perf_counter()
            longest, last = max(longest, now - last), now
            ticking.set()

    async def other_client(other: Client) -> None:
        # From one answer to the next: a call sent during a stall waits for it to end.
        nonlocal slowest
        last = time.perf_counter()
        while True:  # one more answer once `call` is done: a stall may have just ended
            await other.list_tools()
            now = time.perf_counter()
            slowest, last = max(slowest, now - last), now
            answering.set()
            if done.is_set():
                break
            await anyio.sleep(TICK)

    async with Client(server) as hostile, Client(server) as other:
        await other.list_tools()
        async with anyio.create_task_group() as tasks:
            tasks.start_soon(ticker)
            tasks.start_soon(other_client, other)
            # Both are measuring before the call starts.
            await ticking.wait()
            await answering.wait()
            try:
                with anyio.fail_after(CALL_TIMEOUT):
                    result = await call(hostile)
            finally:
                done.set()
    return result, longest, slowest


def assert_never_held(longest: float, slowest: float) -> None:
    assert longest < STALL_BOUND, f"the event loop was held for {longest:.1f} s"
    assert slowest < STALL_BOUND, f"another client waited {slowest:.1f} s for tools/list"


def upstream(schema: dict[str, Any], put: httpx2.Response | None = None) -> httpx2.MockTransport:
    """A fake Musement for what the sandbox cannot serve: a supplier's own pattern, a huge
    error body. It serves `schema`, an empty cart, and answers PUT with `put`."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        path = request.url.path.removeprefix("/api/v3")
        if request.method == "GET" and path == f"/carts/{CART}/customer/schema":
            return httpx2.Response(200, json=schema)
        if request.method == "GET" and path == f"/carts/{CART}":
            return httpx2.Response(200, json={"uuid": CART, "items": []})
        if request.method == "PUT" and put is not None:
            return put
        return httpx2.Response(404, json={"code": "1400", "message": "Resource does not exist"})

    return httpx2.MockTransport(answer)


def faked(transport: httpx2.MockTransport) -> Any:
    settings = load_settings(base_url="http://musement.invalid/api/v3", application="t")
    return build_server(settings, upstream_transport=transport)


async def test_a_hostile_email_does_not_hold_the_loop(settings, make_cart) -> None:
    cart = make_cart()
    arguments = {
        "cart_uuid": cart,
        "customer": {"email": "a@" + "." * 30_000 + " "},
        "partial": True,
    }
    result, longest, slowest = await loop_stalls(
        build_server(settings), lambda c: c.call_tool("update_cart_customer", arguments)
    )
    assert [d["path"] for d in error_of(result)["details"]] == ["email"]
    assert_never_held(longest, slowest)


async def test_a_hostile_supplier_pattern_does_not_hold_the_loop() -> None:
    schema = json.loads(json.dumps(MUSEMENT_SCHEMA))
    questions = schema["properties"]["extra_customer_data"]["properties"][ACTIVITY]
    questions["properties"]["hotel"] = {
        "type": "string",
        "title": "Hotel",
        "attr": {"pattern": HOSTILE_PATTERN},
    }
    answers = {"extra_customer_data": {ACTIVITY: {"hotel": "A" * 27 + "1"}}}
    arguments = {"cart_uuid": CART, "customer": answers, "partial": True}
    result, longest, slowest = await loop_stalls(
        faked(upstream(schema)), lambda c: c.call_tool("update_cart_customer", arguments)
    )
    (problem,) = error_of(result)["details"]
    assert problem["path"] == f"extra_customer_data.{ACTIVITY}.hotel"
    assert_never_held(longest, slowest)


async def test_a_two_mib_upstream_error_does_not_hold_the_loop() -> None:
    # The customer quoted back, a run without "@" (what made redaction quadratic), then
    # words up to just under the 2 MiB the client reads at most.
    message = "Hopper " + "x" * 60_000 + " "
    most = MusementConfig.max_response_bytes
    message += "refused " * ((most - 4096 - len(message)) // 8)
    put = httpx2.Response(400, json={"code": "0", "message": message})
    customer = {key: GRACE[key] for key in ("firstname", "lastname", "email")}
    arguments = {"cart_uuid": CART, "customer": customer, "partial": True}
    result, longest, slowest = await loop_stalls(
        faked(upstream(MUSEMENT_SCHEMA, put)),
        lambda c: c.call_tool("update_cart_customer", arguments),
    )
    error = error_of(result)
    assert error["status"] == 400 and len(error["message"]) < 1000
    assert "Hopper" not in error["message"] and "[redacted]" in error["message"]
    assert_never_held(longest, slowest)
