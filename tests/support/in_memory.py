"""The sandbox in memory: its Starlette app behind an httpx2 transport, no socket, no thread.

The domain (tools/) takes its HTTP transport as an argument (`MusementClient(config,
transport=...)`), so its tests talk to the sandbox's app in the test's own event loop: a
request costs what the app costs, and a wait in the app (`latency`, a `delay` fault) is a
wait on the event loop's clock, which a test may replace (`VIRTUAL_CLOCK` below).

`SandboxTransport` behaves as the network would where the domain can tell: a request's read
timeout is enforced (httpx2 enforces it in the network backend, which ASGITransport has not),
and a connection the app drops mid-answer (the `drop` fault) is a `RemoteProtocolError`.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx2
from starlette.applications import Starlette

from musement_mcp.sandbox import create_app
from musement_mcp.sandbox.app import API_PREFIX, SandboxAccess
from musement_mcp.sandbox.faults import DroppedConnection
from musement_mcp.sandbox.seed import BASE_CART_UUID, EXTRA_DATA_CART_UUID, LOCKED_CART_UUID
from musement_mcp.tools import MusementClient, MusementConfig
from tests.support.common import TEST_APPLICATION

# No request leaves the process: the host is only a name in the URLs.
IN_MEMORY_URL = "http://sandbox.invalid"


def virtual_clock_backend() -> tuple[str, dict[str, Any]]:
    """An `anyio_backend` whose clock jumps ahead whenever every task waits (trio's
    MockClock with autojump): sleeps, backoffs, timeouts and the sandbox's latency take no
    wall time, and their order is kept. For tests whose subject is time (retries, budgets,
    rounds of reads); they must not wait on a thread or a socket, which the jump ignores."""
    import trio.testing

    return ("trio", {"clock": trio.testing.MockClock(autojump_threshold=0)})


class SandboxTransport(httpx2.AsyncBaseTransport):
    """httpx2's ASGITransport on a sandbox app, with a read timeout and dropped connections
    as the network shows them."""

    def __init__(self, app: Starlette) -> None:
        self._asgi = httpx2.ASGITransport(app=app)

    async def handle_async_request(self, request: httpx2.Request) -> httpx2.Response:
        timeouts = request.extensions.get("timeout", {})
        read = timeouts.get("read")
        try:
            with anyio.fail_after(read):
                return await self._asgi.handle_async_request(request)
        except TimeoutError as exc:
            raise httpx2.ReadTimeout("timed out (in memory)", request=request) from exc
        except DroppedConnection as exc:
            raise httpx2.RemoteProtocolError(
                "peer closed connection without sending complete message body", request=request
            ) from exc


class InMemorySandbox(SandboxAccess):
    """A freshly seeded sandbox app (`create_app` arguments), reached through `transport()`;
    `state`, `recorder` and `faults` as on `SandboxServer`."""

    BASE_CART_UUID = BASE_CART_UUID
    EXTRA_DATA_CART_UUID = EXTRA_DATA_CART_UUID
    LOCKED_CART_UUID = LOCKED_CART_UUID
    base_url = IN_MEMORY_URL + API_PREFIX

    def __init__(self, app: Starlette | None = None, **create_app_arguments: Any) -> None:
        self.app = app if app is not None else create_app(**create_app_arguments)

    def transport(self) -> SandboxTransport:
        return SandboxTransport(self.app)

    def config(self, **overrides: Any) -> MusementConfig:
        return MusementConfig(
            **{"base_url": self.base_url, "application": TEST_APPLICATION, **overrides}
        )

    @asynccontextmanager
    async def client(self, **config: Any) -> AsyncIterator[MusementClient]:
        """A `MusementClient` on this sandbox (`config`: MusementConfig fields)."""
        async with MusementClient(self.config(**config), transport=self.transport()) as client:
            yield client
