"""In-memory carts and orders of one sandbox instance, guarded by a lock.

Handlers run on the server's event loop while tests read the same state from their own
thread, so every access goes through `SandboxState.lock`.
"""

from __future__ import annotations

import datetime as dt
import itertools
import threading
import uuid
from dataclasses import dataclass, field
from typing import Any

from .catalog import PRODUCTS, Product
from .markets import Country

# A cart item once added: "status": "PREBOOK_OK"
# (https://partner-api.musement.com/api/booking-flow/cart/add-items).
ITEM_PREBOOK_OK = "PREBOOK_OK"
# Orders and their items are created PENDING; instant-confirmation items go OK after payment,
# and the order follows once every item is confirmed
# (https://partner-api.musement.com/api/partner/booking-flow/order/create,
# https://partner-api.musement.com/api/booking-flow/order/status/).
ORDER_PENDING = "PENDING"
ORDER_OK = "OK"
# `payment.status` of GET /carts/{cartUuid}/order-info, a lower-case vocabulary of its own
# (https://partner-api.musement.com/reference/openapi/carts-misc/get/carts/cartuuid/order-info.md):
# a new order is "created" (a guess among the enum's values); paying it closes it, the state the
# documented 423 message names ("Cart is already connected to order with state 'closed'").
PAYMENT_CREATED = "created"
PAYMENT_CLOSED = "closed"
# "A cart can hold a maximum of 100 items" (https://partner-api.musement.com/api/booking-flow/cart/add-items).
MAX_CART_ITEMS = 100


@dataclass
class CartItem:
    uuid: str
    product_id: str
    quantity: int
    # What the last valid PUT participants stored: one object per participant, or nothing yet.
    participants: list[dict[str, Any]] = field(default_factory=list)
    # PREBOOK_OK, or PREBOOK_KO for an item the supplier refused (set by tests).
    status: str = ITEM_PREBOOK_OK

    @property
    def product(self) -> Product:
        return PRODUCTS[self.product_id]

    @property
    def activity_uuid(self) -> str:
        return self.product.activity_uuid

    @property
    def total(self) -> float:
        return self.product.activity.price * self.quantity


@dataclass
class Cart:
    uuid: str
    items: list[CartItem] = field(default_factory=list)
    # Base fields by name plus "extra_customer_data": {activity uuid: {question: value}}.
    customer: dict[str, Any] = field(default_factory=dict)
    # The market's country at the last customer update; Musement derives `country` itself.
    customer_country: Country | None = None
    order_uuid: str | None = None
    # What a partner's setup adds to this cart's customer form (set by tests): by key, the
    # served property, merged into a standard base field's or a field of its own (asked
    # after the standard ones, optional, text written and never echoed).
    custom_base_fields: dict[str, dict[str, Any]] = field(default_factory=dict)

    def item(self, item_uuid: str) -> CartItem | None:
        return next((item for item in self.items if item.uuid == item_uuid), None)

    def activity_uuids(self) -> list[str]:
        """Activities in the cart, in order of first appearance, without repeats."""
        return list(dict.fromkeys(item.activity_uuid for item in self.items))

    @property
    def total(self) -> float:
        return sum(item.total for item in self.items)


@dataclass
class OrderItem:
    uuid: str
    transaction_code: str
    cart_item: CartItem
    status: str = ORDER_PENDING


@dataclass
class Order:
    uuid: str
    identifier: str
    cart: Cart
    date: str
    market: str
    items: list[OrderItem]
    email_notification: str | None = None
    extra_data: str | None = None
    affiliate: str | None = None
    affiliate_channel: str | None = None
    status: str = ORDER_PENDING
    paid: bool = False
    payment_status: str = PAYMENT_CREATED

    @property
    def total(self) -> float:
        return self.cart.total


class SandboxState:
    def __init__(self, *, pending_orders_lock_cart: bool = True) -> None:
        self.lock = threading.RLock()
        # False: only a paid order locks its cart (see `is_locked`).
        self.pending_orders_lock_cart = pending_orders_lock_cart
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

    def order_of(self, cart: Cart) -> Order | None:
        with self.lock:
            return self.orders.get(cart.order_uuid or "")

    def is_locked(self, cart: Cart) -> bool:
        """Whether the cart's customer, participants and items can no longer change.

        The docs name one locking state: 423 "Cart is already connected to order with state
        'closed'", described as "cart cannot be modified due to connected order status"
        (https://partner-api.musement.com/reference/tag/Customer-info/,
        https://partner-api.musement.com/reference/openapi/customer-info/put/carts/cartuuid/items/cartitemuuid/participants.md).
        Whether a PENDING order already locks is not documented; the message reads like a
        template filled with the order's state, and the docs advise creating an order only when
        payment is about to happen. So the sandbox takes the less convenient reading: any order
        locks its cart (still answering the documented message, 'closed' included).

        With `pending_orders_lock_cart=False`, the other reading of that documented unknown:
        a PENDING, unpaid order leaves its cart open, so a second POST /orders makes a second
        order (the cart then names the newest). It is the least convenient plausible choice
        for a client that must never place two orders, which is what it is there to test.
        """
        with self.lock:
            order = self.order_of(cart)
            if order is None:
                return False
            return self.pending_orders_lock_cart or order.paid

    def add_item(
        self, cart: Cart, product_id: str, quantity: int, item_uuid: str | None = None
    ) -> CartItem:
        with self.lock:
            item = CartItem(item_uuid or str(uuid.uuid4()), product_id, quantity)
            cart.items.append(item)
            return item

    def create_order(
        self,
        cart: Cart,
        order_uuid: str | None = None,
        *,
        market: str = "us",
        email_notification: str | None = None,
        extra_data: str | None = None,
        affiliate: str | None = None,
        affiliate_channel: str | None = None,
    ) -> Order:
        """A PENDING, unpaid order of the cart, with the optional fields of the request."""
        with self.lock:
            number = next(self._order_numbers)
            order = Order(
                uuid=order_uuid or str(uuid.uuid4()),
                identifier=f"MUS{number:07d}",
                cart=cart,
                date=dt.datetime.now(dt.UTC).strftime("%Y-%m-%dT%H:%M:%S+0000"),
                market=market,
                items=[
                    OrderItem(str(uuid.uuid4()), str(uuid.uuid4()), item) for item in cart.items
                ],
                email_notification=email_notification,
                extra_data=extra_data,
                affiliate=affiliate,
                affiliate_channel=affiliate_channel,
            )
            self.orders[order.uuid] = order
            cart.order_uuid = order.uuid
            return order

    def get_order(self, order_uuid: str) -> Order | None:
        with self.lock:
            return self.orders.get(order_uuid)

    def pay(self, order: Order) -> Order:
        """Mark the order paid and closed: its (instant-confirmation) items go OK, which gives
        them vouchers, then the order does."""
        with self.lock:
            order.paid = True
            order.payment_status = PAYMENT_CLOSED
            for item in order.items:
                item.status = ORDER_OK
            order.status = ORDER_OK
            return order
