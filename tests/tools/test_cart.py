"""tools/cart.py: get_cart's reads (what is asked of Musement, in how many rounds, issue 17;
an item whose reads fail, issue 14: the domain on the sandbox in memory, on a virtual clock)
and its checklist from one round of reads, without any request (`cart.checklist`)."""

from __future__ import annotations

from typing import Any

import pytest

from musement_mcp.sandbox import (
    PARTICIPANTS_ACTIVITY_UUID,
    PARTICIPANTS_CART_ITEM_UUIDS,
    PARTICIPANTS_CART_UUID,
    VATICAN_MUSEUMS_UUID,
)
from musement_mcp.tools import (
    RateLimited,
    SchemaCache,
    compile_schema,
    get_cart,
    get_participants_schema,
)
from musement_mcp.tools.cart import CartRead, ItemRead, checklist
from musement_mcp.tools.cart_items import items_of
from musement_mcp.tools.errors import UpstreamUnavailable
from tests.support.in_memory import InMemorySandbox, virtual_clock_backend
from tests.support.reads import HOLD, asked, cart_with, rounds

ITEM = "0b4ad2f4-4a36-4d0a-9a54-2c8d1f8e2a11"
SCHEMA = {
    "title": "cart_customer_guest",
    "type": "object",
    "properties": {
        "firstname": {"type": "string", "title": "First name", "propertyOrder": 1},
        "allow_profiling": {"type": "string", "enum": ["YES", "NO"], "propertyOrder": 2},
    },
    "required": ["firstname", "allow_profiling"],
}
PRICE = {"value": 50.0, "currency": "EUR"}


def cart(status: str = "PREBOOK_OK", customer: dict[str, str] | None = None) -> dict[str, object]:
    return {
        "items": [{"uuid": ITEM, "status": status, "quantity": 2, "product": {"title": "Tour"}}],
        "customer": customer or {},
        "retail_price": PRICE,
    }


def read(raw: dict[str, object], **overrides: object) -> CartRead:
    fields: dict[str, object] = {
        "cart_uuid": "c7a6f5de-0f6b-4e12-9c1e-2a9e3b1d4f00",
        "cart": raw,
        "items": items_of(raw),
        "customer_schema": compile_schema(SCHEMA),
        "item_reads": {},
        "order": None,
    }
    fields.update(overrides)
    return CartRead(**fields)  # type: ignore[arg-type]


def test_what_is_missing_and_what_is_never_shown() -> None:
    overview = checklist(read(cart(), item_reads={ITEM: ItemRead(None)}))
    assert [p["path"] for p in overview.missing.customer] == ["firstname"]
    assert [f.path for f in overview.not_shown] == ["allow_profiling"]
    assert overview.total == "50.00 EUR"
    assert not overview.ready_for_order


def test_the_checklist_leaves_out_what_other_results_say() -> None:
    """A base field by path and kind (its title is in get_customer_schema); an activity's
    question, whose path ends in a code, with its title and activity; a message only where
    the kind is not `required`."""
    activity = "a2b4c6d8-1e2f-11e7-9cc9-06a7e332783f"
    question = {"type": "string", "title": "Pickup hotel", "propertyOrder": 1}
    extra = {
        "type": "object",
        "properties": {"s_52210": question},
        "required": ["s_52210"],
    }
    schema = {
        **SCHEMA,
        "properties": {
            **SCHEMA["properties"],  # type: ignore[dict-item]
            "email": {"type": "string", "format": "email", "title": "Email", "propertyOrder": 3},
            "extra_customer_data": {
                "type": "object",
                "properties": {activity: extra},
                "required": [activity],
            },
        },
    }
    raw = cart(customer={"email": "not an email"})
    # The item names its activity: the question's group is that name, not the UUID.
    raw["items"] = [{"uuid": ITEM, "status": "PREBOOK_OK", "quantity": 1,
                     "product": {"title": "Vatican tour", "activity_uuid": activity}}]  # fmt: skip
    overview = checklist(
        read(
            raw,
            item_reads={ITEM: ItemRead(None)},
            customer_schema=compile_schema(schema),
        )
    )
    by_path = {p["path"]: p for p in overview.missing.customer}
    assert by_path["firstname"] == {"path": "firstname", "kind": "required"}
    assert by_path["email"] == {
        "path": "email",
        "kind": "bad_format",
        "message": "must be a valid email address",
        "format": "email",
    }
    asked = by_path[f"extra_customer_data.{activity}.s_52210"]
    assert (asked["kind"], asked["title"], asked["group"]) == (
        "required",
        "Pickup hotel",
        "Vatican tour",
    )
    assert "message" not in asked


def test_a_complete_cart_is_ready_and_an_unknown_order_is_not() -> None:
    done = cart(customer={"firstname": "Ada"})
    reads = {ITEM: ItemRead(None)}
    assert checklist(read(done, item_reads=reads)).ready_for_order
    unknown = checklist(read(done, item_reads=reads, order=UpstreamUnavailable("down")))
    assert [part.part for part in unknown.unknown] == ["order"]
    assert not unknown.ready_for_order


def test_an_item_not_prebooked_blocks_the_order() -> None:
    done = cart(status="PREBOOK_KO", customer={"firstname": "Ada"})
    overview = checklist(read(done, item_reads={ITEM: ItemRead(None)}))
    assert [item.status for item in overview.missing.items] == ["PREBOOK_KO"]
    assert not overview.ready_for_order


