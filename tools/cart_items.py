"""Reading a cart's items, as Musement documents them (and no more).

Musement documents a cart item as `{uuid, status, quantity, product: {id, type,
title, ...}}` (POST /carts/{cartUuid}/items, booking-flow guide "add items").
The activity an item belongs to is not a documented field of its own: an
order item names it in `product.title` and its UUID only inside
`product.api_url` (`.../activities/{activityUuid}`, booking-flow guide "order /
create"). So the activity UUID is read from `product.activity_uuid` where an
answer has it, else from `product.api_url`; the name from `product.title`.
Either may be missing: callers fall back to the activity UUID.
"""

from __future__ import annotations

import re

from .arguments import is_uuid
from .cache import Fingerprint
from .errors import MusementError
from .json_types import JSONObject, object_at
from .models import CartItemView
from .prices import money
from .text import shown_text
from .upstream import MusementClient

_ACTIVITY_IN_URL = re.compile(
    r"/activities/([0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})"
    r"(?:[/?#]|$)",
    re.ASCII,
)
# Musement documents at most 100 items a cart (booking-flow guide "add items").
MAX_CART_ITEMS = 100


def items_of(cart: JSONObject) -> list[CartItemView]:
    """The cart's items whose UUID is a UUID (so it may enter a URL), at most 100."""
    raw_items = cart.get("items")
    if not isinstance(raw_items, list):
        return []
    items = [cart_item(raw) for raw in raw_items[:MAX_CART_ITEMS] if isinstance(raw, dict)]
    return [item for item in items if is_uuid(item.cart_item_uuid)]


def activity_names(cart: JSONObject) -> dict[str, str]:
    """Activity UUID → the name the cart's items give it, where both are known."""
    return {
        item.activity_uuid: item.activity_title
        for item in items_of(cart)
        if item.activity_uuid and item.activity_title
    }


def fingerprint(items: list[CartItemView]) -> Fingerprint:
    """What a cart's schemas depend on: its items (which activity, how many tickets)."""
    return tuple(
        sorted(
            (item.cart_item_uuid, item.activity_uuid or "", str(item.quantity)) for item in items
        )
    )


async def fetch_activity_names(client: MusementClient, cart_uuid: str) -> dict[str, str]:
    """The activities' names from the cart, or none if it cannot be read: names are
    labels, never a reason to fail a call."""
    try:
        return activity_names(await client.get_cart(cart_uuid))
    except MusementError:
        return {}


# The only status with which an item can be ordered ("PREBOOK_OK" / "PREBOOK_KO" in the
# reference; the checkout guide: go on only when every item is PREBOOK_OK).
PREBOOK_OK = "PREBOOK_OK"


def cart_item(raw: JSONObject) -> CartItemView:
    """One item of Musement's cart answer, as we show it (participants not yet read)."""
    product = object_at(raw, "product")
    quantity = raw.get("quantity")
    return CartItemView(
        cart_item_uuid=str(raw.get("uuid", "")).lower(),
        activity_uuid=_activity_uuid(product),
        # Supplier text: bounded and cleaned before it reaches anyone.
        activity_title=shown_text(product.get("title")),
        quantity=quantity if isinstance(quantity, int) and quantity >= 0 else None,
        status=shown_text(raw.get("status"), 40),
        unit_price=money(product.get("retail_price")),
    )


def _activity_uuid(product: JSONObject) -> str | None:
    given = product.get("activity_uuid")
    if isinstance(given, str) and is_uuid(given):
        return given.lower()
    url = product.get("api_url")
    found = _ACTIVITY_IN_URL.search(url) if isinstance(url, str) else None
    return found.group(1).lower() if found else None
