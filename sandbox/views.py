"""JSON bodies for carts, cart items, customers and orders."""

from __future__ import annotations

from typing import Any

from .catalog import CATALOG
from .customer_fields import BASE_FIELDS, EXTRA_CUSTOMER_DATA
from .i18n import translate
from .state import Cart, CartItem, Order

JSON = dict[str, Any]
CURRENCY = "EUR"


def price(value: float, currency: str = CURRENCY) -> JSON:
    return {"currency": currency, "value": round(value, 2), "formatted_value": f"€ {value:.2f}"}


def item_json(item: CartItem, language: str) -> JSON:
    activity = CATALOG[item.activity_uuid]
    return {
        "uuid": item.uuid,
        "type": "musement",
        "product": {
            "type": "musement",
            "product_identifier": activity.uuid,
            "activity_uuid": activity.uuid,
            "title": translate(activity.title, language),
            "retail_price": price(activity.price),
        },
        "quantity": item.quantity,
        "total_price": price(activity.price * item.quantity),
    }


def cart_json(cart: Cart, language: str) -> JSON:
    total = sum(CATALOG[i.activity_uuid].price * i.quantity for i in cart.items)
    body: JSON = {
        "uuid": cart.uuid,
        "items": [item_json(item, language) for item in cart.items],
        "full_price": price(total),
        "discount": price(0),
        "retail_price": price(total),
        "service_fee": price(0),
    }
    if cart.customer:
        body["customer"] = customer_json(cart, language)
    return body


def _php_object(value: dict[str, Any]) -> dict[str, Any] | list[Any]:
    # PHP serializes an empty associative array as `[]`, and Musement's responses show it.
    return value or []


def customer_json(cart: Cart, language: str) -> JSON:
    customer = cart.customer
    extra = {
        uuid: _php_object(answers)
        for uuid, answers in customer.get(EXTRA_CUSTOMER_DATA, {}).items()
    }
    body: JSON = {
        "country": cart.customer_country.to_json(language) if cart.customer_country else None,
        EXTRA_CUSTOMER_DATA: _php_object(extra),
    }
    for base_field in BASE_FIELDS:
        body[base_field.key] = customer.get(base_field.key)
    return dict(sorted(body.items()))


def order_json(order: Order, cart: Cart, language: str) -> JSON:
    return {
        "uuid": order.uuid,
        "identifier": order.identifier,
        "cart_uuid": order.cart_uuid,
        "status": order.status,
        "customer": customer_json(cart, language),
        "items": [item_json(item, language) for item in cart.items],
        "total_price": cart_json(cart, language)["retail_price"],
    }
