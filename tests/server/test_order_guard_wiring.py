"""The server's order guard, wired: MUSEMENT_REDIS_URL makes two servers (as two processes)
share create_order's placing lock, and a Redis that is down stops orders before anything is
sent. In-process MCP clients, a real redis-server, a sandbox whose pending orders leave their
cart open (so only the guard stands between two calls and two orders)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import anyio
import pytest
from mcp import Client

from musement_mcp.sandbox import VATICAN_MUSEUMS_UUID, SandboxServer, product_id_of
from musement_mcp.server import build_server
from tests.support.common import GRACE, error_of, settings_for
from tests.support.orders import confirmed_arguments
from tests.support.redis import RedisServer

pytestmark = pytest.mark.anyio


@pytest.fixture
def unlocked() -> Iterator[SandboxServer]:
    with SandboxServer(faults=True, pending_orders_lock_cart=False) as server:
        # Slow orders: the second server surely looks while the first one is placing.
        server.faults.delay("POST", "/orders", 0.3, times=None)
        yield server


async def ready_cart(client: Client, sandbox: SandboxServer) -> str:
    cart = sandbox.state.create_cart()
    sandbox.state.add_item(cart, product_id_of(VATICAN_MUSEUMS_UUID), quantity=1)
    saved = await client.call_tool(
        "update_cart_customer", {"cart_uuid": cart.uuid, "customer": GRACE}
    )
    assert not saved.is_error, saved.content[0].text
    return cart.uuid


def orders_of(sandbox: SandboxServer, cart: str) -> int:
    return sum(1 for order in sandbox.state.orders.values() if order.cart.uuid == cart)


async def test_two_servers_sharing_redis_make_one_order(
    unlocked: SandboxServer, redis_server: RedisServer
) -> None:
    settings = settings_for(unlocked, redis_url=redis_server.url)
    results: list[Any] = []
    async with (
        Client(build_server(settings)) as one,
        Client(build_server(settings)) as other,
    ):
        cart = await ready_cart(one, unlocked)

        clients = [(one, other)[index % 2] for index in range(6)]
        arguments = [await confirmed_arguments(client, cart) for client in clients]

        async def place(client: Client, confirmed: dict[str, Any]) -> None:
            results.append(await client.call_tool("create_order", confirmed))

        with anyio.fail_after(60):
            async with anyio.create_task_group() as group:
                for client, confirmed in zip(clients, arguments, strict=True):
                    group.start_soon(place, client, confirmed)
    assert orders_of(unlocked, cart) == 1
    placed = [r.structured_content for r in results if not r.is_error]
    assert [p["created"] for p in placed].count(True) == 1
    assert len({p["order"]["order_uuid"] for p in placed}) == 1
    assert all(error_of(r)["type"] == "order_busy" for r in results if r.is_error)


async def test_without_its_redis_no_order_is_sent(
    unlocked: SandboxServer, redis_server: RedisServer
) -> None:
    async with Client(build_server(settings_for(unlocked, redis_url=redis_server.url))) as client:
        cart = await ready_cart(client, unlocked)
        confirmed = await confirmed_arguments(client, cart)
        redis_server.stop()
        posts = unlocked.recorder.count("POST", "/orders")
        result = await client.call_tool("create_order", confirmed)
    error = error_of(result)
    assert error["type"] == "order_lock_unavailable"
    assert "Nothing was sent" in error["hint"] and redis_server.url not in result.content[0].text
    assert unlocked.recorder.count("POST", "/orders") == posts
    assert orders_of(unlocked, cart) == 0
