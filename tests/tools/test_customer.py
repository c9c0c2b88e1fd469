"""tools/customer.py: get_customer_schema and update_cart_customer on the sandbox in memory:
a kept schema and when it holds (issue 17), a refusal explained by the current form, a warm
update, and Musement's refusals as typed failures (their MCP rendering: tests/server/)."""

from __future__ import annotations

from typing import Any

import pytest

from musement_mcp.sandbox import (
    BASE_CART_UUID,
    LOCKED_CART_UUID,
    SANDBOX_TEST_ACTIVITY_UUID,
    VATICAN_MUSEUMS_UUID,
    product_id_of,
)
from musement_mcp.tools import (
    CartLocked,
    CartNotFound,
    InvalidRequest,
    MusementError,
    SchemaCache,
    ValidationFailed,
    get_customer_schema,
    update_cart_customer,
)
from tests.support.common import GRACE
from tests.support.in_memory import InMemorySandbox, virtual_clock_backend
from tests.support.people import BASE_CUSTOMER, TEST_ACTIVITY_ANSWERS
from tests.support.reads import HOLD, asked, cart_with, rounds

pytestmark = pytest.mark.anyio

TEST_ACTIVITY = SANDBOX_TEST_ACTIVITY_UUID


class TestReads:
    """What is read, and when (on a virtual clock: each request held HOLD seconds)."""

    @pytest.fixture
    def anyio_backend(self) -> tuple[str, dict[str, Any]]:
        return virtual_clock_backend()

    async def test_a_kept_customer_schema_holds_until_the_cart_changes(self) -> None:
        far_sandbox = InMemorySandbox(latency=HOLD)
        cart = cart_with(far_sandbox, (VATICAN_MUSEUMS_UUID, 1))
        cache = SchemaCache()
        async with far_sandbox.client() as client:
            for _ in range(2):  # two reads beside the same items agree: the schema is trusted
                far_sandbox.recorder.clear()
                await get_customer_schema(client, cart, cache=cache)
                [together] = rounds(far_sandbox.recorder.requests)
                assert sorted(asked(together, cart)) == [
                    ("GET", "cart"),
                    ("GET", "customer/schema"),
                ]
            far_sandbox.recorder.clear()
            form = await get_customer_schema(client, cart, cache=cache)
            # The cart alone: it says the kept schema still holds.
            assert asked(far_sandbox.recorder.requests, cart) == [("GET", "cart")]
            assert not any(f.path.startswith("extra_customer_data") for f in form.fields)

            far_sandbox.state.add_item(
                far_sandbox.state.carts[cart], product_id_of(SANDBOX_TEST_ACTIVITY_UUID), 1
            )
            far_sandbox.recorder.clear()
            form = await get_customer_schema(client, cart, cache=cache)
        assert asked(far_sandbox.recorder.requests, cart) == [
            ("GET", "cart"),
            ("GET", "customer/schema"),
        ]
        assert any(f.path.startswith("extra_customer_data") for f in form.fields)


async def test_a_refusal_after_a_cached_check_is_explained_by_the_current_form() -> None:
    sandbox = InMemorySandbox()
    cart = cart_with(sandbox, (VATICAN_MUSEUMS_UUID, 1), (SANDBOX_TEST_ACTIVITY_UUID, 1))
    answers = {SANDBOX_TEST_ACTIVITY_UUID: {"phone_number": "1234567890", "s_74380": "Hotel"}}
    customer = {**GRACE, "events_related_newsletter": "NO", "extra_customer_data": answers}
    cache = SchemaCache()
    async with sandbox.client() as client:
        await get_customer_schema(client, cart, cache=cache)
        stored = sandbox.state.carts[cart]
        before = dict(stored.customer)
        with sandbox.state.lock:  # the activity leaves the cart after its form was read
            stored.items[:] = stored.items[:1]
        with pytest.raises(ValidationFailed) as refused:
            await update_cart_customer(client, cart, customer, cache=cache)
    error = refused.value.to_dict()["error"]
    assert error["type"] == "validation_failed"
    assert error["message"].startswith("Musement refused the customer: the cart changed")
    assert error["details"][0]["path"].startswith("extra_customer_data")
    assert stored.customer == before


