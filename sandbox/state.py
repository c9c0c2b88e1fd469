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

from .catalog import Product
from .markets import Country
from .offers import find_product

# A cart item once added: "status": "PREBOOK_OK"
# (https://partner-api.musement.com/api/booking-flow/cart/add-items).
ITEM_PREBOOK_OK = "PREBOOK_OK"
# The other documented item status: the guide says go on only when every item is PREBOOK_OK.
ITEM_PREBOOK_KO = "PREBOOK_KO"
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


@dataclass(frozen=True)
class PromoCode:
    """A promo code the sandbox accepts in POST /carts `discount_code`
    (https://partner-api.musement.com/api/booking-flow/cart/promo-codes); how much it takes off
    is not documented: here a percentage of the cart's items."""

    code: str
    percent: float


# The one valid code; any other is ignored (see api.create_cart).
SANDBOX_PROMO_CODE = PromoCode("SANDBOX10", 10.0)
PROMO_CODES = {SANDBOX_PROMO_CODE.code: SANDBOX_PROMO_CODE}


@dataclass
class CartItem:
    uuid: str
    product_id: str
    quantity: int
    # What the last valid PUT participants stored: one object per participant, or nothing yet.
    participants: list[dict[str, Any]] = field(default_factory=list)
    # PREBOOK_OK, or PREBOOK_KO for an item the supplier refused (a catalog option that
    # always refuses, listings.py, or set by tests).
    status: str = ITEM_PREBOOK_OK
    # As added: a two-letter language code and a pickup point UUID, when the product has them.
    language: str | None = None
    pickup: str | None = None
    # The timeslot whose seats the item holds (offers.Offer.slot_key); None: no seat count.
    slot_key: str | None = None

    @property
    def product(self) -> Product:
        product = find_product(self.product_id)
        assert product is not None, f"unknown product {self.product_id!r}"
        return product

    @property
    def activity_uuid(self) -> str:
        return self.product.activity_uuid

    @property
    def total(self) -> float:
        return self.product.price * self.quantity


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
    # The promo code given at creation, if the sandbox accepts it.
    promo_code: PromoCode | None = None

    def item(self, item_uuid: str) -> CartItem | None:
        return next((item for item in self.items if item.uuid == item_uuid), None)

    def activity_uuids(self) -> list[str]:
        """Activities in the cart, in order of first appearance, without repeats."""
        return list(dict.fromkeys(item.activity_uuid for item in self.items))

    @property
    def full_price(self) -> float:
        """Before discounts: the items' prices."""
        return sum(item.total for item in self.items)

    @property
    def discount(self) -> float:
        if self.promo_code is None:
            return 0.0
        return round(self.full_price * self.promo_code.percent / 100, 2)

    @property
    def total(self) -> float:
        """What the cart charges: full price less the discount."""
        return round(self.full_price - self.discount, 2)


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
        # Seats held in catalog timeslots by cart items, by slot key (offers.Offer.slot_key).
        self.seats_taken: dict[str, int] = {}

    def create_cart(
        self, cart_uuid: str | None = None, promo_code: PromoCode | None = None
    ) -> Cart:
        with self.lock:
            cart = Cart(uuid=cart_uuid or str(uuid.uuid4()), promo_code=promo_code)
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
        self,
        cart: Cart,
        product_id: str,
        quantity: int,
        item_uuid: str | None = None,
        *,
        status: str = ITEM_PREBOOK_OK,
        language: str | None = None,
        pickup: str | None = None,
        slot_key: str | None = None,
    ) -> CartItem:
        """Add an item as is (the API checks it first); it holds its seats in `slot_key`."""
        with self.lock:
            item = CartItem(
                item_uuid or str(uuid.uuid4()),
                product_id,
                quantity,
                status=status,
                language=language,
                pickup=pickup,
                slot_key=slot_key,
            )
            cart.items.append(item)
            if slot_key is not None:
                self.seats_taken[slot_key] = self.seats_taken.get(slot_key, 0) + quantity
            return item

    def remove_item(self, cart: Cart, item: CartItem) -> None:
        """Remove an item from its cart and give its seats back."""
        with self.lock:
            cart.items.remove(item)
            if item.slot_key is not None:
                self.seats_taken[item.slot_key] -= item.quantity

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
