"""tools/prices.py: Musement's price objects as `Money`, written from the numeric `value` and
the ISO `currency` (never from Musement's formatted text); a price that cannot be read is
unknown (None), never zero."""

from __future__ import annotations

import pytest

from musement_mcp.tools.prices import cart_charge, money, money_text, order_charge, times


def price(value: object, currency: object = "EUR", **extra: object) -> dict[str, object]:
    return {"value": value, "currency": currency, **extra}


def test_an_amount_is_written_from_its_numbers_not_from_upstream_text() -> None:
    amount = money(price(39, formatted_value="€ 1.000.000,00", formatted_iso_value="x"))
    assert amount is not None
    assert (amount.value, amount.currency, amount.text) == (39.0, "EUR", "39.00 EUR")
    assert money_text(price(0)) == "0.00 EUR"  # a free ticket is known, and zero


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (19.999, "20.00 EUR"),  # to the cent
        (0.1 + 0.2, "0.30 EUR"),  # no binary noise
        (1234567.5, "1234567.50 EUR"),
        (-5, "-5.00 EUR"),  # the sign is Musement's: kept, not made positive
    ],
)
def test_amounts_are_rounded_to_the_cent(value: float, text: str) -> None:
    assert money_text(price(value)) == text


@pytest.mark.parametrize(
    "raw",
    [
        None,
        [],
        "39.00 EUR",
        {},
        price(None),
        price("39.00"),  # a number as text is not read: the field is numeric
        price(True),
        price(float("nan")),
        price(float("inf")),
        price(39, None),
        price(39, "eur"),
        price(39, "EURO"),
        price(39, "€"),
        price(39, "ÉUR"),
    ],
)
def test_an_unreadable_price_is_unknown_never_zero(raw: object) -> None:
    assert money(raw) is None
    assert money_text(raw) is None


def test_a_lines_total_is_its_unit_price_times_the_tickets() -> None:
    unit = money(price(19.99))
    total = times(unit, 3)
    assert total is not None and total.text == "59.97 EUR" and total.currency == "EUR"
    assert times(money(price(0.1)), 3) == money(price(0.3))
    assert times(None, 3) is None


def test_a_carts_and_an_orders_charge() -> None:
    cart = {
        "full_price": price(100),
        "total_discount": price(10),
        "retail_price": price(90, formatted_value="€ 0.00"),
        "discount": price(999),  # not the documented field for the cart's discount
    }
    charge = cart_charge(cart)
    assert {k: v.text if v else None for k, v in charge.items()} == {
        "charged": "90.00 EUR",
        "before_discount": "100.00 EUR",
        "discount": "10.00 EUR",
    }
    assert cart_charge({}) == {"charged": None, "before_discount": None, "discount": None}
    order = order_charge({"total_price": price(90), "discount_amount": price(10, "USD")})
    assert order["charged"] == money(price(90))
    assert order["discount"] is not None and order["discount"].currency == "USD"
    assert order_charge({"retail_price": price(90)})["charged"] is None
