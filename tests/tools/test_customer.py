"""tools/customer.py: get_customer_schema and update_cart_customer on the sandbox in memory:
a kept schema and when it holds (issue 17), a refusal explained by the current form."""

from __future__ import annotations

from typing import Any

import pytest

from musement_mcp.sandbox import SANDBOX_TEST_ACTIVITY_UUID, VATICAN_MUSEUMS_UUID, product_id_of
from musement_mcp.tools import (
    SchemaCache,
    ValidationFailed,
    get_customer_schema,
    update_cart_customer,
)
from tests.support.common import GRACE
from tests.support.in_memory import InMemorySandbox, virtual_clock_backend
from tests.support.reads import HOLD, asked, cart_with, rounds

pytestmark = pytest.mark.anyio


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
