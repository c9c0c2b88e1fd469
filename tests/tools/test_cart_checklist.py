"""get_cart's checklist from one round of reads, without any request (`cart.checklist`)."""

from __future__ import annotations

from musement_mcp.tools import compile_schema
from musement_mcp.tools.cart import CartRead, ItemRead, checklist
from musement_mcp.tools.cart_items import items_of
from musement_mcp.tools.errors import UpstreamUnavailable

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
