"""tools/upstream/sending.py: a lane per cart (a slow cart does not hold the others) and
bodies read up to a cap."""

from __future__ import annotations

from typing import Any

import anyio
import httpx2
import pytest

from musement_mcp.sandbox import BASE_CART_UUID, EXTRA_DATA_CART_UUID
from musement_mcp.tools import (
    MusementClient,
    MusementConfig,
    UpstreamError,
    get_customer_schema,
)
from tests.support.common import TEST_APPLICATION
from tests.support.in_memory import IN_MEMORY_URL, InMemorySandbox, virtual_clock_backend

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> tuple[str, dict[str, Any]]:
    return virtual_clock_backend()


async def test_a_slow_upstream_call_does_not_block_others() -> None:
    faulty = InMemorySandbox(faults=True)
    faulty.faults.delay("GET", f"/carts/{BASE_CART_UUID}/customer/schema", 1.5)
    finished: list[str] = []
    async with faulty.client() as client:

        async def call(name: str, cart: str) -> None:
            result = await get_customer_schema(client, cart)
            finished.append(f"{name}:{'ok' if result.fields else 'error'}")

        async with anyio.create_task_group() as group:
            group.start_soon(call, "slow", BASE_CART_UUID)
            await anyio.sleep(0.1)
            group.start_soon(call, "fast", EXTRA_DATA_CART_UUID)
    assert finished == ["fast:ok", "slow:ok"]


async def test_oversized_upstream_body_is_an_upstream_error() -> None:
    # The sandbox cannot serve a 3 MiB schema: a transport-level fake can.
    def handler(request: httpx2.Request) -> httpx2.Response:
        return httpx2.Response(200, content=b'{"title": "' + b"x" * (3 * 1024 * 1024) + b'"}')

    config = MusementConfig(base_url=IN_MEMORY_URL + "/api/v3", application=TEST_APPLICATION)
    async with MusementClient(config, transport=httpx2.MockTransport(handler)) as client:
        with pytest.raises(UpstreamError) as failed:
            await get_customer_schema(client, BASE_CART_UUID)
    assert failed.value.type == "upstream_error"
    assert "larger than" in failed.value.message
