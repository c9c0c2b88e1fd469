"""In-memory carts and orders of one sandbox instance, guarded by a lock.

Handlers run on the server's event loop while tests read the same state from their own
thread, so every access goes through `SandboxState.lock`.
"""

from __future__ import annotations

import itertools
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from .markets import Country

# Orders are created closed (the sandbox has no payment step), which locks their cart.
ORDER_STATE_CLOSED = "closed"


@dataclass
class CartItem:
    uuid: str
    activity_uuid: str
    quantity: int
    # What the last valid PUT participants stored: one object per participant, or nothing yet.
    participants: list[dict[str, Any]] = field(default_factory=list)


@dataclass
class Cart:
    uuid: str
    items: list[CartItem] = field(default_factory=list)
    # Base fields by name plus "extra_customer_data": {activity uuid: {question: value}}.
    customer: dict[str, Any] = field(default_factory=dict)
    # The market's country at the last customer update; Musement derives `country` itself.
    customer_country: Country | None = None
    order_uuid: str | None = None

    def item(self, item_uuid: str) -> CartItem | None:
        return next((item for item in self.items if item.uuid == item_uuid), None)

    def activity_uuids(self) -> list[str]:
        """Activities in the cart, in order of first appearance, without repeats."""
        return list(dict.fromkeys(item.activity_uuid for item in self.items))


@dataclass
class Order:
    uuid: str
    identifier: str
    cart_uuid: str
    status: str = ORDER_STATE_CLOSED


class SandboxState:
    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.carts: dict[str, Cart] = {}
        self.orders: dict[str, Order] = {}
        self._order_numbers = itertools.count(1)

    def create_cart(self, cart_uuid: str | None = None) -> Cart:
        with self.lock:
            cart = Cart(uuid=cart_uuid or str(uuid.uuid4()))
            self.carts[cart.uuid] = cart
            return cart

    def get_cart(self, cart_uuid: str) -> Cart | None:
        with self.lock:
            return self.carts.get(cart_uuid)

    def is_locked(self, cart: Cart) -> bool:
        with self.lock:
            order = self.orders.get(cart.order_uuid or "")
            return order is not None and order.status == ORDER_STATE_CLOSED

    def add_item(
        self, cart: Cart, activity_uuid: str, quantity: int, item_uuid: str | None = None
    ) -> CartItem:
        with self.lock:
            item = CartItem(item_uuid or str(uuid.uuid4()), activity_uuid, quantity)
            cart.items.append(item)
            return item

    def create_order(self, cart: Cart, order_uuid: str | None = None) -> Order:
        with self.lock:
            number = next(self._order_numbers)
            order = Order(
                uuid=order_uuid or str(uuid.uuid4()),
                identifier=f"MUS{number:07d}",
                cart_uuid=cart.uuid,
            )
            self.orders[order.uuid] = order
            cart.order_uuid = order.uuid
            return order