# -- reads: what get_cart asks, and in how many rounds ------------------------------------


@pytest.fixture
def anyio_backend() -> tuple[str, dict[str, Any]]:
    return virtual_clock_backend()


@pytest.fixture
def far_sandbox() -> InMemorySandbox:
    """Each request held HOLD (virtual) seconds, so requests sent together overlap."""
    return InMemorySandbox(latency=HOLD)


@pytest.mark.anyio
async def test_get_cart_reads_in_two_rounds_then_one(far_sandbox: InMemorySandbox) -> None:
    cart = cart_with(far_sandbox, (PARTICIPANTS_ACTIVITY_UUID, 2), (VATICAN_MUSEUMS_UUID, 1))
    cache = SchemaCache()
    async with far_sandbox.client() as client:
        far_sandbox.recorder.clear()
        overview = (await get_cart(client, cart, cache=cache)).model_dump(mode="json")
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
        await get_cart(client, cart, cache=cache)
        [again] = rounds(far_sandbox.recorder.requests)
        assert sorted(asked(again, cart)) == [
            ("GET", "cart"),
            ("GET", "customer/schema"),
            ("GET", f"items/{tour}/participants"),
            ("GET", "order-info"),
        ]
        far_sandbox.recorder.clear()
        await get_cart(client, cart, cache=cache)
        [third] = rounds(far_sandbox.recorder.requests)
        assert sorted(asked(third, cart)) == [
            ("GET", "cart"),
            ("GET", f"items/{tour}/participants"),
            ("GET", "order-info"),
        ]

        # The participants form get_cart just read is served as is.
        far_sandbox.recorder.clear()
        form = await get_participants_schema(client, cart, tour, cache=cache)
        assert form.quantity == 2 and len(far_sandbox.recorder) == 0


@pytest.mark.anyio
async def test_an_item_removed_since_the_last_read_costs_no_extra_round(
    far_sandbox: InMemorySandbox,
) -> None:
    cart = cart_with(far_sandbox, (PARTICIPANTS_ACTIVITY_UUID, 2), (VATICAN_MUSEUMS_UUID, 1))
    cache = SchemaCache()
    async with far_sandbox.client() as client:
        first = (await get_cart(client, cart, cache=cache)).model_dump(mode="json")
        tour = first["items"][0]["cart_item_uuid"]
        stored = far_sandbox.state.carts[cart]
        with far_sandbox.state.lock:
            stored.items[:] = stored.items[1:]  # the tour leaves the cart
        far_sandbox.recorder.clear()
        overview = await get_cart(client, cart, cache=cache)
    # Its participants were asked for beside the cart (it was known), answered 404, and
    # were dropped with it: no second round, no second cart read, nothing unknown.
    [only] = rounds(far_sandbox.recorder.requests)
    assert asked(only, cart).count(("GET", "cart")) == 1
    assert ("GET", f"items/{tour}/participants") in asked(only, cart)
    assert [item.activity_uuid for item in overview.items] == [VATICAN_MUSEUMS_UUID]
    assert overview.unknown == [] and not overview.items[0].participants_missing


# -- an item whose reads fail: the rest is still shown (issue 14) --------------------------

FAILING_ITEM = PARTICIPANTS_CART_ITEM_UUIDS[0]
PARTICIPANTS_SCHEMA = f"/carts/{PARTICIPANTS_CART_UUID}/items/{FAILING_ITEM}/participants/schema"


@pytest.mark.anyio
@pytest.mark.parametrize(
    "fault",
    [
        lambda f: f.fail("GET", PARTICIPANTS_SCHEMA, 500, times=None),
        lambda f: f.rate_limit("GET", PARTICIPANTS_SCHEMA, retry_after=30, times=None),
        lambda f: f.drop("GET", PARTICIPANTS_SCHEMA, times=None),
        lambda f: f.malformed("GET", PARTICIPANTS_SCHEMA, times=None),
    ],
    ids=["500", "429", "dropped", "malformed"],
)
async def test_get_cart_shows_the_rest_when_an_item_read_fails(fault: Any) -> None:
    faulty = InMemorySandbox(faults=True)
    fault(faulty.faults)
    async with faulty.client(call_budget=3) as client:
        overview = await get_cart(client, PARTICIPANTS_CART_UUID, cache=SchemaCache())
    data = overview.model_dump(mode="json")
    assert [u["cart_item_uuid"] for u in data["unknown"]] == [FAILING_ITEM]
    (unknown,) = data["unknown"]
    assert unknown["error"]["type"] in {"upstream_unavailable", "rate_limited", "upstream_error"}
    assert unknown["error"]["type"] != "internal_error"
    assert data["ready_for_order"] is False
    assert len(data["items"]) == 3  # the other items are still shown


@pytest.mark.anyio
async def test_get_cart_types_a_failing_customer_schema() -> None:
    faulty = InMemorySandbox(faults=True)
    faulty.faults.rate_limit(
        "GET", f"/carts/{PARTICIPANTS_CART_UUID}/customer/schema", retry_after=30, times=None
    )
    async with faulty.client(call_budget=3) as client:
        with pytest.raises(RateLimited) as failed:
            await get_cart(client, PARTICIPANTS_CART_UUID, cache=SchemaCache())
    error = failed.value.to_dict()["error"]
    assert error["type"] == "rate_limited"
    assert "30" in error["hint"]  # Retry-After kept
