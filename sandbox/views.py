"""JSON bodies for carts, cart items, customers and orders, as Musement documents them.

Only documented fields are sent: where the docs show no field for something (an
`activity_uuid` in a cart item, say), the sandbox has none either, so clients are tested
against the least they can count on.
"""

from __future__ import annotations

from typing import Any

from .customer_fields import EXTRA_CUSTOMER_DATA
from .i18n import translate
from .state import ORDER_OK, Cart, CartItem, Order, OrderItem

JSON = dict[str, Any]
CURRENCY = "EUR"


def price(value: float, currency: str = CURRENCY) -> JSON:
    # {currency, value, formatted_value, formatted_iso_value}
    # (https://partner-api.musement.com/api/booking-flow/cart/add-items).
    return {
        "currency": currency,
        "value": round(value, 2),
        "formatted_value": f"€ {value:.2f}",
        "formatted_iso_value": f"€{value:.2f}",
    }


def activity_api_url(api_base_url: str, activity_uuid: str) -> str:
    # An order item names its activity only here: "api_url":
    # "https://sandbox.musement.com/api/v3/activities/11eeb25c-..."
    # (https://partner-api.musement.com/api/partner/booking-flow/order/create).
    return f"{api_base_url}/activities/{activity_uuid}"


def added_item_json(item: CartItem, language: str) -> JSON:
    """The answer to POST /carts/{cartUuid}/items: the first created item, exactly the
    documented fields; `product.title` is the ticket's name ("Adult ticket"), and no activity
    UUID appears (https://partner-api.musement.com/api/booking-flow/cart/add-items)."""
    product = item.product
    return {
        "uuid": item.uuid,
        "status": item.status,
        "quantity": item.quantity,
        "total_price": price(item.total),
        "total_price_without_service_fee": price(item.total),
        "product": {
            "id": product.id,
            "type": product.type,
            "title": translate(product.name, language),
            "retail_price": price(product.price),
        },
    }


def item_json(item: CartItem, language: str, api_base_url: str) -> JSON:
    """A cart item inside GET /carts/{cartUuid}.

    The docs' example of this is cut in every copy we could read
    (https://partner-api.musement.com/guide/booking-flows/adding-items-to-cart), so the item
    has the fields of an added item, and its product those an order item documents for
    naming the activity: `title` is the activity's title and `api_url` ends in
    /activities/{activityUuid} (https://partner-api.musement.com/api/partner/booking-flow/order/create).
    There is no `activity_uuid` field: no page shows one.
    """
    body = added_item_json(item, language)
    product = item.product
    body["product"] = {
        "id": product.id,
        "type": product.type,
        "title": translate(product.activity.title, language),
        "api_url": activity_api_url(api_base_url, product.activity_uuid),
        "retail_price": price(product.price),
    }
    return body


def cart_json(cart: Cart, language: str, api_base_url: str) -> JSON:
    # The price keys of "Cart prices" (https://partner-api.musement.com/api/booking-flow/cart/prices):
    # full_price before discounts, total_discount, retail_price what is charged; the sandbox
    # has no service fees, and its one discount is a promo code's. `customer` is in the
    # reference's sample (https://partner-api.musement.com/reference/3.4.0/tag/carts).
    full, discount, total = cart.full_price, cart.discount, cart.total
    body: JSON = {
        "uuid": cart.uuid,
        "items": [item_json(item, language, api_base_url) for item in cart.items],
        "full_price": price(full),
        "full_price_without_service_fee": price(full),
        # `discount` and `total_discount` both in the reference's key list; what tells them
        # apart is not documented: both carry the promo code's discount here.
        "discount": price(discount),
        "total_discount": price(discount),
        "retail_price": price(total),
        "retail_price_without_service_fee": price(total),
        "service_fee": price(0),
    }
    if cart.promo_code is not None:
        # "The response will include the code in the promo_code property"
        # (https://partner-api.musement.com/api/booking-flow/cart/promo-codes); carts without a
        # code have no such key here (its value for them is not in any page we read).
        body["promo_code"] = {"code": cart.promo_code.code}
    if cart.customer:
        body["customer"] = customer_json(cart, language)
    return body


def _php_object(value: dict[str, Any]) -> dict[str, Any] | list[Any]:
    # PHP serializes an empty associative array as `[]`, and Musement's responses show it.
    return value or []