# -- the kept schema on writes ------------------------------------------------------------


async def test_warm_update_makes_one_upstream_request() -> None:
    sandbox = InMemorySandbox()
    cart = cart_with(sandbox, (VATICAN_MUSEUMS_UUID, 1))
    cache = SchemaCache()
    async with sandbox.client() as client:
        await get_customer_schema(client, cart, cache=cache)
        sandbox.recorder.clear()
        await update_cart_customer(client, cart, BASE_CUSTOMER, cache=cache)
    assert [(r.method, r.path.rsplit("/", 1)[-1]) for r in sandbox.recorder.requests] == [
        ("PUT", "customer")
    ]


async def test_stale_cached_schema_is_refreshed_before_blaming_input() -> None:
    sandbox = InMemorySandbox()
    cart = cart_with(sandbox, (VATICAN_MUSEUMS_UUID, 1))
    cache = SchemaCache()
    async with sandbox.client() as client:
        await get_customer_schema(client, cart, cache=cache)  # caches the base-only schema
        item_uuid = "7e57e57e-0000-4000-8000-000000000001"
        sandbox.state.add_item(
            sandbox.state.carts[cart], product_id_of(TEST_ACTIVITY), 1, item_uuid
        )
        customer = {
            **BASE_CUSTOMER,
            "extra_customer_data": {TEST_ACTIVITY: TEST_ACTIVITY_ANSWERS},
        }
        result = await update_cart_customer(client, cart, customer, cache=cache)
    assert result.mode == "full"


# -- Musement's refusals, typed -----------------------------------------------------------


def error_body(failure: MusementError) -> dict[str, Any]:
    body: dict[str, Any] = failure.to_dict()["error"]
    assert set(body) == {"type", "status", "code", "message", "hint", "details"}
    return body


async def test_missing_cart() -> None:
    missing = "00000000-0000-4000-8000-000000000404"
    async with InMemorySandbox().client() as client:
        for call in (
            get_customer_schema(client, missing),
            update_cart_customer(client, missing, BASE_CUSTOMER),
        ):
            with pytest.raises(CartNotFound) as failed:
                await call
            error = error_body(failed.value)
            assert (error["type"], error["status"], error["code"]) == (
                "cart_not_found",
                404,
                "1400",
            )
            assert "cannot create carts" in error["hint"]


async def test_locked_cart() -> None:
    async with InMemorySandbox().client() as client:
        with pytest.raises(CartLocked) as failed:
            await update_cart_customer(
                client, LOCKED_CART_UUID, {"email": "grace@example.com"}, partial=True
            )
        error = error_body(failed.value)
        assert (error["type"], error["status"], error["code"]) == ("cart_locked", 423, "-1")
        # Explained by the order that holds the cart (GET /carts/{c}/order-info).
        assert "This cart is already order" in error["message"]
        (held,) = error["details"]
        assert (held["kind"], held["paid"]) == ("locked_by_order", True)
        assert held["payment_status"] == "closed"
        assert "get_order" in error["hint"]
        # Reading a locked cart's schema still works.
        assert (await get_customer_schema(client, LOCKED_CART_UUID)).fields


async def test_unknown_market_is_an_invalid_request() -> None:
    async with InMemorySandbox().client(market="zz") as client:
        with pytest.raises(InvalidRequest) as failed:
            await get_customer_schema(client, BASE_CART_UUID)
    error = error_body(failed.value)
    assert (error["type"], error["status"], error["code"]) == ("invalid_request", 400, "-1")
    assert "Unknown market code was provided." in error["message"]
    assert "MUSEMENT_MARKET" in error["hint"]


async def test_missing_application_header_is_an_invalid_request() -> None:
    async with InMemorySandbox().client(application=None) as client:
        with pytest.raises(InvalidRequest) as failed:
            await get_customer_schema(client, BASE_CART_UUID)
    error = error_body(failed.value)
    assert (error["type"], error["code"]) == ("invalid_request", "2271")
