"""tools/upstream/endpoints.py: the endpoints as MusementClient calls, on the sandbox in memory:
what each sends, what it answers typed, and which are never retried. An httpx MockTransport
only for answers the sandbox never gives (a 2xx order-info without an order, a bare list)."""

from __future__ import annotations

from typing import Any

import httpx2
import pytest

from musement_mcp.sandbox import LOCKED_ORDER_UUID, ROME_GUIDED_TOUR_UUID
from musement_mcp.tools import MusementClient, MusementConfig
from musement_mcp.tools.errors import UpstreamError, UpstreamUnavailable
from musement_mcp.tools.upstream.endpoints import DAY_VERSION, at_least
from tests.support.in_memory import IN_MEMORY_URL, InMemorySandbox, virtual_clock_backend

pytestmark = pytest.mark.anyio


@pytest.fixture
def anyio_backend() -> tuple[str, dict[str, Any]]:
    return virtual_clock_backend()  # retries and their backoff take no wall time


def test_the_later_of_two_versions() -> None:
    assert at_least("3.4.0", DAY_VERSION) == DAY_VERSION
    assert at_least("3.10.0", "3.5.0") == "3.10.0"  # compared as numbers, not text
    assert at_least("3.5.0", "3.5.0") == "3.5.0"
    assert at_least("latest", "3.5.0") == "3.5.0"  # unreadable: older


async def test_the_carts_order_typed_or_none() -> None:
    sandbox = InMemorySandbox()
    async with sandbox.client() as client:
        order = await client.get_order_info(sandbox.LOCKED_CART_UUID)
        assert order is not None
        assert (order.order_uuid, order.paid, order.payment_status) == (
            LOCKED_ORDER_UUID,
            True,
            "closed",
        )
        assert await client.get_order_info(sandbox.BASE_CART_UUID) is None  # no order: 404


async def test_a_days_options_are_asked_in_a_version_that_has_their_limits() -> None:
    sandbox = InMemorySandbox()
    async with sandbox.client(version="3.4.0") as client:
        await client.get_activity_day(ROME_GUIDED_TOUR_UUID, "2030-01-05", {})
        await client.get_activity(ROME_GUIDED_TOUR_UUID)
    day, activity = sandbox.recorder.requests
    assert day.header("X-Musement-Version") == DAY_VERSION
    assert activity.header("X-Musement-Version") == "3.4.0"


async def test_what_could_make_a_second_order_or_cart_is_never_retried() -> None:
    sandbox = InMemorySandbox(faults=True)
    sandbox.faults.fail("*", "*", 503, times=None)
    async with sandbox.client() as client:
        with pytest.raises(UpstreamUnavailable):
            await client.create_order({"cart_uuid": sandbox.BASE_CART_UUID})
        with pytest.raises(UpstreamUnavailable):
            await client.create_cart(None)
        assert len(sandbox.recorder.requests) == 2
        with pytest.raises(UpstreamUnavailable):
            await client.get_cart(sandbox.BASE_CART_UUID)  # a read is retried
    assert len(sandbox.recorder.requests) == 2 + client.config.max_attempts


async def test_an_activitys_missing_part_is_none() -> None:
    sandbox = InMemorySandbox()
    async with sandbox.client() as client:
        assert await client.get_activity_part(ROME_GUIDED_TOUR_UUID, "pickups") == []
        # 404: "nothing of the kind", documented for these parts.
        missing = "00000000-0000-4000-8000-000000000000"
        assert await client.get_activity_part(missing, "refund-policies") is None


def mocked(answers: dict[str, Any]) -> MusementClient:
    """A client whose every request to a path ending with a key answers its value (200)."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        body = next(v for k, v in answers.items() if request.url.path.endswith(k))
        return httpx2.Response(200, json=body)

    config = MusementConfig(base_url=IN_MEMORY_URL + "/api/v3", application="t")
    return MusementClient(config, transport=httpx2.MockTransport(answer))


async def test_answers_the_sandbox_never_gives() -> None:
    cart = "c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00"
    async with mocked(
        {
            "order-info": {"order_uuid": "../x", "payment": {"paid": True}},
            "/activities": [{"uuid": ROME_GUIDED_TOUR_UUID}],
            f"/carts/{cart}": ["not", "an", "object"],
        }
    ) as client:
        # A 2xx naming no order is unknown, not "no order" (that could make a second one).
        with pytest.raises(UpstreamError, match="without an order UUID"):
            await client.get_order_info(cart)
        found = await client.search_activities({"text": "Rome"})
        assert found == {"data": [{"uuid": ROME_GUIDED_TOUR_UUID}]}  # a bare list: no count
        with pytest.raises(UpstreamError, match="the cart"):
            await client.get_cart(cart)