# The Customer answered by PUT /carts/{cartUuid}/customer (and shown in a cart), field by
# field (https://partner-api.musement.com/reference/openapi/customer-info/put/carts/cartuuid/customer.md,
# https://partner-api.musement.com/reference/tag/Customer-info/; the field list past
# extra_customer_data is the one DESIGN.md gives). Of the written fields, these are echoed;
# allow_profiling, city, zipcode and tax_id are accepted and stored, never echoed.
ECHOED_FIELDS = (
    "firstname",
    "lastname",
    "email",
    "musement_newsletter",
    "thirdparty_newsletter",
    "events_related_newsletter",
    "address",
)
# Documented fields a guest checkout never sets: null (the plausible value for an unset
# field, object-valued or not).
UNSET_FIELDS = (
    "id",
    "avatar",
    "currency",
    "birthdate",
    "gender",
    "id_number",
    "mobile",
    "favourite_city",
    "locale",
)


def customer_json(cart: Cart, language: str) -> JSON:
    customer = cart.customer
    extra = {
        uuid: _php_object(answers)
        for uuid, answers in customer.get(EXTRA_CUSTOMER_DATA, {}).items()
    }
    body: JSON = {
        # "translated based on the Accept-Language header value"; derived by Musement, here
        # from the market of the last update.
        "country": cart.customer_country.to_json(language) if cart.customer_country else None,
        EXTRA_CUSTOMER_DATA: _php_object(extra),
    }
    for key in ECHOED_FIELDS:
        body[key] = customer.get(key)
    for key in UNSET_FIELDS:
        body[key] = None
    # The reference's samples list keys alphabetically.
    return dict(sorted(body.items()))


def order_json(order: Order, language: str, api_base_url: str, site_url: str) -> JSON:
    """An Order (https://partner-api.musement.com/api/partner/booking-flow/order/create):
    the same object answers POST /orders, GET /orders/{orderUuid} and POST
    /payments/no/payment (https://partner-api.musement.com/api/booking-flow/order/status/,
    https://partner-api.musement.com/reference/3.4.0/tag/payments)."""
    customer = order.cart.customer
    return {
        "identifier": order.identifier,
        "uuid": order.uuid,
        "date": order.date,
        "status": order.status,
        "market": order.market,
        "isAgency": False,
        "isPaid": order.paid,
        # The request's `extra_data` string, under both documented response keys: extraData
        # (order creation guide) and extra_data (the payments reference's Order sample).
        "extraData": order.extra_data,
        "extra_data": order.extra_data,
        "customer": {key: customer.get(key) for key in ("email", "firstname", "lastname")},
        "items": [_order_item_json(item, language, api_base_url, site_url) for item in order.items],
        # "Order prices" (https://partner-api.musement.com/api/booking-flow/order/prices):
        # total_price is what the order charges, discount_amount its discount.
        "total_price": price(order.total),
        "discount_amount": price(order.cart.discount),
    }


def _order_item_json(item: OrderItem, language: str, api_base_url: str, site_url: str) -> JSON:
    product = item.cart_item.product
    unit_price = price(product.price)
    return {
        "uuid": item.uuid,
        "transaction_code": item.transaction_code,
        "product": {
            "type": product.type,
            "max_confirmation_time": product.max_confirmation_time,
            "id": product.id,
            "title": translate(product.activity.title, language),
            "api_url": activity_api_url(api_base_url, product.activity_uuid),
            "original_retail_price": unit_price,
            "retail_price": unit_price,
            "discount_amount": price(0),
            "service_fee": price(0),
        },
        "quantity": item.cart_item.quantity,
        "status": item.status,
        # "Download URLs, populated only when the item status is OK"
        # (https://partner-api.musement.com/api/booking-flow/order/status/).
        "vouchers": (
            [{"url": f"{site_url}/voucher/view/{item.uuid}?pdf=1"}]
            if item.status == ORDER_OK
            else []
        ),
    }


def order_info_json(order: Order) -> JSON:
    # https://partner-api.musement.com/reference/openapi/carts-misc/get/carts/cartuuid/order-info.md
    return {
        "order_uuid": order.uuid,
        "payment": {"paid": order.paid, "status": order.payment_status},
    }
