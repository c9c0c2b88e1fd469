"""A locked cart (423) explained by the order that holds it.

The cart's order comes from `GET /carts/{cartUuid}/order-info` (`MusementClient.
get_order_info`: Musement documents `{order_uuid, payment: {paid, status}}`, and a
404 code "1400", "Cart does not have an associated order", for a cart without one),
so the agent can tell the user "this cart is already order X, paid" instead of
"start again".
"""

from __future__ import annotations

from .errors import CartLocked, MusementError
from .problems import problem
from .upstream import MusementClient


async def explained(client: MusementClient, cart_uuid: str, locked: CartLocked) -> CartLocked:
    """The locked-cart error with the order that holds the cart, when Musement says."""
    try:
        order = await client.get_order_info(cart_uuid)
    except MusementError:
        order = None
    if order is None:
        return locked
    paid = "paid" if order.paid else "not paid yet"
    state = f"{paid}, payment status {order.payment_status}" if order.payment_status else paid
    return CartLocked(
        f"This cart is already order {order.order_uuid} ({state}); it can no longer change.",
        status=locked.status,
        code=locked.code,
        hint="Tell the user this cart is already that order. get_order shows its items, "
        "status and what happens next; nothing on this cart can change any more.",
        details=[
            problem(
                "cart_uuid",
                "locked_by_order",
                "belongs to an order",
                order_uuid=order.order_uuid,
                paid=order.paid,
                payment_status=order.payment_status,
            )
        ],
    )
