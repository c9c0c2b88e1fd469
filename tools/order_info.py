"""Which order holds a cart, from `GET /carts/{cartUuid}/order-info`.

Musement documents `{order_uuid, payment: {paid, status}}`, and a 404 code
"1400" ("Cart does not have an associated order") for a cart without one
(API reference, carts-misc, order-info). A locked cart (423) is explained by
its order here, so the agent can tell the user "this cart is already order X,
paid" instead of "start again".
"""

from __future__ import annotations

from typing import Any

from .arguments import is_uuid
from .client import MusementClient
from .errors import CartLocked, CartNotFound, MusementError, UpstreamError
from .text import shown_text


async def order_of(client: MusementClient, cart_uuid: str) -> dict[str, Any] | None:
    """`{order_uuid, paid, payment_status}` of the cart's order, or None without one.

    Only call it for a cart known to exist: its 404 means "no order" (the unknown cart
    answers 404 too, and the wording is not a contract).
    """
    try:
        info = await client.get_order_info(cart_uuid)
    except CartNotFound:
        return None
    order_uuid = info.get("order_uuid")
    payment: dict[str, Any] = info["payment"] if isinstance(info.get("payment"), dict) else {}
    if not isinstance(order_uuid, str) or not is_uuid(order_uuid):
        # A 2xx naming no order: unknown, not "no order" (that would risk a second one).
        raise UpstreamError("Musement answered the cart's order info without an order UUID.")
    status = payment.get("status")
    return {
        "order_uuid": order_uuid.lower(),
        "paid": payment.get("paid") is True,
        # Musement's word, shown in results and in the locked-cart message: cleaned, short.
        "payment_status": shown_text(status, 40),
    }


async def explained(client: MusementClient, cart_uuid: str, locked: CartLocked) -> CartLocked:
    """The locked-cart error with the order that holds the cart, when Musement says."""
    try:
        order = await order_of(client, cart_uuid)
    except MusementError:
        order = None
    if order is None:
        return locked
    paid = "paid" if order["paid"] else "not paid yet"
    state = f"{paid}, payment status {order['payment_status']}" if order["payment_status"] else paid
    return CartLocked(
        f"This cart is already order {order['order_uuid']} ({state}); it can no longer change.",
        status=locked.status,
        code=locked.code,
        hint="Tell the user this cart is already that order. get_order shows its items, "
        "status and what happens next; nothing on this cart can change any more.",
        details=[
            {
                "path": "cart_uuid",
                "kind": "locked_by_order",
                "message": "belongs to an order",
                **order,
            }
        ],
    )
