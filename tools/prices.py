"""Prices as Musement documents them, and the amount a customer is charged.

A price is `{currency, value, formatted_value, formatted_iso_value}` ("Cart prices",
"Order prices" in the booking-flow guide). A cart has `full_price` (before
discounts), `total_discount` and `retail_price`: what is charged. An order has
`total_price` and `discount_amount`. Amounts shown to the user are written here
from the numeric `value` and the ISO `currency`, never taken from upstream text.
"""

from __future__ import annotations

import math
import re

from .json_types import JSONObject, JSONValue
from .models import Money

_CURRENCY = re.compile(r"[A-Z]{3}", re.ASCII)


def money(raw: JSONValue) -> Money | None:
    """A documented price object as `Money`, or None when its value or currency is not
    usable (a missing price is unknown, never zero)."""
    if not isinstance(raw, dict):
        return None
    value, currency = raw.get("value"), raw.get("currency")
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    if not isinstance(currency, str) or not _CURRENCY.fullmatch(currency):
        return None
    cents = round(value * 100)
    return Money(value=cents / 100, currency=currency, text=f"{cents / 100:.2f} {currency}")


def money_text(raw: JSONValue) -> str | None:
    """A documented price object as `39.00 EUR` (from its numbers), or None."""
    amount = money(raw)
    return amount.text if amount else None


def times(unit: Money | None, count: int) -> Money | None:
    """`count` times `unit` (a line's total from its unit price), or None when unknown."""
    if unit is None:
        return None
    return money({"value": unit.value * count, "currency": unit.currency})


def cart_charge(cart: JSONObject) -> dict[str, Money | None]:
    """The cart's charged amount (`retail_price`), its price before discounts
    (`full_price`) and its discount (`total_discount`)."""
    return {
        "charged": money(cart.get("retail_price")),
        "before_discount": money(cart.get("full_price")),
        "discount": money(cart.get("total_discount")),
    }


def order_charge(order: JSONObject) -> dict[str, Money | None]:
    """The order's charged amount (`total_price`) and its discount (`discount_amount`)."""
    return {
        "charged": money(order.get("total_price")),
        "discount": money(order.get("discount_amount")),
    }
